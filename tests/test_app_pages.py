"""Every page of the app runs on a real embedded store (streamlit.testing) and shows the store's values.

Expected values are read from the store with independent Cypher, not copied from the pages.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ["overview", "measures", "cooccurrence", "regions", "explorer", "console", "export", "upload", "curation"]


def _reset_streamlit():
    import streamlit as st

    from app_pages.common import get_store

    try:
        s = get_store()
    except Exception:  # noqa: BLE001 - nothing open
        s = None
    if s is not None:
        s.close()
    st.cache_resource.clear()
    st.cache_data.clear()


def _use(db: Path, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GOVKG_DB", str(db))
    monkeypatch.setenv("GOVKG_STORE", "embedded")
    monkeypatch.setenv("GOVKG_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("GOVKG_NEO4J_URI", raising=False)


@pytest.fixture(scope="module")
def shared_db(sample_db, tmp_path_factory) -> Path:
    """One copy of the sample database for the read-only page tests of this module."""
    path = tmp_path_factory.mktemp("app_pages") / "sample.lbdb"
    shutil.copy(sample_db, path)
    return path


@pytest.fixture
def app(shared_db, monkeypatch, tmp_path):
    """An AppTest on the shared copy; the store stays open across this module's read-only tests."""
    _use(shared_db, monkeypatch, tmp_path)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def private_app(sample_db, monkeypatch, tmp_path):
    """An AppTest on a private copy, for tests that write (upload, curation)."""
    db = tmp_path / "private.lbdb"
    shutil.copy(sample_db, db)
    _reset_streamlit()
    _use(db, monkeypatch, tmp_path)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    yield at, db
    _reset_streamlit()


def _expect(db: Path, query: str, params: dict | None = None):
    """Rows of an independent query, through the app's own handle (the file allows one writer)."""
    from app_pages.common import get_store

    return get_store().read(query, params or {}).rows


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
    parts += [e.value for e in at.error] + [s.value for s in at.success] + [i.value for i in at.info]
    return "\n".join(map(str, parts))


def _frames_text(at: AppTest) -> str:
    return "\n".join(d.value.to_string() for d in at.dataframe)


def _frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


# -- every page ------------------------------------------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception_or_error(app, page):
    _open(app, page)
    assert not app.error, [e.value for e in app.error]
    assert app.title[0].value  # each page has its title


def test_pages_answer_fast_once_warm(app):
    """Warm pages (cached reads) answer within 1 s on the bundled reports; 2 s allows for a busy machine."""
    slow = {}
    for page in PAGES:
        _open(app, page)
        start = time.perf_counter()
        app.run()
        took = time.perf_counter() - start
        if took > 2.0:
            slow[page] = round(took, 2)
    assert not slow, slow


# -- overview -------------------------------------------------------------------------------
def test_overview_counts_ingest_times_and_failures(app, shared_db):
    _open(app, "overview")
    metrics = {m.label: m.value for m in app.metric}
    (n_reports,), = _expect(shared_db, "MATCH (r:Report) RETURN count(r)")
    (n_outcomes,), = _expect(shared_db, "MATCH (o:Outcome) RETURN count(o)")
    assert metrics["报告 Reports"] == str(n_reports) == "5"
    assert metrics["成效 Outcomes"] == str(n_outcomes)
    reports = app.dataframe[0].value
    assert len(reports) == 5
    assert reports["ingested_at"].notna().all()
    assert "平罗县2023年度法治政府建设情况报告" in set(reports["title"])
    assert any("没有导入失败" in s.value for s in app.success)


# -- measures -------------------------------------------------------------------------------
def test_measures_taxonomy_lists_three_systems_and_its_detail(app, shared_db):
    _open(app, "measures")
    assert "行政执法三项制度" in _frames_text(app)
    assert app.selectbox(key="measure").value == "M50"
    ids = ["M50"] + [r[0] for r in _expect(shared_db, "MATCH (a:Measure)-[:PART_OF]->(b:Measure {id: 'M50'}) "
                                                      "RETURN a.id")]
    (n,), = _expect(shared_db, "MATCH (r:Report)-[:MENTIONS]->(m:Measure) WHERE m.id IN $ids "
                               "RETURN count(DISTINCT r)", {"ids": ids})
    (said,), = _expect(shared_db, "MATCH (r:Report)-[e:MENTIONS]->(m:Measure) WHERE m.id IN $ids "
                                  "RETURN sum(e.count)", {"ids": ids})
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["报告 Reports"] == str(n) and metrics["提及 Mentions"] == str(int(said))
    evidence = _frame_with(app, "evidence")
    # every edge's sentence came back from the store (the sample has fewer edges than are shown)
    assert evidence["evidence"].notna().all() and len(evidence) == _expect(
        shared_db, "MATCH (r:Report)-[e:MENTIONS]->(m:Measure) WHERE m.id IN $ids RETURN count(e)", {"ids": ids})[0][0]
    assert evidence["evidence"].str.contains("三项制度").any()

    app.selectbox(key="measure").set_value("M82").run()
    assert not app.exception
    text = _frames_text(app)
    assert "出庭" in text  # 行政机关负责人出庭应诉 has outcomes such as 出庭应诉率
    with_without = _frame_with(app, "mwu_p")
    (n_with,), = _expect(shared_db, "MATCH (r:Report)-[:MENTIONS]->(:Measure {id: 'M82'}) "
                                    "MATCH (r)-[:REPORTS]->(o:Outcome)-[:MEASURES]->(i:Indicator) "
                                    "WHERE i.name CONTAINS '出庭应诉率' AND NOT o.is_target RETURN count(DISTINCT o)")
    assert int(with_without.loc[with_without["group"] == "提及该措施 with", "n"].iloc[0]) == n_with


def test_sidebar_region_filter_narrows_measures(app, shared_db):
    app.selectbox(key="region").set_value("640000").run()
    _open(app, "measures")
    (n,), = _expect(shared_db, "MATCH (r:Report)-[:MENTIONS]->(m:Measure) WHERE m.id IN ['M50','M51','M52','M53'] "
                               "AND r.jurisdiction STARTS WITH '64' RETURN count(DISTINCT r)")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["报告 Reports"] == str(n)
    assert int(n) < 5
    assert "宁夏回族自治区" in _texts(app)
    app.selectbox(key="region").set_value("").run()


def test_page_choices_survive_a_visit_to_another_page(app):
    _open(app, "measures")
    app.selectbox(key="measure").set_value("M82").run()
    _open(app, "explorer")
    app.number_input(key="ex_cap").set_value(30).run()
    _open(app, "overview")
    _open(app, "measures")
    assert app.selectbox(key="measure").value == "M82"
    _open(app, "explorer")
    assert app.number_input(key="ex_cap").value == 30
    app.number_input(key="ex_cap").set_value(80).run()
    _open(app, "measures")
    app.selectbox(key="measure").set_value("M50").run()


# -- co-occurrence ---------------------------------------------------------------------------
def test_cooccurrence_shows_court_appearance_rate_and_its_evidence(app):
    _open(app, "cooccurrence")
    pairs = app.dataframe[0].value
    assert "出庭应诉率" in set(pairs["indicator"])
    assert {"support", "confidence", "lift", "q_value"} <= set(pairs.columns)
    label = next(o for o in app.selectbox(key="mi_pair").options if o.startswith("M82 ") and o.endswith("× 出庭应诉率"))
    app.selectbox(key="mi_pair").set_value(label).run()
    assert not app.exception
    evidence = _frame_with(app, "共现句 sentence")
    assert evidence["共现句 sentence"].str.contains("出庭应诉率达76.9%").all()
    assert set(evidence["region"]) == {"渝中区"} and set(evidence["value"]) == {"76.9%"}


def test_cooccurrence_measure_pair_evidence_comes_from_the_reports_holding_both(app, shared_db):
    _open(app, "cooccurrence")
    app.radio(key="co_level").set_value("section").run()
    mm = _frame_with(app, "measure_a_id")
    top = mm.iloc[0]
    app.selectbox(key="mm_pair").set_value(app.selectbox(key="mm_pair").options[0]).run()
    assert app.selectbox(key="mm_pair").value.startswith(f"{top['measure_a_id']} ")
    evidence = _frame_with(app, "措施 A 的句子 sentence A")
    # one row per (report, section) holding both measures: as many as the pair's `both` (under 200 here)
    assert len(evidence) == top["both"]
    reports = {r[0] for r in _expect(shared_db, "MATCH (r:Report)-[a:MENTIONS]->(x:Measure {id: $a}), "
                                                "(r)-[b:MENTIONS]->(y:Measure {id: $b}) WHERE a.section = b.section "
                                                "RETURN DISTINCT r.id", {"a": top["measure_a_id"], "b": top["measure_b_id"]})}
    assert set(evidence["report"]) == reports
    assert evidence["措施 B 的句子 sentence B"].str.contains(str(top["measure_b_id"])).all()
    app.radio(key="co_level").set_value("sentence").run()


def test_cooccurrence_filters_change_the_statistics(app):
    _open(app, "cooccurrence")
    def units() -> list[int]:
        return [int(re.search(r"(\d+) 个单元 units", c.value).group(1)) for c in app.caption if "个单元" in c.value]

    at_sentence = units()
    assert len(at_sentence) == 2 and at_sentence[0] > 5
    app.radio(key="co_level").set_value("report").run()
    assert units() == [5, 5]  # one unit per report
    app.number_input(key="co_min").set_value(3).run()
    assert not app.exception
    mm = _frame_with(app, "measure_a_id")
    assert len(mm) > 0 and (mm["both"] >= 3).all()
    if any("indicator" in d.value.columns for d in app.dataframe):
        assert (_frame_with(app, "indicator")["both"] >= 3).all()
    else:
        assert any("No measure–indicator pairs" in i.value for i in app.info)
    app.radio(key="co_level").set_value("sentence").run()
    app.number_input(key="co_min").set_value(1).run()


# -- regions --------------------------------------------------------------------------------
def test_regions_profile_hierarchy_and_compare(app, shared_db):
    _open(app, "regions")
    app.selectbox(key="profile_region").set_value("640221").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["报告 Reports"] == "1"
    mentioned = {r[0] for r in _expect(shared_db, "MATCH (r:Report)-[:MENTIONS]->(m:Measure) "
                                                  "WHERE r.jurisdiction = '640221' RETURN DISTINCT m.id")}
    measures = _frame_with(app, "item_id")
    assert metrics["措施 Measures"] == str(len(measures)) and len(measures) > 0
    reported = {r[0] for r in _expect(shared_db, "MATCH (r:Report)-[e:MENTIONS]->(m:Measure) "
                                                 "WHERE r.jurisdiction = '640221' AND NOT e.role IN "
                                                 "['plans', 'targets', 'problems'] RETURN DISTINCT m.id")}
    assert set(measures["item_id"]) == reported  # plans, targets and problems have tabs of their own
    assert reported < mentioned
    # the outcome details: every outcome of the region with its sentence (fewer than the rows shown)
    details = _frame_with(app, "corrected")
    stored = _expect(shared_db, "MATCH (r:Report)-[:REPORTS]->(o:Outcome) WHERE r.jurisdiction = '640221' "
                                "RETURN o.id, o.sentence")
    assert len(stored) > 0 and sorted(zip(details["outcome"], details["sentence"])) == sorted(map(tuple, stored))
    assert list(details["indicator"]) == sorted(details["indicator"])
    up = next(b for b in app.button if "石嘴山市" in str(b.label))
    up.click().run()
    assert app.selectbox(key="profile_region").value == "640200"

    app.selectbox(key="cmp_a").set_value("640221").run()
    app.selectbox(key="cmp_b").set_value("500103").run()
    reported_in = ("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) WHERE r.jurisdiction = $c AND NOT e.role IN "
                   "['plans', 'targets', 'problems'] RETURN DISTINCT m.id")
    a = {r[0] for r in _expect(shared_db, reported_in, {"c": "640221"})}
    b = {r[0] for r in _expect(shared_db, reported_in, {"c": "500103"})}
    both_md = [m.value for m in app.markdown if "两者 both" in m.value]
    assert both_md and f"{len(a & b)} 项措施" in both_md[0]


# -- explorer -------------------------------------------------------------------------------
def test_explorer_neighbourhood_respects_types_and_cap(app):
    _open(app, "explorer")
    assert app.selectbox(key="ex_centre_Measure").value == "M50"
    sub = app.session_state["subgraph"]
    labels = {n["label"] for n in sub["nodes"]}
    assert "Report" in labels and "Measure" in labels
    assert any("三项制度" in str(e["props"].get("evidence", "")) for e in sub["edges"])
    app.multiselect(key="ex_types").set_value(["Report", "Measure"]).run()
    app.number_input(key="ex_cap").set_value(20).run()
    sub = app.session_state["subgraph"]
    assert {n["label"] for n in sub["nodes"]} <= {"Report", "Measure"}
    assert len(sub["nodes"]) <= 20
    report = next(n["key"] for n in sub["nodes"] if n["label"] == "Report")
    app.selectbox(key="ex_node").set_value(report).run()
    props = app.dataframe[0].value
    assert "title" in set(props["属性 property"])


# -- console --------------------------------------------------------------------------------
def test_console_runs_reads_draws_graphs_and_refuses_writes(app, shared_db):
    _open(app, "console")
    app.selectbox(key="console_example").set_value("图: 报告—措施 Graph: reports and one measure").run()
    app.button(key="console_run").click().run()
    assert not app.error
    (n,), = _expect(shared_db, "MATCH (r:Report)-[e:MENTIONS]->(m:Measure {id: 'M50'}) RETURN count(e)")
    assert len(app.dataframe[0].value) == min(int(n), 50)
    assert any("图 Graph" in m.value for m in app.markdown)
    app.text_area(key="console_text").set_value("MATCH (r:Report) DETACH DELETE r").run()
    app.button(key="console_run").click().run()
    assert app.error and "DETACH" in app.error[0].value
    (still,), = _expect(shared_db, "MATCH (r:Report) RETURN count(r)")
    assert still == 5
    app.selectbox(key="catalog_name").set_value("measures").run()
    app.button(key="catalog_run").click().run()
    assert "行政执法三项制度" in _frames_text(app)


# -- export ---------------------------------------------------------------------------------
def test_export_counts_each_scope(app):
    _open(app, "export")
    whole = {m.label: int(m.value) for m in app.metric}
    assert whole["节点 Nodes"] > 0 and whole["边 Edges"] > 0
    assert len(app.get("download_button")) >= 7
    app.selectbox(key="region").set_value("500103").run()
    region = {m.label: int(m.value) for m in app.metric}
    assert 0 < region["节点 Nodes"] < whole["节点 Nodes"]
    app.selectbox(key="region").set_value("").run()
    _open(app, "explorer")
    n = len(app.session_state["subgraph"]["nodes"])
    _open(app, "export")
    app.radio(key="export_scope").set_value("subgraph").run()
    assert {m.label: int(m.value) for m in app.metric}["节点 Nodes"] == n


# -- upload and curation (private copies) ------------------------------------------------------
def test_upload_ingests_a_report_and_explains_a_bad_file(private_app, tmp_path):
    at, db = private_app
    _open(at, "upload")
    good = (ROOT / "data" / "reports" / "002_4d08be111e600d4c.txt").read_bytes().replace("平罗县".encode(), "惠农区".encode())
    at.get("file_uploader")[0].set_value([("../新 报告.txt", good, "text/plain"),
                                          ("broken.pdf", b"this is not a pdf", "application/pdf"),
                                          ("huge.txt", b"x" * (21 * 1024 * 1024), "text/plain")]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    assert any("broken" in e.value and "PDF" in e.value for e in at.error)
    assert any("已添加 added" in s.value for s in at.success)
    assert any("huge" in e.value and "20 MB" in e.value for e in at.error)
    saved = sorted(p.name for p in (tmp_path / "data" / "uploads").iterdir())
    assert saved == ["broken.pdf", "新_报告.txt"]
    _open(at, "overview")
    assert {m.label: m.value for m in at.metric}["报告 Reports"] == "6"
    failures = at.dataframe[-1].value
    assert failures["file"].str.endswith("broken.pdf").any()


def test_curation_is_stored_shown_and_survives_reingest(private_app):
    at, db = private_app
    _open(at, "curation")
    report = "000_6c460bf66ec0245b.txt"
    at.selectbox(key="cur_report").set_value(report).run()
    at.selectbox(key="cur_measure").set_value("M50").run()
    at.radio(key="cur_action").set_value("reject")
    at.text_input(key="cur_note").input("**not** <b>there</b>")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception and at.success
    from app_pages.common import get_store

    rows = get_store().read("MATCH (c:Correction) RETURN c.report, c.target, c.action, c.note").rows
    assert rows == [[report, "measure:M50", "reject", "**not** <b>there</b>"]]

    _open(at, "measures")
    ev = _frame_with(at, "curation")
    marked = ev[ev["curation"] != ""]
    assert set(marked["report"]) == {report} and set(marked["measure"]) == {"行政执法三项制度"}

    _open(at, "regions")
    at.selectbox(key="profile_region").set_value("640000").run()
    prof = _frame_with(at, "curation")
    assert prof.loc[prof["item_id"] == "M50", "curation"].iloc[0].startswith("✗ 1 ")
    assert (prof.loc[prof["item_id"] != "M50", "curation"] == "").all()

    from ingest.load import ingest_file

    assert ingest_file(get_store(), ROOT / "data" / "reports" / report, force=True) == "updated"
    import streamlit as st

    st.cache_data.clear()
    _open(at, "measures")
    ev = _frame_with(at, "curation")
    assert set(ev.loc[ev["curation"] != "", "report"]) == {report}

    _open(at, "curation")
    at.selectbox(key="cur_report").set_value(report).run()
    at.radio(key="cur_kind").set_value("outcome").run()
    outcome = at.selectbox(key="cur_outcome").options[0]
    at.radio(key="cur_action").set_value("correct")
    at.selectbox(key="cur_field").set_value("value")
    at.text_input(key="cur_value").input("12.5")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    (n,), = get_store().read("MATCH (c:Correction) RETURN count(c)").rows
    assert n == 2
    at.button(key="cur_drop_go").click().run()
    (n,), = get_store().read("MATCH (c:Correction) RETURN count(c)").rows
    assert n == 1 and outcome


def test_store_that_cannot_open_is_an_error_not_a_traceback(monkeypatch, tmp_path):
    _reset_streamlit()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    _use(blocker / "sub" / "db.lbdb", monkeypatch, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.error and "Cannot open the store" in at.error[0].value
    _reset_streamlit()


# -- helpers ----------------------------------------------------------------------------------
def test_safe_filename_and_markdown_escaping():
    from app_pages.common import md, safe_filename

    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\a b?.txt") == "a_b_.txt"
    assert safe_filename("宁夏 报告(2020).docx") == "宁夏_报告_2020_.docx"
    assert safe_filename("") == "file"
    assert len(safe_filename("x" * 300 + ".txt")) <= 120
    assert md("[link](http://x) **b** <i>") == r"\[link\]\(http\://x\) \*\*b\*\* \<i\>"
    assert "unsafe_allow_html" not in "".join(p.read_text(encoding="utf-8") for p in (ROOT / "app_pages").glob("*.py"))


# -- the other backend ---------------------------------------------------------------------------
def test_every_page_runs_on_a_bolt_store(bolt_server, bolt_store, monkeypatch, tmp_path):
    """The same pages over Bolt (Neo4j, or the suite's ArcadeDB): same Cypher, same values."""
    from ingest.load import ingest_paths

    summary = ingest_paths(bolt_store, [ROOT / "data" / "reports"])
    assert len(summary.added) == 5, summary.failed
    _reset_streamlit()
    monkeypatch.setenv("GOVKG_STORE", "neo4j")
    monkeypatch.setenv("GOVKG_NEO4J_URI", bolt_server.uri)
    monkeypatch.setenv("GOVKG_NEO4J_USER", bolt_server.user or "")
    monkeypatch.setenv("GOVKG_NEO4J_PASSWORD", bolt_server.password or "")
    monkeypatch.setenv("GOVKG_NEO4J_DATABASE", bolt_server.database or "")
    monkeypatch.setenv("GOVKG_DATA", str(tmp_path / "data"))
    try:
        at = AppTest.from_file(APP, default_timeout=180).run()
        assert not at.exception, [e.value for e in at.exception]
        problems = {}
        for page in PAGES:
            at.switch_page(f"app_pages/{page}.py").run()
            bad = [e.value for e in at.exception] + [e.value for e in at.error]
            if bad:
                problems[page] = [str(b)[:300] for b in bad]
        assert not problems, problems
        _open(at, "overview")
        assert {m.label: m.value for m in at.metric}["报告 Reports"] == "5"
        _open(at, "measures")
        assert "行政执法三项制度" in _frames_text(at)
    finally:
        _reset_streamlit()
