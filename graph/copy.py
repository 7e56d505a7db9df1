"""Move a whole graph from one store to another (embedded ⇄ Neo4j).

Nodes are read label by label (`GraphStore.iter_nodes`) and edges type by type
(`iter_rels_stable`), and written in batches with the same statements ingest uses, so the
copy holds exactly the same nodes, edges and properties. The destination must be empty (or
cleared with `replace=True`): report-owned edges are created, not merged, so copying twice
into the same store would double them.

Example:
    >>> summary = copy_graph(open_store(embedded_settings), open_store(neo4j_settings))
    >>> summary.line()
    'copied 2,240 nodes and 3,510 edges in 4.1 s'
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from govkg.errors import StoreError
from graph import cypher
from graph.schema import NODES, RELS
from graph.store import GraphStore


@dataclass
class CopySummary:
    """What a copy did: nodes and edges written, per label/type, and how long it took."""

    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        return (f"copied {sum(self.nodes.values()):,} nodes and {sum(self.edges.values()):,} edges "
                f"in {self.seconds:.1f} s")


def is_empty(store: GraphStore) -> bool:
    """True when the store holds no node of any schema label."""
    return all(not store.read(f"MATCH (n:{label}) RETURN n.id LIMIT 1").rows for label in NODES)


def clear_store(store: GraphStore) -> None:
    """Delete every node and edge of the schema's labels (the schema itself stays)."""
    clear = getattr(store, "clear", None)
    if callable(clear):
        clear()
        return
    for label in NODES:  # one transaction per label keeps each one small enough
        store._execute_tx([(f"MATCH (n:{label}) DETACH DELETE n", {})])


# Edge properties that tell apart several edges between the same two nodes (see GraphRows.dedupe).
_IDENTITY = ("section", "report", "role")


def iter_rels_stable(store: GraphStore, rel: str, batch: int = 2000):
    """Every edge of a type, paged in a total order, so no edge is read twice or skipped.

    (Paging ordered by the two ends alone is ambiguous where several edges join the same two
    nodes, e.g. one MENTIONS per section.)
    """
    pairs, props = RELS[rel]
    for a, b in pairs:
        ret = "".join(f", e.{p} AS {p}" for p in props)
        order = "".join(f", {p}" for p in _IDENTITY if p in props)
        skip = 0
        while True:
            t = store.read(f"MATCH (x:{a})-[e:{rel}]->(y:{b}) RETURN x.id AS src, y.id AS dst{ret} "
                           f"ORDER BY src, dst{order} SKIP $skip LIMIT $k", {"skip": skip, "k": batch})
            for r in t.rows:
                yield {"type": rel, "src_label": a, "src": r[0], "dst_label": b, "dst": r[1],
                       **dict(zip(props, r[2:]))}
            if len(t.rows) < batch:
                break
            skip += batch


def copy_graph(src: GraphStore, dst: GraphStore, *, replace: bool = False, batch: int = 2000,
               on_progress: Callable[[str, int], None] | None = None) -> CopySummary:
    """Copy every node and edge of `src` into `dst`.

    Each batch is one transaction: a copy that stops half-way leaves a partial graph, which
    `replace=True` clears on the next run. After copying, the counts of both stores are compared.

    Args:
        replace: clear `dst` first; without it a non-empty destination is refused.
        batch: rows per write transaction.
        on_progress: called with (label or type, rows written so far) after each batch.

    Raises:
        StoreError: destination not empty, or the counts differ after the copy.
    """
    started = time.monotonic()
    if not is_empty(dst):
        if not replace:
            raise StoreError(f"{dst.describe()} already holds a graph: copy into an empty store, "
                             "or pass --replace to delete what it holds first")
        clear_store(dst)
    summary = CopySummary()
    for label in NODES:
        rows: list[dict] = []
        n = 0
        for row in src.iter_nodes(label, batch=batch):
            rows.append(row)
            if len(rows) >= batch:
                dst.write_nodes(label, rows)
                n += len(rows)
                rows = []
                if on_progress:
                    on_progress(label, n)
        if rows:
            dst.write_nodes(label, rows)
            n += len(rows)
        summary.nodes[label] = n
    for rel in RELS:
        pending: dict[tuple[str, str], list[dict]] = defaultdict(list)
        n = 0

        def flush(a: str, b: str) -> None:
            nonlocal n
            data = pending.pop((a, b), [])
            if data:
                dst._execute_tx([(cypher.write_rels(rel, a, b, dst.dialect), {"rows": data})])
                n += len(data)
                if on_progress:
                    on_progress(rel, n)

        for row in iter_rels_stable(src, rel, batch=batch):
            a, b = row.pop("src_label"), row.pop("dst_label")
            row.pop("type")
            pending[(a, b)].append(row)
            if len(pending[(a, b)]) >= batch:
                flush(a, b)
        for a, b in list(pending):
            flush(a, b)
        summary.edges[rel] = n
    summary.seconds = time.monotonic() - started
    have, want = dst.counts(), src.counts()
    if have != want:
        diff = [f"{k} {want[kind][k]}→{have[kind][k]}" for kind in want for k in want[kind]
                if want[kind][k] != have[kind][k]]
        raise StoreError(f"the copy in {dst.describe()} differs from the source: {', '.join(diff)}; "
                         "run the copy again with --replace")
    return summary
