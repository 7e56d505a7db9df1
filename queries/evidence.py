"""Evidence and problems: the sentences behind the figures.

`evidence` returns the source sentences (with report, region, year and section role) behind a
measure, an indicator, a measure × indicator pair, a measure × measure pair, an initiative or a
problem. For a measure × indicator pair the rows are exactly the units `measure-indicator` counts
as holding both at the same level, so the number of distinct (report, sentence | section) in the
answer equals its `both`. For a measure × measure pair there is one row per (report, section)
holding both (at report level: per report), since the store keeps one sentence per mention edge.

`problems` lists the weaknesses reports admit alongside each measure: Problem statements with a
CONCERNS edge to the measure, and mentions of the measure inside a problems section.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict

import numpy as np

from govkg.errors import QueryError
from graph.schema import split_ids
from graph.store import GraphStore, Table
from queries.catalog import Param, register
from queries.incidence import ROLES, Incidence, get_incidence, parse_level, parse_roles, read_columns
from queries.stats import SMALL_SAMPLE, group_positions, rnd

# For the reports the incidence names. Written as one MATCH with both lists in its WHERE: as
# `UNWIND $reports … MATCH (r:Report {id: rid})-[e:MENTIONS]->(m) WHERE m.id IN $ids` LadybugDB
# scans every MENTIONS edge of the store (0.5 s and ~1 GB of page cache at 100,000 reports,
# against 25 ms and nothing for this form).
MENTIONS_OF = ("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) WHERE r.id IN $reports AND m.id IN $ids "
               "RETURN r.id AS report, m.id AS measure, m.name AS name, e.role AS role, e.section AS section, "
               "e.sentence_ids AS sentence_ids, e.sentence_id AS sentence_id, e.evidence AS sentence, "
               "e.span_start AS span_start, e.span_end AS span_end, e.surface AS surface")
# The indicator test comes after the report match (WITH): filtering on it in the same MATCH makes
# LadybugDB scan every outcome (≈ 300 ms at 10,000 reports instead of ≈ 10 ms).
OUTCOMES_OF = ("MATCH (r:Report)-[:REPORTS]->(o:Outcome) WHERE r.id IN $reports "
               "WITH r, o WHERE o.indicator IN $names RETURN r.id AS report, o.indicator AS indicator, o.role AS role, o.section AS section, "
               "o.sentence_id AS sentence_id, o.sentence AS sentence, o.evidence AS clause, o.value AS value, "
               "o.unit AS unit, o.is_target AS is_target, o.span_start AS span_start, o.span_end AS span_end")
PROMOTES_OF = ("MATCH (r:Report)-[e:PROMOTES]->(i:Initiative) WHERE i.id IN $ids "
               "RETURN r.id AS report, i.id AS initiative, e.role AS role, e.section AS section, "
               "e.sentence_id AS sentence_id, e.evidence AS sentence, e.span_start AS span_start, "
               "e.span_end AS span_end")
PROBLEMS_LIKE = ("MATCH (p:Problem) WHERE p.text CONTAINS $text OPTIONAL MATCH (p)-[:CONCERNS]->(m:Measure) "
                 "RETURN p.report AS report, p.id AS id, p.text AS text, p.section AS section, "
                 "p.sentence_id AS sentence_id, p.span_start AS span_start, p.span_end AS span_end, m.id AS measure")
# The sentences of the mentions in problems sections: read once (per store version) when first
# asked for, kept with the incidence.
PROBLEM_SECTION_MENTIONS = ("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) WHERE e.role = $role "
                            "RETURN r.id AS report, m.id AS measure, e.evidence AS text, e.section AS section")

EVIDENCE_COLUMNS = ["kind", "subject", "report", "region", "year", "role", "section", "sentence_id", "sentence",
                    "span_start", "span_end", "value", "unit", "detail"]


class _Scope:
    """Which reports and roles a row must belong to."""

    def __init__(self, inc: Incidence, role: str, region: str, years: str):
        self.inc = inc
        self.roles = set(parse_roles(role))
        self.mask = inc.report_mask(region, years)
        self.rix = inc.report_index

    def keep(self, report: str, role: str | None) -> bool:
        r = self.rix.get(report)
        if r is None or (self.mask is not None and not self.mask[r]):
            return False
        return not self.roles or (role or "other") in self.roles

    def where(self, report: str) -> tuple[str, int | None]:
        r = self.rix[report]
        return self.inc.region_name(r), int(self.inc.year[r]) or None


def _row(scope: _Scope, kind, subject, d: dict, sentence, value=None, unit=None, detail="") -> list:
    region, year = scope.where(d["report"])
    return [kind, subject, d["report"], region, year, d.get("role") or "other", d.get("section"),
            d.get("sentence_id"), sentence, d.get("span_start"), d.get("span_end"), value, unit, detail]


@register("evidence", "证据 Evidence",
          "source sentences behind a measure, an indicator, a measure × indicator pair, an initiative or a problem",
          Param("measure", str, "", "measure id, name or part of a name"),
          Param("indicator", str, "", "indicators whose name contains this (with measure: the pair)"),
          Param("with_measure", str, "", "a second measure (with measure: where the two are mentioned together)"),
          Param("initiative", str, "", "initiatives whose name contains this"),
          Param("problem", str, "", "problem statements containing this"),
          Param("level", str, "sentence", "for a pair: same sentence | section | report"),
          Param("role", str, "", "section roles (comma list; empty: all)"),
          Param("region", str, "", "region name or adcode, with everything under it (empty: all)"),
          Param("years", str, "", "a year (2021) or range (2019-2022); empty: all"),
          Param("limit", int, 50, "most rows (0: all)"))
def evidence(store: GraphStore, measure: str, indicator: str, with_measure: str, initiative: str, problem: str,
             level: str, role: str, region: str, years: str, limit: int) -> Table:
    inc = get_incidence(store)
    scope = _Scope(inc, role, region, years)
    level = parse_level(level)
    rows: list[list] = []
    if with_measure:
        if not measure or indicator:
            raise QueryError("with_measure pairs a second measure with `measure`: give measure= and no indicator=")
        return _measure_pair(store, inc, scope, level, measure, with_measure, limit)
    if not (measure or indicator or initiative or problem):
        # nothing named: the measure mentioned by the most reports
        x = inc.report_measures()
        if x.shape[1] and x.nnz:
            measure = inc.measure_ids[int(np.argmax(np.asarray(x.sum(axis=0)).ravel()))]
    if initiative:
        ids = [i for i in inc.initiative_ids if initiative in i]
        for d in store.read(PROMOTES_OF, {"ids": ids}).records():
            if scope.keep(d["report"], d["role"]):
                rows.append(_row(scope, "initiative", d["initiative"], d, d["sentence"]))
    if problem:
        for d in store.read(PROBLEMS_LIKE, {"text": problem}).records():
            if scope.keep(d["report"], "problems"):
                rows.append(_row(scope, "problem", d["id"], {**d, "role": "problems"}, d["text"],
                                 detail=f"concerns {d['measure']}" if d["measure"] else ""))
    m_idx = inc.resolve_measures(measure) if measure else []
    i_idx = inc.resolve_indicators(indicator) if indicator else []
    if measure and not m_idx:
        raise QueryError(f"no measure matches {measure!r}; `govkg query measures` lists them")
    mids, inds = [inc.measure_ids[i] for i in m_idx], [inc.indicator_ids[i] for i in i_idx]
    # the reports that can contribute, in order; every one gives at least one row, so `limit` of them suffice
    cand = _candidate_reports(inc, scope, level, m_idx, i_idx, pair=bool(measure and indicator))
    more = bool(limit and len(cand) > limit)
    ids = [inc.report_ids[r] for r in (cand[:limit] if limit else cand)]
    pair = bool(mids and indicator)
    if pair and level == "sentence":
        # the sentences holding the measure come from the incidence: no need to read the mentions
        mentions = _sentence_mentions(inc, scope, cand[:limit] if limit else cand, m_idx)
    else:
        mentions = [d for d in store.read(MENTIONS_OF, {"reports": ids, "ids": mids}).records()
                    if scope.keep(d["report"], d["role"])] if mids and ids else []
    outcomes = [d for d in store.read(OUTCOMES_OF, {"reports": ids, "names": inds}).records()
                if scope.keep(d["report"], d["role"])] if inds and ids else []
    if pair:
        rows += _pair_rows(scope, level, mentions, outcomes)
    else:
        for d in mentions:
            sents = split_ids(d["sentence_ids"])
            rows.append(_row(scope, "measure", f"{d['measure']} {d['name']}", d, d["sentence"],
                             detail=f"sentences {','.join(map(str, sents))}; surface {d['surface'] or ''}"))
        for d in outcomes:
            rows.append(_row(scope, "target" if d["is_target"] else "outcome", d["indicator"], d, d["sentence"],
                             d["value"], d["unit"], detail=d["clause"] or ""))
    rows.sort(key=lambda r: (r[2], r[7] if r[7] is not None else -1, r[0], r[1], r[6] if r[6] is not None else -1))
    truncated = more or bool(limit and len(rows) > limit)
    return Table(EVIDENCE_COLUMNS, rows[:limit] if limit else rows, truncated)


def _candidate_reports(inc: Incidence, scope: "_Scope", level: str, m_idx: list[int], i_idx: list[int],
                       pair: bool, m2_idx: list[int] | None = None) -> np.ndarray:
    """Sorted indexes of the reports in scope holding the measure, the indicator, or (pair) both
    together at the level, in sections of the roles asked for. With `m2_idx` (pair): the measures
    of `m_idx` together with those of `m2_idx`."""
    if not m_idx and not i_idx:
        return np.zeros(0, dtype=np.int64)
    ctx = inc.contexts(level if pair else "report", tuple(sorted(scope.roles)))
    n = ctx.measures.shape[0]
    units = np.zeros(n, dtype=bool) if not pair else np.ones(n, dtype=bool)
    for key, x, cols in (("m_csc", ctx.measures, m_idx), ("m_csc", ctx.measures, m2_idx or []),
                         ("i_csc", ctx.indicators, i_idx)):
        if cols:  # the units holding any of the columns, read from the (cached) column-major copy
            xc = ctx.remember(key, x.tocsc)
            has = np.zeros(n, dtype=bool)
            for c in cols:
                has[xc.indices[xc.indptr[c]:xc.indptr[c + 1]]] = True
            units = (units & has) if pair else (units | has)
    reps = np.unique(ctx.report[units])
    if scope.mask is not None:
        reps = reps[scope.mask[reps]]
    return reps


def _measure_pair(store: GraphStore, inc: Incidence, scope: "_Scope", level: str, measure: str, other: str,
                  limit: int) -> Table:
    """Where two measures are mentioned together: one row per (report, section) holding both
    (sentence level: in one sentence at least; report level: one row per report).

    The reports come from the incidence, at most `limit` of them, so only their mentions of the
    two measures are read (reading every mention of a much-mentioned measure is seconds at
    100,000 reports). Each row shows the first measure's sentence with its provenance; `detail`
    gives the second measure's sentence and, at sentence level, the sentences they share."""
    a_idx = inc.resolve_measures(measure)
    b_idx = [m for m in inc.resolve_measures(other) if m not in a_idx]
    for text, idx in ((measure, a_idx), (other, b_idx)):
        if not idx:
            raise QueryError(f"no measure matches {text!r} (apart from the other measure); "
                             "`govkg query measures` lists them")
    cand = _candidate_reports(inc, scope, level, a_idx, [], True, b_idx)
    more = bool(limit and len(cand) > limit)
    reports = cand[:limit] if limit else cand
    a_ids, b_ids = {inc.measure_ids[m] for m in a_idx}, {inc.measure_ids[m] for m in b_idx}
    mentions = [d for d in store.read(MENTIONS_OF, {"reports": [inc.report_ids[r] for r in reports],
                                                    "ids": sorted(a_ids | b_ids)}).records()
                if scope.keep(d["report"], d["role"])] if len(reports) else []
    units: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    for d in sorted(mentions, key=lambda d: (d["report"], -1 if d["section"] is None else d["section"], d["measure"])):
        key = (d["report"],) if level == "report" else (d["report"], d["section"])
        units[key][0 if d["measure"] in a_ids else 1].append(d)
    rows = []
    for key, (a_side, b_side) in units.items():
        if not a_side or not b_side:
            continue
        detail = ""
        if level == "sentence":
            shared = sorted(set().union(*(split_ids(d["sentence_ids"]) for d in a_side))
                            & set().union(*(split_ids(d["sentence_ids"]) for d in b_side)))
            if not shared:
                continue
            detail = f"together in sentence {','.join(map(str, shared))}; "
        da, db = a_side[0], b_side[0]
        same = da["sentence_id"] is not None and da["sentence_id"] == db["sentence_id"] and da["report"] == db["report"]
        detail += (f"{db['measure']} {db['name']}: " + ("the same sentence" if same else (db["sentence"] or "")))
        names = "、".join(sorted({f"{d['measure']} {d['name']}" for d in a_side}))
        others = "、".join(sorted({f"{d['measure']} {d['name']}" for d in b_side}))
        rows.append(_row(scope, "measure-pair", f"{names} × {others}", da, da["sentence"], detail=detail))
    rows.sort(key=lambda r: (r[2], r[6] if r[6] is not None else -1))
    truncated = more or bool(limit and len(rows) > limit)
    return Table(EVIDENCE_COLUMNS, rows[:limit] if limit else rows, truncated)


def _sentence_mentions(inc: Incidence, scope: "_Scope", reports: np.ndarray, m_idx: list[int]) -> list[dict]:
    """Mentions of the measures in these reports, one per (report, sentence), from the
    sentence-level contexts (their units keep each sentence's id and role)."""
    ctx = inc.contexts("sentence")
    xm = ctx.measures.tocsc()
    wanted = np.zeros(inc.n_reports, dtype=bool)
    wanted[np.asarray(reports, dtype=np.int64)] = True
    codes = [ROLES.index(r) for r in scope.roles]
    out = []
    for m in m_idx:
        units = xm.indices[xm.indptr[m]:xm.indptr[m + 1]]
        units = units[wanted[ctx.report[units]]]
        if codes:
            units = units[np.isin(ctx.role[units], codes)]
        for u in units.tolist():
            out.append({"report": inc.report_ids[ctx.report[u]], "measure": inc.measure_ids[m],
                        "name": inc.measure_names[m], "sentence_ids": str(int(ctx.sent[u]) - inc.sent_shift),
                        "section": None, "sentence": ""})
    return out


def _pair_rows(scope: _Scope, level: str, mentions: list[dict], outcomes: list[dict]) -> list[list]:
    """Outcomes of the indicator in the same sentence / section / report as a mention of the measure."""
    by_unit: dict[tuple, list[dict]] = defaultdict(list)
    for d in mentions:
        if level == "sentence":
            for s in split_ids(d["sentence_ids"]):
                by_unit[(d["report"], int(s))].append(d)
        elif level == "section":
            by_unit[(d["report"], -1 if d["section"] is None else int(d["section"]))].append(d)
        else:
            by_unit[(d["report"],)].append(d)
    rows = []
    for o in outcomes:
        if level == "sentence":
            key = (o["report"], o["sentence_id"])
        elif level == "section":
            key = (o["report"], -1 if o["section"] is None else int(o["section"]))
        else:
            key = (o["report"],)
        ms = by_unit.get(key)
        if not ms:
            continue
        names = "、".join(sorted({f"{m['measure']} {m['name']}" for m in ms}))
        m_sent = ms[0]["sentence"] if level != "sentence" else ""
        rows.append(_row(scope, "pair", f"{names} × {o['indicator']}", o, o["sentence"], o["value"], o["unit"],
                         detail=(f"measure sentence: {m_sent}" if m_sent and m_sent != o["sentence"]
                                 else o["clause"] or "")))
    return rows


@register("problems", "问题 Problems",
          "weaknesses reported alongside each measure: problem statements concerning it and mentions in problems sections",
          Param("measure", str, "", "only this measure (id, name or part of a name)"),
          Param("region", str, "", "region name or adcode, with everything under it (empty: all)"),
          Param("years", str, "", "a year (2021) or range (2019-2022); empty: all"),
          Param("detail", bool, False, "one row per statement instead of one row per measure"),
          Param("limit", int, 500, "most rows (0: all)"))
def problems(store: GraphStore, measure: str, region: str, years: str, detail: bool, limit: int) -> Table:
    inc = get_incidence(store)
    mask = inc.report_mask(region, years)
    wanted = inc.resolve_measures(measure) if measure else None
    if measure and not wanted:
        raise QueryError(f"no measure matches {measure!r}; `govkg query measures` lists them")
    none = "(no measure named)"
    # Problem statements (one entry per problem and measure it concerns)
    q = np.ones(len(inc.q_rep), dtype=bool) if mask is None else mask[inc.q_rep]
    if wanted is not None:
        q &= np.isin(inc.q_meas, wanted)
    # mentions of a measure inside a problems section
    s = inc.m_role == ROLES.index("problems")
    if mask is not None:
        s &= mask[inc.m_rep]
    if wanted is not None:
        s &= np.isin(inc.m_meas, wanted)
    if detail:
        cols = ["measure_id", "measure", "source", "report", "region", "year", "text"]
        rows, truncated = _problem_details(store, inc, np.flatnonzero(q), np.flatnonzero(s), none, limit)
        return Table(cols, rows, truncated)
    cols = ["measure_id", "measure", "source", "statements", "reports", "reports_mentioning", "share",
            "regions", "years", "example", "small_sample"]
    x = inc.report_measures()
    if mask is not None:
        x = x[mask]
    mentioning = np.asarray(x.sum(axis=0)).ravel().astype(int)
    rows = []
    for source, meas, reps, idx in (("problem", inc.q_meas[q], inc.q_rep[q], np.flatnonzero(q)),
                                     ("problems-section", inc.m_meas[s], inc.m_rep[s], None)):
        groups = group_positions(meas.astype(np.int64))
        gid = np.zeros(len(meas), dtype=np.int64)
        for n, (_, pos) in enumerate(groups):
            gid[pos] = n
        described = inc.describe_groups(gid, reps, len(groups))
        for (m, pos), (n_reps, regions, yrs) in zip(groups, described):
            n_m = int(mentioning[m]) if m >= 0 else None
            example = None
            if idx is not None:
                ks = idx[pos]
                lens = inc.q_len[ks]
                short = ks[lens == lens.min()]
                example = min(inc.q_text[k] for k in short)[:120]
            rows.append([inc.measure_ids[m] if m >= 0 else None, inc.measure_names[m] if m >= 0 else none,
                         source, len(pos), n_reps, n_m, rnd(n_reps / n_m) if n_m else None,
                         regions, yrs, example, n_reps < SMALL_SAMPLE])
    rows.sort(key=lambda r: (-r[4], r[0] or "~", r[2]))
    truncated = bool(limit and len(rows) > limit)
    return Table(cols, rows[:limit] if limit else rows, truncated)


def _problem_details(store: GraphStore, inc: Incidence, q: np.ndarray, s: np.ndarray, none: str,
                     limit: int) -> tuple[list[list], bool]:
    """One row per problem statement (entries `q` of the incidence's problems) and per (report,
    measure) with mentions in a problems section (entries `s` of its MENTIONS), without repeats,
    ordered by measure id (none named last), source, report and text; the first `limit` (0: all).

    The order is worked out on numbers (measures and reports are numbered in id order, statements
    by their text's rank), so only the mention sentences of the rows returned are read."""
    tilde = bisect_left(inc.measure_ids, "~")

    def m_rank(m):  # position of the id among the ids and "~" (which stands for none named)
        return np.where(m < 0, tilde, np.where(m < tilde, m, m + 1)).astype(np.int64)

    text_rank = inc.remember("problem-text-rank", lambda: _text_ranks(inc.q_text))
    entry = np.concatenate([q, s])
    src = np.concatenate([np.zeros(len(q), dtype=bool), np.ones(len(s), dtype=bool)])
    k1 = np.concatenate([m_rank(inc.q_meas[q].astype(np.int64)) * 2, m_rank(inc.m_meas[s].astype(np.int64)) * 2 + 1])
    k2 = np.concatenate([inc.q_rep[q], inc.m_rep[s]]).astype(np.int64)
    k3 = np.concatenate([text_rank[q], np.zeros(len(s), dtype=np.int64)])
    order = np.lexsort((k3, k2, k1))
    k1, k2, k3 = k1[order], k2[order], k3[order]
    new = np.ones(len(order), dtype=bool)  # each row once
    new[1:] = (k1[1:] != k1[:-1]) | (k2[1:] != k2[:-1]) | (k3[1:] != k3[:-1])
    first = order[new]
    truncated = bool(limit and len(first) > limit)
    pick = first[:limit] if limit else first
    texts = inc.remember("problem-section-texts", lambda: _section_texts(store)) if src[pick].any() else {}
    rows = []
    for i in pick.tolist():
        k = int(entry[i])
        if src[i]:
            m, r = int(inc.m_meas[k]), int(inc.m_rep[k])
            rows.append([inc.measure_ids[m], inc.measure_names[m], "problems-section", inc.report_ids[r],
                         inc.region_name(r), int(inc.year[r]) or None, texts.get((inc.report_ids[r], inc.measure_ids[m]), "")])
        else:
            m, r = int(inc.q_meas[k]), int(inc.q_rep[k])
            rows.append([inc.measure_ids[m] if m >= 0 else None, inc.measure_names[m] if m >= 0 else none,
                         "problem", inc.report_ids[r], inc.region_name(r), int(inc.year[r]) or None, inc.q_text[k]])
    return rows, truncated


def _section_texts(store: GraphStore) -> dict[tuple[str, str], str]:
    """(report id, measure id) → the sentence of its first mention (lowest section) in a problems section."""
    t = read_columns(store, PROBLEM_SECTION_MENTIONS, {"role": "problems"})
    cols = [t.column(c).to_pylist() if t.num_rows else [] for c in ("report", "measure", "text", "section")]
    out: dict[tuple[str, str], str] = {}
    for rep, mid, text, _ in sorted(zip(*cols), key=lambda r: -1 if r[3] is None else r[3]):
        out.setdefault((rep, mid), text or "")
    return out


def _text_ranks(texts: list[str]) -> np.ndarray:
    """Each text's rank among the distinct texts (in string order)."""
    if not texts:
        return np.zeros(0, dtype=np.int64)
    _, inv = np.unique(np.array(texts, dtype=object), return_inverse=True)
    return inv.astype(np.int64).ravel()
