"""Listing queries: what the store holds."""
from __future__ import annotations

from graph.store import GraphStore, Table
from queries.catalog import Param, register, with_columns


@register("reports", "报告列表 Reports", "every stored report with region, year, kind and counts of facts",
          Param("year", int, 0, "only this year (0: all years)"), Param("limit", int, 1000, "most rows"))
def reports(store: GraphStore, year: int | None, limit: int) -> Table:
    return with_columns(store.read(
        "MATCH (r:Report) WHERE $year = 0 OR r.year = $year "
        "OPTIONAL MATCH (r)-[m:MENTIONS]->(:Measure) "
        "WITH r, count(DISTINCT m) AS mentions "
        "OPTIONAL MATCH (r)-[:REPORTS]->(o:Outcome) "
        "RETURN r.id AS report, r.title AS title, r.kind AS kind, r.year AS year, r.province AS province, "
        "r.jurisdiction AS adcode, r.issuer AS issuer, mentions, count(o) AS outcomes "
        "ORDER BY year, report LIMIT $limit", {"year": year, "limit": limit}),
        ["report", "title", "kind", "year", "province", "adcode", "issuer", "mentions", "outcomes"])


@register("measures", "措施 Measures", "taxonomy measures with their domain and how many reports mention each",
          Param("min_reports", int, 0, "only measures in at least this many reports"))
def measures(store: GraphStore, min_reports: int) -> Table:
    return with_columns(store.read(
        "MATCH (m:Measure) OPTIONAL MATCH (r:Report)-[:MENTIONS]->(m) "
        "WITH m, count(DISTINCT r) AS reports WHERE reports >= $min "
        "RETURN m.id AS id, m.name AS measure, m.domain AS domain, reports ORDER BY reports DESC, id",
        {"min": min_reports}), ["id", "measure", "domain", "reports"])
