"""The scale benchmark itself: run end to end on a tiny synthetic corpus, it must print (and write
as JSON) every figure issue 8 asks for. Its targets are judged at 10,000 and 100,000 reports by
people reading its output, not here."""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from queries.catalog import all_queries

ROOT = Path(__file__).resolve().parent.parent
# the pages the app's navigation lists
PAGES = sorted(re.findall(r'st\.Page\("app_pages/(\w+)\.py"', (ROOT / "app.py").read_text(encoding="utf-8")))


def _positive(x) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0


@pytest.mark.slow
def test_the_benchmark_prints_every_figure(tmp_path):
    out_json = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--sizes", "40", "--modes", "bulk", "--runs", "2",
         "--workdir", str(tmp_path / "work"), "--json", str(out_json)],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = proc.stdout
    figures = json.loads(out_json.read_text())["sizes"]["40"]

    # extraction on one core and on all cores, with the jieba reference on the same text
    for key in ("extract_1core_rps", "extract_1core_mbs", "extract_cpu_ms", "extract_all_rps", "extract_all_mbs",
                "jieba_mbs", "jieba_cpu_ms"):
        assert _positive(figures[key]), key
    emb = figures["stores"]["embedded"]
    # ingest end to end: wall time, reports/s, load facts/s, CPU per report
    ingest = emb["ingest_bulk"]
    assert ingest["reports"] == 40 and ingest["failed"] == 0
    for key in ("wall_s", "rps", "facts_per_s", "cpu_ms"):
        assert _positive(ingest[key]), key
    # p50 / p95 of every catalog query, with defaults and (where it takes any) with filters
    want = {q.name for q in all_queries()}
    got = emb["queries"]
    assert want <= set(got)
    for name, r in got.items():
        assert "error" not in r, (name, r)
        assert 0 < r["p50_ms"] <= r["p95_ms"] and r["first_ms"] > 0, name
    # the sparse XᵀX reference over the same incidence
    assert _positive(emb["sparse"]["xtx_ms"]) and emb["sparse"]["shape"][0] == 40
    # every app page rendered, first and again, without an error shown
    pages = {k: v for k, v in emb["pages"].items() if k != "(entry)"}
    assert PAGES and sorted(pages) == PAGES
    for page, r in pages.items():
        assert "error" not in r and r["errors"] == 0, (page, r)
        assert _positive(r["cold_s"]) and _positive(r["warm_s"]), page
    # peak RSS of each phase
    for phase in ("extraction", "embedded ingest bulk", "embedded analytics scan", "embedded queries",
                  "app pages"):
        assert _positive(figures["rss"][phase]), phase
    # and the printed summary judges each target
    summary = text[text.index("=== summary"):]
    for line in ("ingest_bulk", "catalog p50 over", "sparse XᵀX reference", "pages:", "peak RSS"):
        assert line in summary, line
    # and it leaves no database, log or analytics cache behind without --keep
    assert not list((tmp_path / "work").glob("*.lbdb*"))
