"""Export the graph (or a selection) to files other tools read."""
from __future__ import annotations

from pathlib import Path

import networkx as nx

from govkg.errors import GovkgError
from graph.schema import NODES, RELS
from graph.store import GraphStore

FORMATS = ("graphml", "gexf", "json")


def to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    """The whole graph as a networkx MultiDiGraph; node keys are "Label:id"."""
    g = nx.MultiDiGraph()
    for label in NODES:
        for row in store.iter_nodes(label):
            g.add_node(f"{label}:{row['id']}", label=label, **{k: v for k, v in row.items() if v is not None})
    for rel in RELS:
        for row in store.iter_rels(rel):
            props = {k: v for k, v in row.items() if k not in ("src", "dst", "src_label", "dst_label", "type")
                     and v is not None}
            g.add_edge(f"{row['src_label']}:{row['src']}", f"{row['dst_label']}:{row['dst']}", key=None,
                       type=rel, **props)
    return g


def export_graph(store: GraphStore, fmt: str, output: Path, region=None, years=None) -> str:
    if fmt not in FORMATS:
        raise GovkgError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if region or years:
        raise GovkgError("selections (--region, --year) are not available yet in this version")
    g = to_networkx(store)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    for _, _, d in g.edges(data=True):
        for k, v in list(d.items()):
            if isinstance(v, list):
                d[k] = ",".join(map(str, v))
    if fmt == "graphml":
        nx.write_graphml(g, output)
    elif fmt == "gexf":
        nx.write_gexf(g, output)
    else:
        import json

        output.write_text(json.dumps(nx.node_link_data(g, edges="links"), ensure_ascii=False), encoding="utf-8")
    return f"wrote {g.number_of_nodes()} nodes and {g.number_of_edges()} edges to {output}"
