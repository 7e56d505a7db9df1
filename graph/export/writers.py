"""Format writers: each takes a `Subgraph` and writes it as it reads it.

Single-file writers write text to a stream; the two folder formats (csv, neo4j-admin) write
to a `Sink` (a folder, or a zip archive for in-memory downloads). Nothing here builds the
graph in memory: XML and JSON are written by hand, element by element.

Conventions shared by the graph formats (GraphML, GEXF, node-link JSON, Cytoscape JSON):
the node id is "Label:id" (ids are only unique within a label); the node's label is the
attribute `label`; the store's own id is the attribute `db_id`; an edge carries its type in
`type` and a stable id derived from its content. Unset (null) properties are left out.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator, TextIO

from graph.export.selection import Edge, Node, Subgraph
from graph.schema import NODES, RELS

# schema type → GraphML / GEXF attribute type (lists travel as JSON text)
_XML_TYPE = {"STRING": "string", "INT64": "long", "DOUBLE": "double", "BOOLEAN": "boolean", "INT64[]": "string"}
# schema type → neo4j-admin import header type
_NEO4J_TYPE = {"STRING": "", "INT64": ":long", "DOUBLE": ":double", "BOOLEAN": ":boolean", "INT64[]": ":long[]"}

_DISPLAY = ("name", "title", "heading", "indicator", "text", "id")
# Characters XML 1.0 cannot carry at all (C0 controls other than tab/newline/CR, U+FFFE/FFFF, lone surrogates).
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def display_name(n: Node) -> str:
    for p in _DISPLAY:
        v = n.props.get(p)
        if v not in (None, ""):
            return str(v)
    return n.id


# -- value helpers -----------------------------------------------------------------------------
def _fmt_float(x: float) -> str:
    """Shortest round-tripping decimal, never in exponent notation (some readers refuse it)."""
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError(f"cannot export the non-finite number {x}")
    s = format(Decimal(repr(float(x))), "f")
    return s if ("." in s) else s + ".0"


def _text(v) -> str:
    """A value as text for XML attributes and CSV cells."""
    if type(v) is str:
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return _fmt_float(v)
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return str(v)


_XML_SPECIAL = re.compile('[&<>"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]')
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", '"': "&quot;",
                           "\n": "&#10;", "\t": "&#9;"})


def _xml(s: str, attr: bool = False) -> str:
    if not _XML_SPECIAL.search(s):
        return s
    s = _XML_BAD.sub("\ufffd", s)
    return s.translate(_XML_ATTR if attr else _XML_TEXT)


def _node_types(labels) -> list[tuple[str, str]]:
    """(property, schema type) over the included labels, first-seen order; `id` becomes `db_id`."""
    out: list[tuple[str, str]] = []
    for label in labels:
        for p, t in NODES[label].items():
            item = ("db_id", "STRING") if p == "id" else (p, t)
            if item not in out:
                out.append(item)
    return out


def _edge_types(rels) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for rel in rels:
        for item in RELS[rel][1].items():
            if item not in out:
                out.append(item)
    return out


def _key_ids(prefix: str, items: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Attribute ids; a name declared with two types (Outcome.value DOUBLE, Correction.value STRING) gets two."""
    names = [n for n, _ in items]
    return {(n, t): f"{prefix}_{n}" + (f"_{_XML_TYPE[t]}" if names.count(n) > 1 else "") for n, t in items}


def _plan(names, keys: dict, node: bool) -> dict[str, list[tuple[str, str]]]:
    """Per label (or edge type): (property, attribute id) in schema order."""
    out = {}
    for name in names:
        schema = NODES[name] if node else RELS[name][1]
        out[name] = [(p, keys[("db_id", "STRING") if node and p == "id" else (p, t)]) for p, t in schema.items()]
    return out


def _node_attrs(n: Node) -> Iterator[tuple[str, str, object]]:
    """(name, schema type, value) of a node's set properties, `id` as `db_id`."""
    for p, t in NODES[n.label].items():
        v = n.props.get(p)
        if v is not None:
            yield ("db_id", "STRING", v) if p == "id" else (p, t, v)


def _edge_attrs(e: Edge) -> Iterator[tuple[str, str, object]]:
    for p, t in RELS[e.type][1].items():
        v = e.props.get(p)
        if v is not None:
            yield p, t, v


class Counter:
    """Counts what a writer wrote."""

    def __init__(self):
        self.nodes = 0
        self.edges = 0


# -- GraphML -----------------------------------------------------------------------------------
def write_graphml(sub: Subgraph, out: TextIO, count: Counter) -> None:
    rels = sorted({r for r, _, _ in sub.rel_pairs()}, key=list(RELS).index)
    nkeys = _key_ids("n", _node_types(sub.labels))
    ekeys = _key_ids("e", _edge_types(rels))
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n'
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
      'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    w('  <key id="n_label" for="node" attr.name="label" attr.type="string"/>\n')
    for (name, typ), kid in nkeys.items():
        w(f'  <key id="{kid}" for="node" attr.name="{name}" attr.type="{_XML_TYPE[typ]}"/>\n')
    w('  <key id="e_type" for="edge" attr.name="type" attr.type="string"/>\n')
    for (name, typ), kid in ekeys.items():
        w(f'  <key id="{kid}" for="edge" attr.name="{name}" attr.type="{_XML_TYPE[typ]}"/>\n')
    w(f'  <graph id="govkg" edgedefault="directed">\n    <desc>{_xml(sub.description)}</desc>\n')
    nplan = _plan(sub.labels, nkeys, node=True)
    eplan = _plan(rels, ekeys, node=False)
    for n in sub.nodes():
        props = n.props
        parts = [f'    <node id="{_xml(n.key, True)}">\n      <data key="n_label">{n.label}</data>\n']
        for p, kid in nplan[n.label]:
            v = props[p]
            if v is not None:
                parts.append(f'      <data key="{kid}">{_xml(_text(v))}</data>\n')
        parts.append("    </node>\n")
        w("".join(parts))
        count.nodes += 1
    for e in sub.edges():
        props = e.props
        parts = [f'    <edge id="{_xml(e.id, True)}" source="{_xml(e.src_key, True)}" '
                 f'target="{_xml(e.dst_key, True)}">\n      <data key="e_type">{e.type}</data>\n']
        for p, kid in eplan[e.type]:
            v = props[p]
            if v is not None:
                parts.append(f'      <data key="{kid}">{_xml(_text(v))}</data>\n')
        parts.append("    </edge>\n")
        w("".join(parts))
        count.edges += 1
    w("  </graph>\n</graphml>\n")


# -- GEXF 1.3 ----------------------------------------------------------------------------------
def write_gexf(sub: Subgraph, out: TextIO, count: Counter) -> None:
    rels = sorted({r for r, _, _ in sub.rel_pairs()}, key=list(RELS).index)
    ntypes = _node_types(sub.labels)
    etypes = [("type", "STRING")] + _edge_types(rels)
    nkeys = {item: str(i) for i, item in enumerate(ntypes)}
    ekeys = {item: str(i) for i, item in enumerate(etypes)}
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n'
      '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
      'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
      f'  <meta>\n    <creator>govkg</creator>\n    <description>{_xml(sub.description)}</description>\n'
      '  </meta>\n  <graph defaultedgetype="directed" mode="static">\n'
      '    <attributes class="node" mode="static">\n')
    for (name, typ), kid in nkeys.items():
        w(f'      <attribute id="{kid}" title="{name}" type="{_XML_TYPE[typ]}"/>\n')
    w('    </attributes>\n    <attributes class="edge" mode="static">\n')
    for (name, typ), kid in ekeys.items():
        w(f'      <attribute id="{kid}" title="{name}" type="{_XML_TYPE[typ]}"/>\n')
    w("    </attributes>\n    <nodes>\n")
    nplan = _plan(sub.labels, nkeys, node=True)
    eplan = _plan(rels, ekeys, node=False)
    for n in sub.nodes():
        props = n.props
        parts = [f'      <node id="{_xml(n.key, True)}" label="{n.label}">\n        <attvalues>\n']
        for p, kid in nplan[n.label]:
            v = props[p]
            if v is not None:
                parts.append(f'          <attvalue for="{kid}" value="{_xml(_text(v), True)}"/>\n')
        parts.append("        </attvalues>\n      </node>\n")
        w("".join(parts))
        count.nodes += 1
    w("    </nodes>\n    <edges>\n")
    type_kid = ekeys[("type", "STRING")]
    for e in sub.edges():
        props = e.props
        parts = [f'      <edge id="{_xml(e.id, True)}" source="{_xml(e.src_key, True)}" '
                 f'target="{_xml(e.dst_key, True)}" label="{e.type}">\n        <attvalues>\n'
                 f'          <attvalue for="{type_kid}" value="{e.type}"/>\n']
        for p, kid in eplan[e.type]:
            v = props[p]
            if v is not None:
                parts.append(f'          <attvalue for="{kid}" value="{_xml(_text(v), True)}"/>\n')
        parts.append("        </attvalues>\n      </edge>\n")
        w("".join(parts))
        count.edges += 1
    w("    </edges>\n  </graph>\n</gexf>\n")


# -- JSON: networkx node-link and Cytoscape.js elements ----------------------------------------
def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))


def _node_dict(n: Node) -> dict:
    d = {"id": n.key, "label": n.label}
    for name, _, v in _node_attrs(n):
        d[name] = v
    return d


def _edge_dict(e: Edge) -> dict:
    d = {"source": e.src_key, "target": e.dst_key, "key": e.id, "type": e.type}
    for name, _, v in _edge_attrs(e):
        d[name] = v
    return d


def write_node_link(sub: Subgraph, out: TextIO, count: Counter) -> None:
    """networkx node-link data (`nx.node_link_graph(data, edges="links")`), also D3's shape."""
    w = out.write
    w('{"directed": true, "multigraph": true, "graph": ' + _dumps({"name": "govkg", "selection": sub.description})
      + ', "nodes": [')
    sep = "\n"
    for n in sub.nodes():
        w(sep + _dumps(_node_dict(n)))
        sep = ",\n"
        count.nodes += 1
    w('\n], "links": [')
    sep = "\n"
    for e in sub.edges():
        w(sep + _dumps(_edge_dict(e)))
        sep = ",\n"
        count.edges += 1
    w("\n]}\n")


def write_cytoscape(sub: Subgraph, out: TextIO, count: Counter) -> None:
    """Cytoscape.js / Cytoscape desktop JSON: {"elements": {"nodes": [{"data": …}], "edges": […]}}."""
    w = out.write
    w('{"format_version": "1.0", "generated_by": "govkg", "target_cytoscapejs_version": "~3.0", "data": '
      + _dumps({"name": "govkg", "selection": sub.description}) + ', "elements": {"nodes": [')
    sep = "\n"
    for n in sub.nodes():
        d = _node_dict(n)
        d.setdefault("name", display_name(n))
        w(sep + _dumps({"data": d}))
        sep = ",\n"
        count.nodes += 1
    w('\n], "edges": [')
    sep = "\n"
    for e in sub.edges():
        d = {"id": e.id, "source": e.src_key, "target": e.dst_key, "interaction": e.type, "type": e.type}
        for name, _, v in _edge_attrs(e):
            d[name] = v
        w(sep + _dumps({"data": d}))
        sep = ",\n"
        count.edges += 1
    w("\n]}}\n")


# -- Cypher script -----------------------------------------------------------------------------
def cypher_literal(v) -> str:
    """A value as a Cypher literal that LadybugDB and Neo4j both parse the same way."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _fmt_float(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(cypher_literal(x) for x in v) + "]"
    s = str(v)
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or o in (0x2028, 0x2029, 0x85) or 0xD800 <= o <= 0xDFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def node_statement(n: Node) -> str:
    sets = ", ".join(f"n.{p} = {cypher_literal(v)}" for p, v in n.props.items() if p != "id" and v is not None)
    return f"MERGE (n:{n.label} {{id: {cypher_literal(n.id)}}})" + (f" SET {sets}" if sets else "") + ";"


def edge_statement(e: Edge) -> str:
    props = ", ".join(f"{p}: {cypher_literal(v)}" for p, v in e.props.items() if v is not None)
    return (f"MATCH (a:{e.src_label} {{id: {cypher_literal(e.src)}}}) "
            f"MATCH (b:{e.dst_label} {{id: {cypher_literal(e.dst)}}}) "
            f"MERGE (a)-[:{e.type}{' {' + props + '}' if props else ''}]->(b);")


def write_cypher(sub: Subgraph, out: TextIO, count: Counter) -> None:
    """One statement per line: MERGE each node by id, then MATCH both ends and MERGE each edge.

    Runs as is in cypher-shell (`cypher-shell -f FILE`) and through `load_cypher_script` on
    either store. Labels exist as typed tables on LadybugDB once the govkg schema is in place.
    """
    w = out.write
    w(f"// govkg export: {sub.description.replace(chr(10), ' ')}\n"
      "// One statement per line; nodes first (MERGE by id), then edges (MERGE between matched ends).\n"
      "// Neo4j: create the govkg constraints first (any govkg command on the database does) for speed.\n")
    for n in sub.nodes():
        w(node_statement(n) + "\n")
        count.nodes += 1
    for e in sub.edges():
        w(edge_statement(e) + "\n")
        count.edges += 1


def iter_script(lines) -> Iterator[str]:
    """Statements of a script written by `write_cypher` (comments and blank lines skipped)."""
    for line in lines:
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        yield line[:-1] if line.endswith(";") else line


# -- folder formats ----------------------------------------------------------------------------
class Sink:
    """Where a multi-file format writes: `open(name)` gives a text stream."""

    def open(self, name: str) -> TextIO:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


class DirSink(Sink):
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)

    def open(self, name: str) -> TextIO:
        return open(self.path / name, "w", encoding="utf-8", newline="")


class ZipSink(Sink):
    """A deterministic zip (fixed timestamps) in a binary stream."""

    def __init__(self, fileobj):
        self.zf = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED)

    def open(self, name: str) -> TextIO:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return io.TextIOWrapper(self.zf.open(info, "w"), encoding="utf-8", newline="")

    def close(self) -> None:
        self.zf.close()


def _cell(v):
    return "" if v is None else _text(v)


def write_csv(sub: Subgraph, sink: Sink, count: Counter) -> None:
    """nodes.csv (key, label, id, then every property) and edges.csv (id, type, source, target, …).

    `key` is "Label:id" and is what edges.csv's source and target refer to. Lists are JSON,
    booleans true/false, empty cells are unset values.
    """
    nprops = []
    for label in sub.labels:
        for p in NODES[label]:
            if p != "id" and p not in nprops:
                nprops.append(p)
    rels = sorted({r for r, _, _ in sub.rel_pairs()}, key=list(RELS).index)
    eprops = []
    for rel in rels:
        for p in RELS[rel][1]:
            if p not in eprops:
                eprops.append(p)
    with sink.open("nodes.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["key", "label", "id", *nprops])
        for n in sub.nodes():
            w.writerow([n.key, n.label, n.id, *(_cell(n.props.get(p)) for p in nprops)])
            count.nodes += 1
    with sink.open("edges.csv") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "type", "source", "target", "source_label", "target_label", *eprops])
        for e in sub.edges():
            w.writerow([e.id, e.type, e.src_key, e.dst_key, e.src_label, e.dst_label,
                        *(_cell(e.props.get(p)) for p in eprops)])
            count.edges += 1


def neo4j_node_header(label: str) -> list[str]:
    """`id:ID(Label)`, `:LABEL`, then typed properties (`year:long`, `value:double`, …)."""
    return [f"id:ID({label})", ":LABEL"] + [f"{p}{_NEO4J_TYPE[t]}" for p, t in NODES[label].items() if p != "id"]


def neo4j_rel_header(rel: str, a: str, b: str) -> list[str]:
    return [f":START_ID({a})", f":END_ID({b})", ":TYPE"] + [f"{p}{_NEO4J_TYPE[t]}" for p, t in RELS[rel][1].items()]


def _neo4j_row(values) -> str:
    """One CSV line: text and arrays quoted (embedded quotes doubled), numbers and booleans bare,
    null as an empty unquoted field (no property); an empty string stays `""`."""
    out = []
    for v in values:
        if v is None:
            out.append("")
        elif isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, int):
            out.append(str(v))
        elif isinstance(v, float):
            out.append(_fmt_float(v))
        else:
            if isinstance(v, (list, tuple)):
                v = ";".join(_text(x) for x in v)
            out.append('"' + str(v).replace('"', '""') + '"')
    return ",".join(out) + "\n"


def write_neo4j_admin(sub: Subgraph, sink: Sink, count: Counter) -> None:
    """The CSV layout of `neo4j-admin database import full`: one nodes file per label, one
    relationships file per (type, from, to), each with its header line, plus `import.sh`.

    Every label is its own ID space (`id:ID(Report)`, `:START_ID(Report)`), so ids of
    different labels never clash; the id is also stored as the property `id`, as govkg expects.
    Arrays use the default array delimiter `;`; text may span lines (`--multiline-fields=true`).
    """
    node_files, rel_files = [], []
    for label in sub.labels:
        fh = None
        for n in sub.label_nodes(label):
            if fh is None:
                name = f"nodes_{label}.csv"
                fh = sink.open(name)
                fh.write(",".join(neo4j_node_header(label)) + "\n")
                node_files.append(name)
            fh.write(_neo4j_row([n.id, n.label] + [v for p, v in n.props.items() if p != "id"]))
            count.nodes += 1
        if fh is not None:
            fh.close()
    for rel, a, b in sub.rel_pairs():
        fh = None
        for e in sub.pair_edges(rel, a, b):
            if fh is None:
                name = f"rels_{rel}_{a}_{b}.csv"
                fh = sink.open(name)
                fh.write(",".join(neo4j_rel_header(rel, a, b)) + "\n")
                rel_files.append(name)
            fh.write(_neo4j_row([e.src, e.dst, e.type] + [e.props.get(p) for p in RELS[rel][1]]))
            count.edges += 1
        if fh is not None:
            fh.close()
    args = " \\\n  ".join([f"--nodes={f}" for f in node_files] + [f"--relationships={f}" for f in rel_files])
    with sink.open("import.sh") as fh:
        fh.write("#!/bin/sh\n"
                 f"# govkg export for neo4j-admin ({sub.description}).\n"
                 "# Bulk-load into a NEW database (Neo4j 5): sh import.sh [database]   (default: neo4j)\n"
                 "# then CREATE DATABASE <name> (Enterprise) or restart Neo4j for the default database.\n"
                 'cd "$(dirname "$0")" || exit 1\n'
                 'neo4j-admin database import full "${1:-neo4j}" --array-delimiter=";" '
                 "--multiline-fields=true --id-type=string \\\n  " + (args or "") + "\n")


WRITERS: dict[str, Callable] = {
    "graphml": write_graphml,
    "gexf": write_gexf,
    "json": write_node_link,
    "cytoscape": write_cytoscape,
    "cypher": write_cypher,
}
FOLDER_WRITERS: dict[str, Callable] = {"csv": write_csv, "neo4j-admin": write_neo4j_admin}
