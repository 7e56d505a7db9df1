"""Neighbourhoods of the graph and their drawing with st-link-analysis (Cytoscape.js).

`neighbourhood` walks k hops out from one node, one labelled query per relationship type and
direction (plain `MATCH … WHERE x.id IN $ids RETURN …`, so both stores run it alike), keeping
only the node types asked for and stopping at a node cap, nearest nodes first. `draw` renders a
subgraph and returns the node a user clicked.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from graph.schema import NODES, RELS
from app_pages.common import get_store, short

COLOURS = {"Report": "#1f77b4", "Measure": "#d62728", "Domain": "#8c564b", "Jurisdiction": "#2ca02c",
           "Agency": "#9467bd", "Initiative": "#ff7f0e", "Indicator": "#17becf", "Outcome": "#bcbd22",
           "Section": "#7f7f7f", "Problem": "#e377c2", "Correction": "#393b79", "IngestFailure": "#000000"}
LABEL_NAMES = {"Report": "报告 Report", "Measure": "措施 Measure", "Domain": "领域 Domain",
               "Jurisdiction": "地区 Jurisdiction", "Agency": "机关 Agency", "Initiative": "品牌 Initiative",
               "Indicator": "指标 Indicator", "Outcome": "成效 Outcome", "Section": "章节 Section",
               "Problem": "问题 Problem"}
GRAPH_LABELS = [label for label in LABEL_NAMES]
EVIDENCE_RELS = {rel for rel, (_, props) in RELS.items() if "evidence" in props}


def caption(label: str, props: dict) -> str:
    """A short caption for a node."""
    if label == "Report":
        text = props.get("title") or props.get("id")
    elif label == "Outcome":
        value = props.get("value")
        text = f"{props.get('indicator') or ''} {value:g}{props.get('unit') or ''}" if isinstance(
            value, (int, float)) else props.get("indicator") or props.get("id")
    elif label == "Section":
        text = props.get("heading") or props.get("id")
    elif label == "Problem":
        text = props.get("text") or props.get("id")
    else:
        text = props.get("name") or props.get("id")
    return short(text, 24)


def _edges_from(store, frontier: dict[str, list[str]], allowed: set[str], per_query: int):
    """Edges touching the frontier nodes (either direction) whose other end has an allowed label."""
    for rel, (pairs, _) in RELS.items():
        extra = ", e.role AS role, e.evidence AS evidence" if rel in EVIDENCE_RELS else ""
        for a, b in pairs:
            for near, far, end in ((a, b, "x"), (b, a, "y")):
                if near not in frontier or far not in allowed:
                    continue
                t = store.read(f"MATCH (x:{a})-[e:{rel}]->(y:{b}) WHERE {end}.id IN $ids "
                               f"RETURN x.id AS src, y.id AS dst{extra} LIMIT $k",
                               {"ids": frontier[near], "k": per_query})
                for row in t.records():
                    yield rel, (a, row.pop("src")), (b, row.pop("dst")), row


def _node_props(store, nodes: dict[str, tuple[str, str]]) -> dict[str, dict]:
    by_label: dict[str, list[str]] = {}
    for label, nid in nodes.values():
        by_label.setdefault(label, []).append(nid)
    out = {}
    for label, ids in by_label.items():
        props = [p for p in NODES[label]]
        ret = ", ".join(f"n.{p} AS {p}" for p in props)
        for row in store.read(f"MATCH (n:{label}) WHERE n.id IN $ids RETURN {ret}", {"ids": ids}).records():
            out[f"{label}:{row['id']}"] = {k: v for k, v in row.items() if v is not None}
    return out


@st.cache_data(ttl=300, show_spinner=False)
def neighbourhood(store_key: str, label: str, node_id: str, hops: int, labels: tuple[str, ...],
                  cap: int) -> dict[str, Any]:
    """Nodes within `hops` of (label, node_id) whose labels are in `labels`, at most `cap` of them.

    Returns {"nodes": [{"key", "label", "id", "props"}], "edges": [{"type", "source", "target", "props"}]}.
    """
    store = get_store()
    allowed = set(labels) | {label}
    start = f"{label}:{node_id}"
    nodes: dict[str, tuple[str, str]] = {start: (label, node_id)}
    edges: dict[tuple[str, str, str], dict] = {}
    frontier = {label: [node_id]}
    for _ in range(hops):
        new: dict[str, tuple[str, str]] = {}
        for rel, (la, ia), (lb, ib), props in _edges_from(store, frontier, allowed, per_query=cap * 4):
            ka, kb = f"{la}:{ia}", f"{lb}:{ib}"
            for k, v in ((ka, (la, ia)), (kb, (lb, ib))):
                if k not in nodes and k not in new and len(nodes) + len(new) < cap:
                    new[k] = v
            if (ka in nodes or ka in new) and (kb in nodes or kb in new):
                edges.setdefault((ka, kb, rel), props)
        if not new:
            break
        nodes.update(new)
        frontier = {}
        for la, i in new.values():
            frontier.setdefault(la, []).append(i)
    props = _node_props(store, nodes)
    return {"center": start,
            "nodes": [{"key": k, "label": la, "id": i, "props": props.get(k, {"id": i})} for k, (la, i) in nodes.items()],
            "edges": [{"type": r, "source": a, "target": b, "props": {k: v for k, v in p.items() if v is not None}}
                      for (a, b, r), p in edges.items()]}


def elements(sub: dict) -> dict:
    """The subgraph as st-link-analysis elements."""
    nodes = [{"data": {"id": n["key"], "label": n["label"], "name": caption(n["label"], n["props"])}}
             for n in sub["nodes"]]
    edges = [{"data": {"id": f"e{i}", "label": e["type"], "source": e["source"], "target": e["target"]}}
             for i, e in enumerate(sub["edges"])]
    return {"nodes": nodes, "edges": edges}


def draw(sub: dict, key: str, height: int = 560) -> str | None:
    """Render the subgraph; returns the key of the node last clicked (or None)."""
    from st_link_analysis import EdgeStyle, NodeStyle, st_link_analysis
    from st_link_analysis.component.events import Event

    labels = sorted({n["label"] for n in sub["nodes"]})
    rels = sorted({e["type"] for e in sub["edges"]})
    node_styles = [NodeStyle(label, COLOURS.get(label, "#555555"), "name") for label in labels]
    edge_styles = [EdgeStyle(rel, caption="label", directed=True, labeled=None) for rel in rels]
    events = [Event("node_click", "click tap", "node")]
    result = st_link_analysis(elements(sub), layout="cose", node_styles=node_styles, edge_styles=edge_styles,
                              height=height, key=key, events=events)
    if isinstance(result, dict):
        data = result.get("data") or {}
        if isinstance(data, dict) and data.get("target_id"):
            return str(data["target_id"])
    return None
