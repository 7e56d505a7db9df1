"""One store interface, two implementations: embedded LadybugDB (default) and Neo4j 5.

Ingest, queries, the app and export all talk to a `GraphStore`. The shared logic (what to
delete and write for a report, in which order) lives here; a backend only supplies
`_execute_tx` (run statements atomically), `_read` (run one read statement) and schema setup.

Example:
    >>> from govkg.config import Settings
    >>> store = open_store(Settings.from_env(db_path="data/govkg.lbdb"))
    >>> store.read("MATCH (m:Measure) RETURN count(*) AS n").rows
"""
from __future__ import annotations

import abc
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from govkg.config import Settings
from govkg.errors import StoreError
from graph import cypher
from graph.rows import GraphRows
from graph.schema import NODES, RELS, REPORT_OWNED

log = logging.getLogger("govkg.store")

Statement = tuple[str, dict[str, Any]]


@dataclass
class Table:
    """A query result: column names and rows (lists of plain values)."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def __len__(self) -> int:
        return len(self.rows)


class GraphStore(abc.ABC):
    """The verbs every part of govkg uses. Implementations: `LadybugStore`, `Neo4jStore`.

    Args:
        tracer: optional callable `(query, params)` that sees every statement sent.
    """

    backend: str = ""
    dialect: str = "neo4j"  # Cypher variant for write statements (see graph.cypher)
    batch_size = 2000

    def __init__(self, tracer: Callable[[str, dict], None] | None = None):
        self.tracer = tracer

    # -- backend hooks -------------------------------------------------------------------
    @abc.abstractmethod
    def ensure_schema(self) -> None:
        """Create tables / constraints and indexes if missing (idempotent)."""

    @abc.abstractmethod
    def _execute_tx(self, statements: list[Statement]) -> None:
        """Run the statements in one transaction: all or nothing."""

    @abc.abstractmethod
    def _read(self, query: str, params: dict | None = None) -> Table:
        """Run one trusted read statement."""

    @abc.abstractmethod
    def read_untrusted(self, query: str, params: dict | None = None, *, timeout: float | None = None,
                       row_cap: int | None = None) -> Table:
        """Run a user's query: refused unless read-only, time-limited and row-capped."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def describe(self) -> str:
        return self.backend

    def sidecar(self, name: str) -> Path | None:
        """A file beside the database where derived data (caches) may be kept between processes;
        None for a store that has no local file (a server)."""
        return None

    # -- shared logic --------------------------------------------------------------------
    def _trace(self, query: str, params: dict | None) -> None:
        if self.tracer:
            self.tracer(query, params or {})

    def read(self, query: str, params: dict | None = None) -> Table:
        """Run a trusted (catalog) read query with parameters."""
        self._trace(query, params)
        return self._read(query, params or {})

    def report_hash(self, report_id: str) -> str | None:
        t = self.read(cypher.REPORT_HASH, {"id": report_id})
        return t.rows[0][0] if t.rows else None

    def report_hashes(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.read(cypher.REPORT_HASHES).rows}

    def write_statements(self, rows: GraphRows, create_owned: bool = False) -> list[Statement]:
        """Batched upserts for all rows: nodes first (in schema order), then edges.

        With `create_owned`, report-owned nodes (sections, outcomes, problems) are created rather
        than merged: only for reports that are new or were deleted earlier in the same transaction.
        """
        out: list[Statement] = []
        for label in NODES:
            data = rows.nodes.get(label) or []
            build = cypher.create_nodes if create_owned and label in REPORT_OWNED else cypher.upsert_nodes
            for i in range(0, len(data), self.batch_size):
                out.append((build(label, self.dialect), {"rows": data[i:i + self.batch_size]}))
        for rel in RELS:
            for (r, a, b), data in rows.rels.items():
                if r != rel or not data:
                    continue
                for i in range(0, len(data), self.batch_size):
                    out.append((cypher.write_rels(r, a, b, self.dialect), {"rows": data[i:i + self.batch_size]}))
        return out

    def write_taxonomy(self, rows: GraphRows) -> None:
        self._execute_tx(self.write_statements(rows))

    def write_report(self, rows: GraphRows, force: bool = False) -> str:
        """Write one report's rows atomically. Returns "added", "updated" or "unchanged".

        An unchanged content hash is a no-op (unless `force`); a changed one replaces every fact
        the report owns and nothing else.
        """
        old = self.report_hash(rows.report_id)
        if old is not None and old == rows.content_hash and not force:
            return "unchanged"
        stmts: list[Statement] = []
        orphans: dict[str, list[str]] = {}
        if old is not None:
            orphans = self._orphan_candidates(rows.report_id)
            stmts += [(q, {"id": rows.report_id}) for q in cypher.delete_report_statements()]
        stmts += self.write_statements(rows, create_owned=True)  # the report's old facts are gone
        for label, ids in orphans.items():
            if ids:
                stmts.append((cypher.ORPHAN_DELETE[label], {"ids": ids}))
        self._execute_tx(stmts)
        return "added" if old is None else "updated"

    def delete_report(self, report_id: str) -> bool:
        """Remove a report and the facts it owns. Returns False when there was no such report."""
        if self.report_hash(report_id) is None:
            return False
        orphans = self._orphan_candidates(report_id)
        stmts = [(q, {"id": report_id}) for q in cypher.delete_report_statements()]
        stmts += [(cypher.ORPHAN_DELETE[label], {"ids": ids}) for label, ids in orphans.items() if ids]
        self._execute_tx(stmts)
        return True

    def _orphan_candidates(self, report_id: str) -> dict[str, list[str]]:
        t = self.read(cypher.ORPHAN_CANDIDATES, {"id": report_id})
        if not t.rows:
            return {}
        ini, ind, ag = t.rows[0]
        clean = lambda xs: sorted({x for x in (xs or []) if x is not None})  # noqa: E731
        return {"Initiative": clean(ini), "Indicator": clean(ind), "Agency": clean(ag)}

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and edges per type (zeros included)."""
        nodes = {label: self.read(f"MATCH (n:{label}) RETURN count(n) AS n").rows[0][0] for label in NODES}
        edges = {rel: self.read(f"MATCH ()-[e:{rel}]->() RETURN count(e) AS n").rows[0][0] for rel in RELS}
        return {"nodes": nodes, "edges": edges}

    def record_failure(self, source: str, problem: str, at: str) -> None:
        self._execute_tx([(cypher.upsert_nodes("IngestFailure", self.dialect),
                           {"rows": [{"id": source, "source": source, "problem": problem, "at": at}]})])

    def clear_failure(self, source: str) -> None:
        self._execute_tx([("MATCH (n:IngestFailure {id: $id}) DELETE n", {"id": source})])

    def write_nodes(self, label: str, rows: list[dict]) -> None:
        """Upsert plain node rows (corrections, copies between stores)."""
        g = GraphRows()
        for r in rows:
            g.node(label, **r)
        self._execute_tx(self.write_statements(g))

    def delete_node(self, label: str, node_id: str) -> None:
        if label not in NODES:
            raise StoreError(f"unknown node label {label!r}")
        self._execute_tx([(f"MATCH (n:{label} {{id: $id}}) DETACH DELETE n", {"id": node_id})])

    def iter_nodes(self, label: str, batch: int = 5000) -> Iterator[dict]:
        """Every node of a label as a property dict, in id order, a batch at a time."""
        if label not in NODES:
            raise StoreError(f"unknown node label {label!r}")
        props = list(NODES[label])
        ret = ", ".join(f"n.{p} AS {p}" for p in props)
        last = ""
        while True:
            t = self.read(f"MATCH (n:{label}) WHERE n.id > $last RETURN {ret} ORDER BY n.id LIMIT $k",
                          {"last": last, "k": batch})
            for r in t.rows:
                yield dict(zip(props, r))
            if len(t.rows) < batch:
                return
            last = t.rows[-1][0]

    def iter_rels(self, rel: str, batch: int = 5000) -> Iterator[dict]:
        """Every edge of a type: {"type", "src_label", "src", "dst_label", "dst", **properties}."""
        if rel not in RELS:
            raise StoreError(f"unknown relationship type {rel!r}")
        pairs, props = RELS[rel]
        for a, b in pairs:
            ret = "".join(f", e.{p} AS {p}" for p in props)
            # Several edges may join the same two nodes (MENTIONS per section, LEADS per report):
            # order by the properties that tell them apart too, or pages repeat and skip edges.
            order = "".join(f", {p}" for p in ("section", "report", "role") if p in props)
            skip = 0
            while True:
                t = self.read(f"MATCH (x:{a})-[e:{rel}]->(y:{b}) RETURN x.id AS src, y.id AS dst{ret} "
                              f"ORDER BY src, dst{order} SKIP $skip LIMIT $k", {"skip": skip, "k": batch})
                for r in t.rows:
                    row = {"type": rel, "src_label": a, "src": r[0], "dst_label": b, "dst": r[1]}
                    row.update(zip(props, r[2:]))
                    yield row
                if len(t.rows) < batch:
                    break
                skip += batch

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_store(settings: Settings, tracer=None, read_only: bool = False) -> GraphStore:
    """The store the settings name, with its schema in place."""
    if settings.store == "neo4j":
        from graph.neo4j_store import Neo4jStore

        store: GraphStore = Neo4jStore.from_settings(settings, tracer=tracer)
    elif settings.store == "embedded":
        from graph.ladybug_store import LadybugStore

        store = LadybugStore(settings.db_path, tracer=tracer, read_only=read_only,
                             query_timeout=settings.query_timeout, row_cap=settings.query_row_cap,
                             buffer_pool_mb=settings.buffer_pool_mb)
    else:
        raise StoreError(f"unknown store {settings.store!r}: choose embedded or neo4j")
    if not read_only:
        store.ensure_schema()
    return store
