"""Export: every format read back and compared with the store, selections checked against
counts computed independently with Cypher, the Cypher script loaded into fresh stores,
neo4j-admin headers checked against Neo4j's documented import format, determinism."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import networkx as nx
import pytest

from govkg.errors import GovkgError
from graph.export import (export_bytes, export_graph, export_table, load_cypher_script, query_table,
                          select_subgraph)
from graph.export.writers import cypher_literal
from graph.rows import GraphRows
from graph.schema import NODES, RELS

TRICKY = "引号'双\"反斜杠\\换行\n回车\r制表\t控制\x01结束 <&> 𠀀"


def total(counts: dict) -> tuple[int, int]:
    return sum(counts["nodes"].values()), sum(counts["edges"].values())


def one(store, query: str, params: dict | None = None):
    return store.read(query, params or {}).rows[0][0]


def expected_node_attrs(label: str, props: dict) -> dict:
    """What a graph format should carry for a node: `label`, `db_id`, set properties (lists as given)."""
    out = {"label": label, "db_id": props["id"]}
    out.update({k: v for k, v in props.items() if k != "id" and v is not None})
    return out


def sample_nodes(store, per_label: int = 3) -> list[tuple[str, dict]]:
    out = []
    for label in NODES:
        for i, props in enumerate(store.iter_nodes(label)):
            if i >= per_label:
                break
            out.append((label, props))
    return out


def decode_lists(d: dict) -> dict:
    """GraphML/GEXF would carry a list property as JSON text: turn it back for comparison (the
    schema has none left: MENTIONS.sentence_ids is text, "3,7,12")."""
    out = dict(d)
    for k, v in d.items():
        if isinstance(v, str) and v.startswith("["):
            out[k] = json.loads(v)
    return out


def graph_counts(g) -> tuple[dict, dict]:
    nodes, edges = {}, {}
    for _, d in g.nodes(data=True):
        nodes[d["label"]] = nodes.get(d["label"], 0) + 1
    for *_, d in g.edges(data=True):
        edges[d["type"]] = edges.get(d["type"], 0) + 1
    return nodes, edges


def nonzero(d: dict) -> dict:
    return {k: v for k, v in d.items() if v}


def read_back(fmt: str, path):
    if fmt == "graphml":
        return nx.read_graphml(path, force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(path)
    return nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="links")


# -- round trips ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_graph_formats_read_back_with_store_counts_and_properties(sample_store, tmp_path, fmt):
    counts = sample_store.counts()
    path = tmp_path / f"g.{fmt}"
    result = export_graph(sample_store, fmt, path)
    assert (result.nodes, result.edges) == total(counts)
    g = read_back(fmt, path)
    assert g.is_directed() and g.is_multigraph()
    assert (g.number_of_nodes(), g.number_of_edges()) == total(counts)
    nodes, edges = graph_counts(g)
    assert nodes == nonzero(counts["nodes"])
    assert edges == nonzero(counts["edges"])
    for label, props in sample_nodes(sample_store):
        got = decode_lists(dict(g.nodes[f"{label}:{props['id']}"]))
        assert got == expected_node_attrs(label, props), (label, props["id"])
    # typed values survive (not strings): an outcome's value, a report's year and flag
    outcome = next(sample_store.iter_nodes("Outcome"))
    assert isinstance(g.nodes[f"Outcome:{outcome['id']}"]["value"], float)
    report = next(sample_store.iter_nodes("Report"))
    assert g.nodes[f"Report:{report['id']}"]["year"] == report["year"]
    assert isinstance(g.nodes[f"Report:{report['id']}"]["synthetic"], bool)
    # a MENTIONS edge keeps its provenance, including the sentence id list
    mention = next(sample_store.iter_rels("MENTIONS"))
    found = [decode_lists(d) for _, _, d in g.edges(f"Report:{mention['src']}", data=True)
             if d["type"] == "MENTIONS" and d.get("section") == mention["section"]
             and _dst(g, d, mention)]
    assert found, mention
    assert found[0]["sentence_ids"] == mention["sentence_ids"]
    assert found[0]["evidence"] == mention["evidence"]
    assert (found[0]["span_start"], found[0]["span_end"]) == (mention["span_start"], mention["span_end"])


def _dst(g, d, mention) -> bool:
    return d.get("surface") == mention["surface"]


def test_cytoscape_json_has_every_element(sample_store, tmp_path):
    counts = sample_store.counts()
    path = tmp_path / "g.cyjs"
    export_graph(sample_store, "cytoscape", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert (len(nodes), len(edges)) == total(counts)
    ids = {n["data"]["id"] for n in nodes}
    assert len(ids) == len(nodes)
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    report = next(sample_store.iter_nodes("Report"))
    node = next(n["data"] for n in nodes if n["data"]["id"] == f"Report:{report['id']}")
    assert node["title"] == report["title"] and node["name"] == report["title"]
    by_type = {}
    for e in edges:
        by_type[e["data"]["interaction"]] = by_type.get(e["data"]["interaction"], 0) + 1
    assert by_type == nonzero(counts["edges"])


def test_csv_folder_and_zip(sample_store, tmp_path):
    counts = sample_store.counts()
    export_graph(sample_store, "csv", tmp_path / "csv")
    with open(tmp_path / "csv" / "nodes.csv", encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with open(tmp_path / "csv" / "edges.csv", encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert (len(nodes), len(edges)) == total(counts)
    keys = {n["key"] for n in nodes}
    assert all(e["source"] in keys and e["target"] in keys for e in edges)
    report = next(sample_store.iter_nodes("Report"))
    row = next(n for n in nodes if n["key"] == f"Report:{report['id']}")
    assert row["title"] == report["title"] and row["year"] == str(report["year"])
    mention = next(e for e in edges if e["type"] == "MENTIONS")
    assert re.fullmatch(r"(\d+(,\d+)*)?", mention["sentence_ids"])
    # in memory: the same two files in a zip, byte for byte
    with zipfile.ZipFile(io.BytesIO(export_bytes(sample_store, "csv"))) as zf:
        assert sorted(zf.namelist()) == ["edges.csv", "nodes.csv"]
        assert zf.read("nodes.csv") == (tmp_path / "csv" / "nodes.csv").read_bytes()


# -- Cypher script --------------------------------------------------------------------------------
def test_cypher_script_recreates_the_graph_in_a_fresh_embedded_store(sample_store, fresh_store, tmp_path):
    path = tmp_path / "g.cypher"
    export_graph(sample_store, "cypher", path)
    n = load_cypher_script(fresh_store, path)
    assert n == sum(total(sample_store.counts()))
    assert fresh_store.counts() == sample_store.counts()
    # same data, written in a different order by a different route: the exports are identical
    for fmt in ("cypher", "graphml", "json", "neo4j-admin"):
        assert export_bytes(fresh_store, fmt) == export_bytes(sample_store, fmt), fmt
    # loading twice changes nothing (MERGE)
    load_cypher_script(fresh_store, path)
    assert fresh_store.counts() == sample_store.counts()


def test_cypher_script_loads_into_every_store(sample_store, any_store):
    """The same script on the embedded store and on the Bolt server gives the same counts."""
    sub = select_subgraph(sample_store, region="640000", years=[2020])
    expected = sub.counts()
    script = export_bytes(sample_store, "cypher", region="640000", years=[2020]).decode("utf-8")
    load_cypher_script(any_store, script)
    got = any_store.counts()
    assert nonzero(got["nodes"]) == nonzero(expected["nodes"])
    assert nonzero(got["edges"]) == nonzero(expected["edges"])
    # and reading it back out of that store streams the same subgraph
    back = select_subgraph(any_store)
    assert nonzero(back.counts()["nodes"]) == nonzero(expected["nodes"])
    assert [n.key for n in back.label_nodes("Outcome")] == [n.key for n in sub.label_nodes("Outcome")]
    region = select_subgraph(any_store, region="宁夏", around="Measure:M01", hops=1).counts()
    assert region == select_subgraph(sample_store, region="宁夏", years=[2020], around="Measure:M01", hops=1).counts()
    report = next(iter(sorted(sub.ids["Report"])))
    assert any_store.read("MATCH (r:Report {id: $id}) RETURN r.year, r.title", {"id": report}).rows == \
        sample_store.read("MATCH (r:Report {id: $id}) RETURN r.year, r.title", {"id": report}).rows


def _tricky_rows() -> GraphRows:
    g = GraphRows()
    g.node("Report", id="r'1\\x", title=TRICKY, year=2021, synthetic=True, text_length=0)
    g.node("Measure", id="M'Q", name="名称\n第二行", in_taxonomy=False)
    g.node("Outcome", id="o1", report="r'1\\x", value=1e-7, baseline=1.5e20, approx=True, evidence=TRICKY)
    g.rel("MENTIONS", "Report", "Measure", "r'1\\x", "M'Q", role="x", section=-1, count=2, surface="",
          sentence_ids="1,3", evidence=TRICKY, sentence_id=3, span_start=0, span_end=5)
    g.rel("MENTIONS", "Report", "Measure", "r'1\\x", "M'Q", role="x", section=2, count=1, surface="",
          sentence_ids="", evidence="", sentence_id=4, span_start=6, span_end=9)
    g.rel("REPORTS", "Report", "Outcome", "r'1\\x", "o1")
    return g


def test_escaping_round_trips_quotes_backslashes_newlines_and_chinese(fresh_store, tmp_path):
    from graph.ladybug_store import LadybugStore

    fresh_store._execute_tx(fresh_store.write_statements(_tricky_rows()))
    script = export_bytes(fresh_store, "cypher").decode("utf-8")
    assert all(line.endswith(";") or line.startswith("//") for line in script.splitlines())
    other = LadybugStore(tmp_path / "other.lbdb")
    other.ensure_schema()
    try:
        load_cypher_script(other, script)
        q = "MATCH (r:Report)-[e:MENTIONS]->(m:Measure) RETURN r.id, r.title, m.name, e.sentence_ids, e.evidence ORDER BY e.section"
        assert other.read(q).rows == fresh_store.read(q).rows
        q = "MATCH (o:Outcome) RETURN o.value, o.baseline, o.approx, o.evidence"
        assert other.read(q).rows == fresh_store.read(q).rows == [[1e-7, 1.5e20, True, TRICKY]]
    finally:
        other.close()
    # GraphML and JSON keep the text too (the one XML-forbidden control character becomes U+FFFD)
    export_graph(fresh_store, "graphml", tmp_path / "t.graphml")
    g = nx.read_graphml(tmp_path / "t.graphml", force_multigraph=True)
    assert g.nodes["Report:r'1\\x"]["title"] == TRICKY.replace("\x01", "\ufffd")
    export_graph(fresh_store, "json", tmp_path / "t.json")
    g = nx.node_link_graph(json.loads((tmp_path / "t.json").read_text(encoding="utf-8")), edges="links")
    assert g.nodes["Report:r'1\\x"]["title"] == TRICKY
    assert sorted(d["sentence_ids"] for *_, d in g.edges(data=True) if d["type"] == "MENTIONS") == ["", "1,3"]


def test_cypher_literals():
    assert cypher_literal("a'b\\c\nd") == "'a\\'b\\\\c\\nd'"
    assert cypher_literal(1e-05) == "0.00001" and cypher_literal(2.0) == "2.0"
    assert cypher_literal([1, 2]) == "[1, 2]" and cypher_literal(True) == "true"


# -- neo4j-admin ---------------------------------------------------------------------------------
# Neo4j's import header: <name>:<field_type>, ID/START_ID/END_ID with an optional (ID space),
# :LABEL, :TYPE; property types int, long, float, double, boolean, byte, short, char, string,
# point, date, localtime, time, localdatetime, datetime, duration, each optionally an array [].
_PROP = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(:(int|long|float|double|boolean|byte|short|char|string|point|date|"
                   r"localtime|time|localdatetime|datetime|duration)(\[\])?)?$")
_NEO4J = {"STRING": "", "INT64": ":long", "DOUBLE": ":double", "BOOLEAN": ":boolean", "INT64[]": ":long[]"}


def test_neo4j_admin_layout_follows_the_documented_header_format(sample_store, tmp_path):
    counts = sample_store.counts()
    out = tmp_path / "neo4j"
    export_graph(sample_store, "neo4j-admin", out)
    ids: dict[str, set[str]] = {}
    node_files = sorted(out.glob("nodes_*.csv"))
    assert {f.stem[len("nodes_"):] for f in node_files} == set(nonzero(counts["nodes"]))
    for f in node_files:
        label = f.stem[len("nodes_"):]
        with open(f, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        assert header[0] == f"id:ID({label})" and header[1] == ":LABEL"
        assert all(_PROP.match(h) for h in header[2:]), header
        assert header[2:] == [f"{p}{_NEO4J[t]}" for p, t in NODES[label].items() if p != "id"]
        assert len(body) == counts["nodes"][label]
        assert {r[1] for r in body} == {label}
        ids[label] = {r[0] for r in body}
        assert len(ids[label]) == len(body)  # unique within its ID space
    rel_total = 0
    for f in sorted(out.glob("rels_*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        m_start, m_end = re.fullmatch(r":START_ID\((\w+)\)", header[0]), re.fullmatch(r":END_ID\((\w+)\)", header[1])
        assert m_start and m_end and header[2] == ":TYPE", header
        a, b = m_start.group(1), m_end.group(1)
        rel = body[0][2]
        assert f.stem == f"rels_{rel}_{a}_{b}" and (a, b) in RELS[rel][0]
        assert header[3:] == [f"{p}{_NEO4J[t]}" for p, t in RELS[rel][1].items()]
        assert all(_PROP.match(h) for h in header[3:])
        assert all(r[0] in ids[a] and r[1] in ids[b] and r[2] == rel for r in body)
        rel_total += len(body)
        if rel == "MENTIONS":
            col = header.index("sentence_ids")
            assert all(re.fullmatch(r"\d+(,\d+)*", r[col]) for r in body if r[col])
    assert rel_total == total(counts)[1]
    script = (out / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in script and "--array-delimiter=\";\"" in script
    assert all(f"--nodes={f.name}" in script for f in node_files)


# -- selections --------------------------------------------------------------------------------
def test_region_selection_matches_cypher_counts(sample_store):
    sub = select_subgraph(sample_store, region="宁夏回族自治区")
    c = sub.counts()
    p = {"p": "64"}
    assert c["nodes"]["Report"] == one(sample_store, "MATCH (r:Report) WHERE r.jurisdiction STARTS WITH $p "
                                                     "RETURN count(r)", p) > 0
    assert c["nodes"]["Jurisdiction"] == one(sample_store, "MATCH (j:Jurisdiction) WHERE j.adcode STARTS WITH $p "
                                                           "RETURN count(j)", p)
    assert c["nodes"]["Outcome"] == one(sample_store, "MATCH (r:Report)-[:REPORTS]->(o:Outcome) WHERE "
                                                      "r.jurisdiction STARTS WITH $p RETURN count(o)", p)
    # every measure a selected report reaches, each path walked from its start (MENTIONS, QUANTIFIES and
    # LEADS are stored forward-only on the embedded store, so the walk cannot start at the measure)
    reached = set()
    for q in ("MATCH (r:Report)-[:MENTIONS]->(m:Measure) WHERE r.jurisdiction STARTS WITH $p RETURN m.id",
              "MATCH (r:Report)-[:REPORTS]->(:Outcome)-[:QUANTIFIES]->(m:Measure) "
              "WHERE r.jurisdiction STARTS WITH $p RETURN m.id",
              "MATCH (r:Report)-[:PROMOTES]->(:Initiative)-[:INSTANCE_OF]->(m:Measure) "
              "WHERE r.jurisdiction STARTS WITH $p RETURN m.id",
              "MATCH (r:Report) WHERE r.jurisdiction STARTS WITH $p MATCH (:Agency)-[e:LEADS]->(m:Measure) "
              "WHERE e.report = r.id RETURN m.id"):
        reached |= {row[0] for row in sample_store.read(q, p).rows}
    assert c["nodes"]["Measure"] == len(reached) > 0
    assert c["edges"]["MENTIONS"] == one(sample_store, "MATCH (r:Report)-[e:MENTIONS]->(:Measure) WHERE "
                                                       "r.jurisdiction STARTS WITH $p RETURN count(e)", p)
    assert c["edges"]["LEADS"] == one(sample_store, "MATCH (:Agency)-[e:LEADS]->(:Measure) MATCH (r:Report) "
                                                    "WHERE r.id = e.report AND r.jurisdiction STARTS WITH $p "
                                                    "RETURN count(e)", p)
    # every edge's ends are in the selection
    keys = {n.key for n in sub.nodes()}
    assert all(e.src_key in keys and e.dst_key in keys for e in sub.edges())
    # adcode and name select the same thing
    assert select_subgraph(sample_store, region="640000").counts() == c


def test_year_selection_matches_cypher_counts(sample_store):
    years = [r[0] for r in sample_store.read("MATCH (r:Report) RETURN DISTINCT r.year ORDER BY r.year").rows]
    assert len(years) > 1
    y = years[-1]
    c = select_subgraph(sample_store, years=[y]).counts()
    assert c["nodes"]["Report"] == one(sample_store, "MATCH (r:Report) WHERE r.year = $y RETURN count(r)", {"y": y})
    assert c["nodes"]["Outcome"] == one(sample_store, "MATCH (r:Report)-[:REPORTS]->(o:Outcome) WHERE r.year = $y "
                                                      "RETURN count(o)", {"y": y})
    assert c["nodes"]["Section"] == one(sample_store, "MATCH (r:Report)-[:HAS_SECTION]->(s) WHERE r.year = $y "
                                                      "RETURN count(s)", {"y": y})
    assert c["edges"]["QUANTIFIES"] == one(sample_store, "MATCH (r:Report)-[:REPORTS]->(o)-[e:QUANTIFIES]->() "
                                                         "WHERE r.year = $y RETURN count(e)", {"y": y})
    both = select_subgraph(sample_store, years=years).counts()
    assert both["nodes"]["Report"] == one(sample_store, "MATCH (r:Report) RETURN count(r)")


def test_k_hop_selection(sample_store):
    # k hops equals networkx's ego graph on the whole-graph export
    g = nx.node_link_graph(json.loads(export_bytes(sample_store, "json")), edges="links")
    undirected = g.to_undirected(as_view=True)
    one_hop = select_subgraph(sample_store, around="Measure:M01", hops=1)
    assert {n.key for n in one_hop.nodes()} == set(nx.ego_graph(undirected, "Measure:M01", radius=1).nodes)
    assert sum(one_hop.counts()["nodes"].values()) > 10
    ego = nx.ego_graph(undirected, "Measure:M01", radius=2)
    two = select_subgraph(sample_store, around="M01", hops=2)
    assert {n.key for n in two.nodes()} == set(ego.nodes)
    assert sum(1 for _ in two.edges()) == g.subgraph(ego.nodes).number_of_edges()
    assert sum(select_subgraph(sample_store, around="Measure:M01", hops=0).counts()["nodes"].values()) == 1


def test_measure_indicator_and_node_type_selections(sample_store):
    c = select_subgraph(sample_store, measures=["M01"]).counts()
    mentioned = one(sample_store, "MATCH (r:Report)-[:MENTIONS]->(m:Measure) WHERE m.id = 'M01' OR "
                                  "EXISTS { MATCH (m)-[:PART_OF]->(:Measure {id: 'M01'}) } RETURN count(DISTINCT r)")
    assert c["nodes"]["Report"] == mentioned > 0
    assert c["edges"]["MENTIONS"] == one(sample_store, "MATCH (:Report)-[e:MENTIONS]->(m:Measure) WHERE m.id = 'M01' "
                                         "OR EXISTS { MATCH (m)-[:PART_OF]->(:Measure {id: 'M01'}) } RETURN count(e)")
    indicator = sample_store.read("MATCH (o:Outcome)-[:MEASURES]->(i:Indicator) RETURN i.id, count(o) AS n "
                                  "ORDER BY n DESC, i.id LIMIT 1").rows[0]
    ci = select_subgraph(sample_store, indicators=[indicator[0]]).counts()
    assert ci["nodes"]["Indicator"] == 1 and ci["nodes"]["Outcome"] == indicator[1]
    ct = select_subgraph(sample_store, node_types=["report", "Measure"]).counts()
    assert set(ct["nodes"]) == {"Report", "Measure"} and set(ct["edges"]) == {"MENTIONS", "PART_OF"}
    assert ct["edges"]["MENTIONS"] == sample_store.counts()["edges"]["MENTIONS"]


def test_bad_selections_and_formats_are_refused(sample_store, tmp_path):
    with pytest.raises(GovkgError, match="no region"):
        select_subgraph(sample_store, region="火星")
    with pytest.raises(GovkgError, match="unknown node type"):
        select_subgraph(sample_store, node_types=["Person"])
    with pytest.raises(GovkgError, match="no node"):
        select_subgraph(sample_store, around="nothing-here")
    with pytest.raises(GovkgError, match="no measure"):
        select_subgraph(sample_store, measures=["M999"])
    with pytest.raises(GovkgError, match="unknown graph export format"):
        export_graph(sample_store, "pdf", tmp_path / "x.pdf")
    with pytest.raises(GovkgError, match="query results"):
        export_graph(sample_store, "xlsx", tmp_path / "x.xlsx")


# -- determinism --------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "cytoscape", "csv", "cypher", "neo4j-admin"])
def test_two_exports_are_byte_identical(sample_store, fmt):
    a = export_bytes(sample_store, fmt)
    b = export_bytes(sample_store, fmt, batch=7, report_batch=2)  # other page sizes, same bytes
    assert a == b and len(a) > 1000


def test_small_batches_do_not_lose_or_repeat_edges(sample_store):
    """Paging by source node with tiny pages: every edge exactly once, in order."""
    small = select_subgraph(sample_store, batch=3, report_batch=1)
    ids = [e.id for e in small.edges()]
    assert len(ids) == len(set(ids)) == total(sample_store.counts())[1]


# -- query results ------------------------------------------------------------------------------
def test_query_results_to_xlsx_csv_and_json(sample_store, tmp_path):
    import openpyxl

    table = query_table(sample_store, query="reports")
    assert len(table) == 5
    export_table(table, "xlsx", tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == table.columns
    assert rows[1:] == [list(r) for r in table.rows]
    export_table(table, "csv", tmp_path / "r.csv")
    with open(tmp_path / "r.csv", encoding="utf-8", newline="") as fh:
        back = list(csv.reader(fh))
    assert back[0] == table.columns
    assert [r[table.columns.index("title")] for r in back[1:]] == [r[table.columns.index("title")] for r in table.rows]
    cy = query_table(sample_store, cypher="MATCH (r:Report) RETURN r.id AS id, r.year AS year ORDER BY id")
    export_table(cy, "json", tmp_path / "c.json")
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8")) == cy.records()
    with pytest.raises(GovkgError):
        query_table(sample_store, cypher="MATCH (r:Report) DETACH DELETE r")


# -- CLI ------------------------------------------------------------------------------------------
def test_cli_export(sample_store, tmp_path):
    from click.testing import CliRunner

    from govkg.cli import cli

    db = str(sample_store.path)
    sample_store.close()
    runner = CliRunner()
    help_text = runner.invoke(cli, ["export", "--help"]).output
    assert "Example" in help_text and "--around" in help_text
    r = runner.invoke(cli, ["export", "--db", db, "--format", "graphml", "-o", str(tmp_path / "n.graphml"),
                            "--region", "宁夏", "--year", "2020"])
    assert r.exit_code == 0, r.output
    assert "region 宁夏回族自治区" in r.output
    assert nx.read_graphml(tmp_path / "n.graphml", force_multigraph=True).number_of_nodes() > 0
    r = runner.invoke(cli, ["export", "--db", db, "--format", "xlsx", "-o", str(tmp_path / "q.xlsx"),
                            "--query", "reports", "-p", "limit=2"])
    assert r.exit_code == 0 and "wrote 2 rows" in r.output, r.output
    r = runner.invoke(cli, ["export", "--db", db, "--format", "json", "-o", str(tmp_path / "x.json"),
                            "--around", "no-such-node"])
    assert r.exit_code == 1 and "no node" in r.output


def test_escaped_script_loads_the_same_text_into_every_store(fresh_store, any_store, tmp_path):
    """Quotes, backslashes, newlines, Chinese and a 4-byte character arrive intact on both backends."""
    if any_store is fresh_store:  # the embedded variant: a second, separate embedded store
        from graph.ladybug_store import LadybugStore

        target = LadybugStore(tmp_path / "target.lbdb")
        target.ensure_schema()
    else:
        target = any_store
    fresh_store._execute_tx(fresh_store.write_statements(_tricky_rows()))
    try:
        load_cypher_script(target, export_bytes(fresh_store, "cypher").decode("utf-8"))
        q = "MATCH (r:Report)-[e:MENTIONS]->(m:Measure) RETURN r.id, r.title, m.name, e.sentence_ids ORDER BY e.section"
        assert target.read(q).rows == fresh_store.read(q).rows
        assert target.read("MATCH (o:Outcome) RETURN o.value, o.baseline").rows == [[1e-7, 1.5e20]]
    finally:
        if target is not any_store:
            target.close()


def test_selection_output_does_not_depend_on_page_sizes(sample_store):
    for sel in ({"region": "640000"}, {"around": "Measure:M01", "hops": 1}, {"years": [2020], "measures": ["M01"]}):
        a = export_bytes(sample_store, "graphml", **sel)
        b = export_bytes(sample_store, "graphml", batch=2, report_batch=1, **sel)
        assert a == b, sel
