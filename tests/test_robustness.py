"""Bad input, faults and untrusted queries (issue 9): nothing lost, nobody in where they don't belong."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govkg.cli import cli
from govkg.errors import GovkgError, QueryError, ReadOnlyViolation
from tests.conftest import REPORTS, ROOT

GOVKG = [sys.executable, "-m", "govkg"]
SAMPLE = REPORTS / "002_4d08be111e600d4c.txt"
HOSTILE = ["x'}) DETACH DELETE n //", "'; MATCH (n) DETACH DELETE n; //", "\") CREATE (:Report {id:'evil'}) //",
           "0 OR 1=1", "$year", "{id: 1}", "\\u0027", "'" * 50, "\x00", "宁夏' OR '1'='1"]


def _bad_files(folder: Path) -> dict[str, Path]:
    """One file per kind of bad input a crawler brings back, plus good files in odd encodings."""
    text = SAMPLE.read_text(encoding="utf-8")
    files = {
        "empty": folder / "empty.txt",
        "binary": folder / "binary.txt",
        "truncated_html": folder / "truncated.html",
        "no_text_pdf": folder / "scan.pdf",
        "corrupt_docx": folder / "broken.docx",
        "news": folder / "news.html",
        "login": folder / "login.html",
        "huge": folder / "huge.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 64)
    files["truncated_html"].write_text("<html><head><title>平罗县2023年度法治政府建设情况报告</title></head><body><div>"
                                       "<p>您所在的位置：首页 &gt; 政务公开</p><p>一、主要工作情", encoding="utf-8")
    # A PDF with one empty page and no text layer (what a scanner without OCR produces).
    files["no_text_pdf"].write_bytes(_empty_pdf())
    files["corrupt_docx"].write_bytes(b"PK\x03\x04" + os.urandom(2000))
    files["news"].write_text("<html><body><h1>我市举行春季运动会</h1><p>4月12日，我市第十届春季运动会在体育中心开幕，"
                             "3000余名运动员参加了比赛。</p></body></html>", encoding="utf-8")
    files["login"].write_text("<html><body><form><p>用户登录</p><input name=user><p>密码</p>"
                              "<input type=password><button>登录</button></form></body></html>", encoding="utf-8")
    with files["huge"].open("wb") as f:  # 50 MB
        chunk = (text * 4).encode("utf-8")
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
    good = {
        "gbk": ("gbk", "report-gbk.txt"), "gb18030": ("gb18030", "report-gb18030.txt"),
        "utf16": ("utf-16", "report-utf16.txt"), "utf8_bom": ("utf-8-sig", "report-bom.txt"),
    }
    for key, (enc, name) in good.items():
        (folder / name).write_bytes(text.encode(enc, errors="strict"))
        files[key] = folder / name
    return files


def _empty_pdf() -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 0 >>\nstream\n\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_a_batch_goes_past_every_bad_file_and_keeps_the_good_ones(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    files = _bad_files(folder)
    db = tmp_path / "bad.lbdb"
    proc = subprocess.run(GOVKG + ["ingest", str(folder), "--db", str(db)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out
    bad = ["empty", "binary", "truncated_html", "no_text_pdf", "corrupt_docx", "news", "login", "huge"]
    for key in bad:
        lines = [ln for ln in out.splitlines() if files[key].name in ln]
        assert lines, f"no message names {files[key].name}:\n{out}"
        assert len(lines[0]) < 300
    # The good files in other encodings were all stored, and the summary counts them.
    assert re.search(r"4 added, 0 updated, 0 unchanged, 8 failed", out), out
    from graph.ladybug_store import LadybugStore

    with LadybugStore(db, read_only=True) as store:
        titles = {r[0] for r in store.read("MATCH (r:Report) RETURN r.title").rows}
        assert titles == {"平罗县2023年度法治政府建设情况报告"}
        failures = {Path(r[0]).name for r in store.read("MATCH (f:IngestFailure) RETURN f.source").rows}
        assert failures == {files[k].name for k in bad}


def test_messages_for_each_bad_file_name_the_problem(tmp_path):
    from govkg.errors import InputError
    from ingest.pipeline import extract_file

    files = _bad_files(tmp_path)
    expectations = {"empty": "empty", "binary": "binary", "no_text_pdf": "text layer", "corrupt_docx": "docx",
                    "huge": "MB", "news": "report", "login": "report"}
    for key, word in expectations.items():
        with pytest.raises(InputError) as info:
            extract_file(files[key])
        assert files[key].name in str(info.value)
        assert word.lower() in info.value.problem.lower(), (key, info.value.problem)
    for key in ("gbk", "gb18030", "utf16", "utf8_bom"):
        rec = extract_file(files[key])
        assert rec.jurisdiction.adcode == "640221", key
        assert {"M50", "M82"} <= {m.id for m in rec.measures}, key


def _corpus(folder: Path, copies: int) -> None:
    folder.mkdir()
    texts = sorted(REPORTS.iterdir())
    for i in range(copies):
        src = texts[i % len(texts)]
        (folder / f"{i:03d}_{src.name}").write_bytes(src.read_bytes())


def _fact_counts(db: Path) -> dict:
    from graph.ladybug_store import LadybugStore

    with LadybugStore(db, read_only=True) as store:
        c = store.counts()
        per_report = dict(store.read("MATCH (r:Report) OPTIONAL MATCH (r)-[e]->() RETURN r.id, count(e)").rows)
    return {"counts": c, "per_report": per_report}


@pytest.mark.slow
def test_killing_ingest_leaves_whole_reports_and_a_rerun_finishes(tmp_path):
    corpus = tmp_path / "corpus"
    _corpus(corpus, 250)
    clean_db, db = tmp_path / "clean.lbdb", tmp_path / "killed.lbdb"
    subprocess.run(GOVKG + ["ingest", str(corpus), "--db", str(clean_db), "--jobs", "1"], check=True,
                   capture_output=True, cwd=ROOT, timeout=600)
    expected = _fact_counts(clean_db)

    proc = subprocess.Popen(GOVKG + ["ingest", str(corpus), "--db", str(db), "--jobs", "1"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    # Kill once some reports are in but not all: poll the edge count through a read-only open.
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
        try:
            n = len(_fact_counts(db)["per_report"])
        except GovkgError:
            continue
        if n >= 1:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after_kill = _fact_counts(db)
    stored = after_kill["per_report"]
    assert 0 < len(stored) < 250, "the kill should land in the middle of the run"
    # Every stored report is complete: it has exactly the edges a clean ingest gives it.
    for rid, n in stored.items():
        assert n == expected["per_report"][rid], rid
    rerun = subprocess.run(GOVKG + ["ingest", str(corpus), "--db", str(db), "--jobs", "1"], capture_output=True,
                           text=True, cwd=ROOT, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert f"{250 - len(stored)} added" in rerun.stdout
    assert _fact_counts(db) == expected
    print(f"kill-during-ingest: clean {len(expected['per_report'])} reports / "
          f"{sum(expected['counts']['edges'].values())} edges; after kill {len(stored)} reports / "
          f"{sum(after_kill['counts']['edges'].values())} edges; after rerun "
          f"{len(_fact_counts(db)['per_report'])} reports")


def test_a_second_writer_gets_a_clear_message_not_a_hang(tmp_path):
    from graph.ladybug_store import LadybugStore

    db = tmp_path / "locked.lbdb"
    holder = LadybugStore(db)
    holder.ensure_schema()
    try:
        t0 = time.time()
        proc = subprocess.run(GOVKG + ["ingest", str(SAMPLE), "--db", str(db)], capture_output=True, text=True,
                              timeout=60, cwd=ROOT)
        assert time.time() - t0 < 30
        assert proc.returncode == 1
        assert "Traceback" not in proc.stderr
        assert "open in another govkg process" in proc.stderr
        # Readers are still served while the writer holds the file.
        proc = subprocess.run(GOVKG + ["status", "--db", str(db)], capture_output=True, text=True, timeout=60,
                              cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
    finally:
        holder.close()


@pytest.mark.parametrize("query", [
    "MATCH (n) DETACH DELETE n", "CREATE (:Report {id: 'x'})", "MATCH (r:Report) SET r.title = 'x'",
    "MERGE (n:Measure {id: 'M1'})", "MATCH (n) REMOVE n.title", "DROP TABLE Report",
    "COPY Report FROM '/etc/passwd'", "LOAD FROM '/etc/passwd' RETURN *", "CALL db.clear()",
    "MATCH (n) RETURN n; MATCH (m) DELETE m", "match (n) detach delete n", "MATCH (n) /* */ DELETE n",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})", "INSTALL httpfs",
    "FOREACH (x IN [1] | CREATE (:Report {id: 'y'}))", "EXPORT DATABASE '/tmp/x'",
])
def test_console_refuses_writes_loads_and_procedures(sample_store, query):
    before = sample_store.counts()
    with pytest.raises(ReadOnlyViolation):
        sample_store.read_untrusted(query)
    assert sample_store.counts() == before


def test_console_keyword_inside_a_string_is_just_text(sample_store):
    t = sample_store.read_untrusted("MATCH (r:Report) WHERE r.title <> 'DELETE me' RETURN count(r) AS n")
    assert t.rows == [[5]]


def test_console_caps_rows(sample_store):
    t = sample_store.read_untrusted("MATCH (o:Outcome) RETURN o.id", row_cap=7)
    assert len(t.rows) == 7 and t.truncated


def test_console_times_out(sample_store):
    slow = ("MATCH (a:Outcome), (b:Outcome), (c:Outcome) "
            "WHERE concat(a.evidence, b.evidence, c.evidence) CONTAINS '不存在' RETURN count(*)")
    t0 = time.time()
    with pytest.raises(QueryError, match="stopped after"):
        sample_store.read_untrusted(slow, timeout=0.5)
    assert time.time() - t0 < 10
    assert sample_store.read_untrusted("MATCH (r:Report) RETURN count(r)").rows == [[5]]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameters_travel_as_values(sample_store, value):
    from queries.catalog import all_queries, run_query

    before = sample_store.counts()
    for q in all_queries():
        for p in q.params:
            if p.type is not str:
                continue
            try:
                run_query(sample_store, q.name, {p.name: value})
            except QueryError:
                pass
    assert sample_store.counts() == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_fuzzed_parameters_never_change_the_graph(sample_store, value):
    from queries.catalog import all_queries, run_query

    before = sample_store.counts()["nodes"]
    for q in all_queries():
        params = {p.name: value for p in q.params}
        try:
            run_query(sample_store, q.name, params)
        except QueryError:
            pass
    assert sample_store.counts()["nodes"] == before


def test_no_secret_in_the_repository_and_every_setting_documented():
    from govkg.config import SETTINGS_HELP

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ".env" not in tracked
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for var in SETTINGS_HELP:
        assert f"\n{var}=" in "\n" + example, var
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "${GOVKG_NEO4J_PASSWORD" in compose
    assert not re.search(r"NEO4J_AUTH:\s*neo4j/[^$]", compose)
    # A quoted literal assigned to something called password/secret is a leaked credential,
    # unless it is an obvious placeholder.
    pattern = re.compile(r"""(?i)(?:password|passwd|secret)\w*["']?\s*[=:]\s*["']([^"'$\s{}]{4,})["']""")
    placeholders = ("change-me", "changeme", "example", "xxx", "your-", "wrong", "not-the", "bad")
    for name in tracked:
        path = ROOT / name
        if path.suffix not in {".py", ".yml", ".yaml", ".toml", ".sh", ".cfg", ".ini", ".example"}:
            continue
        for m in pattern.finditer(path.read_text(encoding="utf-8", errors="ignore")):
            value = m.group(1).lower()
            in_test = name.startswith("tests/")  # throwaway credentials of servers the suite starts
            assert in_test or any(p in value for p in placeholders), (name, m.group(0))


def test_cli_never_prints_a_traceback_for_expected_failures(tmp_path):
    runner = CliRunner()
    cases = [
        ["ingest", str(tmp_path / "missing-folder"), "--db", str(tmp_path / "a.lbdb")],
        ["query", "reports", "--param", "year", "--db", str(tmp_path / "a.lbdb")],
        ["query", "--cypher", "MATCH (n) DETACH DELETE n", "--db", str(tmp_path / "a.lbdb")],
        ["status", "--db", str(tmp_path / "never.lbdb")],
    ]
    for args in cases:
        r = runner.invoke(cli, args)
        assert r.exit_code != 0, args
        assert "Traceback" not in r.output, (args, r.output)
        assert r.output.startswith("govkg: ") or "Error" in r.output, (args, r.output)
