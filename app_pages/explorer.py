"""Graph explorer: an interactive network of k hops around a measure, region or report."""
import pandas as pd
import streamlit as st

from app_pages.common import (
    SCOPE, cached_query, md, read, region_labels, region_options, require_store, scope_params, short, store_key,
)
from app_pages.graphview import GRAPH_LABELS, LABEL_NAMES, draw, neighbourhood

CENTRES = {"Measure": "措施 Measure", "Jurisdiction": "地区 Region", "Report": "报告 Report"}
DEFAULT_TYPES = ["Report", "Measure", "Jurisdiction", "Initiative", "Domain", "Agency", "Indicator"]

st.title("图谱探索 Graph explorer")


def centre_options(label: str) -> tuple[list[str], dict[str, str]]:
    if label == "Measure":
        # the catalog's listing: every measure, most reported first (from the incidence)
        df = cached_query("measures", {"min_reports": 0})
        return list(df["id"]), {i: f"{i} {n} ({c})" for i, n, c in zip(df["id"], df["measure"], df["reports"])}
    if label == "Jurisdiction":
        opts = region_options()
        labels = region_labels()
        return opts, {c: labels[c].strip("　") for c in opts}
    df = read(f"MATCH (r:Report) WHERE {SCOPE} RETURN r.id AS id, r.title AS title, r.year AS year ORDER BY year, id",
              **scope_params())
    return list(df["id"]), {i: f"{y} {short(t, 40)}" for i, t, y in zip(df["id"], df["title"], df["year"])}


def node_details(sub: dict, key: str) -> None:
    node = next((n for n in sub["nodes"] if n["key"] == key), None)
    if node is None:
        return
    st.markdown(f"**{md(LABEL_NAMES.get(node['label'], node['label']))}** {md(node['id'])}")
    props = {k: v for k, v in node["props"].items() if k not in ("content_hash",)}
    st.dataframe(pd.DataFrame({"属性 property": list(props), "值 value": [short(v, 300) for v in props.values()]}),
                 hide_index=True, width="stretch")
    evidence = [{"关系 edge": e["type"], "角色 role": e["props"].get("role", ""),
                 "另一端 other end": e["target"] if e["source"] == key else e["source"],
                 "证据 evidence": e["props"]["evidence"]}
                for e in sub["edges"] if key in (e["source"], e["target"]) and e["props"].get("evidence")]
    if node["label"] == "Outcome" and node["props"].get("sentence"):
        evidence.insert(0, {"关系 edge": "—", "角色 role": node["props"].get("role", ""), "另一端 other end": "",
                            "证据 evidence": node["props"]["sentence"]})
    if evidence:
        st.markdown("**证据 Evidence**")
        st.dataframe(pd.DataFrame(evidence), hide_index=True, width="stretch")


if require_store():
    c = st.columns([1, 2.4, 0.8, 0.9])
    label = c[0].radio("中心 Centre", list(CENTRES), format_func=CENTRES.get, key="ex_label")
    options, names = centre_options(label)
    if not options:
        st.info("没有可选的节点 Nothing to centre on in scope.")
        st.stop()
    if st.session_state.get(f"ex_centre_{label}") not in options:
        side = st.session_state.get("region")
        first = {"Measure": "M50", "Jurisdiction": side}.get(label)
        st.session_state[f"ex_centre_{label}"] = first if first in options else options[0]
    centre = c[1].selectbox("节点 Node", options, format_func=lambda i: names.get(i, i), key=f"ex_centre_{label}")
    for key, first in (("ex_hops", 1), ("ex_cap", 80), ("ex_types", DEFAULT_TYPES)):
        st.session_state.setdefault(key, first)
    hops = c[2].slider("跳数 Hops", 1, 3, key="ex_hops")
    cap = c[3].number_input("节点上限 Node cap", 10, 500, step=10, key="ex_cap")
    types = st.multiselect("节点类型 Node types", GRAPH_LABELS, format_func=lambda x: LABEL_NAMES.get(x, x),
                           key="ex_types")

    sub = neighbourhood(store_key(), label, centre, int(hops), tuple(sorted(types)), int(cap))
    st.session_state["subgraph"] = dict(sub, title=f"{label}-{centre}-{hops}hops")
    counts = pd.Series([n["label"] for n in sub["nodes"]]).value_counts()
    st.caption(f"{len(sub['nodes'])} 个节点 nodes · {len(sub['edges'])} 条边 edges · "
               + " · ".join(f"{LABEL_NAMES.get(k, k)} {v}" for k, v in counts.items())
               + (" · 已达上限 cap reached" if len(sub["nodes"]) >= cap else ""))
    left, right = st.columns([3, 2])
    with left:
        clicked = draw(sub, key=f"graph_{label}_{centre}_{hops}_{cap}_{len(types)}")
    keys = [n["key"] for n in sub["nodes"]]
    captions = {n["key"]: f"{LABEL_NAMES.get(n['label'], n['label'])}: {short(n['props'].get('name') or n['props'].get('title') or n['id'], 40)}"
                for n in sub["nodes"]}
    if clicked and clicked in keys and clicked != st.session_state.get("ex_clicked"):
        st.session_state["ex_clicked"] = clicked
        st.session_state["ex_node"] = clicked
    if st.session_state.get("ex_node") not in keys:
        st.session_state["ex_node"] = sub["center"]
    with right:
        chosen = st.selectbox("查看节点 Node details (或点击图中节点 or click a node)", keys,
                              format_func=lambda k: captions.get(k, k), key="ex_node")
        node_details(sub, chosen)
