"""The store contract: every test here runs on the embedded store and on a Bolt server.

`any_store` (tests/conftest.py) gives an empty store of each backend; the Bolt one is ArcadeDB
started by the suite, or the Neo4j at GOVKG_NEO4J_URI (tests/bolt.py). The comparison tests at
the end load the same rows into both and require identical results.
"""
from __future__ import annotations

import sys
import time

import pytest
from click.testing import CliRunner

from govkg.errors import QueryError, ReadOnlyViolation, StoreError
from graph.rows import GraphRows, report_rows, taxonomy_rows
from graph.schema import NODES, RELS, SHARED_ORPHANS
from ingest.pipeline import extract_file
from ingest.taxonomy import load_taxonomy
from queries.catalog import run_query
from tests.conftest import REPORTS

A = "002_4d08be111e600d4c.txt"  # 平罗县 2023
B = "000_6c460bf66ec0245b.txt"


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="session")
def sample_rows(taxonomy) -> dict[str, GraphRows]:
    """The bundled reports' rows, extracted once (same `ingested_at`, so both stores get identical rows)."""
    return {p.name: report_rows(extract_file(p, taxonomy), ingested_at="2026-01-01T00:00:00+00:00")
            for p in sorted(REPORTS.iterdir())}


def load(store, taxonomy, rows: dict[str, GraphRows], only=None) -> None:
    store.write_taxonomy(taxonomy_rows(taxonomy))
    for name, r in rows.items():
        if only is None or name in only:
            assert store.write_report(r) == "added"


def dump(store) -> dict:
    """Every node and edge with all properties, in a backend-independent order."""
    out = {}
    for label in NODES:
        out[label] = sorted((tuple(sorted(n.items())) for n in store.iter_nodes(label, batch=100000)), key=repr)
    for rel in RELS:  # one page each: the point here is the content, not the paging
        out[rel] = sorted((tuple(sorted(e.items())) for e in store.iter_rels(rel, batch=100000)), key=repr)
    return out


def owned_by(report: str, item: tuple) -> bool:
    d = dict(item)
    keys = [d.get("id"), d.get("report"), d.get("src"), d.get("dst")]
    return any(isinstance(k, str) and (k == report or k.startswith(report + "#")) for k in keys)


def without(report: str, snapshot: dict, gone: set[str] = frozenset()) -> dict:
    """The snapshot minus the report's own facts, the shared nodes that may go or come with it,
    and the edges of the shared nodes in `gone`."""
    return {k: [i for i in v if not owned_by(report, i) and dict(i).get("src") not in gone
                and dict(i).get("dst") not in gone]
            for k, v in snapshot.items() if k not in SHARED_ORPHANS}


def gone_ids(before: dict, after: dict) -> set[str]:
    return set().union(*(ids(before, label) - ids(after, label) for label in SHARED_ORPHANS))


def ids(snapshot: dict, label: str) -> set[str]:
    return {dict(i)["id"] for i in snapshot[label]}


def referenced(store, report: str) -> dict[str, set[str]]:
    """Ids of the shared nodes a report refers to."""
    return {label: set(ids_) for label, ids_ in store._orphan_candidates(report).items()}


# -- write, rewrite, replace, delete ---------------------------------------------------------------

def test_write_then_rewrite_unchanged(any_store, taxonomy, sample_rows):
    load(any_store, taxonomy, sample_rows, only={A})
    counts = any_store.counts()
    assert counts["nodes"]["Report"] == 1
    assert counts["edges"]["MENTIONS"] == len(sample_rows[A].rels[("MENTIONS", "Report", "Measure")]) > 10
    assert any_store.write_report(sample_rows[A]) == "unchanged"
    assert any_store.counts() == counts
    assert any_store.write_report(sample_rows[A], force=True) == "updated"  # rewrite in place: same graph
    assert any_store.counts() == counts


def test_replace_edited_report_changes_only_its_facts(any_store, taxonomy, sample_rows, tmp_path):
    load(any_store, taxonomy, sample_rows, only={A, B})
    before = dump(any_store)
    refs_a, refs_b = referenced(any_store, A), referenced(any_store, B)
    text = (REPORTS / A).read_text(encoding="utf-8")
    assert "败诉率为21.6%" in text and "办理人大代表建议39件" in text
    edited = tmp_path / A  # same file name → same report id
    edited.write_text(text.replace("败诉率为21.6%", "败诉率为11.6%").replace("办理人大代表建议39件", ""),
                      encoding="utf-8")
    rows = report_rows(extract_file(edited, taxonomy), ingested_at="2026-02-01T00:00:00+00:00")
    assert rows.report_id == A and rows.content_hash != sample_rows[A].content_hash
    assert any_store.write_report(rows) == "updated"
    after = dump(any_store)
    gone = gone_ids(before, after)
    assert without(A, after) == without(A, before, gone)  # report B, the taxonomy, jurisdictions untouched
    for label in SHARED_ORPHANS:  # shared nodes go only when no report refers to them any more …
        gone = ids(before, label) - ids(after, label)
        assert gone <= refs_a[label] - refs_b[label]
        assert gone.isdisjoint({r["id"] for r in rows.nodes[label]})
        assert ids(after, label) - ids(before, label) <= {r["id"] for r in rows.nodes[label]}
    old_ind = {r["id"] for r in sample_rows[A].nodes["Indicator"]}
    new_ind = {r["id"] for r in rows.nodes["Indicator"]}
    assert ids(before, "Indicator") - ids(after, "Indicator") == old_ind - new_ind - refs_b["Indicator"]
    stored = sorted(any_store.read(
        "MATCH (:Report {id: $id})-[:REPORTS]->(o:Outcome) RETURN o.id AS id, o.evidence AS e, o.value AS v",
        {"id": A}).rows)
    assert stored == sorted([o["id"], o["evidence"], o["value"]] for o in rows.nodes["Outcome"])
    assert any("败诉率" in e and v == 11.6 for _, e, v in stored)
    assert not any("败诉率" in e and v == 21.6 for _, e, v in stored)
    assert not any("人大代表建议39" in e for _, e, v in stored)
    assert len(stored) < len(sample_rows[A].nodes["Outcome"])
    assert any_store.report_hash(A) == rows.content_hash
    assert any_store.counts()["nodes"]["Report"] == 2


def test_delete_report_removes_its_facts_only(any_store, taxonomy, sample_rows):
    load(any_store, taxonomy, sample_rows, only={A, B})
    before = dump(any_store)
    assert any_store.delete_report(A) is True
    after = dump(any_store)
    assert not any(owned_by(A, i) for v in after.values() for i in v)
    assert without(A, after) == without(A, before, gone_ids(before, after))
    refs_b = referenced(any_store, B)
    for label in SHARED_ORPHANS:  # what only A referred to went with it
        assert ids(after, label) == refs_b[label]
    assert after["Measure"] == before["Measure"]  # the taxonomy is shared
    assert any_store.delete_report(A) is False
    assert any_store.counts()["nodes"]["Report"] == 1


def test_properties_read_back_with_their_types(any_store):
    g = GraphRows(report_id="R1", content_hash="h1")
    g.node("Report", id="R1", title="某县“法治”报告 ' \" \\ }) //", kind="annual_report", year=2023,
           synthetic=True, text_length=0, published=None)
    g.node("Measure", id="M1", name="措施", in_taxonomy=False)
    g.node("Outcome", id="R1#o1-2", report="R1", value=76.9, baseline=0.0, approx=False, is_target=True,
           span_start=1, span_end=2)
    g.rel("MENTIONS", "Report", "Measure", "R1", "M1", role="plans", section=-1, count=3,
          sentence_ids="4,9,12", evidence="句子", span_start=5, span_end=7)
    g.rel("REPORTS", "Report", "Outcome", "R1", "R1#o1-2")
    assert any_store.write_report(g) == "added"
    t = any_store.read(
        "MATCH (r:Report {id: $id})-[m:MENTIONS]->(x:Measure) MATCH (r)-[:REPORTS]->(o:Outcome) "
        "RETURN r.title AS title, r.year AS year, r.synthetic AS syn, r.published AS pub, r.text_length AS tl, "
        "x.in_taxonomy AS tax, m.sentence_ids AS ids, m.count AS c, m.section AS s, o.value AS v, "
        "o.baseline AS b, o.approx AS approx", {"id": "R1"})
    assert t.columns == ["title", "year", "syn", "pub", "tl", "tax", "ids", "c", "s", "v", "b", "approx"]
    row = t.rows[0]
    assert row == ["某县“法治”报告 ' \" \\ }) //", 2023, True, None, 0, False, "4,9,12", 3, -1, 76.9, 0.0, False]
    assert [type(v) for v in row] == [str, int, bool, type(None), int, bool, str, int, int, float, float, bool]
    node = any_store.read("MATCH (n:Measure {id: 'M1'}) RETURN n").rows[0][0]
    assert node["_LABEL"] == "Measure" and node["name"] == "措施" and node["domain"] is None


def test_uniqueness_constraint_refuses_a_duplicate_id(any_store):
    any_store.write_nodes("Measure", [{"id": "M1", "name": "a"}])
    any_store.write_nodes("Measure", [{"id": "M1", "name": "b"}])  # an upsert, not a second node
    with pytest.raises(StoreError):
        any_store._execute_tx([("CREATE (n:Measure {id: $id, name: 'dup'})", {"id": "M1"})])
    assert any_store.read("MATCH (n:Measure) RETURN n.id, n.name").rows == [["M1", "b"]]


@pytest.mark.parametrize("existing", [False, True], ids=["add", "replace"])
def test_failed_report_write_leaves_the_store_as_before(any_store, taxonomy, sample_rows, monkeypatch, existing):
    load(any_store, taxonomy, sample_rows, only={B} | ({A} if existing else set()))
    before = dump(any_store)
    rows = sample_rows[A]
    if existing:  # a changed hash, so the write replaces A
        rows = report_rows(extract_file(REPORTS / A, taxonomy), ingested_at="2026-03-01T00:00:00+00:00")
        rows.content_hash = rows.nodes["Report"][0]["content_hash"] = "changed"
    # The last statement of the report's transaction violates the uniqueness constraint.
    real = any_store.write_statements
    bad = ("UNWIND $rows AS r CREATE (n:Report {id: r.id})", {"rows": [{"id": B}]})
    monkeypatch.setattr(any_store, "write_statements", lambda g, **kw: real(g, **kw) + [bad])
    with pytest.raises(StoreError, match="rolled back"):
        any_store.write_report(rows)
    monkeypatch.undo()
    assert dump(any_store) == before


def test_ingesting_the_bundled_reports_twice_changes_nothing(any_store):
    from ingest.load import ingest_paths

    first = ingest_paths(any_store, [REPORTS])
    assert len(first.added) == 5 and not first.failed
    counts = any_store.counts()
    assert counts["nodes"]["Report"] == 5 and sum(counts["edges"].values()) > 1000
    second = ingest_paths(any_store, [REPORTS])
    assert len(second.unchanged) == 5 and not second.added and not second.updated
    assert any_store.counts() == counts


# -- the read-only console -------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "MATCH (n) DETACH DELETE n",
    "CREATE (n:Report {id: 'x'})",
    "MATCH (n:Measure) SET n.name = 'x' RETURN n",
    "MATCH (n) RETURN n; MATCH (m) DELETE m",
    "CALL db.labels()",
    "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
])
def test_console_refuses_writes(any_store, query):
    any_store.write_nodes("Measure", [{"id": "M1", "name": "a"}])
    with pytest.raises(ReadOnlyViolation):
        any_store.read_untrusted(query)
    assert any_store.counts()["nodes"]["Measure"] == 1


def test_console_hostile_strings_travel_as_parameters(any_store):
    hostile = "x' OR 1=1 }) DETACH DELETE n //"
    any_store.write_nodes("Measure", [{"id": "M1", "name": hostile}, {"id": "M2", "name": "b"}])
    t = any_store.read_untrusted("MATCH (n:Measure) WHERE n.name = $q RETURN n.id AS id", {"q": hostile})
    assert t.rows == [["M1"]]
    t = any_store.read_untrusted("MATCH (n:Measure) WHERE n.name = $q RETURN n.id AS id", {"q": "' OR ''='"})
    assert t.rows == []
    # a keyword inside a string literal is not a write
    t = any_store.read_untrusted("MATCH (n:Measure) WHERE n.name <> 'DELETE' RETURN count(n) AS n")
    assert t.rows == [[2]]
    assert any_store.counts()["nodes"]["Measure"] == 2


def test_console_row_cap_truncates(any_store, taxonomy):
    any_store.write_taxonomy(taxonomy_rows(taxonomy))
    total = any_store.read("MATCH (m:Measure) RETURN count(m)").rows[0][0]
    t = any_store.read_untrusted("MATCH (m:Measure) RETURN m.id AS id ORDER BY id", row_cap=7)
    assert len(t.rows) == 7 and t.truncated and total > 7
    t = any_store.read_untrusted("MATCH (m:Measure) RETURN m.id AS id ORDER BY id", row_cap=total)
    assert len(t.rows) == total and not t.truncated


def test_database_itself_refuses_writes_and_slow_queries(any_store, monkeypatch):
    """Behind the lexical check, the read-only transaction and its timeout hold on their own."""
    if getattr(any_store, "is_arcadedb", False):
        pytest.skip("ArcadeDB enforces neither read-only sessions nor timeouts; "
                    "this runs on Neo4j when GOVKG_NEO4J_URI is set")
    module = sys.modules[type(any_store).__module__]
    monkeypatch.setattr(module, "check_read_only", lambda q: q)  # switch the lexical check off
    with pytest.raises(QueryError):
        any_store.read_untrusted("CREATE (n:Measure {id: 'sneaky'})")
    assert any_store.counts()["nodes"]["Measure"] == 0
    started = time.monotonic()
    with pytest.raises(QueryError, match="stopped after"):
        any_store.read_untrusted("UNWIND range(1, 30000000) AS x UNWIND range(1, 100) AS y "
                                 "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*) AS n", timeout=0.5)
    assert time.monotonic() - started < 15


def test_bad_query_is_a_query_error(any_store):
    with pytest.raises(QueryError):
        any_store.read_untrusted("MATCH (n RETURN n")


# -- the embedded store's forward-only relationships (graph.schema.FORWARD_ONLY) ----------------------

def test_forward_only_edges_match_both_ways_and_refuse_backward_walks_clearly(sample_store):
    mid, n = sample_store.read("MATCH (r:Report)-[:MENTIONS]->(m:Measure) RETURN m.id, count(r) AS n "
                               "ORDER BY n DESC, m.id LIMIT 1").rows[0]
    assert n > 1
    # a plain pattern written from the measure's end still answers (joined from the report side)
    assert sample_store.read("MATCH (m:Measure {id: $m})<-[:MENTIONS]-(r:Report) RETURN count(r)",
                             {"m": mid}).rows[0][0] == n
    # a walk that has to start at a bound measure is refused with what to write instead
    for query in ("MATCH (m:Measure {id: $m}) OPTIONAL MATCH (r:Report)-[:MENTIONS]->(m) RETURN count(r)",
                  "MATCH (m:Measure {id: $m})-[:MENTIONS]-(r) RETURN count(r)"):
        with pytest.raises(QueryError, match=r"FORWARD_ONLY.*MATCH the pattern from the report side") as e:
            sample_store.read_untrusted(query, {"m": mid})
        assert "Traceback" not in str(e.value) and "\n" not in str(e.value)
    # the same walks are fine on relationships stored both ways
    assert sample_store.read("MATCH (m:Measure {id: $m}) OPTIONAL MATCH (d:Domain)<-[:IN_DOMAIN]-(m) "
                             "RETURN count(d)", {"m": mid}).rows[0][0] == 1


def test_a_store_created_with_both_directions_keeps_working(tmp_path, taxonomy, sample_rows, monkeypatch):
    """Stores made before FORWARD_ONLY keep their two-way edges: reads, writes and queries go on."""
    from graph import schema
    from graph.ladybug_store import LadybugStore

    path = tmp_path / "old.lbdb"
    with monkeypatch.context() as m:
        m.setattr(schema, "FORWARD_ONLY", ())
        old = LadybugStore(path)
        old.ensure_schema()
        load(old, taxonomy, sample_rows, only={A})
        old.close()
    store = LadybugStore(path)
    try:
        store.ensure_schema()
        assert store.write_report(sample_rows[B]) == "added"
        listed = {r[0]: r[3] for r in run_query(store, "measures", {"min_reports": 1}).rows}
        back = dict(store.read("MATCH (m:Measure) OPTIONAL MATCH (r:Report)-[:MENTIONS]->(m) "
                               "WITH m, count(DISTINCT r) AS n WHERE n > 0 RETURN m.id, n").rows)
        assert listed == back and max(back.values()) == 2
    finally:
        store.close()


# -- both stores hold the same graph -----------------------------------------------------------------

def test_both_stores_hold_the_same_graph_and_answer_alike(fresh_store, bolt_store, taxonomy, sample_rows):
    for store in (fresh_store, bolt_store):
        load(store, taxonomy, sample_rows)
    assert fresh_store.counts() == bolt_store.counts()
    assert dump(fresh_store) == dump(bolt_store)
    for name, params in [("reports", {}), ("reports", {"year": "2023"}), ("measures", {"min_reports": "2"})]:
        a, b = run_query(fresh_store, name, params), run_query(bolt_store, name, params)
        assert a.columns == b.columns and len(a.rows) > 0
        assert a.rows == b.rows, name
    q = ("MATCH (r:Report)-[m:MENTIONS]->(x:Measure) RETURN r.id AS rid, x.id AS mid, m.section AS sec, "
         "m.sentence_ids AS ids, m.count AS c ORDER BY rid, mid, sec")
    assert fresh_store.read_untrusted(q, row_cap=100000).rows == bolt_store.read_untrusted(q, row_cap=100000).rows


def test_copy_embedded_to_bolt_and_back(sample_store, bolt_server, bolt_store, tmp_path):
    """`govkg copy --to neo4j` then `--to embedded`: the graph arrives whole, both ways."""
    from govkg.cli import cli

    want = sample_store.counts()
    want_dump = dump(sample_store)
    sample_store.close()  # the CLI opens the file itself
    env = {"GOVKG_NEO4J_URI": bolt_server.uri, "GOVKG_NEO4J_USER": bolt_server.user,
           "GOVKG_NEO4J_PASSWORD": bolt_server.password, "GOVKG_NEO4J_DATABASE": bolt_server.database or "",
           "GOVKG_STORE": ""}
    runner = CliRunner()
    r = runner.invoke(cli, ["copy", "--to", "neo4j", "--db", str(tmp_path / "sample.lbdb")], env=env)
    assert r.exit_code == 0, r.output
    assert "copied" in r.output
    assert bolt_store.counts() == want
    r = runner.invoke(cli, ["copy", "--to", "neo4j", "--db", str(tmp_path / "sample.lbdb")], env=env)
    assert r.exit_code == 1 and "already holds a graph" in r.output  # never doubles edges
    assert bolt_store.counts() == want
    r = runner.invoke(cli, ["copy", "--to", "neo4j", "--replace", "--db", str(tmp_path / "sample.lbdb")], env=env)
    assert r.exit_code == 0, r.output
    assert bolt_store.counts() == want
    back = tmp_path / "back.lbdb"
    r = runner.invoke(cli, ["copy", "--to", "embedded", "--db", str(back)], env=env)
    assert r.exit_code == 0, r.output
    from graph.ladybug_store import LadybugStore

    with LadybugStore(back) as copy:
        assert copy.counts() == want
        assert dump(copy) == want_dump


def test_copy_pages_in_small_batches_without_losing_an_edge(sample_store, bolt_store):
    """Many pages, and several MENTIONS between the same report and measure straddling them."""
    from graph.copy import copy_graph

    summary = copy_graph(sample_store, bolt_store, batch=40)
    assert summary.edges["MENTIONS"] > 100
    assert dump(bolt_store) == dump(sample_store)


def test_unreachable_server_and_wrong_password_are_one_line_errors(bolt_server):
    from graph.neo4j_store import Neo4jStore
    from tests.arcadedb_server import free_port

    with pytest.raises(StoreError, match="cannot reach Neo4j"):
        Neo4jStore(f"bolt://127.0.0.1:{free_port()}", "neo4j", "x")
    with pytest.raises(StoreError, match="wrong user or password"):
        Neo4jStore(bolt_server.uri, bolt_server.user, "wrong-password", bolt_server.database)
    with pytest.raises(StoreError, match="no database"):
        Neo4jStore(bolt_server.uri, bolt_server.user, bolt_server.password, "no_such_database_here")
    with pytest.raises(StoreError, match="not a Neo4j address"):
        Neo4jStore("http://localhost:7474", "neo4j", "x")
    from govkg.config import Settings
    from graph.store import open_store

    with pytest.raises(StoreError, match="needs GOVKG_NEO4J_URI"):
        open_store(Settings(store="neo4j"))
    r = CliRunner().invoke(__import__("govkg.cli", fromlist=["cli"]).cli, ["status", "--store", "neo4j"],
                           env={"GOVKG_NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "GOVKG_NEO4J_PASSWORD": "x"})
    assert r.exit_code == 1 and "cannot reach Neo4j" in r.output and "Traceback" not in r.output


def test_reads_past_the_page_cache_budget_reopen_the_embedded_store(tmp_path, taxonomy, sample_rows):
    """LadybugDB keeps every page it read until the database is closed; once reads have added
    `page_cache_budget_mb` to RSS the store reopens itself. Answers are unchanged, and a console
    query's own transaction is never cut short by it."""
    from graph.ladybug_store import LadybugStore

    store = LadybugStore(tmp_path / "kg.lbdb", page_cache_budget_mb=0)
    store.ensure_schema()
    load(store, taxonomy, sample_rows, only={A})
    big = "MATCH (m:Measure) RETURN m.id AS id, m.name AS name, m.aliases AS a ORDER BY id"
    expected = store.read(big).rows
    store.close()

    store = LadybugStore(tmp_path / "kg.lbdb", read_only=True, page_cache_budget_mb=1)
    opened = []
    real = store._connect
    store._connect = lambda: (opened.append(1), real())[1]
    store._read_growth = 10  # as if earlier reads had added 10 MB
    assert store.read(big).rows == expected
    assert opened == [1] and store._read_growth == 0  # reopened once, the count started again
    store._read_growth = 10
    assert store.read_untrusted(big).rows == expected  # inside its transaction: no reopen
    assert opened == [1]
    assert store.read_columns(big).num_rows == len(expected)  # the next plain read gives it back
    assert opened == [1, 1] and store.read(big).rows == expected
    store.close()
