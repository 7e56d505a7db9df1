"""Catalog queries on the five bundled reports, the statistics against scipy, and the console."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from govkg.config import Settings
from govkg.errors import QueryError, ReadOnlyViolation
from queries.catalog import all_queries, run_query
from queries.console import run_console
from queries.stats import benjamini_hochberg, fisher_greater


def test_measure_indicator_pairs_court_appearance_with_its_rate(sample_store):
    t = run_query(sample_store, "measure-indicator", {"measure": "M82", "indicator": "出庭应诉率", "limit": 0})
    recs = t.records()
    assert recs, "M82 行政机关负责人出庭应诉 is never found with an indicator containing 出庭应诉率"
    for r in recs:
        assert r["measure_id"] == "M82" and "出庭应诉率" in r["indicator"]
        assert r["both"] >= 1 and r["both"] <= min(r["measure_n"], r["indicator_n"]) and r["units"] > 0
        assert r["regions"] and 0 < r["p_value"] <= 1 and r["p_value"] <= r["q_value"] <= 1
    regions = {name for r in recs for name in r["regions"].split("、")}
    assert "渝中区" in regions  # 003: 全年出庭应诉率达76.9%
    # the same pair is in the unfiltered table too, with the same numbers
    full = {(r["measure_id"], r["indicator"]): r for r in run_query(sample_store, "measure-indicator",
                                                                   {"limit": 0}).records()}
    for r in recs:
        assert full[(r["measure_id"], r["indicator"])]["both"] == r["both"]


def test_evidence_returns_the_sentences_behind_the_pair(sample_store):
    pairs = run_query(sample_store, "measure-indicator", {"measure": "M82", "indicator": "出庭应诉率",
                                                           "limit": 0}).records()
    ev = run_query(sample_store, "evidence", {"measure": "M82", "indicator": "出庭应诉率", "limit": 0}).records()
    assert ev and all(r["kind"] == "pair" for r in ev)
    assert all("出庭应诉" in r["sentence"] and r["report"] and r["region"] and r["year"] for r in ev)
    assert any("76.9" in r["sentence"] for r in ev)
    # one evidence row per outcome; distinct sentences = the units counted as both, summed over indicators
    by_ind: dict[str, set] = {}
    for r in ev:
        by_ind.setdefault(r["subject"].split(" × ")[1], set()).add((r["report"], r["sentence_id"]))
    assert {k: len(v) for k, v in by_ind.items()} == {r["indicator"]: r["both"] for r in pairs}


def test_every_query_runs_with_defaults_on_the_samples(sample_store):
    for q in all_queries():
        t = run_query(sample_store, q.name)
        assert t.columns and all(len(r) == len(t.columns) for r in t.rows), q.name
    assert {"measure-indicator", "measure-measure", "measure-network", "indicator-by-adoption", "region-profile",
            "region-compare", "adoption-over-time", "targets-vs-results", "problems", "evidence",
            "similar-regions"} <= {q.name for q in all_queries()}


def test_region_rollup_on_the_samples(sample_store):
    prof = run_query(sample_store, "region-profile", {"region": "宁夏回族自治区"}).records()
    assert {r["scope_reports"] for r in prof} == {3}  # 000 (自治区), 002 平罗县, 004 西夏区
    own = run_query(sample_store, "region-profile", {"region": "640000", "rollup": False}).records()
    assert {r["scope_reports"] for r in own} == {1}


def test_fisher_and_bh_match_scipy():
    rng = np.random.default_rng(3)
    total = 60
    n_a = rng.integers(1, 40, 200)
    n_b = rng.integers(1, 40, 200)
    both = np.array([rng.integers(max(0, a + b - total), min(a, b) + 1) for a, b in zip(n_a, n_b)])
    p = fisher_greater(both, n_a, n_b, np.full(200, total))
    ref = [sps.fisher_exact([[k, a - k], [b - k, total - a - b + k]], alternative="greater").pvalue
           for k, a, b in zip(both, n_a, n_b)]
    assert np.allclose(p, ref, rtol=1e-6, atol=1e-12)
    assert np.allclose(benjamini_hochberg(p), sps.false_discovery_control(p, method="bh"))


def test_console_is_read_only_capped_and_timed(sample_store):
    res = run_console(sample_store, "MATCH (m:Measure) RETURN m.id AS id ORDER BY id",
                      settings=Settings(query_row_cap=3, query_timeout=5))
    assert len(res.table) == 3 and res.truncated and res.row_cap == 3 and res.seconds >= 0
    with pytest.raises(ReadOnlyViolation):
        run_console(sample_store, "MATCH (m:Measure) DETACH DELETE m", settings=Settings())
    with pytest.raises(QueryError):
        run_console(sample_store, "  ", settings=Settings())
    assert run_query(sample_store, "measures").rows  # nothing was deleted
