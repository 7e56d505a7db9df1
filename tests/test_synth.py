"""Synthetic corpus: deterministic, marked as synthetic, and read correctly by the real extractor."""
from __future__ import annotations

from collections import Counter

import pytest

from ingest.pipeline import extract_file
from ingest.synth import MARK, make_report, read_truth, regions, write_corpus
from ingest.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    write_corpus(out, 30, seed=11)
    tax = load_taxonomy()
    truth = read_truth(out)
    return out, truth, [extract_file(out / t["file"], tax) for t in truth]


def test_same_seed_same_bytes_and_independent_of_corpus_size(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_corpus(a, 5, seed=3)
    write_corpus(b, 8, seed=3)
    for f in sorted(a.glob("*.txt")):
        assert f.read_bytes() == (b / f.name).read_bytes()
    assert make_report(4, seed=3).text != make_report(4, seed=4).text
    assert make_report(4, seed=3).text != make_report(5, seed=3).text


def test_extending_a_corpus_gives_the_bigger_corpus(tmp_path):
    whole, grown = tmp_path / "whole", tmp_path / "grown"
    write_corpus(whole, 6, seed=3)
    write_corpus(grown, 4, seed=3)
    write_corpus(grown, 2, seed=3, start=4)
    assert sorted(p.name for p in grown.iterdir()) == sorted(p.name for p in whole.iterdir())
    for f in whole.glob("*.txt"):
        assert f.read_bytes() == (grown / f.name).read_bytes()
    assert read_truth(grown) == read_truth(whole)  # the truth file grows with the corpus


def test_real_regions_from_cpca():
    rs = regions()
    by_code = {r.adcode: r for r in rs}
    assert by_code["640104"].chain == ("宁夏回族自治区", "银川市", "兴庆区")
    assert by_code["110102"].chain == ("北京市", "西城区")
    assert Counter(r.level for r in rs)["province"] >= 31
    assert not any(n in ("市辖区", "县") for r in rs for n in r.chain)


def test_marked_synthetic_and_sample_sized(corpus):
    out, truth, recs = corpus
    sizes = [(out / t["file"]).stat().st_size for t in truth]
    assert 8_000 <= min(sizes) and max(sizes) <= 32_000
    assert sum(sizes) / len(sizes) > 10_000
    for rec in recs:
        assert rec.synthetic
        assert rec.title and "SYNTHETIC" in rec.title and "合成数据" in rec.title
    assert {t["kind"] for t in truth} >= {"annual_report"}
    assert len({t["year"] for t in truth}) >= 4


def test_extractor_reads_what_was_planted(corpus):
    _, truth, recs = corpus
    planted = found_planted = 0
    for t, rec in zip(truth, recs):
        assert rec.kind == t["kind"], t["file"]
        assert rec.year == t["year"], t["file"]
        assert rec.jurisdiction.adcode == t["adcode"], (t["file"], t["region"], rec.jurisdiction)
        found = {m.id for m in rec.measures}
        planted += len(t["measures"])
        found_planted += len(set(t["measures"]) & found)
        assert {i.name for i in rec.initiatives} >= set(t["initiatives"])
        roles = {s.role for s in rec.sections}
        if t["kind"] == "annual_report":
            assert {"achievements", "problems", "plans"} <= roles, (t["file"], [s.heading for s in rec.sections])
        else:
            assert "targets" in roles
        assert len(rec.outcomes) >= t["outcomes"] // 2
    # The extractor may pass over a bare short alias; nearly every planted measure must be found.
    assert found_planted / planted > 0.95, (found_planted, planted)
    kinds = Counter(o.kind for rec in recs for o in rec.outcomes)
    assert all(kinds[k] > 0 for k in ("rate", "count", "money", "change"))
    assert any(o.is_target for rec in recs for o in rec.outcomes)
    rates = [o.value for rec in recs for o in rec.outcomes if o.kind == "rate" and o.unit == "%"]
    assert rates and min(rates) >= 0 and max(rates) <= 100


def test_debris_stays_out_of_titles_and_headings(corpus):
    out, truth, recs = corpus
    debris = ("首页", "位置", "打印", "纠错", "分享", "字号", "上一篇", "主办单位")
    texts = [(out / t["file"]).read_bytes().decode(t["encoding"]) for t in truth]
    assert sum("首页" in tx for tx in texts) >= 10 and sum("打印" in tx for tx in texts) >= 10
    for rec in recs:
        assert not any(d in rec.title for d in debris), rec.title
        assert rec.title.endswith(MARK) or rec.title.endswith(MARK.replace("（", "(").replace("）", ")"))
        assert not any(d in s.heading for s in rec.sections for d in debris)


def test_measures_are_correlated():
    """The three parts of 三项制度 come mostly with their parent; a region keeps its habits."""
    truth = [make_report(i, seed=5).truth for i in range(150)]
    with_parent = [t for t in truth if "M50" in t["measures"]]
    without = [t for t in truth if "M50" not in t["measures"]]
    share = lambda ts: sum("M52" in t["measures"] for t in ts) / max(1, len(ts))  # noqa: E731
    assert with_parent and without
    assert share(with_parent) > share(without) + 0.4


def test_cli_writes_corpus(tmp_path):
    from click.testing import CliRunner

    from govkg.cli import cli

    res = CliRunner().invoke(cli, ["synth", "--reports", "3", "--seed", "1", "-o", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "s").glob("synth_1_*.txt"))) == 3
    assert "3 synthetic reports" in res.output
