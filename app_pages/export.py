"""Export: the current selection or subgraph, in every export format, as downloads.

Files are built when a download button is pressed (deferred), by `graph.export`, so the page
itself stays fast; the preview counts what the selection holds.
"""
from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from govkg.errors import GovkgError
from graph.export import GRAPH_FORMATS, TABLE_FORMATS, Subgraph, export_subgraph, select_subgraph, table_bytes
from graph.store import Table
from app_pages.common import catalog_scope, get_store, md, require_store, safe_filename, scope_text, year_range
from app_pages.graphview import GRAPH_LABELS, LABEL_NAMES

SCOPES = {"filter": "当前筛选 Sidebar region and years", "subgraph": "图谱探索子图 Explorer neighbourhood",
          "measure": "一个措施 One measure", "all": "全图 Whole graph"}
FORMAT_NAMES = {"graphml": "GraphML (Gephi, yEd, networkx)", "gexf": "GEXF (Gephi)", "json": "node-link JSON (networkx, D3)",
                "cytoscape": "Cytoscape JSON", "csv": "CSV (nodes + edges, zip)", "cypher": "Cypher script",
                "neo4j-admin": "neo4j-admin import CSV (zip)"}
MIME = {".graphml": "application/xml", ".gexf": "application/xml", ".json": "application/json",
        ".cyjs": "application/json", ".zip": "application/zip", ".cypher": "text/plain"}

st.title("导出 Export")


def build(scope: str, types: list[str], measure: str) -> tuple[Subgraph | None, str]:
    """The selection as a lazily read Subgraph, and a name for its files."""
    store = get_store()
    node_types = types or None
    if scope == "subgraph":
        sub = st.session_state.get("subgraph")
        if not sub:
            return None, ""
        ids: dict[str, set[str]] = {}
        for n in sub["nodes"]:
            if not types or n["label"] in types:
                ids.setdefault(n["label"], set()).add(n["id"])
        labels = tuple(label for label in GRAPH_LABELS if label in ids)
        return (Subgraph(store, labels, ids, None, f"explorer view {sub.get('title', '')}"),
                sub.get("title", "subgraph"))
    if scope == "measure":
        return select_subgraph(store, measures=[measure], node_types=node_types), f"measure-{measure}"
    if scope == "filter":
        sc = catalog_scope()
        years = year_range()
        sel = dict(region=sc["region"] or None, years=list(range(years[0], years[1] + 1)) if years else None)
        name = "-".join(x for x in (sc["region"], sc["years"]) if x) or "all"
        return select_subgraph(store, node_types=node_types, **sel), name
    return select_subgraph(store, node_types=node_types), "govkg-graph"


@st.cache_data(ttl=120, show_spinner=False)
def _counts(key: str, scope: str, types: tuple, measure: str, region: str, years: str) -> dict:
    sub, _ = build(scope, list(types), measure)
    if sub.description == "whole graph":  # no filter: the store's own counts, without reading every node
        total = get_store().counts()
        rels = {rel for rel, _, _ in sub.rel_pairs()}
        return {"nodes": {label: total["nodes"].get(label, 0) for label in sub.labels},
                "edges": {rel: n for rel, n in total["edges"].items() if rel in rels}}
    return sub.counts()


def preview(sub: Subgraph | None, scope: str, types: list[str], measure: str) -> dict | None:
    """Node and edge counts of the selection (cached, except for the explorer's small subgraph)."""
    if sub is None:
        return None
    if scope == "subgraph":
        return sub.counts()
    sc = catalog_scope()
    return _counts(get_store().describe(), scope, tuple(types), measure, sc["region"], sc["years"])


def _maker(sub: Subgraph, fmt: str):
    def make() -> bytes:
        import io

        buf = io.BytesIO()
        export_subgraph(sub, fmt, buf)
        return buf.getvalue()
    return make


if require_store():
    st.caption(scope_text())
    c1, c2 = st.columns([1, 2])
    scope = c1.radio("导出范围 What to export", list(SCOPES), format_func=SCOPES.get, key="export_scope")
    types = c2.multiselect("节点类型 Node types (空=全部 all)", GRAPH_LABELS, format_func=lambda x: LABEL_NAMES.get(x, x),
                           key="export_types")
    measure = ""
    if scope == "measure":
        measure = c2.text_input("措施编号或名称 Measure id or name", value=st.session_state.get("measure") or "M50",
                                key="export_measure")
    try:
        sub, name = build(scope, types, measure)
        counts = preview(sub, scope, types, measure)
    except GovkgError as e:
        st.error(f"无法选出子图 Cannot select: {md(str(e))}")
        st.stop()
    if sub is None or counts is None:
        st.info("还没有子图：先在「图谱探索 Graph explorer」页选一个邻域。 No neighbourhood yet: open the Graph "
                "explorer page and pick one first.")
    else:
        n_nodes, n_edges = sum(counts["nodes"].values()), sum(counts["edges"].values())
        m = st.columns(3)
        m[0].metric("节点 Nodes", n_nodes)
        m[1].metric("边 Edges", n_edges)
        m[2].metric("类型 Node types", sum(1 for v in counts["nodes"].values() if v))
        st.caption(f"选择 Selection: {md(sub.description)}")
        with st.expander("各类节点与边的数量 Counts by type"):
            st.dataframe(pd.DataFrame([{"类型 type": k, "数量 count": v} for k, v in
                                       {**counts["nodes"], **counts["edges"]}.items() if v]),
                         hide_index=True, width="stretch")
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
        st.subheader("下载 Downloads")
        cols = st.columns(4)
        for i, (fmt, suffix) in enumerate(GRAPH_FORMATS.items()):
            fname = safe_filename(f"{name}-{stamp}{suffix}", default=f"govkg{suffix}")
            cols[i % 4].download_button(FORMAT_NAMES.get(fmt, fmt), _maker(sub, fmt), file_name=fname,
                                        mime=MIME.get(suffix, "application/octet-stream"), key=f"dl_{fmt}",
                                        on_click="ignore", disabled=n_nodes == 0)

    res = st.session_state.get("console_result")
    if res and "columns" in res:
        st.subheader("查询结果 The console's last result")
        st.caption(f"{len(res['rows'])} 行 rows × {len(res['columns'])} 列 columns")
        table = Table(res["columns"], res["rows"])
        cols = st.columns(len(TABLE_FORMATS))
        for col, fmt in zip(cols, TABLE_FORMATS):
            col.download_button(fmt.upper(), (lambda f=fmt: table_bytes(table, f)),
                                file_name=safe_filename(f"query-result.{fmt}"), key=f"dl_table_{fmt}",
                                on_click="ignore")
