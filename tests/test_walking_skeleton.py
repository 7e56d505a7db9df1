"""The thin path end to end: a report file → extraction → the embedded store → a query → the CLI."""
from __future__ import annotations

import json

from click.testing import CliRunner

from govkg.cli import cli
from ingest.pipeline import extract_file
from queries.catalog import run_query
from tests.conftest import REPORTS


def test_extract_reads_title_region_year_and_measures():
    rec = extract_file(REPORTS / "002_4d08be111e600d4c.txt")
    assert rec.title == "平罗县2023年度法治政府建设情况报告"
    assert rec.jurisdiction.adcode == "640221"
    assert rec.jurisdiction.city == "石嘴山市"
    assert rec.year == 2023
    ids = {m.id for m in rec.measures}
    assert {"M50", "M82"} <= ids
    # provenance: every mention's span lies in the original text and reads as its surface form
    text = (REPORTS / "002_4d08be111e600d4c.txt").read_text(encoding="utf-8")
    for m in rec.measures:
        for ev in m.mentions:
            assert text[ev.start:ev.end] in m.surface
            assert text[ev.start:ev.end] in ev.sentence


def test_report_to_store_to_query(fresh_store):
    from ingest.load import ingest_paths

    summary = ingest_paths(fresh_store, [REPORTS / "002_4d08be111e600d4c.txt"])
    assert summary.added == [str(REPORTS / "002_4d08be111e600d4c.txt")]
    table = run_query(fresh_store, "reports", {})
    rows = table.records()
    assert len(rows) == 1
    assert rows[0]["year"] == 2023 and rows[0]["adcode"] == "640221"
    assert rows[0]["mentions"] > 10
    measures = {r["id"]: r["reports"] for r in run_query(fresh_store, "measures", {"min_reports": "1"}).records()}
    assert measures["M50"] == 1


def test_cli_ingest_status_query(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "cli.lbdb")
    r = runner.invoke(cli, ["ingest", str(REPORTS), "--db", db])
    assert r.exit_code == 0, r.output
    assert "5 added" in r.output
    r = runner.invoke(cli, ["ingest", str(REPORTS), "--db", db])
    assert "5 unchanged" in r.output
    r = runner.invoke(cli, ["status", "--db", db])
    assert "Report 5" in r.output
    r = runner.invoke(cli, ["query", "measures", "--param", "min_reports=5", "--format", "json", "--db", db])
    assert r.exit_code == 0, r.output
    names = {row["measure"] for row in json.loads(r.output)}
    assert "行政执法三项制度" in names


def test_cli_extract_jsonl_matches_gold_schema():
    r = CliRunner().invoke(cli, ["extract", str(REPORTS), "--format", "jsonl"])
    assert r.exit_code == 0, r.output
    records = [json.loads(line) for line in r.output.splitlines()]
    assert [rec["doc"] for rec in records] == sorted(p.name for p in REPORTS.iterdir())
    for rec in records:
        for key in ("title", "kind", "jurisdiction", "issuer", "year", "sections", "measures", "outcomes",
                    "initiatives", "agencies"):
            assert key in rec
        assert all({"name", "surface", "roles", "evidence"} <= set(m) for m in rec["measures"])


def test_every_verb_has_help_with_an_example():
    runner = CliRunner()
    for name in cli.commands:
        r = runner.invoke(cli, [name, "--help"])
        assert r.exit_code == 0
        assert "Example" in r.output, name


def test_expected_failure_is_one_line_not_a_traceback(tmp_path):
    r = CliRunner().invoke(cli, ["query", "no-such-query", "--db", str(tmp_path / "x.lbdb")])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "no query named 'no-such-query'" in r.output


def test_reading_a_missing_database_says_what_to_do(tmp_path):
    r = CliRunner().invoke(cli, ["status", "--db", str(tmp_path / "nothing.lbdb")])
    assert r.exit_code == 1
    assert "run `govkg ingest` first" in r.output
    assert not (tmp_path / "nothing.lbdb").exists()


def test_paged_edge_listing_returns_every_edge_once(sample_store):
    # Small pages over MENTIONS, where several edges join the same report and measure.
    paged = [tuple(sorted((k, str(v)) for k, v in row.items())) for row in sample_store.iter_rels("MENTIONS", batch=7)]
    total = sample_store.read("MATCH (:Report)-[e:MENTIONS]->(:Measure) RETURN count(e)").rows[0][0]
    assert len(paged) == total
    assert len(set(paged)) == total


def test_database_in_an_uncreatable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = CliRunner().invoke(cli, ["ingest", str(REPORTS), "--db", str(blocker / "sub" / "x.lbdb")])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "cannot create the folder for the database" in r.output
