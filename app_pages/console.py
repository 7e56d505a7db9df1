"""Query console: read-only Cypher (writes are refused, rows capped, time-limited) and the catalog queries."""
import json

import pandas as pd
import streamlit as st

from govkg.errors import GovkgError
from app_pages.common import get_store, md, require_store, short
from app_pages.graphview import draw

st.title("查询 Query console")

EXAMPLES = {
    "三项制度的证据句 Evidence for 三项制度":
        "MATCH (r:Report)-[e:MENTIONS]->(m:Measure)\nWHERE m.name CONTAINS '三项制度'\n"
        "RETURN r.title AS report, e.role AS role, e.evidence AS evidence LIMIT 50",
    "措施提及最多的报告 Reports by measures mentioned":
        "MATCH (r:Report)-[:MENTIONS]->(m:Measure)\nRETURN r.title AS report, count(DISTINCT m) AS measures\n"
        "ORDER BY measures DESC LIMIT 20",
    "出庭应诉率 Court-appearance rates":
        "MATCH (r:Report)-[:REPORTS]->(o:Outcome)-[:MEASURES]->(i:Indicator)\nWHERE i.name CONTAINS '出庭'\n"
        "RETURN r.title AS report, r.year AS year, i.name AS indicator, o.value AS value, o.unit AS unit, "
        "o.is_target AS target\nORDER BY year",
    "图: 报告—措施 Graph: reports and one measure":
        "MATCH (r:Report)-[e:MENTIONS]->(m:Measure)\nWHERE m.id = $measure\nRETURN r, e, m LIMIT 50",
    "图: 地区层级 Graph: the region hierarchy":
        "MATCH (a:Jurisdiction)-[p:PART_OF]->(b:Jurisdiction)\nRETURN a, p, b",
    "地方品牌与措施 Initiatives and their measures":
        "MATCH (i:Initiative)-[:INSTANCE_OF]->(m:Measure)\nRETURN m.name AS measure, collect(i.name) AS initiatives\n"
        "ORDER BY measure",
}
EXAMPLE_PARAMS = {"图: 报告—措施 Graph: reports and one measure": {"measure": "M50"}}


def _is_node(v) -> bool:
    return isinstance(v, dict) and "_LABEL" in v and "id" in v and "_SRC" not in v


def _is_rel(v) -> bool:
    return isinstance(v, dict) and "_LABEL" in v and "id" not in v and "_NODES" not in v


def result_graph(rows: list[list]) -> dict | None:
    """Nodes and relationships in a result as a subgraph (None when there are none).

    An edge's ends come from its internal ids (embedded store), a path's order, or else the node
    values on either side of it in the row (`RETURN a, e, b`).
    """
    nodes: dict[str, dict] = {}
    by_internal: dict[str, str] = {}
    edges: list[dict] = []

    def add(v) -> str:
        key = f"{v['_LABEL']}:{v['id']}"
        nodes.setdefault(key, {"key": key, "label": v["_LABEL"], "id": v["id"],
                               "props": {k: x for k, x in v.items() if not k.startswith("_") and x is not None}})
        if isinstance(v.get("_ID"), dict):
            by_internal[json.dumps(v["_ID"], sort_keys=True)] = key
        return key

    def rel(v, left, right):
        props = {k: x for k, x in v.items() if not k.startswith("_") and x is not None}
        edges.append({"type": v["_LABEL"], "src": v.get("_SRC"), "dst": v.get("_DST"), "left": left, "right": right,
                      "props": props})

    for row in rows:
        for i, v in enumerate(row):
            if _is_node(v):
                add(v)
            elif isinstance(v, dict) and ("_NODES" in v or "_nodes" in v):
                ns = [add(n) for n in v.get("_NODES", v.get("_nodes", [])) if _is_node(n)]
                for j, r in enumerate(v.get("_RELS", v.get("_rels", []))):
                    rel(r, ns[j] if j < len(ns) else None, ns[j + 1] if j + 1 < len(ns) else None)
        for i, v in enumerate(row):
            if _is_rel(v):
                left = add(row[i - 1]) if i > 0 and _is_node(row[i - 1]) else None
                right = add(row[i + 1]) if i + 1 < len(row) and _is_node(row[i + 1]) else None
                rel(v, left, right)
    out = []
    for e in edges:
        src = by_internal.get(json.dumps(e["src"], sort_keys=True)) if e["src"] else None
        dst = by_internal.get(json.dumps(e["dst"], sort_keys=True)) if e["dst"] else None
        src, dst = src or e["left"], dst or e["right"]
        if src and dst:
            out.append({"type": e["type"], "source": src, "target": dst, "props": e["props"]})
    if not nodes:
        return None
    return {"center": next(iter(nodes)), "nodes": list(nodes.values()), "edges": out}


def show_table(columns: list[str], rows: list[list]) -> None:
    def cell(v):
        if _is_node(v):
            return f"({v['_LABEL']} {short(v.get('name') or v.get('title') or v['id'], 40)})"
        if isinstance(v, dict):
            return short(json.dumps({k: x for k, x in v.items() if not k.startswith("_")}, ensure_ascii=False,
                                    default=str), 200)
        if isinstance(v, list):
            return short(", ".join(map(str, v)), 200)
        return v
    df = pd.DataFrame([[cell(v) for v in r] for r in rows], columns=columns)
    st.dataframe(df, hide_index=True, width="stretch")


def cypher_tab() -> None:
    example = st.selectbox("示例 Example", list(EXAMPLES), key="console_example")
    if st.session_state.get("console_loaded") != example:
        st.session_state["console_loaded"] = example
        st.session_state["console_text"] = EXAMPLES[example]
        st.session_state["console_params"] = json.dumps(EXAMPLE_PARAMS.get(example, {}), ensure_ascii=False)
    text = st.text_area("Cypher（只读 read-only）", key="console_text", height=140)
    params_text = st.text_input("参数 Parameters (JSON)", key="console_params")
    st.caption("只允许读取；写入、删除、加载和过程调用会被拒绝。Only reads: writes, deletes, loads and "
               "procedure calls are refused; rows are capped and queries time-limited.")
    if st.button("运行 Run", type="primary", key="console_run"):
        st.session_state["console_result"] = run(text, params_text)
    res = st.session_state.get("console_result")
    if res is None:
        return
    if "error" in res:
        st.error(res["error"])
        return
    st.caption(f"{len(res['rows'])} 行 rows · {res['ms']:.0f} ms"
               + (f" · 已截断为 {res['cap']} 行 capped at {res['cap']} rows" if res["truncated"] else ""))
    show_table(res["columns"], res["rows"])
    sub = result_graph(res["rows"])
    if sub:
        st.markdown(f"**图 Graph** — {len(sub['nodes'])} 个节点 nodes, {len(sub['edges'])} 条边 edges")
        draw(sub, key=f"console_graph_{res['n']}", height=460)
        st.session_state["subgraph"] = dict(sub, title="console")


def run(text: str, params_text: str) -> dict:
    """Run the console's query; the answer (or the error message) is kept in session state."""
    try:
        params = json.loads(params_text or "{}")
        if not isinstance(params, dict):
            raise ValueError("parameters must be a JSON object")
    except ValueError as e:
        return {"error": f"参数不是有效的 JSON 对象 Parameters are not a JSON object: {md(str(e))}"}
    from queries.console import run_console

    try:
        res = run_console(get_store(), text, params)
    except GovkgError as e:
        return {"error": f"查询被拒绝或失败 Query refused or failed: {md(str(e))}"}
    n = st.session_state.get("console_runs", 0) + 1
    st.session_state["console_runs"] = n
    return {"columns": res.table.columns, "rows": res.table.rows, "ms": res.seconds * 1000,
            "truncated": res.truncated, "cap": res.row_cap, "n": n}


def catalog_tab() -> None:
    from queries.catalog import all_queries, run_query

    queries = {q.name: q for q in all_queries()}
    name = st.selectbox("目录查询 Catalog query", list(queries), format_func=lambda n: f"{n} — {queries[n].title}",
                        key="catalog_name")
    q = queries[name]
    st.caption(md(q.description))
    values = {}
    cols = st.columns(3)
    for i, p in enumerate(q.params):
        col = cols[i % 3]
        label = f"{p.name} ({md(p.help)})" if p.help else p.name
        if p.type is bool:
            values[p.name] = col.checkbox(label, value=bool(p.default), key=f"cat_{name}_{p.name}")
        elif p.type in (int, float):
            values[p.name] = col.number_input(label, value=p.type(p.default or 0), key=f"cat_{name}_{p.name}")
        else:
            values[p.name] = col.text_input(label, value=str(p.default or ""), key=f"cat_{name}_{p.name}")
    if st.button("运行 Run", type="primary", key="catalog_run"):
        try:
            t = run_query(get_store(), name, values)
        except GovkgError as e:
            st.error(f"查询失败 Query failed: {md(str(e))}")
            return
        st.caption(f"{len(t.rows)} 行 rows" + (" · 已截断 truncated" if t.truncated else ""))
        show_table(t.columns, t.rows)


if require_store():
    tab_c, tab_q = st.tabs(["Cypher", "目录查询 Catalog queries"])
    with tab_c:
        cypher_tab()
    with tab_q:
        catalog_tab()
