"""Export the graph (or a selection of it) to files other tools read.

Graph formats: GraphML (Gephi, yEd, networkx, igraph), GEXF (Gephi), node-link JSON (networkx,
D3), Cytoscape JSON, CSV (nodes.csv + edges.csv in a folder), a Cypher script that recreates
the selection on LadybugDB or Neo4j, and the CSV layout of `neo4j-admin database import`.
Query results (tables) go to CSV, Excel (.xlsx) or JSON. See docs/export.md.

Everything streams: nodes and edges are read from the store in batches and written as they
arrive, in a fixed order, so two exports of the same data are byte-identical.

Example:
    >>> export_graph(store, "graphml", "ningxia.graphml", region="640000", years=[2020])
    >>> data = export_bytes(store, "csv", node_types=["Report", "Measure"])   # a zip of two CSVs
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.errors import GovkgError
from graph.export.selection import Edge, Node, SelectionError, Subgraph, select_subgraph
from graph.export.tables import TABLE_FORMATS, table_bytes, write_table
from graph.export.writers import (FOLDER_WRITERS, WRITERS, Counter, DirSink, ZipSink, edge_statement,
                                  iter_script, node_statement)
from graph.store import GraphStore, Table

__all__ = ["FORMATS", "GRAPH_FORMATS", "TABLE_FORMATS", "ExportResult", "Node", "Edge", "Subgraph",
           "SelectionError", "select_subgraph", "export_graph", "export_bytes", "export_subgraph",
           "export_table", "table_bytes", "query_table", "load_cypher_script", "node_statement",
           "edge_statement"]

# name → (writer kind, file suffix for downloads)
GRAPH_FORMATS = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "json": ".json",
    "cytoscape": ".cyjs",
    "csv": ".zip",
    "cypher": ".cypher",
    "neo4j-admin": ".zip",
}
_ALIASES = {"node-link": "json", "nodelink": "json", "cyjs": "cytoscape", "neo4j": "neo4j-admin",
            "neo4j-import": "neo4j-admin", "cql": "cypher"}
FORMATS = tuple(GRAPH_FORMATS) + ("xlsx",)


@dataclass
class ExportResult:
    """What an export wrote."""

    fmt: str
    output: str
    nodes: int = 0
    edges: int = 0
    rows: int | None = None
    selection: str = ""

    def line(self) -> str:
        if self.rows is not None:
            return f"wrote {self.rows} rows to {self.output} ({self.fmt})"
        return (f"wrote {self.nodes} nodes and {self.edges} edges to {self.output} ({self.fmt}; "
                f"{self.selection})")

    def __str__(self) -> str:
        return self.line()


def _format(fmt: str) -> str:
    f = (fmt or "").strip().lower()
    f = _ALIASES.get(f, f)
    if f not in GRAPH_FORMATS:
        hint = " (xlsx is for query results: add --query or --cypher)" if f == "xlsx" else ""
        raise GovkgError(f"unknown graph export format {fmt!r}; choose one of {', '.join(GRAPH_FORMATS)}{hint}")
    return f


def export_subgraph(sub: Subgraph, fmt: str, output) -> ExportResult:
    """Write an already selected `Subgraph`. `output` is a path (a folder for csv and
    neo4j-admin) or a binary stream (the folder formats then write a zip archive)."""
    fmt = _format(fmt)
    count = Counter()
    is_stream = hasattr(output, "write")
    if fmt in FOLDER_WRITERS:
        if is_stream:
            sink = ZipSink(output)
        else:
            out = Path(output)
            if out.exists() and not out.is_dir():
                raise GovkgError(f"{out} is a file; {fmt} export writes a folder of CSV files: give a folder path")
            sink = DirSink(out)
        try:
            FOLDER_WRITERS[fmt](sub, sink, count)
        finally:
            sink.close()
    else:
        if is_stream:
            text = io.TextIOWrapper(output, encoding="utf-8", newline="\n")
            try:
                WRITERS[fmt](sub, text, count)
            finally:
                text.flush()
                text.detach()
        else:
            out = Path(output)
            if out.is_dir():
                raise GovkgError(f"{out} is a folder; {fmt} export writes one file: give a file name")
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(out.name + ".part")
            try:
                with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                    WRITERS[fmt](sub, fh, count)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            tmp.replace(out)
    name = "<bytes>" if is_stream else str(output)
    return ExportResult(fmt, name, count.nodes, count.edges, selection=sub.description)


def export_graph(store: GraphStore, fmt: str, output, **selection: Any) -> ExportResult:
    """Select (see `select_subgraph` for the keyword arguments) and write in one call.

    Example:
        >>> export_graph(store, "gexf", "out.gexf", around="Measure:M01", hops=2)
    """
    fmt = _format(fmt)
    sub = select_subgraph(store, **_clean(selection))
    return export_subgraph(sub, fmt, output)


def export_bytes(store: GraphStore, fmt: str, **selection: Any) -> bytes:
    """The export in memory (csv and neo4j-admin as a zip archive), for download buttons."""
    buf = io.BytesIO()
    export_graph(store, fmt, buf, **selection)
    return buf.getvalue()


def _clean(selection: dict) -> dict:
    """Drop empty filters (None, "", []) so callers can pass form fields straight through."""
    return {k: v for k, v in selection.items() if v not in (None, "", [], ()) or k == "hops"}


def query_table(store: GraphStore, *, query: str | None = None, params: dict | None = None,
                cypher: str | None = None, row_cap: int | None = None) -> Table:
    """The result of a catalog query (by name) or of a read-only Cypher query."""
    if query and cypher:
        raise GovkgError("give a catalog query name or a Cypher query, not both")
    if cypher:
        kwargs = {"row_cap": row_cap} if row_cap else {}
        return store.read_untrusted(cypher, params or None, **kwargs)
    if query:
        from queries.catalog import run_query

        return run_query(store, query, params or {})
    raise GovkgError("name a catalog query or give a Cypher query to export its result")


def export_table(table: Table, fmt: str, output) -> ExportResult:
    """Write a query result as csv, xlsx or json to a path or a binary stream."""
    fmt = (fmt or "").strip().lower()
    if fmt not in TABLE_FORMATS:
        raise GovkgError(f"a query result exports as {', '.join(TABLE_FORMATS)}, not {fmt!r}")
    if hasattr(output, "write"):
        rows = write_table(table, fmt, output)
        return ExportResult(fmt, "<bytes>", rows=rows)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        rows = write_table(table, fmt, fh)
    return ExportResult(fmt, str(out), rows=rows)


def load_cypher_script(store: GraphStore, source, batch: int = 500) -> int:
    """Run a script written by the `cypher` export on a store, `batch` statements per
    transaction. `source` is a path, the script's text, or an iterable of lines. Returns the statements run."""
    if isinstance(source, str) and "\n" not in source and len(source) < 4096 and Path(source).is_file():
        source = Path(source)
    if isinstance(source, Path):
        with open(source, encoding="utf-8") as fh:
            return _run_script(store, fh, batch)
    if isinstance(source, str):
        source = source.splitlines()
    return _run_script(store, source, batch)


def _run_script(store: GraphStore, lines, batch: int) -> int:
    done, pending = 0, []
    for stmt in iter_script(lines):
        pending.append((stmt, {}))
        if len(pending) >= batch:
            store._execute_tx(pending)
            done += len(pending)
            pending = []
    if pending:
        store._execute_tx(pending)
        done += len(pending)
    return done
