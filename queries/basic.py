"""Listing queries: what the store holds.

`measures` is served from the incidence (`queries.incidence`): the taxonomy measures with the
number of reports mentioning each (and of mentions), in a region and years if asked, the same
answer as a Cypher aggregation over every MENTIONS edge without running it on every call.
`measure_mentions` gives the app the MENTIONS edges of some measures from the incidence too, and
`mention_sentences` reads the sentences of only the edges shown. `reports` comes from the incidence when a current one is
cached (the app builds it at start), otherwise from one Cypher read that counts facts only for
the reports listed (a page of `limit`, not every report): no scan is started for a listing.
"""
from __future__ import annotations

import numpy as np

from graph.store import GraphStore, Table
from queries.catalog import Param, register, with_columns
from queries.evidence import MENTIONS_OF
from queries.incidence import ROLES, cached_incidence, get_incidence

REPORT_COLUMNS = ["report", "title", "kind", "year", "province", "adcode", "issuer", "mentions", "outcomes"]


# The page of reports first, then the facts of those reports only.
REPORTS_PAGE = ("MATCH (r:Report) WHERE $year = 0 OR r.year = $year "
                "WITH r ORDER BY r.year, r.id LIMIT $limit "
                "OPTIONAL MATCH (r)-[m:MENTIONS]->(:Measure) "
                "WITH r, count(m) AS mentions "
                "OPTIONAL MATCH (r)-[:REPORTS]->(o:Outcome) "
                "RETURN r.id AS report, r.title AS title, r.kind AS kind, r.year AS year, r.province AS province, "
                "r.jurisdiction AS adcode, r.issuer AS issuer, mentions, count(o) AS outcomes "
                "ORDER BY year, report")


@register("reports", "报告列表 Reports", "every stored report with region, year, kind and counts of facts",
          Param("year", int, 0, "only this year (0: all years)"), Param("limit", int, 1000, "most rows"))
def reports(store: GraphStore, year: int | None, limit: int) -> Table:
    if limit <= 0:  # LIMIT 0 gives no rows (as the Cypher listing always did on the embedded store)
        return Table(list(REPORT_COLUMNS), [])
    inc = cached_incidence(store)
    if inc is None:
        return with_columns(store.read(REPORTS_PAGE, {"year": year or 0, "limit": limit}), list(REPORT_COLUMNS))
    t = inc.report_table
    if t is None or not inc.n_reports:
        return Table(list(REPORT_COLUMNS), [])
    undated, mentions = inc.remember("report-listing", lambda: _listing_arrays(inc))
    idx = np.arange(inc.n_reports)
    if year:
        idx = idx[(inc.year == year) & ~undated]
    # ORDER BY year, report: undated last (as the stores order nulls), report ids already sorted
    idx = idx[np.lexsort((idx, inc.year[idx], undated[idx]))][:limit]
    part = t.take(idx)

    def column(name):
        return part.column(name).to_pylist() if name in part.column_names else [None] * len(idx)

    rows = [list(r) for r in zip(column("id"), column("title"), column("kind"), column("year"),
                                 column("province"), column("adcode"), column("issuer"),
                                 mentions[idx].tolist(), inc.o_count[idx].tolist())]
    return Table(list(REPORT_COLUMNS), rows)


def _listing_arrays(inc) -> tuple[np.ndarray, np.ndarray]:
    """Per report: whether its year is null, and its number of MENTIONS edges."""
    t = inc.report_table
    undated = (np.asarray(t.column("year").is_null().to_numpy(zero_copy_only=False), dtype=bool)
               if "year" in t.column_names else np.ones(inc.n_reports, dtype=bool))
    return undated, np.bincount(inc.m_rep.astype(np.int64), minlength=inc.n_reports)


@register("measures", "措施 Measures", "taxonomy measures with their domain and how many reports mention each",
          Param("min_reports", int, 0, "only measures in at least this many reports"),
          Param("region", str, "", "count reports of this region (name or adcode) only (empty: all)"),
          Param("years", str, "", "count reports of these years only: 2021 or 2019-2022 (empty: all)"),
          Param("rollup", bool, True, "with region: include the jurisdictions under it"))
def measures(store: GraphStore, min_reports: int, region: str, years: str, rollup: bool) -> Table:
    inc = get_incidence(store)
    cols = ["id", "measure", "domain", "reports", "mentions"]
    if not inc.measure_ids:
        return Table(cols, [])
    mask = inc.report_mask(region, years, rollup=rollup)
    x = inc.report_measures()
    n = np.asarray((x if mask is None else x[mask]).sum(axis=0)).ravel().astype(np.int64)
    keep = slice(None) if mask is None else mask[inc.m_rep]
    said = np.bincount(inc.m_meas[keep], weights=inc.m_count[keep], minlength=len(inc.measure_ids)).astype(np.int64)
    idx = np.flatnonzero(n >= min_reports)
    idx = idx[np.lexsort((idx, -n[idx]))]  # reports descending, then id (the measures are sorted by id)
    return Table(cols, [inc.measure_rows[i][:3] + [int(n[i]), int(said[i])] for i in idx])


def measure_mentions(store: GraphStore, ids: list[str], region: str = "", years: str = "",
                     rollup: bool = True) -> dict[str, list]:
    """The MENTIONS edges of these measures in reports of the region and years, from the
    incidence, ordered by year, report and section: columns report, adcode, year (None when
    unknown), measure_id, role, section and count (mentions in the section)."""
    inc = get_incidence(store)
    cols = ("report", "adcode", "year", "measure_id", "role", "section", "count")
    keep = np.isin(inc.m_meas, _measure_numbers(inc, ids))
    mask = inc.report_mask(region, years, rollup=rollup)
    if mask is not None:
        keep &= mask[inc.m_rep]
    k = np.flatnonzero(keep)
    rep = inc.m_rep[k].astype(np.int64)
    year = inc.year[rep].astype(np.int64)
    order = np.lexsort((inc.m_meas[k], inc.m_sec[k], rep, _undated_last(year)))
    k, rep, year = k[order], rep[order], year[order]
    return {"report": [inc.report_ids[r] for r in rep.tolist()], "adcode": [inc.adcode[r] for r in rep.tolist()],
            "year": [y if y > 0 else None for y in year.tolist()],
            "measure_id": [inc.measure_ids[m] for m in inc.m_meas[k].tolist()],
            "role": [ROLES[c] for c in inc.m_role[k].tolist()], "section": inc.m_sec[k].tolist(),
            "count": inc.m_count[k].tolist()} if len(k) else {c: [] for c in cols}


def _measure_numbers(inc, ids) -> list[int]:
    """The incidence's numbers of these measure ids (unknown ids left out)."""
    wanted = set(ids)
    return [i for i, m in enumerate(inc.measure_ids) if m in wanted]


def _undated_last(year: np.ndarray) -> np.ndarray:
    """A sort key for years (0: unknown) that puts undated reports last, as the stores order nulls."""
    return np.where(year > 0, year, 10 ** 6)


def mention_sentences(store: GraphStore, reports: list[str], ids: list[str]) -> Table:
    """The evidence sentence and surface forms of the MENTIONS edges from these reports to these
    measures (evidence's read: only these reports' edges are read)."""
    cols = ["report", "measure_id", "section", "evidence", "surface", "sentence_id"]
    if not reports or not ids:
        return Table(cols, [])
    got = store.read(MENTIONS_OF, {"reports": sorted(set(reports)), "ids": sorted(set(ids))}).records()
    return Table(cols, [[d["report"], d["measure"], d["section"], d["sentence"], d["surface"], d["sentence_id"]]
                        for d in got])


# The outcomes of the reports given (then those quantifying the measures): filtering on the
# measure inside the MATCH makes LadybugDB read every outcome (see queries.evidence).
OUTCOMES_OF_REPORTS = ("MATCH (r:Report)-[:REPORTS]->(o:Outcome) WHERE r.id IN $reports {measure_test}"
                       "RETURN o.indicator AS indicator, o.id AS outcome, o.value AS value, o.unit AS unit, "
                       "o.is_target AS is_target, r.year AS year, r.id AS report, o.sentence AS sentence")


def outcome_values(store: GraphStore, measures: list[str] | None = None, region: str = "", years: str = "",
                   rollup: bool = True, limit: int = 500) -> tuple[Table, int]:
    """The outcomes (with an indicator) of reports in the region and years — only those that
    quantify one of `measures` (QUANTIFIES) when given — ordered by indicator, year and report:
    the first `limit` (0: all) and how many there are.

    Which outcomes they are comes from the incidence, so only the reports holding the first
    `limit` are read (ordering every outcome of a much-quantified measure, or of a province, in
    the store held ~1 GB at 100,000 reports)."""
    inc = get_incidence(store)
    cols = ["indicator", "outcome", "value", "unit", "is_target", "year", "report", "sentence"]
    keep = inc.o_ind >= 0
    if measures is not None:
        keep &= np.isin(inc.o_meas, _measure_numbers(inc, measures))
    mask = inc.report_mask(region, years, rollup=rollup)
    if mask is not None:
        keep &= mask[inc.o_rep]
    k = np.flatnonzero(keep)
    if not len(k):
        return Table(cols, []), 0
    rep = inc.o_rep[k].astype(np.int64)
    year = inc.year[rep].astype(np.int64)
    order = np.lexsort((rep, _undated_last(year), inc.o_ind[k].astype(np.int64)))  # indicator ids are sorted names
    first = k[order[:limit]] if limit else k[order]
    params: dict = {"reports": sorted({inc.report_ids[r] for r in inc.o_rep[first].tolist()})}
    test = ""
    if measures is not None:
        test, params["ids"] = "WITH r, o WHERE o.measure IN $ids ", sorted(set(measures))
    got = store.read(OUTCOMES_OF_REPORTS.format(measure_test=test), params).records()
    got = [d for d in got if d["indicator"]]
    got.sort(key=lambda d: (d["indicator"], d["year"] is None, d["year"] or 0, d["report"], d["outcome"]))
    rows = [[d[c] for c in cols] for d in (got[:limit] if limit else got)]
    return Table(cols, rows, bool(limit and len(k) > limit)), int(len(k))
