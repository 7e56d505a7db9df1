"""Catalog queries on the hand-made fixture graph (tests/fixture_graph.py), on both backends.

Every expected number is worked out by hand from the table in fixture_graph.py; the derivation
is in the comments.
"""
from __future__ import annotations

from fractions import Fraction

import pytest

from govkg.errors import QueryError
from queries.catalog import all_queries, run_query
from queries.incidence import invalidate
from tests.fixture_graph import build_fixture


@pytest.fixture
def fx(any_store):
    build_fixture(any_store)
    invalidate(any_store)
    yield any_store
    invalidate(any_store)


def rows_by(table, *keys):
    return {tuple(r[k] for k in keys): r for r in table.records()}


def test_every_query_runs_with_defaults(fx):
    for q in all_queries():
        t = run_query(fx, q.name)
        assert t.columns, q.name
        for row in t.rows:
            assert len(row) == len(t.columns), q.name


def test_every_query_runs_on_an_empty_store(any_store):
    invalidate(any_store)
    for q in all_queries():
        t = run_query(any_store, q.name)
        assert t.columns and t.rows == [], q.name


def test_measure_indicator_sentence_level(fx):
    t = run_query(fx, "measure-indicator")
    got = rows_by(t, "measure_id", "indicator")
    # sentence units holding a measure or an outcome: R1 {1,2,3,10,11}, R2 {1,2}, R3 {1,2,7}, R4 {3,4},
    # R5 {1,2}, R6 {1,5} → 16. Pairs found together: M82×出庭应诉率 (R1s1, R2s1, R4s3) and M50×行政执法案件 (R5s1).
    assert set(got) == {("M82", "出庭应诉率"), ("M50", "行政执法案件")}
    r = got[("M82", "出庭应诉率")]
    assert (r["both"], r["measure_n"], r["indicator_n"], r["either"], r["units"]) == (3, 6, 6, 9, 16)
    assert r["support"] == pytest.approx(3 / 16, abs=1e-4)
    assert r["confidence"] == pytest.approx(0.5)
    assert r["lift"] == pytest.approx(48 / 36, abs=1e-4)
    # P(X ≥ 3), X ~ hypergeometric(N=16, K=6, n=6) = (20·120 + 15·45 + 6·10 + 1) / C(16,6) = 3136 / 8008
    assert r["p_value"] == pytest.approx(float(Fraction(3136, 8008)), rel=1e-3)
    # M50×行政执法案件: P(X ≥ 1) with N=16, K=4, n=1 = 4/16. BH over 2 pairs: q = min(0.25·2/1, 0.3916·2/2)
    assert got[("M50", "行政执法案件")]["p_value"] == pytest.approx(0.25, rel=1e-3)
    assert got[("M50", "行政执法案件")]["q_value"] == pytest.approx(float(Fraction(3136, 8008)), rel=1e-3)
    assert r["q_value"] == pytest.approx(float(Fraction(3136, 8008)), rel=1e-3)
    assert r["pairs_tested"] == 2 and r["reports"] == 3 and r["small_sample"] is True
    assert set(r["regions"].split("、")) == {"宁夏回族自治区", "银川市", "西夏区"}
    assert r["years"] == "2020,2021,2022"
    # ordered by p-value
    assert [x["indicator"] for x in t.records()] == ["行政执法案件", "出庭应诉率"]


def test_measure_indicator_levels_roles_and_filters(fx):
    # section units: R1 s0, s2; R2 s0; R3 s0, s1; R4 s0; R5 s0; R6 s0, s1 → 9. M81 sections R1s0, R2s0, R3s0
    # all hold 出庭应诉率 → both 3 of M81's 3.
    got = rows_by(run_query(fx, "measure-indicator", {"level": "section"}), "measure_id", "indicator")
    r = got[("M81", "出庭应诉率")]
    assert (r["both"], r["measure_n"], r["indicator_n"], r["units"]) == (3, 3, 6, 9)
    assert got[("M82", "出庭应诉率")]["both"] == 3 and got[("M82", "出庭应诉率")]["measure_n"] == 5
    # report level, achievements only: M82 in R1 R2 R4 R5; 出庭应诉率 in R1 R2 R3 R4 (results) → both 3, N = 6
    got = rows_by(run_query(fx, "measure-indicator", {"level": "report", "role": "achievements"}),
                  "measure_id", "indicator")
    r = got[("M82", "出庭应诉率")]
    assert (r["both"], r["measure_n"], r["indicator_n"], r["units"]) == (3, 4, 4, 6)
    # region 银川市 (640100 and 西夏区 under it): R2, R3, R4; years 2021 → R2, R3
    t = run_query(fx, "measure-indicator", {"level": "report", "region": "银川市", "years": "2021"})
    got = rows_by(t, "measure_id", "indicator")
    assert got[("M82", "出庭应诉率")]["units"] == 2 and got[("M82", "出庭应诉率")]["both"] == 1
    assert got[("M81", "出庭应诉率")]["both"] == 2
    # by adcode prefix, min_support and display filters
    t = run_query(fx, "measure-indicator", {"level": "report", "region": "330000", "min_support": 1})
    assert [(r["measure_id"], r["indicator"]) for r in t.records()] == [("M50", "行政执法案件"), ("M82", "行政执法案件")]
    t = run_query(fx, "measure-indicator", {"level": "report", "min_support": 3, "measure": "出庭应诉"})
    assert [(r["measure_id"], r["indicator"], r["both"]) for r in t.records()] == [("M82", "出庭应诉率", 3)]
    with pytest.raises(QueryError):
        run_query(fx, "measure-indicator", {"level": "paragraph"})
    with pytest.raises(QueryError):
        run_query(fx, "measure-indicator", {"role": "achievement"})
    with pytest.raises(QueryError):
        run_query(fx, "measure-indicator", {"region": "火星省"})


def test_measure_measure_and_network(fx):
    # report level: M82 {R1,R2,R4,R5,R6}, M81 {R1,R2,R3}, M50 {R1,R4,R5,R6}
    got = rows_by(run_query(fx, "measure-measure", {"level": "report"}), "measure_a_id", "measure_b_id")
    assert set(got) == {("M50", "M81"), ("M50", "M82"), ("M81", "M82")}
    r = got[("M50", "M82")]
    assert (r["both"], r["a_n"], r["b_n"], r["either"], r["units"]) == (4, 4, 5, 5, 6)
    assert r["confidence"] == 1.0 and r["lift"] == pytest.approx(1.2)
    # P(X ≥ 4), N=6, K=4, n=5: only X=4 and above: C(4,4)·C(2,1)/C(6,5) = 2/6
    assert r["p_value"] == pytest.approx(1 / 3, rel=1e-3)
    assert got[("M81", "M82")]["both"] == 2 and got[("M50", "M81")]["both"] == 1
    # network with min_support 2 and any lift: edges M50–M82 (4), M81–M82 (2)
    net = rows_by(run_query(fx, "measure-network", {"min_support": 2, "min_lift": 0}), "measure_id")
    assert set(net) == {("M50",), ("M81",), ("M82",)}
    m82 = net[("M82",)]
    assert (m82["degree"], m82["strength"], m82["betweenness"], m82["units"]) == (2, 6, 1.0, 5)
    assert net[("M50",)]["strength"] == 4 and net[("M81",)]["betweenness"] == 0.0
    sizes = {r["community"]: r["community_size"] for r in net.values()}
    assert sum(sizes.values()) == 3
    assert run_query(fx, "measure-network", {"min_support": 5}).rows == []
    # by default an edge needs lift ≥ 1: M81–M82 (lift 0.8) goes, M50–M82 (1.2) stays
    net = run_query(fx, "measure-network").records()
    assert {r["measure_id"] for r in net} == {"M50", "M82"} and {r["edges"] for r in net} == {1}


def test_indicator_by_adoption(fx):
    t = run_query(fx, "indicator-by-adoption", {"indicator": "出庭应诉率", "measure": "M81"})
    got = rows_by(t, "group")
    w, wo = got[("with",)], got[("without",)]
    # results only: with M81 → R1 95, R2 80, R3 60; without → R4 92
    assert (w["n"], w["reports"], w["median"], w["min"], w["max"]) == (3, 3, 80.0, 60.0, 95.0)
    assert w["mean"] == pytest.approx(235 / 3, abs=1e-4)
    assert (wo["n"], wo["mean"], wo["regions"], wo["years"]) == (1, 92.0, "西夏区", "2022")
    # Mann–Whitney: U = 1 of 3 possible, exact two-sided p = 2·min(P(U≤1), P(U≥1)) = 2·min(2/4, 3/4) → 1
    assert w["mwu_p"] == pytest.approx(1.0) and w["small_sample"] is True
    # with targets: R1 adds 100 (with), R3 adds 90 (with)
    got = rows_by(run_query(fx, "indicator-by-adoption", {"indicator": "出庭应诉率", "measure": "M81",
                                                          "targets": True}), "group")
    assert got[("with",)]["n"] == 5 and got[("with",)]["max"] == 100.0
    detail = run_query(fx, "indicator-by-adoption", {"indicator": "出庭应诉率", "measure": "M81", "detail": True})
    assert sorted(r["value"] for r in detail.records()) == [60.0, 80.0, 92.0, 95.0]


def test_region_profile_and_compare(fx):
    t = run_query(fx, "region-profile", {"region": "宁夏回族自治区"})
    got = rows_by(t, "kind", "item_id")
    assert {r["scope_reports"] for r in t.records()} == {4}  # R1–R4
    assert got[("measure", "M82")]["reports"] == 3 and got[("measure", "M82")]["share"] == 0.75
    assert got[("measure", "M81")]["reports"] == 3
    assert got[("measure", "M50")]["reports"] == 1 and got[("plan", "M50")]["reports"] == 1
    o = got[("outcome", "出庭应诉率")]
    assert (o["n_values"], o["median"], o["min"], o["max"], o["unit"]) == (4, 86.0, 60.0, 95.0, "%")
    tg = got[("target", "出庭应诉率")]
    assert (tg["n_values"], tg["median"]) == (2, 95.0)
    assert got[("initiative", "塞上枫桥")]["reports"] == 1
    assert [r["item"] for r in t.records() if r["kind"] == "problem"] == ["行政执法不够规范。"]
    # without roll-up: only R1
    t = run_query(fx, "region-profile", {"region": "640000", "rollup": False})
    assert {r["scope_reports"] for r in t.records()} == {1}
    # default region: the province with the most reports (宁夏, 4 of 6)
    assert run_query(fx, "region-profile").records()[0]["region"] == "宁夏回族自治区"

    cmp = rows_by(run_query(fx, "region-compare", {"region_a": "宁夏回族自治区", "region_b": "浙江省"}),
                  "kind", "item_id")
    m82 = cmp[("measure", "M82")]  # 宁夏 R1 R2 R4 of 4; 浙江 R5 of 2 (R6 names M82 in its problems section)
    assert (m82["in"], m82["a_reports"], m82["a_total"], m82["b_reports"], m82["b_total"]) == ("both", 3, 4, 1, 2)
    assert cmp[("problem-measure", "M82")]["in"] == "b"
    assert cmp[("measure", "M81")]["in"] == "a" and cmp[("measure", "M50")]["b_reports"] == 2
    assert cmp[("outcome", "出庭应诉率")]["a_median"] == 86.0


def test_similar_regions(fx):
    # provinces: 宁夏 {M50, M81, M82}, 浙江 {M50, M82} → shared 2, union 3
    t = run_query(fx, "similar-regions", {"grain": "province"})
    assert len(t) == 1
    r = t.records()[0]
    assert {r["region_a"], r["region_b"]} == {"宁夏回族自治区", "浙江省"}
    assert (r["shared"], r["union"], r["jaccard"]) == (2, 3, pytest.approx(0.6667, abs=1e-4))
    assert "行政复议" in (r["only_a"] + r["only_b"])
    # own jurisdictions: 640000 {M50,M81,M82} and 640105 {M81 (R3), M82, M50 (R4)} are identical
    got = rows_by(run_query(fx, "similar-regions", {"region": "西夏区"}), "adcode_a", "adcode_b")
    pair = got.get(("640000", "640105")) or got.get(("640105", "640000"))
    assert pair["jaccard"] == 1.0 and pair["shared"] == 3 and pair["only_a"] == ""
    assert all("640105" in (r["adcode_a"], r["adcode_b"]) for r in got.values())


def test_adoption_over_time_and_first_seen(fx):
    t = run_query(fx, "adoption-over-time", {"measure": "M82"})
    got = {(r["year"], r["province"]): (r["reports"], r["reports_total"]) for r in t.records()}
    assert got == {(2020, "宁夏回族自治区"): (1, 1), (2021, "宁夏回族自治区"): (1, 2), (2022, "宁夏回族自治区"): (1, 1),
                   (2021, "浙江省"): (1, 1), (2022, "浙江省"): (1, 1)}
    t = run_query(fx, "adoption-over-time", {"measure": "M82", "role": "achievements"})
    assert (2022, "浙江省") not in {(r["year"], r["province"]) for r in t.records()}
    t = run_query(fx, "adoption-first-seen", {"measure": "M82", "grain": "province"})
    got = {r["region"]: (r["first_year"], r["first_report"], r["reports"]) for r in t.records()}
    assert got == {"宁夏回族自治区": (2020, "R1", 3), "浙江省": (2021, "R5", 2)}


def test_targets_vs_results(fx):
    t = run_query(fx, "targets-vs-results")
    got = [(r["target_report"], r["target_value"], r["result_report"], r["result_value"], r["gap"],
            r["at_or_above_target"]) for r in t.records()]
    assert got == [("R1", 100.0, "R1", 95.0, -5.0, False),
                   ("R3", 90.0, "R3", 60.0, -30.0, False),
                   ("R3", 90.0, "R4", 92.0, 2.0, True)]
    # under: R1's province-level target against every result under 宁夏 (R1 95, R2 80, R3 60, R4 92)
    t = run_query(fx, "targets-vs-results", {"scope": "under", "region": "640000", "indicator": "出庭"})
    assert sorted(r["result_value"] for r in t.records() if r["target_report"] == "R1") == [60.0, 80.0, 92.0, 95.0]


def test_problems(fx):
    got = rows_by(run_query(fx, "problems"), "measure_id", "source")
    # R1's problem statement concerns M50 (mentioned by R1 R4 R5 R6); R6 names M82 in its problems section
    p = got[("M50", "problem")]
    assert (p["statements"], p["reports"], p["reports_mentioning"], p["share"]) == (1, 1, 4, 0.25)
    assert p["example"] == "行政执法不够规范。" and p["regions"] == "宁夏回族自治区"
    s = got[("M82", "problems-section")]
    assert (s["statements"], s["reports"], s["reports_mentioning"], s["regions"]) == (1, 1, 5, "浙江省")
    detail = run_query(fx, "problems", {"detail": True, "measure": "M82"})
    assert [(r["report"], r["source"]) for r in detail.records()] == [("R6", "problems-section")]
    assert detail.records()[0]["text"] == "R6第5句：推进行政机关负责人出庭应诉。"  # the mention's sentence
    assert run_query(fx, "problems", {"region": "杭州市"}).rows == []


def test_evidence(fx):
    t = run_query(fx, "evidence", {"measure": "M82", "indicator": "出庭应诉率"})
    recs = t.records()
    # exactly the units measure-indicator counts as both: R1 s1, R2 s1, R4 s3
    assert {(r["report"], r["sentence_id"]) for r in recs} == {("R1", 1), ("R2", 1), ("R4", 3)}
    assert all(r["kind"] == "pair" and "出庭应诉率" in r["sentence"] for r in recs)
    assert {r["region"] for r in recs} == {"宁夏回族自治区", "银川市", "西夏区"}
    assert {r["role"] for r in recs} == {"achievements"} and {r["value"] for r in recs} == {95.0, 80.0, 92.0}
    # section level adds nothing here; report level adds R1's target (s11, same report as M82)
    t = run_query(fx, "evidence", {"measure": "M82", "indicator": "出庭应诉率", "level": "report"})
    assert {(r["report"], r["sentence_id"]) for r in t.records()} == {("R1", 1), ("R1", 11), ("R2", 1), ("R4", 3)}
    t = run_query(fx, "evidence", {"measure": "行政复议"})
    assert {(r["report"], r["sentence_id"]) for r in t.records()} == {("R1", 2), ("R2", 2), ("R3", 1)}
    assert all(r["kind"] == "measure" for r in t.records())
    t = run_query(fx, "evidence", {"indicator": "出庭应诉率", "region": "西夏区"})
    assert sorted((r["kind"], r["value"]) for r in t.records()) == [("outcome", 60.0), ("outcome", 92.0),
                                                                     ("target", 90.0)]
    t = run_query(fx, "evidence", {"initiative": "枫桥"})
    assert [(r["report"], r["sentence"]) for r in t.records()] == [("R1", "R1第4句：打造塞上枫桥品牌。")]
    t = run_query(fx, "evidence", {"problem": "执法"})
    assert [(r["report"], r["detail"]) for r in t.records()] == [("R1", "concerns M50")]


def test_evidence_for_a_measure_pair(fx):
    def units(a, b, **params):
        t = run_query(fx, "evidence", {"measure": a, "with_measure": b, **params})
        assert all(r["kind"] == "measure-pair" for r in t.records())
        return [(r["report"], r["section"]) for r in t.records()], t

    # sentence level: only R1 has M82 and M81 in one sentence (2); the row shows M82's first sentence
    got, t = units("M82", "M81")
    assert got == [("R1", 0)]
    r = t.records()[0]
    assert (r["sentence_id"], r["sentence"]) == (1, "R1第1句：推进行政机关负责人出庭应诉。")
    assert r["detail"] == "together in sentence 2; M81 行政复议: R1第2句：推进行政复议。"
    assert r["subject"] == "M82 行政机关负责人出庭应诉 × M81 行政复议" and r["region"] == "宁夏回族自治区"
    # section and report level: one row per unit measure-measure counts as both
    for level, expected in (("section", [("R1", 0), ("R2", 0)]), ("report", [("R1", 0), ("R2", 0)])):
        assert units("M82", "M81", level=level)[0] == expected
    mm = rows_by(run_query(fx, "measure-measure", {"level": "report"}), "measure_a_id", "measure_b_id")
    got, _ = units("M50", "M82", level="report")
    assert [g[0] for g in got] == ["R1", "R4", "R5", "R6"] and mm[("M50", "M82")]["both"] == 4
    assert units("M82", "M50", level="section")[0] == [("R4", 0), ("R5", 0)]
    assert units("M82", "M50")[0] == []  # never in one sentence
    # roles, region and the limit narrow it; R6's M82 is in a problems section, R1's M50 in plans
    assert [g[0] for g in units("M82", "M50", level="report", role="achievements")[0]] == ["R4", "R5"]
    assert [g[0] for g in units("M82", "M50", level="report", region="浙江省")[0]] == ["R5", "R6"]
    got, t = units("M82", "M50", level="report", limit=2)
    assert [g[0] for g in got] == ["R1", "R4"] and t.truncated
    with pytest.raises(QueryError, match="with_measure"):
        run_query(fx, "evidence", {"with_measure": "M50"})
    with pytest.raises(QueryError, match="no measure matches"):
        run_query(fx, "evidence", {"measure": "M82", "with_measure": "M82"})


def test_regions_list(fx):
    got = {r["adcode"]: (r["reports_own"], r["reports_with_descendants"]) for r in run_query(fx, "regions").records()}
    assert got["640000"] == (1, 4) and got["640100"] == (1, 3) and got["640105"] == (2, 2)
    assert got["330000"] == (1, 2) and got["330100"] == (1, 1)


def test_cache_follows_the_store(any_store):
    from queries.incidence import get_incidence

    build_fixture(any_store, only=("R1", "R2"))
    invalidate(any_store)
    first = get_incidence(any_store)
    assert first.n_reports == 2 and get_incidence(any_store) is first
    t = run_query(any_store, "measure-indicator", {"level": "report"})
    assert {r["units"] for r in t.records()} == {2}
    # a new report changes the fingerprint: the next query sees it without an explicit invalidate
    from graph.rows import report_rows
    from tests.fixture_graph import fixture_records

    r4 = next(r for r in fixture_records() if r.doc == "R4")
    any_store.write_report(report_rows(r4))
    assert get_incidence(any_store).n_reports == 3
    got = rows_by(run_query(any_store, "measure-indicator", {"level": "report"}), "measure_id", "indicator")
    assert got[("M82", "出庭应诉率")]["both"] == 3
    # deleting a report is seen too
    any_store.delete_report("R4")
    assert get_incidence(any_store).n_reports == 2
    # and the explicit invalidate forces a rebuild
    cur = get_incidence(any_store)
    invalidate(any_store)
    assert get_incidence(any_store) is not cur


def _sentence_units(inc) -> list:
    """Each sentence-level unit: report, sentence, role, its measures and its indicators."""
    ctx = inc.contexts("sentence")
    m, i = ctx.measures.tocsr(), ctx.indicators.tocsr()
    return sorted((int(r), int(s) - inc.sent_shift, int(o), tuple(m.indices[m.indptr[u]:m.indptr[u + 1]].tolist()),
                   tuple(inc.indicator_ids[k] for k in i.indices[i.indptr[u]:i.indptr[u + 1]]))
                  for u, (r, s, o) in enumerate(zip(ctx.report, ctx.sent, ctx.role)))


def test_chunked_scan_reads_the_same_as_one_read(fx, monkeypatch):
    from queries import incidence

    whole = incidence.scan(fx, incidence.fingerprint(fx))
    monkeypatch.setattr(incidence, "SCAN_CHUNK", 2)  # six reports: three slices each
    sent = []
    real = incidence.read_columns
    monkeypatch.setattr(incidence, "read_columns", lambda store, q, p=None: sent.append(q) or real(store, q, p))
    parts = incidence.scan(fx, incidence.fingerprint(fx))
    ranged = [q for q in sent if "$lo" in q]
    # no fall-back to a whole read: 6 slices, plus one read each of reports, jurisdictions,
    # promotions, initiative instances and problems
    assert len(ranged) == 6 and len(sent) == 6 + 5

    def facts(inc):
        return (sorted(zip(inc.m_rep.tolist(), inc.m_meas.tolist(), inc.m_role.tolist(), inc.m_sec.tolist(),
                           inc.m_count.tolist())),
                _sentence_units(inc),
                sorted(zip(inc.o_rep.tolist(), [inc.indicator_ids[i] for i in inc.o_ind],
                           [inc.unit_names[u] for u in inc.o_unit_code], inc.o_value.tolist(),
                           inc.o_target.tolist(), inc.o_role.tolist(), inc.o_sec.tolist(), inc.o_meas.tolist())),
                inc.o_count.tolist(), inc.indicator_ids, inc.unit_names)

    assert facts(parts) == facts(whole)
    # outcomes are converted slice by slice: the slices' own indicator vocabularies differ from
    # the merged one, so the codes above went through the remapping
    slices = incidence.convert_by_reports(fx, incidence.SCAN_OUTCOMES, "o.report", whole.report_ids, None,
                                          lambda t: incidence._outcome_slice(t, whole.report_ids, whole.measure_ids))
    assert len(slices) == 3 and any(s["indicators"] != whole.indicator_ids for s in slices)
    assert sorted(set().union(*(s["indicators"] for s in slices))) == whole.indicator_ids
    # 12 MENTIONS edges (one per report, measure, section) and 8 outcomes in the fixture
    assert len(parts.m_rep) == 12 and len(parts.o_rep) == 8
