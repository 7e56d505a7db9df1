"""Listing queries: what the store holds.

`measures` is served from the incidence (`queries.incidence`): the taxonomy measures with the
number of reports mentioning each, the same answer as a Cypher aggregation over every MENTIONS
edge without running it on every call. `reports` comes from the incidence when a current one is
cached (the app builds it at start), otherwise from one Cypher read that counts facts only for
the reports listed (a page of `limit`, not every report): no scan is started for a listing.
"""
from __future__ import annotations

import numpy as np

from graph.store import GraphStore, Table
from queries.catalog import Param, register, with_columns
from queries.incidence import cached_incidence, get_incidence

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
          Param("min_reports", int, 0, "only measures in at least this many reports"))
def measures(store: GraphStore, min_reports: int) -> Table:
    inc = get_incidence(store)
    cols = ["id", "measure", "domain", "reports"]
    if not inc.measure_ids:
        return Table(cols, [])
    n = np.asarray(inc.report_measures().sum(axis=0)).ravel().astype(np.int64)
    idx = np.flatnonzero(n >= min_reports)
    idx = idx[np.lexsort((idx, -n[idx]))]  # reports descending, then id (the measures are sorted by id)
    return Table(cols, [inc.measure_rows[i][:3] + [int(n[i])] for i in idx])
