"""Which part of the graph to export, and reading it from the store as a stream.

A `Subgraph` is a recipe, not a copy: `nodes()` and `edges()` run paged queries each time they
are called and yield one item at a time, so a whole-graph export never holds the graph in memory.
A selection (region, years, measures, indicators, reports, k-hop) first resolves the *ids* of the
selected nodes (a few dozen bytes each) and then streams their properties the same way.

Order is fixed so that two exports of the same data are byte-identical: node labels and edge
types in `graph.schema` order, nodes by id, edges by (source id, target id, properties).

Example:
    >>> sub = select_subgraph(store, region="宁夏回族自治区", years=[2020])
    >>> sum(1 for _ in sub.nodes()), sum(1 for _ in sub.edges())
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from govkg.errors import GovkgError
from graph.schema import NODES, RELS
from graph.store import GraphStore

BATCH = 5000


class SelectionError(GovkgError):
    """A selection names a region, measure, node or type the store does not hold."""


@dataclass(slots=True)
class Node:
    """One node: its label, its store id and every schema property (None when unset)."""

    label: str
    id: str
    props: dict

    @property
    def key(self) -> str:
        """Unique across labels ("Report:000_x.txt"): what graph formats use as the node id."""
        return f"{self.label}:{self.id}"


@dataclass(slots=True)
class Edge:
    """One edge: type, ends (label and id), schema properties and a stable content-derived id."""

    type: str
    src_label: str
    src: str
    dst_label: str
    dst: str
    props: dict
    id: str = ""

    @property
    def src_key(self) -> str:
        return f"{self.src_label}:{self.src}"

    @property
    def dst_key(self) -> str:
        return f"{self.dst_label}:{self.dst}"


def canonical(props: dict) -> str:
    """Properties in schema order as text (the tie-breaker for parallel edges; stable across runs)."""
    return repr(tuple(props.values()))


def edge_id(e: Edge, canon: str) -> str:
    h = hashlib.sha1(f"{e.type}|{e.src_key}|{e.dst_key}|{canon}".encode("utf-8")).hexdigest()[:16]
    return f"{e.type}:{h}"


# Labels whose nodes belong to one report and say so in their `report` property: the bulk of a
# large graph. They are read a page of reports at a time.
_PER_REPORT = ("Section", "Outcome", "Problem", "Correction")


def report_key(rel: str, a: str, b: str) -> str | None:
    """The expression naming the report an edge belongs to, or None for shared edges."""
    if a == "Report":
        return "x.id"
    if b == "Report":
        return "y.id"
    if a in _PER_REPORT:
        return "x.report"
    if "report" in RELS[rel][1]:
        return "e.report"
    return None


@dataclass
class Subgraph:
    """A selected part of the graph, read lazily.

    Attributes:
        labels: node labels included, in schema order.
        ids: per label, the selected ids, or None for "every node of that label".
        leads_reports: when set, LEADS edges are kept only if their `report` is in it.
        description: a deterministic one-line account of the selection.
        batch: most nodes (or sources) per query for shared labels.
        report_batch: reports per page when reading what reports own.

    Order: labels and types in schema order; shared nodes by id; report-owned nodes by
    (report, id); edges by (report, source, target, properties) where they belong to a report,
    else by (source, target, properties). The order does not depend on the page sizes.
    """

    store: GraphStore
    labels: tuple[str, ...]
    ids: dict[str, set[str] | None]
    leads_reports: set[str] | None = None
    description: str = "whole graph"
    batch: int = BATCH
    report_batch: int = 250
    _pages: list | None = field(default=None, repr=False)

    def rel_pairs(self) -> list[tuple[str, str, str]]:
        """(type, from, to) triples whose two ends are both included, in schema order."""
        inc = set(self.labels)
        return [(rel, a, b) for rel, (pairs, _) in RELS.items() for a, b in pairs if a in inc and b in inc]

    # -- paging ----------------------------------------------------------------------------
    def _report_pages(self) -> list[tuple[str, dict]]:
        """(kind, params) pages covering the reports in play, in id order: id ranges over every
        report ("range": $lo, $hi), or chunks of the selected reports ("in": $rids)."""
        if self._pages is None:
            pages: list[tuple[str, dict]] = []
            if self.leads_reports is not None:
                pages = [("in", {"rids": c}) for c in _chunks(sorted(self.leads_reports), self.report_batch)]
            else:
                last = ""
                while True:
                    t = self.store.read("MATCH (r:Report) WHERE r.id > $last RETURN r.id ORDER BY r.id LIMIT $k",
                                        {"last": last, "k": self.report_batch})
                    if t.rows:
                        pages.append(("range", {"lo": t.rows[0][0], "hi": t.rows[-1][0]}))
                    if len(t.rows) < self.report_batch:
                        break
                    last = t.rows[-1][0]
            self._pages = pages
        return self._pages

    @staticmethod
    def _match(kind: str, expr: str) -> str:
        return "MATCH " if kind == "range" else "UNWIND $rids AS _r MATCH "

    @staticmethod
    def _cond(expr: str, kind: str) -> str:
        return f"{expr} >= $lo AND {expr} <= $hi" if kind == "range" else f"{expr} = _r"

    def _whole(self) -> bool:
        return self.leads_reports is None and all(v is None for v in self.ids.values())

    # -- streaming -------------------------------------------------------------------------
    def nodes(self) -> Iterator[Node]:
        for label in self.labels:
            yield from self.label_nodes(label)

    def label_nodes(self, label: str) -> Iterator[Node]:
        props = list(NODES[label])
        ret = ", ".join(f"n.{p} AS {p}" for p in props)
        ids = self.ids.get(label)
        by_report = label in _PER_REPORT and (ids is None or self.leads_reports is not None)
        if by_report:
            for kind, params in self._report_pages():
                rows = self.store.read(f"{self._match(kind, 'n.report')}(n:{label}) WHERE "
                                       f"{self._cond('n.report', kind)} RETURN {ret}", params).rows
                if ids is not None:
                    rows = [r for r in rows if r[0] in ids]
                rows.sort(key=lambda r: (r[1], r[0]))  # (report, id)
                for r in rows:
                    yield Node(label, r[0], dict(zip(props, r)))
            if ids is None:  # a node that names no report (not written by govkg, but possible)
                rows = self.store.read(f"MATCH (n:{label}) WHERE n.report IS NULL RETURN {ret} ORDER BY n.id").rows
                for r in rows:
                    yield Node(label, r[0], dict(zip(props, r)))
            return
        for rows in self._node_pages(label, ret):
            for r in rows:
                yield Node(label, r[0], dict(zip(props, r)))

    def _node_pages(self, label: str, ret: str) -> Iterator[list]:
        ids = self.ids.get(label)
        if ids is None:
            last = ""
            while True:
                t = self.store.read(f"MATCH (n:{label}) WHERE n.id > $last RETURN n.id ORDER BY n.id LIMIT $k",
                                    {"last": last, "k": self.batch})
                if t.rows:
                    rows = self.store.read(f"MATCH (n:{label}) WHERE n.id >= $lo AND n.id <= $hi RETURN {ret}",
                                           {"lo": t.rows[0][0], "hi": t.rows[-1][0]}).rows
                    rows.sort(key=lambda r: r[0])
                    yield rows
                if len(t.rows) < self.batch:
                    return
                last = t.rows[-1][0]
        else:
            for chunk in _chunks(sorted(ids), self.batch):
                rows = self.store.read(f"UNWIND $ids AS _k MATCH (n:{label}) WHERE n.id = _k RETURN {ret}",
                                       {"ids": chunk}).rows
                rows.sort(key=lambda r: r[0])
                yield rows

    def edges(self) -> Iterator[Edge]:
        for rel, a, b in self.rel_pairs():
            yield from self.pair_edges(rel, a, b)

    def pair_edges(self, rel: str, a: str, b: str) -> Iterator[Edge]:
        props = list(RELS[rel][1])
        ret = "".join(f", e.{p} AS {p}" for p in props)
        key = report_key(rel, a, b)
        keep_src, keep_dst = self.ids.get(a), self.ids.get(b)
        if key is not None and (self._whole() or self.leads_reports is not None):
            pages = [(self._match(kind, key), self._cond(key, kind), params) for kind, params in self._report_pages()]
            if self._whole():
                pages.append(("MATCH ", f"{key} IS NULL", {}))
        else:
            key = "''"
            pages = list(self._source_batches(a))
        for head, where, params in pages:
            t = self.store.read(f"{head}(x:{a})-[e:{rel}]->(y:{b}) WHERE {where} "
                                f"RETURN {key} AS k, x.id AS src, y.id AS dst{ret}", params)
            batch = []
            for r in t.rows:
                if (keep_src is not None and r[1] not in keep_src) or (keep_dst is not None and r[2] not in keep_dst):
                    continue
                p = dict(zip(props, r[3:]))
                if rel == "LEADS" and self.leads_reports is not None and p.get("report") not in self.leads_reports:
                    continue
                batch.append((r[0] or "", r[1], r[2], canonical(p), p))
            batch.sort(key=lambda x: x[:4])
            prev, n = None, 0
            for k, src, dst, canon, p in batch:
                ident = (src, dst, canon)
                n = n + 1 if ident == prev else 0
                prev = ident
                e = Edge(rel, a, src, b, dst, p)
                e.id = edge_id(e, canon) + (f"#{n}" if n else "")
                yield e

    def _source_batches(self, label: str) -> Iterator[tuple[str, str, dict]]:
        """(query head, WHERE clause on `x`, params) covering the included source nodes a batch at a time, in id order."""
        ids = self.ids.get(label)
        if ids is None:
            last = ""
            while True:
                t = self.store.read(f"MATCH (x:{label}) WHERE x.id > $last RETURN x.id ORDER BY x.id LIMIT $k",
                                    {"last": last, "k": self.batch})
                if t.rows:
                    yield "MATCH ", "x.id >= $lo AND x.id <= $hi", {"lo": t.rows[0][0], "hi": t.rows[-1][0]}
                if len(t.rows) < self.batch:
                    return
                last = t.rows[-1][0]
        else:
            for chunk in _chunks(sorted(ids), self.batch):
                yield "UNWIND $ids AS _k MATCH ", "x.id = _k", {"ids": chunk}

    def __iter__(self) -> Iterator[Node | Edge]:
        yield from self.nodes()
        yield from self.edges()

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and edges per type in this selection (reads the selection once)."""
        nodes = {label: 0 for label in self.labels}
        for n in self.nodes():
            nodes[n.label] += 1
        edges = {rel: 0 for rel, _, _ in self.rel_pairs()}
        for e in self.edges():
            edges[e.type] += 1
        return {"nodes": nodes, "edges": edges}


# -- resolving a selection ---------------------------------------------------------------------
def select_subgraph(store: GraphStore, *, region: str | None = None, years: Iterable[int] | None = None,
                    measures: Iterable[str] | None = None, indicators: Iterable[str] | None = None,
                    reports: Iterable[str] | None = None, node_types: Iterable[str] | None = None,
                    around: str | None = None, hops: int = 1, batch: int = BATCH,
                    report_batch: int = 250) -> Subgraph:
    """The part of the graph a researcher asked for, as a lazily read `Subgraph`.

    With no arguments: the whole graph. Otherwise the filters combine (all must hold):

    Args:
        region: a jurisdiction's adcode or exact name; the region and everything under it
            (adcode prefix: 2 digits for a province, 4 for a city, 6 for a county).
        years: report years.
        measures: measure ids or names; their sub-measures (PART_OF) are included.
        indicators: indicator names (an Indicator's id is its name).
        reports: report ids.
        node_types: keep only these labels (edges only between kept labels).
        around: a node ("Label:id", or a bare id held by one label) whose k-hop neighbourhood
            (edges followed both ways, through kept labels only) is wanted.
        hops: k for `around` (0: the node alone).
        batch, report_batch: page sizes (nodes per query; reports per query). They change memory
            and speed, never the output.

    Report filters (region, years, measures, indicators, reports) select reports and then what
    those reports say: their sections, outcomes, problems, initiatives, agencies, the measures
    they mention, quantify or relate to, those measures' domains, the indicators of their
    outcomes, and their jurisdictions (with the province/city above them, or the whole region's
    subtree when `region` is given). Measure filters keep only facts about those measures;
    indicator filters only outcomes of those indicators. Edges are those between selected nodes;
    LEADS edges (which carry a `report`) only when that report is selected.

    Raises:
        SelectionError: an unknown region, measure, indicator, node type or node.
    """
    labels = _labels(node_types)
    years = sorted({int(y) for y in years or []})
    measures = [m for m in (measures or []) if str(m).strip()]
    indicators = [i for i in (indicators or []) if str(i).strip()]
    reports = [r for r in (reports or []) if str(r).strip()]
    desc: list[str] = []
    ids: dict[str, set[str] | None] = {label: None for label in labels}
    leads = None
    if region or years or measures or indicators or reports:
        scope = _report_scope(store, region, years, measures, indicators, reports, batch, report_batch, desc)
        leads = scope["Report"]
        ids = {label: scope.get(label, set()) for label in labels}
    if around:
        start_label, start_id = _find_node(store, around, labels)
        if hops < 0:
            raise SelectionError(f"--hops must be 0 or more, got {hops}")
        ids = _k_hop(store, start_label, start_id, hops, labels, ids, batch)
        desc.append(f"{hops}-hop neighbourhood of {start_label}:{start_id}")
    if node_types:
        desc.append("node types " + ",".join(labels))
    return Subgraph(store, labels, ids, leads, "; ".join(desc) or "whole graph", batch, report_batch)


def _labels(node_types) -> tuple[str, ...]:
    if not node_types:
        return tuple(NODES)
    by_lower = {label.lower(): label for label in NODES}
    wanted = set()
    for t in node_types:
        for part in str(t).split(","):
            part = part.strip()
            if not part:
                continue
            if part.lower() not in by_lower:
                raise SelectionError(f"unknown node type {part!r}; choose from {', '.join(NODES)}")
            wanted.add(by_lower[part.lower()])
    return tuple(label for label in NODES if label in wanted)


def _chunks(xs: list, n: int) -> Iterator[list]:
    for i in range(0, len(xs), n):
        yield xs[i:i + n]


def _col(store: GraphStore, query: str, params: dict | None = None) -> set[str]:
    return {r[0] for r in store.read(query, params or {}).rows if r[0] is not None}


_IN_IDS = re.compile(r"([A-Za-z_][A-Za-z_0-9]*\.[A-Za-z_]+) IN \$ids\b")


def _col_for(store: GraphStore, query: str, ids: Iterable[str], batch: int, **params) -> set[str]:
    """Run a query taking `$ids` over the ids a chunk at a time; the union of its first column.

    The query tests membership as `v.prop IN $ids`; it runs as `UNWIND $ids AS _k … v.prop = _k`,
    which both stores answer with a lookup (or hash join) per id instead of comparing every row
    with every id (20-30x faster on LadybugDB for thousands of ids).
    """
    query = "UNWIND $ids AS _k " + _IN_IDS.sub(r"\1 = _k", query)
    out: set[str] = set()
    for chunk in _chunks(sorted(ids), batch):
        out |= _col(store, query, {"ids": chunk, **params})
    return out


def _region(store: GraphStore, region: str) -> tuple[str, str, str]:
    """(adcode, name, prefix) of a jurisdiction named by adcode or exact name."""
    t = store.read("MATCH (j:Jurisdiction) WHERE j.id = $r OR j.name = $r "
                   "RETURN j.id AS id, j.name AS name, j.level AS level ORDER BY id", {"r": str(region).strip()})
    if not t.rows:  # a short name (宁夏, 宁德): accept it when it starts exactly one region's name
        t = store.read("MATCH (j:Jurisdiction) WHERE j.name STARTS WITH $r "
                       "RETURN j.id AS id, j.name AS name, j.level AS level ORDER BY id", {"r": str(region).strip()})
    if not t.rows:
        raise SelectionError(f"no region {region!r} in the store: give an adcode or the exact name "
                             "(`govkg query --cypher \"MATCH (j:Jurisdiction) RETURN j.id, j.name\"` lists them)")
    if len(t.rows) > 1:
        found = ", ".join(f"{r[1]} ({r[0]})" for r in t.rows)
        raise SelectionError(f"region {region!r} is ambiguous ({found}): give the adcode")
    code, name, level = t.rows[0]
    digits = {"province": 2, "city": 4}.get(level or "", 6)
    return code, name, code[:digits]


def _resolve_named(store: GraphStore, label: str, values: list[str], what: str) -> set[str]:
    vals = [str(v).strip() for v in values]
    found = store.read(f"MATCH (n:{label}) WHERE n.id IN $v OR n.name IN $v RETURN n.id AS id, n.name AS name",
                       {"v": vals}).rows
    known = {r[0] for r in found} | {r[1] for r in found}
    missing = [v for v in vals if v not in known]
    if missing:
        raise SelectionError(f"no {what} {', '.join(map(repr, missing))} in the store "
                             f"(give the id or the exact name)")
    return {r[0] for r in found}


def _report_scope(store, region, years, measures, indicators, reports, batch, report_batch, desc) -> dict[str, set[str]]:
    """Ids per label of everything the selected reports say (see `select_subgraph`)."""
    prefix, region_ids = "", None
    if region:
        code, name, prefix = _region(store, region)
        region_ids = _col(store, "MATCH (j:Jurisdiction) WHERE j.id STARTS WITH $p RETURN j.id", {"p": prefix})
        desc.append(f"region {name} ({code}) and below")
    R = _col(store, "MATCH (r:Report) WHERE ($p = '' OR r.jurisdiction STARTS WITH $p) "
                    "AND ($ny = 0 OR r.year IN $years) RETURN r.id",
             {"p": prefix, "ny": len(years), "years": years or [0]})
    if years:
        desc.append("years " + ",".join(map(str, years)))
    if reports:
        R &= {str(r) for r in reports}
        desc.append("reports " + ",".join(sorted(map(str, reports))))
    M = None
    if measures:
        M = _resolve_named(store, "Measure", measures, "measure")
        frontier = set(M)
        while frontier:  # sub-measures point to their parent with PART_OF
            frontier = _col_for(store, "MATCH (c:Measure)-[:PART_OF]->(p:Measure) WHERE p.id IN $ids RETURN c.id",
                                frontier, batch) - M
            M |= frontier
        R &= _col_for(store, "MATCH (r:Report)-[:MENTIONS]->(m:Measure) WHERE m.id IN $ids RETURN DISTINCT r.id",
                      M, batch)
        desc.append("measures " + ",".join(sorted(M)))
    I = None
    if indicators:
        I = _resolve_named(store, "Indicator", indicators, "indicator")
        R &= _col_for(store, "MATCH (r:Report)-[:REPORTS]->(:Outcome)-[:MEASURES]->(i:Indicator) "
                             "WHERE i.id IN $ids RETURN DISTINCT r.id", I, batch)
        desc.append("indicators " + ",".join(sorted(I)))

    def from_reports(q: str) -> set[str]:
        """A query over a chunk of selected reports ($ids), with the measure ($mids) and
        indicator ($iids) filters; run over every chunk."""
        extra = {}
        if "$mids" in q:
            extra["mids"] = sorted(M or [])
        if "$iids" in q:
            extra["iids"] = sorted(I or [])
        return _col_for(store, q, R, report_batch, **extra)

    # Conditions spliced into the queries below are fixed text; the values travel as parameters.
    o_ind = " AND EXISTS { MATCH (o)-[:MEASURES]->(fi:Indicator) WHERE fi.id IN $iids }" if I is not None else ""
    o_mea = " AND EXISTS { MATCH (o)-[:QUANTIFIES]->(fm:Measure) WHERE fm.id IN $mids }" if M is not None else ""
    p_mea = " AND EXISTS { MATCH (p)-[:CONCERNS]->(fm:Measure) WHERE fm.id IN $mids }" if M is not None else ""
    i_mea = " AND EXISTS { MATCH (i)-[:INSTANCE_OF]->(fm:Measure) WHERE fm.id IN $mids }" if M is not None else ""
    S = from_reports("MATCH (r:Report)-[:HAS_SECTION]->(s:Section) WHERE r.id IN $ids RETURN s.id")
    O = from_reports(f"MATCH (r:Report)-[:REPORTS]->(o:Outcome) WHERE r.id IN $ids{o_ind}{o_mea} RETURN o.id")
    P = from_reports(f"MATCH (r:Report)-[:RAISES]->(p:Problem) WHERE r.id IN $ids{p_mea} RETURN p.id")
    N = from_reports(f"MATCH (r:Report)-[:PROMOTES]->(i:Initiative) WHERE r.id IN $ids{i_mea} RETURN i.id")
    if M is None:
        M = from_reports("MATCH (r:Report)-[:MENTIONS]->(m:Measure) WHERE r.id IN $ids RETURN m.id")
        M |= from_reports("MATCH (a:Agency)-[e:LEADS]->(m:Measure) WHERE e.report IN $ids RETURN m.id")
        M |= from_reports(f"MATCH (r:Report)-[:REPORTS]->(o:Outcome)-[:QUANTIFIES]->(m:Measure) "
                          f"WHERE r.id IN $ids{o_ind} RETURN m.id")
        M |= from_reports("MATCH (r:Report)-[:RAISES]->(p:Problem)-[:CONCERNS]->(m:Measure) WHERE r.id IN $ids "
                          "RETURN m.id")
        M |= from_reports("MATCH (r:Report)-[:PROMOTES]->(i:Initiative)-[:INSTANCE_OF]->(m:Measure) "
                          "WHERE r.id IN $ids RETURN m.id")
    D = _col_for(store, "MATCH (m:Measure)-[:IN_DOMAIN]->(d:Domain) WHERE m.id IN $ids RETURN d.id", M, batch)
    X = from_reports(f"MATCH (r:Report)-[:REPORTS]->(o:Outcome)-[:MEASURES]->(x:Indicator) "
                     f"WHERE r.id IN $ids{o_ind}{o_mea} RETURN x.id")
    if I is not None:
        X &= I
    A = from_reports("MATCH (a:Agency)-[:ISSUED]->(r:Report) WHERE r.id IN $ids RETURN a.id")
    A |= from_reports("MATCH (r:Report)-[:INVOLVES]->(a:Agency) WHERE r.id IN $ids RETURN a.id")
    if region_ids is not None:
        J = region_ids
    else:
        J = from_reports("MATCH (r:Report)-[:COVERS]->(j:Jurisdiction) WHERE r.id IN $ids RETURN j.id")
        J |= _col_for(store, "MATCH (a:Agency)-[:BELONGS_TO]->(j:Jurisdiction) WHERE a.id IN $ids RETURN j.id",
                      A, batch)
        frontier = set(J)
        while frontier:  # the province / city above
            frontier = _col_for(store, "MATCH (c:Jurisdiction)-[:PART_OF]->(p:Jurisdiction) WHERE c.id IN $ids "
                                       "RETURN p.id", frontier, batch) - J
            J |= frontier
    C = _col_for(store, "MATCH (c:Correction) WHERE c.report IN $ids RETURN c.id", R, report_batch)
    return {"Report": R, "Section": S, "Outcome": O, "Problem": P, "Initiative": N, "Measure": M, "Domain": D,
            "Indicator": X, "Agency": A, "Jurisdiction": J, "Correction": C, "IngestFailure": set()}


def _find_node(store: GraphStore, around: str, labels: tuple[str, ...]) -> tuple[str, str]:
    """(label, id) of the node `around` names: "Label:id" or an id that one label holds."""
    around = str(around).strip()
    head, sep, rest = around.partition(":")
    if sep and head in NODES:
        candidates = [(head, rest)]
    else:
        candidates = [(label, around) for label in NODES]
    found = [(label, nid) for label, nid in candidates
             if store.read(f"MATCH (n:{label}) WHERE n.id = $id RETURN count(n)", {"id": nid}).rows[0][0]]
    if not found:
        raise SelectionError(f"no node {around!r} in the store (give its id, or Label:id)")
    if len(found) > 1:
        raise SelectionError(f"{around!r} is the id of several nodes ({', '.join(l for l, _ in found)}): "
                             f"write Label:id, e.g. {found[0][0]}:{around}")
    label, nid = found[0]
    if label not in labels:
        raise SelectionError(f"{label}:{nid} is not among the selected node types")
    return label, nid


def _k_hop(store, start_label, start_id, hops, labels, allowed, batch) -> dict[str, set[str]]:
    """Nodes within `hops` edges (either direction) of the start, staying inside `allowed`."""
    inc = set(labels)

    def ok(label: str, nid: str) -> bool:
        a = allowed.get(label)
        return label in inc and (a is None or nid in a)

    if not ok(start_label, start_id):
        raise SelectionError(f"{start_label}:{start_id} is outside the other filters of this selection")
    seen: dict[str, set[str]] = {label: set() for label in labels}
    seen[start_label].add(start_id)
    frontier: dict[str, set[str]] = {start_label: {start_id}}
    for _ in range(hops):
        nxt: dict[str, set[str]] = {}
        for rel, (pairs, _) in RELS.items():
            for a, b in pairs:
                if a not in inc or b not in inc:
                    continue
                if frontier.get(a):
                    for nid in _col_for(store, f"MATCH (x:{a})-[:{rel}]->(y:{b}) WHERE x.id IN $ids RETURN y.id",
                                        frontier[a], batch):
                        if ok(b, nid) and nid not in seen[b]:
                            nxt.setdefault(b, set()).add(nid)
                if frontier.get(b):
                    for nid in _col_for(store, f"MATCH (x:{a})-[:{rel}]->(y:{b}) WHERE y.id IN $ids RETURN x.id",
                                        frontier[b], batch):
                        if ok(a, nid) and nid not in seen[a]:
                            nxt.setdefault(a, set()).add(nid)
        if not nxt:
            break
        for label, new in nxt.items():
            seen[label] |= new
        frontier = nxt
    return seen
