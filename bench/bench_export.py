"""Export time and peak memory at 1,000 and 10,000 reports (embedded store).

A big store is made from the bundled sample reports: report N is a copy of sample N mod 5
under a new report id (its sections, outcomes and problems get new ids too), while
jurisdictions, agencies, measures and indicators stay shared as in real data. Rows are written
as ingest writes them, 100 reports per transaction (building 10,000 takes a while: ~1.5 min per
1,000 reports on an idle machine). Stores are
cached in --workdir and reused when they already hold the right number of reports.

Each export runs in a fresh child process so that its figures are its own: wall time, output
size, peak resident memory of the process (ru_maxrss: Python, LadybugDB and its buffer pool)
and, with --tracemalloc, the peak of Python-level allocations (which slows the export 3-5x, so
its time is then not comparable). Flat memory means: the peak does not grow with the number of
reports.

Usage:
    .venv/bin/python bench/bench_export.py                         # 1,000 and 10,000 reports
    .venv/bin/python bench/bench_export.py --sizes 1000 --formats graphml,cypher
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMATS = ("graphml", "gexf", "json", "cytoscape", "csv", "cypher", "neo4j-admin")


def _templates():
    from graph.rows import report_rows
    from ingest.pipeline import extract_file
    from ingest.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    files = sorted((ROOT / "data" / "reports").iterdir())
    return taxonomy, [report_rows(extract_file(p, taxonomy), ingested_at="2026-01-01T00:00:00+00:00") for p in files]


def _copy(g, n: int):
    """Report `g` as report number n: new ids for the report and everything it owns."""
    from graph.rows import GraphRows

    old, new = g.report_id, f"x{n:06d}_{g.report_id}"

    def fix(v):
        if isinstance(v, str) and (v == old or v.startswith(old + "#")):
            return new + v[len(old):]
        return v

    out = GraphRows(report_id=new, content_hash=f"{g.content_hash[:40]}-{n}")
    for label, rows in g.nodes.items():
        out.nodes[label] = [{k: fix(v) for k, v in r.items()} for r in rows]
    for r in out.nodes.get("Report", []):
        r["content_hash"], r["source"] = out.content_hash, f"bench/{new}"
    for key, rows in g.rels.items():
        out.rels[key] = [{k: fix(v) for k, v in r.items()} for r in rows]
    return out


def _write_copies(store, start: int, stop: int, per_tx: int = 100) -> None:
    """Write reports start..stop-1 the way ingest writes rows (batched upserts)."""
    from graph.rows import GraphRows

    _, tmpl = _templates()
    for first in range(start, stop, per_tx):
        batch = GraphRows()
        for n in range(first, min(stop, first + per_tx)):
            g = _copy(tmpl[n % len(tmpl)], n)
            for label, rows in g.nodes.items():
                batch.nodes[label].extend(rows)
            for key, rows in g.rels.items():
                batch.rels[key].extend(rows)
        store._execute_tx(store.write_statements(batch.dedupe()))


def build_store(path: Path, size: int, seed: int = 1000) -> float:
    """A store of `size` reports at `path` (reused if present). Returns seconds spent building.

    Reports are written as ingest writes rows (batched upserts, 100 reports per transaction);
    a larger store starts from a copy of the `seed`-report store when that exists.
    """
    from graph.ladybug_store import LadybugStore
    from graph.rows import taxonomy_rows

    if path.exists():
        s = LadybugStore(path, read_only=True)
        try:
            if s.read("MATCH (r:Report) RETURN count(r)").rows[0][0] == size:
                return 0.0
        finally:
            s.close()
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
    t0 = time.perf_counter()
    seed_path = path.with_name(f"store{seed}.lbdb")
    start = 0
    if size > seed and seed_path.exists():
        shutil.copy(seed_path, path)  # a closed store is one file
        start = seed
    store = LadybugStore(path)
    if start == 0:
        taxonomy, _ = _templates()
        store.ensure_schema()
        store.write_taxonomy(taxonomy_rows(taxonomy))
    _write_copies(store, start, size)
    store.close()
    return time.perf_counter() - t0


def child(db: str, fmt: str, out: str, selection: str, trace: str = "0") -> None:
    """Run one export and print its figures as JSON (runs in its own process)."""
    import tracemalloc

    from graph.export import export_graph
    from graph.ladybug_store import LadybugStore

    if trace == "1":
        tracemalloc.start()
    t0 = time.perf_counter()
    store = LadybugStore(db, read_only=True)
    result = export_graph(store, fmt, out, **json.loads(selection))
    store.close()
    secs = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace == "1" else float("nan")
    p = Path(out)
    size = sum(f.stat().st_size for f in p.iterdir()) if p.is_dir() else p.stat().st_size
    print(json.dumps({"secs": secs, "nodes": result.nodes, "edges": result.edges, "bytes": size,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "py_peak_mb": peak / 2 ** 20}))


def measure(db: Path, fmt: str, out: Path, selection: dict, trace: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child", str(db), fmt, str(out), json.dumps(selection, ensure_ascii=False),
           "1" if trace else "0"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if done.returncode:
        raise SystemExit(f"export {fmt} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:7])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--workdir", default="/tmp/govkg-bench-export")
    ap.add_argument("--keep", action="store_true", help="keep the export files")
    ap.add_argument("--tracemalloc", action="store_true",
                    help="also measure the peak of Python allocations (slows exports 3-5x)")
    ap.add_argument("--selections", default="region,khop", help="selection runs to add (region, khop; '' for none)")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'reports':>8} {'format':<12} {'selection':<18} {'nodes':>9} {'edges':>9} {'secs':>7} "
          f"{'items/s':>8} {'MB out':>7} {'peak RSS MB':>11} {'py peak MB':>10}")
    for size in [int(s) for s in args.sizes.split(",")]:
        db = work / f"store{size}.lbdb"
        built = build_store(db, size)
        if built:
            print(f"(built a store of {size} reports in {built:.0f} s)")
        runs = [(fmt, "whole graph", {}) for fmt in args.formats.split(",")]
        if "region" in args.selections:
            runs.append(("graphml", "region 640000", {"region": "640000"}))
        if "khop" in args.selections:
            runs.append(("json", "1 hop of a report", {"around": "Report:x000000_000_6c460bf66ec0245b.txt",
                                                        "hops": 1}))
        for fmt, label, selection in runs:
            out = work / f"out{size}.{fmt.replace('-', '_')}"
            r = measure(db, fmt, out, selection, args.tracemalloc)
            items = r["nodes"] + r["edges"]
            print(f"{size:>8} {fmt:<12} {label:<18} {r['nodes']:>9} {r['edges']:>9} {r['secs']:>7.1f} "
                  f"{items / r['secs']:>8.0f} {r['bytes'] / 2 ** 20:>7.1f} {r['rss_mb']:>11.0f} "
                  f"{r['py_peak_mb']:>10.1f}", flush=True)
            if not args.keep:
                subprocess.run(["rm", "-rf", str(out)], check=False)


if __name__ == "__main__":
    main()
