"""Load throughput (facts/s) of both stores at 1,000 and 10,000 reports.

The bundled sample reports are extracted once; report N is a copy of sample N mod 5 under a new
report id (its sections, outcomes and problems get new ids too, so every copy adds its own
facts, while jurisdictions, agencies, measures and indicators are shared as in real data).
Each report is written the way `govkg ingest` writes it: `GraphStore.write_report`, one
transaction per report, after the hash check.

The Bolt store is ArcadeDB started here (tests/arcadedb_server.py), or the Neo4j at
GOVKG_NEO4J_URI if set (its database is CLEARED first). A run that exceeds `--budget` seconds
stops there and prints the throughput measured so far, marked "(stopped at N)".

Usage:
    .venv/bin/python bench/bench_load.py                      # both stores, 1,000 and 10,000
    .venv/bin/python bench/bench_load.py --stores embedded --sizes 1000 --budget 120
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.rows import GraphRows, report_rows, taxonomy_rows  # noqa: E402
from ingest.pipeline import extract_file  # noqa: E402
from ingest.taxonomy import load_taxonomy  # noqa: E402


def templates(taxonomy) -> list[GraphRows]:
    reports = sorted((ROOT / "data" / "reports").iterdir())
    return [report_rows(extract_file(p, taxonomy), ingested_at="2026-01-01T00:00:00+00:00") for p in reports]


def relabel(g: GraphRows, n: int) -> GraphRows:
    """A copy of `g` as report number n: new report id, new ids for everything the report owns."""
    old = g.report_id
    new_id = f"bench{n:06d}_{old}"

    def fix(v):
        if isinstance(v, str) and (v == old or v.startswith(old + "#")):
            return new_id + v[len(old):]
        return v

    out = GraphRows(report_id=new_id, content_hash=f"{g.content_hash[:48]}-{n}")
    for label, rows in g.nodes.items():
        out.nodes[label] = [{k: fix(v) for k, v in r.items()} for r in rows]
    for r in out.nodes.get("Report", []):
        r["content_hash"] = out.content_hash
        r["source"] = f"bench/{new_id}"
    for key, rows in g.rels.items():
        out.rels[key] = [{k: fix(v) for k, v in r.items()} for r in rows]
    return out


def merged(parts: list[GraphRows]) -> GraphRows:
    """Several reports' rows as one batch (shared nodes once)."""
    g = GraphRows()
    for p in parts:
        for label, rows in p.nodes.items():
            g.nodes[label].extend(rows)
        for key, rows in p.rels.items():
            g.rels[key].extend(rows)
    return g.dedupe()


def run(store, taxonomy, tmpl: list[GraphRows], size: int, budget: float, per_tx: int = 1) -> dict:
    """Write `size` reports; per_tx 1 is `govkg ingest`'s way, more is a bulk load (no hash check).

    Facts are counted as each report's rows, the same in both modes.
    """
    store.write_taxonomy(taxonomy_rows(taxonomy))
    facts = done = 0
    started = time.monotonic()
    while done < size:
        parts = [relabel(tmpl[n % len(tmpl)], n) for n in range(done, min(size, done + per_tx))]
        if per_tx == 1:
            status = store.write_report(parts[0])
            assert status == "added", status
        else:
            store._execute_tx(store.write_statements(merged(parts)))
        facts += sum(p.fact_count() for p in parts)
        done += len(parts)
        if time.monotonic() - started > budget:
            break
    seconds = time.monotonic() - started
    return {"reports": done, "facts": facts, "seconds": seconds, "complete": done == size}


def line(store_name: str, size: int, r: dict, per_tx: int) -> str:
    mark = "" if r["complete"] else f" (stopped at {r['reports']:,} of {size:,} after the time budget)"
    mode = "per report" if per_tx == 1 else f"{per_tx}/tx"
    return (f"{store_name:9s} {mode:10s} {size:>6,} reports: {r['facts']:>9,} facts in {r['seconds']:7.1f} s = "
            f"{r['facts'] / r['seconds']:8,.0f} facts/s, {r['reports'] / r['seconds']:6.1f} reports/s{mark}")


def open_bench_store(name: str, work: Path, size: int, per_tx: int, server):
    """An empty store of the named kind (and the ArcadeDB server, started on first use)."""
    if name == "embedded":
        from graph.ladybug_store import LadybugStore

        return LadybugStore(work / f"bench-{size}-{per_tx}.lbdb"), server
    if name != "bolt":
        raise SystemExit(f"unknown store {name!r}: embedded or bolt")
    from graph.neo4j_store import Neo4jStore

    if os.environ.get("GOVKG_NEO4J_URI"):
        from govkg.config import Settings

        store = Neo4jStore.from_settings(Settings.from_env())
    else:
        if server is None:
            sys.path.insert(0, str(ROOT / "tests"))
            from arcadedb_server import launch

            server = launch(work / "arcadedb")
        recreate(server)  # much faster than deleting 10,000 reports' nodes
        return Neo4jStore(server.uri, server.info["user"], server.info["password"], server.info["database"]), server
    store.clear()
    return store, server


def recreate(server) -> None:
    """Drop and recreate the ArcadeDB database over its HTTP API."""
    import base64
    import json
    import urllib.request

    auth = base64.b64encode(f"{server.info['user']}:{server.info['password']}".encode()).decode()
    for command in (f"drop database {server.info['database']}", f"create database {server.info['database']}"):
        req = urllib.request.Request(f"{server.http}/api/v1/server", data=json.dumps({"command": command}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": "Basic " + auth})
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stores", default="embedded,bolt", help="comma-separated: embedded, bolt")
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated report counts")
    ap.add_argument("--budget", type=float, default=240.0, help="seconds per run before it stops (default 240)")
    ap.add_argument("--per-tx", default="1", help="comma-separated reports per transaction: 1 is how ingest "
                    "writes (hash check, one transaction per report); e.g. 1,200 also measures a bulk load")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    stores = [s.strip() for s in args.stores.split(",")]
    modes = [int(m) for m in args.per_tx.split(",")]

    taxonomy = load_taxonomy()
    tmpl = templates(taxonomy)
    per_report = sum(t.fact_count() for t in tmpl) / len(tmpl)
    print(f"templates: {len(tmpl)} sample reports, {per_report:.0f} facts per report on average; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    work = Path(tempfile.mkdtemp(prefix="govkg-bench-"))
    results = []
    server = None
    try:
        for name in stores:
            for per_tx in modes:
                for size in sizes:
                    store, server = open_bench_store(name, work, size, per_tx, server)
                    store.ensure_schema()
                    r = run(store, taxonomy, tmpl, size, args.budget, per_tx)
                    store.close()
                    label = name if name == "embedded" else (
                        "neo4j" if os.environ.get("GOVKG_NEO4J_URI") else "arcadedb")
                    results.append(line(label, size, r, per_tx))
                    print(results[-1], flush=True)
    finally:
        if server is not None:
            server.stop()
    print("\n".join(["", f"summary (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):"]
                    + results))


if __name__ == "__main__":
    main()
