"""The incidence representation behind the analytics queries.

One scan of the store (a handful of plain `MATCH … RETURN` statements that both backends run
alike) becomes numpy arrays and scipy sparse matrices: which report (or section, or sentence)
mentions which measure, reports which indicator, promotes which initiative; plus each report's
year, province, adcode and level. Co-occurrence is then a sparse product (`X.T @ Y`) instead of a
multi-hop Cypher join over every report.

The result is cached per store and rebuilt when the store's fingerprint changes: the number of
reports, the latest `ingested_at`, the total text length, and the numbers of MENTIONS edges,
outcomes, PROMOTES edges and problems. Any ingest that adds, replaces or removes a report changes
at least one of them (a replaced report gets a new `ingested_at`, to the second; a report
replaced within the same second as the last ingest is still seen if any of the counts or its
length changed). `invalidate(store)` drops the cache explicitly.

An embedded store also keeps the scan in a file beside the database (`kg.lbdb.incidence`,
written after each scan, atomically), so that a new process (the app after a restart, the next
`govkg query`) loads it in a fraction of a scan's time instead of reading the store again. The
file starts with its format version and the fingerprint it was made at; it is used only when both
match the store's current ones, and ignored (then rewritten) when stale, damaged or unreadable.
It is a pickle, so it is trusted like the database file beside it: whoever can write one can
write the other.

Example:
    >>> inc = get_incidence(store)
    >>> ctx = inc.contexts("sentence", roles=("achievements",))
    >>> ctx.measures.T @ ctx.indicators      # measure × indicator co-occurrence counts
"""
from __future__ import annotations

import os
import pickle
import re
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
from scipy import sparse

from govkg.errors import QueryError
from graph.schema import join_ids
from graph.store import GraphStore
from queries.stats import sorted_distinct

KEEP_ROLE_CONTEXTS = 2  # role-filtered contexts kept at once (the unfiltered ones always are)
ROLES: tuple[str, ...] = ("achievements", "problems", "plans", "targets", "other")
LEVELS: tuple[str, ...] = ("sentence", "section", "report")
_ROLE_CODE = {r: i for i, r in enumerate(ROLES)}

FINGERPRINT_QUERIES = (
    "MATCH (r:Report) RETURN count(r) AS n, max(r.ingested_at) AS t, sum(r.text_length) AS chars",
    "MATCH (:Report)-[e:MENTIONS]->(:Measure) RETURN count(e) AS n",
    "MATCH (o:Outcome) RETURN count(o) AS n",
    "MATCH (:Report)-[e:PROMOTES]->(:Initiative) RETURN count(e) AS n",
    "MATCH (p:Problem) RETURN count(p) AS n",
)

SCAN_REPORTS = ("MATCH (r:Report) RETURN r.id AS id, r.year AS year, r.province AS province, "
                "r.jurisdiction AS adcode, r.level AS level, r.kind AS kind, r.title AS title, r.issuer AS issuer")
SCAN_JURISDICTIONS = ("MATCH (j:Jurisdiction) RETURN j.id AS id, j.name AS name, j.level AS level, "
                      "j.province AS province, j.city AS city, j.county AS county ORDER BY id")
SCAN_MEASURES = "MATCH (m:Measure) RETURN m.id AS id, m.name AS name, m.domain AS domain ORDER BY id"
SCAN_MENTIONS = ("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) RETURN r.id AS report, m.id AS measure, "
                 "e.role AS role, e.section AS section, e.sentence_ids AS sentences, e.count AS count")
SCAN_OUTCOMES = ("MATCH (o:Outcome) RETURN o.report AS report, o.indicator AS indicator, o.value AS value, "
                 "o.unit AS unit, o.is_target AS is_target, o.role AS role, o.section AS section, "
                 "o.sentence_id AS sentence, o.measure AS measure")
SCAN_PROMOTES = ("MATCH (r:Report)-[e:PROMOTES]->(i:Initiative) RETURN r.id AS report, i.id AS initiative, "
                 "e.role AS role, e.section AS section, e.sentence_id AS sentence")
SCAN_INSTANCES = "MATCH (i:Initiative)-[:INSTANCE_OF]->(m:Measure) RETURN i.id AS initiative, m.id AS measure"
SCAN_PROBLEMS = ("MATCH (p:Problem) OPTIONAL MATCH (p)-[:CONCERNS]->(m:Measure) "
                 "RETURN p.report AS report, p.id AS id, p.text AS text, m.id AS measure")


def role_code(role) -> int:
    return _ROLE_CODE.get(role or "other", _ROLE_CODE["other"])


def parse_roles(text: str) -> tuple[str, ...]:
    """"" → every role; "achievements" or "achievements,plans" → those roles (checked)."""
    names = tuple(r.strip() for r in (text or "").split(",") if r.strip())
    bad = [r for r in names if r not in _ROLE_CODE]
    if bad:
        raise QueryError(f"unknown section role {', '.join(bad)}: choose from {', '.join(ROLES)} "
                         "(comma-separated), or leave empty for all")
    return names


def parse_level(text: str) -> str:
    level = (text or "sentence").strip()
    if level not in LEVELS:
        raise QueryError(f"unknown co-occurrence level {level!r}: choose sentence, section or report")
    return level


def parse_years(text) -> tuple[int, int] | None:
    """"" → None (all years); "2021" → (2021, 2021); "2019-2022", "2020-", "-2021" → ranges."""
    s = str(text or "").strip()
    if not s or s == "0":
        return None
    m = re.fullmatch(r"(\d{4})?\s*(?:(-|–|~|\.\.)\s*(\d{4})?)?", s)
    if not m or not (m.group(1) or m.group(3)):
        raise QueryError(f"years {s!r}: write a year (2021) or a range (2019-2022, 2020-)")
    lo = int(m.group(1)) if m.group(1) else 0
    hi = int(m.group(3)) if m.group(3) else (9999 if m.group(2) else lo)
    if lo > hi:
        raise QueryError(f"years {s!r}: the range is empty")
    return lo, hi


@dataclass
class Contexts:
    """Units of co-occurrence at one level (and for some roles) and what each holds.

    Attributes:
        level: sentence, section or report.
        report: for each unit (row), the index of its report.
        measures: units × measures, 1 where the unit mentions the measure.
        indicators: units × indicators, 1 where the unit reports a value of the indicator.

    At report level the matrices are row-major (CSR: the regions queries read reports' rows);
    at section and sentence level column-major (CSC), the one form their uses need — the
    products `measures.T @ …` and the units holding a given column — so that no second copy is
    kept (at sentence level each form is ~0.15 GB at 100,000 reports). Code that needs one form
    asks for it (`.tocsc()`, `.T.tocsr()`), which costs nothing when the matrix is in it already.
    """

    level: str
    report: np.ndarray
    measures: sparse.spmatrix
    indicators: sparse.spmatrix
    # sentence level: each unit's sentence id (plus the incidence's sent_shift) and section role
    sent: np.ndarray | None = None
    role: np.ndarray | None = None
    memo: dict | None = field(default_factory=dict, repr=False)

    def units(self, rows: np.ndarray, memo: dict | None = None) -> "Contexts":
        """Only the units (rows) picked by a boolean array."""
        def pick(a):
            return None if a is None else a[rows]
        return Contexts(self.level, self.report[rows], pick_rows(self.measures, rows),
                        pick_rows(self.indicators, rows), sent=pick(self.sent), role=pick(self.role), memo=memo)

    def select(self, report_mask: np.ndarray | None) -> "Contexts":
        """Only the units whose report passes the mask (None: all). A selection keeps no memo."""
        if report_mask is None:
            return self
        return self.units(report_mask[self.report])

    def kept(self) -> "Contexts":
        """These contexts without what queries derived from them (for the cache file)."""
        return Contexts(self.level, self.report, self.measures, self.indicators, sent=self.sent, role=self.role)

    def remember(self, key: str, make):
        """`make()`, kept for the next query when these are the unfiltered (cached) contexts."""
        if self.memo is None:
            return make()
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]


def pick_rows(x: sparse.spmatrix, rows: np.ndarray) -> sparse.spmatrix:
    """The rows of `x` where the boolean array `rows` is true, in the same form as `x`.

    For a column-major matrix, one pass over its entries: keep those in a picked row, renumber
    the rows, count what each column kept (2–4× faster than scipy's general row indexing at
    sentence level, 11 M entries at 100,000 reports, in int32 where that fits)."""
    if x.format != "csc":
        return x[rows]
    it = np.int32 if x.nnz < 2 ** 31 and len(rows) < 2 ** 31 else np.int64
    keep = rows[x.indices]
    kept = np.zeros(len(keep) + 1, dtype=it)  # kept[i]: entries kept before entry i
    np.cumsum(keep, out=kept[1:])
    indptr = kept[x.indptr]
    del kept
    renumber = np.cumsum(rows, dtype=it)
    renumber -= 1
    n = int(renumber[-1]) + 1 if len(renumber) else 0
    out = sparse.csc_matrix((x.data[keep], renumber[x.indices[keep]], indptr), shape=(n, x.shape[1]))
    out.has_sorted_indices = x.has_sorted_indices  # renumbering keeps the order within columns
    return out


@dataclass
class Incidence:
    """Everything the analytics need, as arrays indexed by report / measure / indicator number."""

    fingerprint: tuple = ()
    # reports (sorted by id)
    report_ids: list[str] = field(default_factory=list)
    year: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    province: list[str] = field(default_factory=list)
    adcode: list[str] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    report_table: object = None  # the reports as read (pyarrow, sorted by id; nulls kept), for listings
    o_count: np.ndarray = None  # type: ignore[assignment]  # outcomes per report (with or without an indicator)
    # jurisdictions by adcode: {name, level, province, city, county}
    jurisdictions: dict[str, dict] = field(default_factory=dict)
    # vocabularies
    measure_ids: list[str] = field(default_factory=list)
    measure_names: list[str] = field(default_factory=list)
    measure_domains: list[str] = field(default_factory=list)
    measure_rows: list[list] = field(default_factory=list)  # (id, name, domain) as read, sorted by id
    indicator_ids: list[str] = field(default_factory=list)
    initiative_ids: list[str] = field(default_factory=list)
    initiative_measure: dict[str, list[str]] = field(default_factory=dict)
    # MENTIONS edges (one per report, measure, section) and their sentences
    m_rep: np.ndarray = None  # type: ignore[assignment]
    m_meas: np.ndarray = None  # type: ignore[assignment]
    m_role: np.ndarray = None  # type: ignore[assignment]
    m_sec: np.ndarray = None  # type: ignore[assignment]
    m_count: np.ndarray = None  # type: ignore[assignment]  # the edge's number of mentions (e.count)
    # outcomes
    o_rep: np.ndarray = None  # type: ignore[assignment]
    o_ind: np.ndarray = None  # type: ignore[assignment]
    o_value: np.ndarray = None  # type: ignore[assignment]
    o_unit_code: np.ndarray = None  # type: ignore[assignment]
    unit_names: list[str] = field(default_factory=list)
    o_target: np.ndarray = None  # type: ignore[assignment]
    o_role: np.ndarray = None  # type: ignore[assignment]
    o_sec: np.ndarray = None  # type: ignore[assignment]
    o_meas: np.ndarray = None  # type: ignore[assignment]  # the measure an outcome quantifies (QUANTIFIES), -1: none
    # PROMOTES edges
    p_rep: np.ndarray = None  # type: ignore[assignment]
    p_ini: np.ndarray = None  # type: ignore[assignment]
    p_role: np.ndarray = None  # type: ignore[assignment]
    # Problem statements, one entry per (problem, measure it concerns); measure -1: none named
    q_rep: np.ndarray = None  # type: ignore[assignment]
    q_meas: np.ndarray = None  # type: ignore[assignment]
    q_id: list[str] = field(default_factory=list)
    q_text: list[str] = field(default_factory=list)
    q_len: np.ndarray = None  # type: ignore[assignment]  # length of each statement
    # each report's region name, as a code into region_names
    region_names: list[str] = field(default_factory=list)
    region_code: np.ndarray = None  # type: ignore[assignment]
    sent_shift: int = 0  # added to every sentence id of the sentence-level contexts (`Contexts.sent`)
    ad_int: np.ndarray = None  # type: ignore[assignment]  # each report's adcode as a number (-1: none)
    level_arr: np.ndarray = None  # type: ignore[assignment]  # each report's level, as an array
    prov_code: np.ndarray = None  # type: ignore[assignment]  # each report's province, as a code into prov_names
    prov_names: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __getstate__(self) -> dict:
        # the cache file keeps the unfiltered contexts of each level (costly to build); whatever
        # else the queries derived is recomputed on demand
        state = dict(self.__dict__)
        with self._lock:
            state["_cache"] = {k: c.kept() for k, c in self._cache.items()
                               if isinstance(k, tuple) and k[0] == "ctx" and not k[2]}
        state["_lock"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def remember(self, key, make):
        """`make()`, computed once per incidence (that is, until the store changes)."""
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
        return value

    @property
    def report_index(self) -> dict[str, int]:
        """Report id → report number."""
        return self.remember("report_index", lambda: {rid: i for i, rid in enumerate(self.report_ids)})

    # -- sizes and names -------------------------------------------------------------------
    def unit(self, k: int) -> str:
        """Outcome k's unit."""
        return self.unit_names[self.o_unit_code[k]]

    @property
    def n_reports(self) -> int:
        return len(self.report_ids)

    def region_name(self, r: int) -> str:
        """The name of report r's jurisdiction (its most specific level), or its province."""
        return self.region_names[self.region_code[r]]

    def _name_regions(self) -> None:
        names = []
        for a, prov in zip(self.adcode, self.province):
            j = self.jurisdictions.get(a)
            names.append((j or {}).get("name") or prov or "(unknown region)")
        self.region_names = sorted(set(names))
        ix = {n: i for i, n in enumerate(self.region_names)}
        self.region_code = np.array([ix[n] for n in names], dtype=np.int32)
        self.ad_int = np.array([int(a) if a.isdigit() else -1 for a in self.adcode], dtype=np.int64)
        self.level_arr = np.array(self.level, dtype=str) if self.level else np.zeros(0, dtype=str)
        self.prov_names = sorted(set(self.province))
        px = {n: i for i, n in enumerate(self.prov_names)}
        self.prov_code = np.array([px[n] for n in self.province], dtype=np.int64)

    def regions_of(self, reports: Iterable[int], most: int = 12) -> str:
        """Distinct region names of these reports, 、-joined, at most `most` then "…(+k)"."""
        reps = np.asarray(list(reports) if not isinstance(reports, np.ndarray) else reports, dtype=np.int64)
        names = sorted(self.region_names[c] for c in np.unique(self.region_code[reps]))
        extra = len(names) - most
        return "、".join(names[:most]) + (f"…(+{extra})" if extra > 0 else "")

    def describe_groups(self, group: np.ndarray, reports: np.ndarray, n_groups: int,
                        most: int = 12) -> list[tuple[int, str, str]]:
        """For reports tagged with a group number: per group, (distinct reports, regions, years).

        Linear in the number of entries: distinct reports by sorting once (usually already in
        order), regions and years by counting into (group, region) and (group, year) bins.
        """
        out_n = np.zeros(n_groups, dtype=np.int64)
        regions: list[list[str]] = [[] for _ in range(n_groups)]
        n_regions = np.zeros(n_groups, dtype=np.int64)
        years: list[list[str]] = [[] for _ in range(n_groups)]
        if len(reports):
            g, r = group.astype(np.int64), reports.astype(np.int64)
            key = g * max(1, self.n_reports) + r
            if len(key) > 1 and not np.all(key[1:] >= key[:-1]):
                order = np.argsort(key, kind="stable")
                g, r, key = g[order], r[order], key[order]
            first = np.ones(len(key), dtype=bool)
            first[1:] = key[1:] != key[:-1]
            out_n += np.bincount(g[first], minlength=n_groups)
            g, r = g[first], r[first]
            nr = max(1, len(self.region_names))
            gg, cc = _distinct_pairs(g, self.region_code[r].astype(np.int64), nr)
            n_regions += np.bincount(gg, minlength=n_groups)
            starts = np.searchsorted(gg, np.arange(n_groups))
            for gi in range(n_groups):
                regions[gi] = [self.region_names[c] for c in cc[starts[gi]:starts[gi] + min(most, n_regions[gi])]]
            y = self.year[r].astype(np.int64)
            y0 = int(y.min())
            gg, yy = _distinct_pairs(g, y - y0, int(y.max()) - y0 + 1)
            for gi, v in zip(gg.tolist(), (yy + y0).tolist()):
                if v:
                    years[gi].append(str(v))
        out = []
        for i in range(n_groups):
            names = regions[i]
            extra = int(n_regions[i]) - most
            out.append((int(out_n[i]), "、".join(names[:most]) + (f"…(+{extra})" if extra > 0 else ""),
                        ",".join(years[i])))
        return out

    def entries_of(self, name: str, mask: np.ndarray, ordered: bool = True) -> np.ndarray:
        """Positions of the entries of a per-fact report array (`m_rep`, `o_rep`,
        `p_rep`, `q_rep`) whose report passes the mask: ascending, or (not `ordered`) in any order.

        A mask holding few reports is answered from a cached index of each report's entries, so
        the cost follows the entries selected rather than every fact in the store."""
        rep = getattr(self, name)
        picked = np.flatnonzero(mask)
        if not len(rep) or len(picked) * 8 > self.n_reports:
            return np.flatnonzero(mask[rep]) if len(rep) else np.zeros(0, dtype=np.int64)
        order, starts, counts = self.remember(("entries-by-report", name), lambda: _by_report(rep, self.n_reports))
        c = counts[picked]
        total = int(c.sum())
        pos = np.repeat(starts[picked] - (np.cumsum(c) - c), c) + np.arange(total)
        return np.sort(order[pos]) if ordered else order[pos]

    def years_of(self, reports: Iterable[int]) -> str:
        reps = np.asarray(list(reports) if not isinstance(reports, np.ndarray) else reports, dtype=np.int64)
        ys = np.unique(self.year[reps])
        return ",".join(str(int(y)) for y in ys if y)

    # -- filters ---------------------------------------------------------------------------
    def region_prefixes(self, region: str) -> list[str]:
        """Adcode prefixes for a region given by adcode or name (descendants included).

        "640000" → ["64"]; "640100" → ["6401"]; "宁夏" → the jurisdictions whose name is or
        contains it. Raises QueryError when nothing matches.
        """
        region = (region or "").strip()
        if not region:
            return []
        if region.isdigit():
            code = region.ljust(6, "0")[:6]
            return [_prefix(code)]
        exact = [c for c, j in self.jurisdictions.items() if j.get("name") == region]
        hits = exact or [c for c, j in self.jurisdictions.items() if region in (j.get("name") or "")]
        if not hits:
            raise QueryError(f"no region named {region!r} in the store; give a name as stored "
                             "(`govkg query regions` lists them) or an adcode such as 640000")
        prefixes = sorted({_prefix(c) for c in hits})
        # a prefix inside another one adds nothing
        return [p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes)]

    def report_mask(self, region: str = "", years: str = "", rollup: bool = True) -> np.ndarray | None:
        """Boolean mask over reports for a region (with descendants unless not `rollup`) and years.

        None when nothing is filtered.
        """
        mask = None
        prefixes = self.region_prefixes(region)
        if prefixes:
            mask = np.zeros(self.n_reports, dtype=bool)
            for p in prefixes:
                if not p.isdigit():
                    continue
                if rollup:  # the adcode starts with the prefix: compare the leading digits
                    mask |= (self.ad_int >= 0) & (self.ad_int // 10 ** (6 - len(p)) == int(p))
                else:
                    mask |= self.ad_int == int(p.ljust(6, "0"))
        span = parse_years(years)
        if span:
            ym = (self.year >= span[0]) & (self.year <= span[1])
            mask = ym if mask is None else mask & ym
        return mask

    def resolve_measures(self, text: str) -> list[int]:
        """Measure indexes for an id (M82), an exact name, or a name substring; [] when empty."""
        text = (text or "").strip()
        if not text:
            return []
        for key in (self.measure_ids, self.measure_names):
            if text in key:
                return [key.index(text)]
        return [i for i, n in enumerate(self.measure_names) if text in (n or "")]

    def resolve_indicators(self, text: str) -> list[int]:
        text = (text or "").strip()
        if not text:
            return []
        return [i for i, n in enumerate(self.indicator_ids) if text in n]

    # -- matrices --------------------------------------------------------------------------
    def contexts(self, level: str, roles: tuple[str, ...] = ()) -> Contexts:
        """Units × measures and units × indicators at a level, for some section roles (cached).

        report level: one unit per report (every report, with facts or not). section level: one
        unit per (report, section) holding a measure mention or an outcome of those roles.
        sentence level: one unit per (report, sentence) holding either.
        """
        key = ("ctx", level, tuple(sorted(roles)))
        with self._lock:
            if key in self._cache:
                if key[2]:  # most recently used last
                    self._cache[key] = self._cache.pop(key)
                return self._cache[key]
        ctx = self._build_contexts(level, roles)
        with self._lock:
            self._cache[key] = ctx
            if key[2]:
                # Contexts for some roles only (with what queries derived from them) are kept for
                # the KEEP_ROLE_CONTEXTS most recently used settings; each costs up to the size of
                # the unfiltered ones (~0.15 GB at sentence level at 100,000 reports).
                filtered = [k for k in self._cache if isinstance(k, tuple) and k[0] == "ctx" and k[2]]
                for old in filtered[:-KEEP_ROLE_CONTEXTS]:
                    del self._cache[old]
        return ctx

    def _build_contexts(self, level: str, roles: tuple[str, ...]) -> Contexts:
        codes = np.array([_ROLE_CODE[r] for r in roles], dtype=np.int8)
        if level == "sentence":
            # built by the scan (its per-sentence inputs are not kept); a unit lies in one
            # section, so the units of some roles are a selection of the unfiltered ones
            base = self._cache.get(("ctx", "sentence", ()))
            if base is None or base.role is None:
                raise QueryError("this analytics cache has no sentence-level contexts; run `govkg ingest` again")
            return base.units(np.isin(base.role, codes), memo={}) if roles else base
        keep_m = np.isin(self.m_role, codes) if roles else slice(None)
        keep_o = np.isin(self.o_role, codes) if roles else slice(None)
        return _build(level, self.n_reports, len(self.measure_ids), len(self.indicator_ids),
                      self.m_rep[keep_m], self.m_sec[keep_m], self.m_meas[keep_m],
                      self.o_rep[keep_o], self.o_sec[keep_o], self.o_ind[keep_o])

    def report_measures(self, roles: tuple[str, ...] = ()) -> sparse.csr_matrix:
        """Reports × measures (1: mentioned in a section of these roles)."""
        return self.contexts("report", roles).measures


def _build(level: str, n_reports: int, nm: int, ni: int, m_rep, m_unit, m_col, o_rep, o_unit, o_col,
           m_role=None, o_role=None) -> Contexts:
    """Contexts from entries: measure mentions (report, unit, measure) and outcomes (report,
    unit, indicator); a unit is a report, or (report, section number), or — with the entries'
    roles — (report, sentence number, role), whose sentence and role the contexts then keep."""
    if level == "report":
        units = np.arange(n_reports, dtype=np.int64)
        m_row, o_row = m_rep.astype(np.int32), o_rep.astype(np.int32)
        sent = role = None
    else:
        width = int(max(m_unit.max(initial=0), o_unit.max(initial=0))) + 2
        roles = 8 if m_role is not None else 1  # ROLES fit in 3 bits
        # int32 keys while every key fits (up to ~600,000 reports of 400 sentences): half the
        # memory of the ~20 M keys at 100,000 reports, sorted faster
        ktype = np.int32 if n_reports * width * roles < 2 ** 31 else np.int64

        def key(rep, unit, role):
            k = rep.astype(ktype)
            k *= width
            k += unit.astype(ktype)
            k += 1
            if role is not None:
                k *= roles
                k += role
            return k

        # the arrays here are as long as every sentence entry (~20 M at 100,000 reports):
        # sorted in place, derived one at a time, narrowed as soon as made
        m_key, o_key = key(m_rep, m_unit, m_role), key(o_rep, o_unit, o_role)
        keys = sorted_distinct(np.concatenate([m_key, o_key]), overwrite=True)
        # int32 rows when they fit
        m_row = _positions(keys, m_key)
        del m_key
        o_row = _positions(keys, o_key)
        del o_key
        units = _narrow(keys // (width * roles))
        sent = role = None
        if m_role is not None:
            t = keys // roles
            t %= width
            t -= 1
            sent = _narrow(t)
            del t
            role = (keys % roles).astype(np.int8)
        del keys
    n = len(units)
    fmt = "csr" if level == "report" else "csc"
    m_x = _binary(m_row, m_col, (n, nm), fmt)
    del m_row
    o_x = _binary(o_row, o_col, (n, ni), fmt)
    del o_row
    ctx = Contexts(level, units, m_x, o_x, sent=sent, role=role)
    if n > 1_000_000:  # a big build leaves ~0.3 GB of freed but fragmented heap
        give_back_memory()
    return ctx


def _positions(keys: np.ndarray, x: np.ndarray, step: int = 1 << 20) -> np.ndarray:
    """`np.searchsorted(keys, x)` as int32 when it fits, looked up in slices so that the int64
    result numpy gives is never held for all of `x` at once."""
    out = np.empty(len(x), dtype=np.int32 if len(keys) < 2 ** 31 else np.int64)
    for lo in range(0, len(x), step):
        out[lo:lo + step] = np.searchsorted(keys, x[lo:lo + step])
    return out


def _unique_inverse(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and, for each element, the position of its value among them.

    Values within a span not much wider than their number are marked in a table (linear);
    others sorted."""
    if len(x):
        lo = int(x.min())
        span = int(x.max()) - lo + 1
        if span <= max(1 << 20, 4 * len(x)):
            present = np.zeros(span, dtype=bool)
            present[x - lo] = True
            uniq = np.flatnonzero(present)
            return (uniq + lo).astype(x.dtype), (np.cumsum(present) - 1)[x - lo]
    order = np.argsort(x, kind="stable")
    xs = x[order]
    first = np.concatenate(([True], xs[1:] != xs[:-1])) if len(xs) else np.zeros(0, dtype=bool)
    inv = np.empty(len(x), dtype=np.int64)
    inv[order] = np.cumsum(first) - 1
    return xs[first], inv


def _by_report(rep: np.ndarray, n_reports: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries grouped by report: their positions in report order, and each report's first
    position in that order and number of entries."""
    order = np.argsort(rep, kind="stable")
    order = order.astype(np.int32) if len(order) < 2 ** 31 else order  # half the memory, kept per store
    counts = np.bincount(rep, minlength=n_reports)
    return order, np.cumsum(counts) - counts, counts


def _distinct_pairs(g: np.ndarray, v: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (g, v) pairs in order, v in [0, width), as two arrays; counted in bins when the
    bins fit in memory."""
    key = g * width + v
    size = (int(g.max()) + 1) * width if len(g) else 0
    uniq = np.flatnonzero(np.bincount(key, minlength=size)) if size <= 50_000_000 else np.unique(key)
    return uniq // width, uniq % width


def _prefix(code: str) -> str:
    code = str(code)
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _binary(rows: np.ndarray, cols: np.ndarray, shape, fmt: str = "csr") -> sparse.spmatrix:
    """A 0/1 matrix (float32) with a 1 at each (row, column) given, in CSR or CSC form."""
    coo = sparse.coo_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    x = coo.tocsc() if fmt == "csc" else coo.tocsr()
    del coo
    x.sum_duplicates()
    x.data[:] = 1.0
    return x


# -- scan and cache --------------------------------------------------------------------------

def fingerprint(store: GraphStore) -> tuple:
    """A cheap summary that changes whenever a report is added, replaced or removed."""
    out: list = []
    for q in FINGERPRINT_QUERIES:
        rows = store.read(q).rows
        out.extend(rows[0] if rows else [None])
    return tuple(out)


def read_columns(store: GraphStore, query: str, params: dict | None = None):
    """A read's result as a pyarrow Table.

    A store with a `read_columns(query, params)` method returning a pyarrow Table (the embedded
    store: LadybugDB's Arrow export, several times faster on a large scan) is read through it;
    any other store row by row through `GraphStore.read`.
    """
    import pyarrow as pa

    fast = getattr(store, "read_columns", None)
    if callable(fast):
        return fast(query, params or {})
    t = store.read(query, params or {})
    # a server may send no column names for an empty result: take them from the query's RETURN
    names = t.columns or re.findall(r"\bAS\s+(\w+)", query.rsplit("RETURN", 1)[-1])
    # a list value (MENTIONS.sentence_ids written by an older govkg) becomes the text form, so
    # that a store holding both forms still gives one column type
    return pa.table({c: pa.array([join_ids(v) if isinstance(v, list) else v for v in (r[i] for r in t.rows)])
                     for i, c in enumerate(names)})


SCAN_CHUNK = 10_000  # reports per read of the big scans (bounds the store's working memory)


def read_by_reports(store: GraphStore, query: str, report_key: str, report_ids: list[str], expected):
    """Read a scan in slices of SCAN_CHUNK reports (a range on the report id), so that the store
    never materialises the whole result at once. Falls back to one read when the slices do not
    add up to `expected` rows (a store ordering strings differently, say)."""
    import pyarrow as pa

    parts = convert_by_reports(store, query, report_key, report_ids, expected, lambda table: table)
    return parts[0] if len(parts) == 1 else pa.concat_tables(parts, promote_options="permissive")


def convert_by_reports(store: GraphStore, query: str, report_key: str, report_ids: list[str], expected,
                       convert) -> list:
    """`convert(table)` of each slice that `read_by_reports` would read, each slice dropped as soon
    as it is converted (so a scan holds one slice of the store's answer, not all of it)."""
    if len(report_ids) <= SCAN_CHUNK:
        return [convert(read_columns(store, query))]
    ranged = query.replace(" RETURN ", f" WHERE {report_key} >= $lo AND {report_key} <= $hi RETURN ", 1)
    parts, rows = [], 0
    for i in range(0, len(report_ids), SCAN_CHUNK):
        chunk = report_ids[i:i + SCAN_CHUNK]
        table = read_columns(store, ranged, {"lo": chunk[0], "hi": chunk[-1]})
        rows += table.num_rows
        parts.append(convert(table))
        del table
    if expected is not None and rows != expected:
        return [convert(read_columns(store, query))]
    return parts


def _col(table, name):
    import pyarrow as pa

    c = table.column(name)
    c = c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
    if pa.types.is_null(c.type):  # every value None (an empty store, or no such property yet)
        c = pa.array([None] * len(c), type=pa.string())
    return c


def _codes(arr, values: list) -> np.ndarray:
    """Position of each value in `values` (-1 where absent or null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    arr = pc.cast(arr, pa.string()) if not pa.types.is_string(arr.type) else arr
    idx = pc.index_in(arr, value_set=pa.array(values, type=pa.string()))
    return pc.fill_null(idx, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _roles(arr) -> np.ndarray:
    codes = _codes(arr, list(ROLES))
    codes[codes < 0] = _ROLE_CODE["other"]
    return codes.astype(np.int8)


def _ints(arr, missing: int) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    if not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
        arr = pc.cast(arr, pa.float64(), safe=False)
    return pc.fill_null(arr, missing).to_numpy(zero_copy_only=False).astype(np.int64)


def _strings(arr) -> list[str]:
    return ["" if x is None else str(x) for x in arr.to_pylist()]


def _shared_strings(arr) -> list[str]:
    """`_strings` for a column of few distinct values (provinces, adcodes, levels, kinds): one
    object per distinct value (pickle then keeps one copy each too), ~7 MB less per column at
    100,000 reports."""
    seen: dict[str, str] = {}
    return [seen.setdefault(x, x) for x in _strings(arr)]


def _distinct(arr) -> list[str]:
    import pyarrow.compute as pc

    return sorted(x for x in pc.unique(arr).to_pylist() if x)


def _outcome_slice(outs, report_ids: list[str], measure_ids: list[str]) -> dict:
    """One slice of the outcome scan as compact arrays; indicator and unit codes index the slice's
    own sorted vocabularies (`_merge_codes` maps them onto the whole scan's)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    orep = _codes(_col(outs, "report"), report_ids)
    counted = orep[orep >= 0].astype(np.int32)  # o_count counts outcomes with or without an indicator
    ind = _col(outs, "indicator")
    ok = (orep >= 0) & pc.fill_null(pc.greater(pc.utf8_length(pc.cast(ind, pa.string())), 0), False).to_numpy(
        zero_copy_only=False) if len(ind) else orep >= 0
    outs, orep = (outs.filter(pa.array(ok)) if not ok.all() else outs), orep[ok]
    ind = _col(outs, "indicator")
    indicators = _distinct(ind)
    val = _col(outs, "value")
    value = (pc.cast(val, pa.float64(), safe=False).to_numpy(zero_copy_only=False).astype(np.float64)
             if len(val) else np.zeros(0))
    unit = pc.fill_null(pc.cast(_col(outs, "unit"), pa.string()), "")
    units = sorted(set(pc.unique(unit).to_pylist()))
    tgt = _col(outs, "is_target")
    return {"counted": counted, "rep": orep.astype(np.int32),
            "indicators": indicators, "ind": _codes(ind, indicators).astype(np.int32),
            "value": np.where(np.isfinite(value), value, np.nan),
            "units": units, "unit": _codes(unit, units).astype(np.int32),
            "target": (pc.fill_null(pc.cast(tgt, pa.bool_()), False).to_numpy(zero_copy_only=False).astype(bool)
                       if len(tgt) else np.zeros(0, dtype=bool)),
            "role": _roles(_col(outs, "role")), "sec": _ints(_col(outs, "section"), -1).astype(np.int32),
            "sent": _ints(_col(outs, "sentence"), -1), "meas": _codes(_col(outs, "measure"), measure_ids)}


def _merge_codes(parts: list[dict], codes: str, vocab: str, merged: list[str]) -> np.ndarray:
    """Each slice's codes into its own vocabulary, as codes into `merged` (-1 stays -1)."""
    pos = {v: i for i, v in enumerate(merged)}
    return np.concatenate([np.append(np.array([pos[v] for v in p[vocab]], dtype=np.int32), np.int32(-1))[p[codes]]
                           for p in parts]).astype(np.int32)


def scan(store: GraphStore, fp: tuple = ()) -> Incidence:
    """Read the store once into an `Incidence`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    inc = Incidence(fingerprint=fp)
    reps = read_columns(store, SCAN_REPORTS)
    # sorted here, not by the store, so that both backends give the same order
    reps = reps.take(pc.sort_indices(reps, sort_keys=[("id", "ascending")])) if reps.num_rows else reps
    inc.report_ids = _strings(_col(reps, "id"))
    inc.year = _ints(_col(reps, "year"), 0).astype(np.int32)
    inc.province = _shared_strings(_col(reps, "province"))
    inc.adcode = _shared_strings(_col(reps, "adcode"))
    inc.level = _shared_strings(_col(reps, "level"))
    inc.kind = _shared_strings(_col(reps, "kind"))
    inc.title = _strings(_col(reps, "title"))
    inc.report_table = reps
    jur = read_columns(store, SCAN_JURISDICTIONS)
    fields = ("name", "level", "province", "city", "county")
    cols = [jur.column(c).to_pylist() if jur.num_rows else [] for c in ("id",) + fields]
    for r in zip(*cols):
        inc.jurisdictions[str(r[0])] = dict(zip(fields, r[1:]))
    meas = sorted(store.read(SCAN_MEASURES).rows, key=lambda r: r[0])
    inc.measure_ids = [r[0] for r in meas]
    inc.measure_names = [r[1] or r[0] for r in meas]
    inc.measure_domains = [r[2] or "" for r in meas]
    inc.measure_rows = [list(r) for r in meas]

    counts = dict(zip(("reports", "last", "chars", "mentions", "outcomes", "promotes", "problems"), fp))
    ment = read_by_reports(store, SCAN_MENTIONS, "r.id", inc.report_ids, counts.get("mentions"))
    rep, mea = _codes(_col(ment, "report"), inc.report_ids), _codes(_col(ment, "measure"), inc.measure_ids)
    ok = (rep >= 0) & (mea >= 0)
    ment = ment.filter(pa.array(ok)) if not ok.all() else ment
    inc.m_rep, inc.m_meas = rep[ok].astype(np.int32), mea[ok].astype(np.int32)
    inc.m_role = _roles(_col(ment, "role"))
    inc.m_sec = _small(_ints(_col(ment, "section"), -1))
    inc.m_count = _small(np.maximum(_ints(_col(ment, "count"), 1), 1))
    sents = _col(ment, "sentences")
    if len(sents) and (pa.types.is_string(sents.type) or pa.types.is_large_string(sents.type)):
        # the stored text form "3,7,12" (graph.schema.join_ids) -> lists of numbers
        # "" (no sentence) as null, which splits into no list at all rather than [""]
        parts = pc.split_pattern(pc.if_else(pc.equal(sents, ""), None, sents), ",")
        lens = pc.fill_null(pc.list_value_length(parts), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        flat = pc.cast(pc.list_flatten(parts), pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64)
    elif len(sents) and (pa.types.is_list(sents.type) or pa.types.is_large_list(sents.type)):  # older stores
        lens = pc.fill_null(pc.list_value_length(sents), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        flat = _ints(pc.list_flatten(sents), -1)
    else:
        lens, flat = np.zeros(len(sents), dtype=np.int64), np.zeros(0, dtype=np.int64)
    # one entry per (mention edge, sentence): the sentence-level contexts are built from these
    # after the outcomes, then dropped
    s_rep, s_meas, s_role, s_sent = (np.repeat(inc.m_rep, lens), np.repeat(inc.m_meas, lens),
                                     np.repeat(inc.m_role, lens), flat)
    del flat, lens

    del ment, sents
    big = len(inc.report_ids) > SCAN_CHUNK  # read in slices: worth giving memory back between them
    if big:
        _drop_page_cache(store)

    def outcome_slice(table) -> dict:
        part = _outcome_slice(table, inc.report_ids, inc.measure_ids)
        if big:
            _drop_page_cache(store)
        return part

    parts = convert_by_reports(store, SCAN_OUTCOMES, "o.report", inc.report_ids, counts.get("outcomes"),
                               outcome_slice)
    def joined(k: str) -> np.ndarray:  # one field of every slice, each slice's copy dropped as it is joined
        return np.concatenate([p.pop(k) for p in parts])

    inc.o_count = np.bincount(joined("counted"), minlength=len(inc.report_ids)).astype(np.int64)
    inc.indicator_ids = sorted(set().union(*(p["indicators"] for p in parts)))
    inc.unit_names = sorted(set().union(*(p["units"] for p in parts)))
    inc.o_ind = _small(_merge_codes(parts, "ind", "indicators", inc.indicator_ids))
    inc.o_unit_code = _small(_merge_codes(parts, "unit", "units", inc.unit_names))
    for p in parts:
        del p["ind"], p["unit"]
    inc.o_rep, inc.o_value, inc.o_target, inc.o_role = (joined(k) for k in ("rep", "value", "target", "role"))
    inc.o_sec = _small(joined("sec"))
    inc.o_meas = _small(joined("meas"))
    sent = joined("sent")
    del parts
    # an outcome without a sentence id gets a unit of its own (negative, never shared)
    missing = np.flatnonzero(sent < 0)
    sent[missing] = -2 - np.arange(len(missing))
    shift = -int(sent.min()) if len(sent) and sent.min() < 0 else 0
    # shift so that every sentence key is non-negative; measures' sentences shift alike
    sent += shift
    s_sent += shift
    inc.sent_shift = shift
    inc._cache[("ctx", "sentence", ())] = _build(
        "sentence", len(inc.report_ids), len(inc.measure_ids), len(inc.indicator_ids),
        s_rep, s_sent, s_meas, inc.o_rep, sent, inc.o_ind, m_role=s_role, o_role=inc.o_role)
    del s_rep, s_meas, s_role, s_sent, sent

    prom = read_columns(store, SCAN_PROMOTES)
    prep = _codes(_col(prom, "report"), inc.report_ids)
    prom = prom.filter(pa.array(prep >= 0)) if len(prep) and not (prep >= 0).all() else prom
    prep = prep[prep >= 0]
    inc.initiative_ids = _distinct(_col(prom, "initiative"))
    inc.p_rep = prep.astype(np.int32)
    inc.p_ini = _codes(_col(prom, "initiative"), inc.initiative_ids).astype(np.int32)
    inc.p_role = _roles(_col(prom, "role"))
    inst = read_columns(store, SCAN_INSTANCES)
    for ini, mid in zip(*(inst.column(c).to_pylist() if inst.num_rows else [] for c in ("initiative", "measure"))):
        inc.initiative_measure.setdefault(ini, []).append(mid)

    probs = read_columns(store, SCAN_PROBLEMS)
    qrep = _codes(_col(probs, "report"), inc.report_ids)
    probs = probs.filter(pa.array(qrep >= 0)) if len(qrep) and not (qrep >= 0).all() else probs
    inc.q_rep = qrep[qrep >= 0].astype(np.int32)
    inc.q_meas = _codes(_col(probs, "measure"), inc.measure_ids).astype(np.int32)
    inc.q_id = _strings(_col(probs, "id"))
    inc.q_text = _strings(_col(probs, "text"))
    inc.q_len = np.fromiter((len(t) for t in inc.q_text), dtype=np.int64, count=len(inc.q_text))
    inc._name_regions()
    if big:
        _drop_page_cache(store)
    return inc


def _narrow(x: np.ndarray) -> np.ndarray:
    """Non-negative ids as int32 when they fit (half the memory of the ~20 M sentence ids at
    100,000 reports); every use widens them before arithmetic."""
    if x.dtype != np.int32 and (not len(x) or int(x.max()) < 2 ** 31 - 1):
        return x.astype(np.int32)
    return x


def _small(x: np.ndarray) -> np.ndarray:
    """Codes and section numbers as int16 when they fit (few indicators, units and sections: 18 MB
    less per array at 100,000 reports); every arithmetic use widens them first."""
    if len(x) and (int(x.min()) < -2 ** 15 or int(x.max()) >= 2 ** 15 - 1):
        return x
    return x.astype(np.int16)


def give_back_memory() -> None:
    """Hand memory freed by a big build back to the system: Arrow's pool keeps freed blocks,
    and glibc keeps a fragmented heap (~0.3 GB after a scan of 100,000 reports)."""
    import gc

    import pyarrow as pa

    from govkg.procs import trim_heap

    gc.collect()
    pa.default_memory_pool().release_unused()
    trim_heap()


def _drop_page_cache(store: GraphStore) -> None:
    """Let the embedded store give back the pages a big read filled its cache with (LadybugDB
    keeps them until the database is closed: ~1 GB after reading 100,000 reports' outcomes),
    with the heap it freed. Nothing on a server store."""
    import pyarrow as pa

    release = getattr(store, "release_memory", None)
    if callable(release):
        pa.default_memory_pool().release_unused()
        release()  # reopens, collects and trims the heap


_CACHE: "weakref.WeakKeyDictionary[GraphStore, Incidence]" = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()
_BUILD_LOCK = threading.Lock()  # one scan at a time: concurrent callers wait and share it


CACHE_FILE = "incidence"  # the sidecar's name: kg.lbdb -> kg.lbdb.incidence
CACHE_FORMAT = 6  # raise when Incidence's fields change: older files are then ignored (2: CSC contexts; 3: int16 codes; 4: m_count; 5: o_meas; 6: sentence units keep sentence and role)


def cache_path(store: GraphStore) -> Path | None:
    """Where the store's incidence is kept between processes (None: a server store)."""
    where = getattr(store, "sidecar", None)
    return where(CACHE_FILE) if callable(where) else None


def load_saved(store: GraphStore, fp: tuple) -> Incidence | None:
    """The incidence kept beside the store, if it was made at fingerprint `fp`; None otherwise."""
    path = cache_path(store)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as f:
            if pickle.load(f) != (CACHE_FORMAT, fp):
                return None
            inc = pickle.load(f)
    except Exception:  # damaged, truncated or from another version of the code: scan instead
        return None
    return inc if isinstance(inc, Incidence) and inc.fingerprint == fp else None


def save(store: GraphStore, inc: Incidence) -> Path | None:
    """Keep `inc` beside the store (atomically); the file's path, or None when the store has no
    local file or it cannot be written (a read-only folder: the cache is then memory only)."""
    path = cache_path(store)
    if path is None:
        return None
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as f:
            pickle.dump((CACHE_FORMAT, inc.fingerprint), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(inc, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError):
        tmp.unlink(missing_ok=True)
        return None
    return path


def get_incidence(store: GraphStore) -> Incidence:
    """The store's incidence: from memory, else from the file beside the store, else from a scan
    (then kept in both); a stale one (the fingerprint has changed) is never used."""
    fp = fingerprint(store)
    with _CACHE_LOCK:
        inc = _CACHE.get(store)
    if inc is not None and inc.fingerprint == fp:
        return inc
    with _BUILD_LOCK:
        with _CACHE_LOCK:
            inc = _CACHE.get(store)
        if inc is not None and inc.fingerprint == fp:
            return inc
        inc = load_saved(store, fp)
        if inc is None:
            inc = scan(store, fp)
            if inc.n_reports > SCAN_CHUNK:
                give_back_memory()
            if cache_path(store) is not None:
                for level in LEVELS:  # built now so that the file holds them
                    inc.contexts(level)
                save(store, inc)
        with _CACHE_LOCK:
            _CACHE[store] = inc
    return inc


def cached_incidence(store: GraphStore) -> Incidence | None:
    """The store's incidence when one is cached and still current; None otherwise (nothing is
    built: for a query that has a cheap answer of its own without it)."""
    with _CACHE_LOCK:
        inc = _CACHE.get(store)
    return inc if inc is not None and inc.fingerprint == fingerprint(store) else None


def invalidate(store: GraphStore | None = None, on_disk: bool = True) -> None:
    """Forget the cached incidence of one store (or of every store), in memory and (unless
    `on_disk` is false: as a new process finds it) the file beside the store."""
    with _CACHE_LOCK:
        stores = list(_CACHE.keys()) if store is None else [store]
        if store is None:
            _CACHE.clear()
        else:
            _CACHE.pop(store, None)
    for s in stores if on_disk else ():
        path = cache_path(s)
        if path is not None:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
