"""Parallel, batched and bulk ingest write the same graph as one report at a time."""
from __future__ import annotations

import re

import shutil

import pytest

from govkg.errors import StoreError
from graph.ladybug_store import LadybugStore
from graph.rows import report_rows, taxonomy_rows
from ingest.load import extract_many, ingest_paths
from ingest.pipeline import extract_file
from ingest.readers import iter_report_files
from ingest.synth import write_corpus
from ingest.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """24 synthetic reports and one file that is not a report."""
    out = tmp_path_factory.mktemp("corpus")
    write_corpus(out, 24, seed=5)
    (out / "zz_broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    return out


def _store(path) -> LadybugStore:
    s = LadybugStore(path)
    s.ensure_schema()
    return s


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """Counts written the plain way: one `write_report` transaction per extracted report."""
    store = _store(tmp_path_factory.mktemp("ref") / "ref.lbdb")
    tax = load_taxonomy()
    store.write_taxonomy(taxonomy_rows(tax))
    for f in iter_report_files([corpus]):
        if f.name.startswith("zz_"):
            continue
        assert store.write_report(report_rows(extract_file(f, tax))) == "added"
    counts = store.counts()
    store.close()
    return counts


def _without_failures(counts):
    return {"nodes": {k: v for k, v in counts["nodes"].items() if k != "IngestFailure"}, "edges": counts["edges"]}


@pytest.mark.parametrize("jobs,batch", [(1, 200), (2, 7)])
def test_batched_ingest_equals_report_by_report(corpus, reference, tmp_path, jobs, batch):
    store = _store(tmp_path / "kg.lbdb")
    seen = []
    summary = ingest_paths(store, [corpus], jobs=jobs, batch=batch, chunksize=2,
                           on_file=lambda src, status: seen.append((src, status)))
    assert len(summary.added) == 24 and len(summary.failed) == 1
    assert summary.failed[0][0].endswith("zz_broken.txt")
    assert sorted(s for s, _ in seen) == sorted(str(f) for f in iter_report_files([corpus]))  # each file once
    counts = store.counts()
    assert counts["nodes"]["IngestFailure"] == 1
    assert _without_failures(counts) == _without_failures(reference)
    assert summary.facts > 24 * 100
    assert not list(tmp_path.glob(".govkg-bulk-*"))  # the batches' Parquet files are gone
    # Again: nothing changes; a changed file replaces its own facts only.
    again = ingest_paths(store, [corpus], jobs=jobs, batch=batch)
    assert len(again.unchanged) == 24 and not again.added and len(again.failed) == 1
    assert _without_failures(store.counts()) == _without_failures(reference)
    store.close()


def test_changed_and_repaired_files(corpus, reference, tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(corpus, folder)
    store = _store(tmp_path / "kg.lbdb")
    ingest_paths(store, [folder], jobs=2, batch=5)
    first = sorted(folder.glob("synth_*.txt"))[0]
    first.write_bytes(first.read_bytes() + "\n补充说明：本报告另有附件。\n".encode("utf-8"))
    (folder / "zz_broken.txt").write_text(first.read_text(encoding="utf-8").replace("synth", "x"), encoding="utf-8")
    summary = ingest_paths(store, [folder], jobs=2, batch=5)
    assert summary.updated == [str(first)]
    assert summary.added == [str(folder / "zz_broken.txt")] and not summary.failed
    counts = store.counts()
    assert counts["nodes"]["IngestFailure"] == 0  # the repaired file's failure is cleared
    assert counts["nodes"]["Report"] == reference["nodes"]["Report"] + 1
    store.close()


def test_batch_falls_back_to_one_report_at_a_time(corpus, reference, tmp_path):
    """Without COPY (the Neo4j path), a failed batch is written again report by report."""
    from ingest import load

    store = _store(tmp_path / "kg.lbdb")
    store.backend = "embedded-plain"  # the writer then uses batched UNWIND statements, as on Neo4j
    original = load._Writer._statements
    calls = []

    def broken_first(self, new):
        stmts = original(self, new)
        if not calls:
            calls.append(len(new))
            stmts.append(("MATCH (n:NoSuchTable) RETURN n", {}))  # makes the batch transaction fail
        return stmts

    load._Writer._statements = broken_first
    try:
        summary = ingest_paths(store, [corpus], batch=10)
    finally:
        load._Writer._statements = original
    assert calls == [10]
    assert len(summary.added) == 24 and len(summary.failed) == 1
    assert _without_failures(store.counts()) == _without_failures(reference)
    store.close()


def test_copy_path_drops_edges_to_unknown_measures_like_the_plain_path(corpus, tmp_path):
    """An edge to a measure that does not exist is skipped (as MATCH … CREATE does), not a failed COPY."""
    from ingest.load import Extracted, IngestSummary, _Writer

    f = sorted(corpus.glob("synth_*.txt"))[0]
    rows = report_rows(extract_file(f, load_taxonomy()))
    oid = rows.nodes["Outcome"][0]["id"]
    rows.rel("QUANTIFIES", "Outcome", "Measure", oid, "M999")
    plain = _store(tmp_path / "plain.lbdb")
    plain.write_taxonomy(taxonomy_rows(load_taxonomy()))
    plain.write_report(rows)
    fast = _store(tmp_path / "fast.lbdb")
    fast.write_taxonomy(taxonomy_rows(load_taxonomy()))
    w = _Writer(fast, IngestSummary(), False, None, 10)
    assert w.fast
    w.add(Extracted(str(f), rows))
    w.flush()
    assert w.summary.added == [str(f)]
    assert fast.counts() == plain.counts()
    plain.close()
    fast.close()


def test_bulk_load_equals_normal_ingest(corpus, reference, tmp_path):
    store = _store(tmp_path / "bulk.lbdb")
    summary = ingest_paths(store, [corpus], jobs=2, bulk=True)
    assert len(summary.added) == 24 and len(summary.failed) == 1
    assert store.read("MATCH (r:Report) WHERE r.content_hash STARTS WITH '(' RETURN count(r)").rows[0][0] == 0
    assert _without_failures(store.counts()) == _without_failures(reference)
    assert not list(tmp_path.glob(".govkg-bulk-*"))  # the Parquet files are gone
    # The loaded store behaves like any other: a second ingest finds everything unchanged.
    again = ingest_paths(store, [corpus])
    assert len(again.unchanged) == 24
    # Same properties as the plain path, down to list-valued ones.
    t = store.read("MATCH (r:Report)-[e:MENTIONS]->(m:Measure) RETURN r.id, m.id, e.section, e.sentence_ids "
                   "ORDER BY r.id, m.id, e.section LIMIT 5")
    assert t.rows and all(isinstance(r[3], str) and re.fullmatch(r"\d+(,\d+)*", r[3]) for r in t.rows)
    store.close()


def _content(store) -> dict:
    """Every node and edge with its properties, minus the ingest time stamps."""
    from tests.test_store_contract import dump

    return {k: [tuple(p for p in item if p[0] not in ("ingested_at", "at")) for item in v]
            for k, v in dump(store).items()}


def test_bulk_in_rounds_equals_one_round(corpus, reference, tmp_path):
    one = _store(tmp_path / "one.lbdb")
    whole = ingest_paths(one, [corpus], bulk=True)
    rounds = _store(tmp_path / "rounds.lbdb")
    seen = []
    summary = ingest_paths(rounds, [corpus], jobs=2, bulk=True, bulk_round=5,
                           on_file=lambda src, status: seen.append(status))
    assert len(summary.added) == 24 and summary.facts == whole.facts
    assert seen.count("added") == 24
    # Shared nodes (jurisdictions, agencies, indicators …) seen in several rounds are stored once,
    # with the properties of the last report that carried them, exactly as in one round.
    assert _content(rounds) == _content(one)
    assert not list(tmp_path.glob(".govkg-bulk-*"))
    one.close()
    rounds.close()


def _fail_round(monkeypatch, which: int):
    """Make bulk round `which` fail in its writer process after it has committed its copies: a
    COPY from a file that does not exist, just before the statement that finishes the round."""
    import graph.bulk as bulk

    real = bulk.BulkLoader._round_statements
    seen = []

    def statements(self):
        stmts = real(self)
        seen.append(1)
        if len(seen) == which:
            missing = self.dir / "missing.parquet"
            stmts = stmts[:-1] + [(f"COPY Problem FROM '{missing}'", {})] + stmts[-1:]
        return stmts

    monkeypatch.setattr(bulk.BulkLoader, "_round_statements", statements)


def test_a_failed_bulk_round_is_removed_and_keeps_the_rounds_before_it(corpus, reference, tmp_path, monkeypatch):
    store = _store(tmp_path / "kg.lbdb")
    _fail_round(monkeypatch, 3)
    with pytest.raises(StoreError, match=r"round 3 \(5 reports\).*2 rounds before it are stored.*missing.parquet"
                                         r".*partly written reports were removed.*without --bulk"):
        ingest_paths(store, [corpus], bulk=True, bulk_round=5)
    monkeypatch.undo()
    # round 3 had committed its reports, sections, outcomes … before failing: all gone again
    assert store.counts()["nodes"]["Report"] == 10
    n = store.read("MATCH (o:Outcome) WHERE NOT EXISTS { MATCH (:Report)-[:REPORTS]->(o) } RETURN count(o)")
    assert n.rows[0][0] == 0
    assert store.read("MATCH (r:Report) WHERE r.content_hash = $m RETURN count(r)",
                      {"m": "(bulk round not finished)"}).rows[0][0] == 0
    assert not list(tmp_path.glob(".govkg-bulk-*"))
    again = ingest_paths(store, [corpus])  # the rest, the normal way
    assert len(again.added) == 14 and len(again.unchanged) == 10
    assert _without_failures(store.counts()) == _without_failures(reference)
    store.close()


def test_an_unfinished_bulk_round_is_rewritten_by_the_next_ingest(corpus, reference, tmp_path, monkeypatch):
    """A round that cannot be removed either (as after a killed process) leaves reports marked
    unfinished; the next normal ingest rewrites them whole instead of skipping them."""
    import graph.bulk as bulk

    store = _store(tmp_path / "kg.lbdb")
    _fail_round(monkeypatch, 2)
    monkeypatch.setattr(bulk, "discard_statements", lambda: ["MATCH (n:NoSuchLabel) DELETE n"])
    with pytest.raises(StoreError, match=r"round 2 .*removing the round's partly written reports failed too"
                                         r".*marked unfinished"):
        ingest_paths(store, [corpus], bulk=True, bulk_round=5)
    monkeypatch.undo()
    marked = store.read("MATCH (r:Report) WHERE r.content_hash = $m RETURN count(r)",
                        {"m": "(bulk round not finished)"}).rows[0][0]
    assert marked == 5 and store.counts()["nodes"]["Report"] == 10
    again = ingest_paths(store, [corpus])
    assert len(again.updated) == 5 and len(again.unchanged) == 5 and len(again.added) == 14
    assert _without_failures(store.counts()) == _without_failures(reference)
    store.close()


def test_bulk_refuses_a_store_that_holds_reports(corpus, tmp_path):
    store = _store(tmp_path / "kg.lbdb")
    ingest_paths(store, [next(iter(sorted(corpus.glob("synth_*.txt"))))])
    with pytest.raises(StoreError, match="empty store.*1 Report"):
        ingest_paths(store, [corpus], bulk=True)
    assert store.counts()["nodes"]["Report"] == 1
    store.close()


def test_extract_many_keeps_order_and_stops_cleanly(corpus):
    files = [f for f in iter_report_files([corpus])]
    results = extract_many(files, jobs=2, chunksize=1, inflight=2)
    first = [next(results) for _ in range(3)]
    results.close()  # stops the workers; must not hang
    assert [x.src for x in first] == [str(f) for f in files[:3]]
    assert all(x.rows is not None and x.size > 8000 for x in first)
    one = list(extract_many(files[-2:], jobs=1))
    assert one[-1].rows is None and one[-1].input_error


def test_cli_jobs_bulk_and_exit_status(corpus, tmp_path):
    from click.testing import CliRunner

    from govkg.cli import cli

    db = tmp_path / "cli.lbdb"
    res = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "--bulk", "--bulk-round", "0", "-q"])
    assert res.exit_code == 2 and "--bulk-round" in res.output and not db.exists()
    res = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "--jobs", "2", "--bulk",
                                   "--bulk-round", "7", "-q"])
    assert res.exit_code == 1, res.output  # the broken file
    assert "24 added" in res.output and "1 failed" in res.output
    # the analytics were prepared for the next process: the incidence file beside the store matches it
    from graph.ladybug_store import LadybugStore
    from queries.incidence import fingerprint, load_saved

    store = LadybugStore(db, read_only=True)
    inc = load_saved(store, fingerprint(store))
    assert inc is not None and inc.n_reports == 24
    store.close()
    res = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "--bulk", "-q"])
    assert res.exit_code == 1 and "empty store" in res.output
