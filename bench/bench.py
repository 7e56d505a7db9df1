"""The scale benchmark: synthetic corpora of 1,000 and 10,000 (or 100,000) reports, end to end.

For each size it prints extraction speed (one core, all cores), load speed (batched ingest
and --bulk), end-to-end wall time, peak RSS of each phase, p50/p95 of every catalog query with
default parameters and with typical filters, the render time of every app page, and two
reference timings on the same data: jieba segmentation of the same text and a scipy sparse
XᵀX over the same report × measure incidence. With `--stores embedded,bolt` the load and the
queries are also measured on a Bolt store (ArcadeDB started here, or Neo4j at GOVKG_NEO4J_URI).
Each phase runs in its own forked process, so its peak RSS is its own.

The machine is usually shared; besides wall times it prints CPU seconds per report, which
do not depend on what else runs, and the rate they imply on idle cores.

Usage:
    .venv/bin/python bench/bench.py                      # 1,000 and 10,000 reports
    .venv/bin/python bench/bench.py --sizes 1000 --modes bulk --no-pages
    .venv/bin/python bench/bench.py --sizes 1000,10000 --stores embedded,bolt
    .venv/bin/python bench/bench.py --sizes 100000 --modes bulk --workdir /data/bench --keep   # then --reuse
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"ingest_rps": 100.0, "query_p50_ms": 100.0, "page_s": 1.0, "rss_mb": 2048.0}
PAGE_TARGET_REPORTS = 10_000  # "app pages < 1 s at 10,000 reports"


def say(line: str = "") -> None:
    print(line, flush=True)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))
    return xs[k]


def tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants together, in KB (0 once they are gone): the
    sum of their proportional set sizes (pages shared by forked workers counted once), or of
    their RSS where the kernel does not give PSS."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            try:
                with open(f"/proc/{p}/smaps_rollup") as f:
                    total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            except (OSError, StopIteration):
                with open(f"/proc/{p}/status") as f:
                    total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


def in_child(fn, *args) -> dict:
    """Run `fn(*args, out)` in a forked process; return `out` plus that process tree's peak RSS and CPU.

    Each phase runs in its own process so that its peak RSS is its own (the largest process of
    its tree: the writer or a worker) and not a high-water mark left by an earlier phase.
    """
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        code, out = 0, {}
        try:
            fn(*args, out)
        except BaseException as e:  # reported to the parent, which prints it as a figure
            out = {"error": f"{e.__class__.__name__}: {str(e)[:300]}"}
            code = 1
        with os.fdopen(w, "wb") as f:
            f.write(json.dumps(out, default=str).encode())
        sys.stdout.flush()
        os._exit(code)
    os.close(w)
    stop = threading.Event()
    tree_peak = [0]

    def sample():  # the whole tree's RSS (writer + workers + a bulk round's writer process)
        while not stop.wait(0.2):
            tree_peak[0] = max(tree_peak[0], tree_rss_kb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with os.fdopen(r, "rb") as f:
        data = f.read()
    stop.set()
    sampler.join()
    _, _, ru = os.wait4(pid, 0)
    out = json.loads(data or b"{}")
    out["rss_mb"] = ru.ru_maxrss / 1024
    out["tree_mb"] = tree_peak[0] / 1024
    out["cpu_s"] = ru.ru_utime + ru.ru_stime
    if "error" in out:
        say(f"    ERROR {out['error']}")
    return out


# -- corpus ---------------------------------------------------------------------------------------
def corpus(workdir: Path, n: int, seed: int) -> list[Path]:
    """The first `n` reports of the corpus for `seed` (written once, extended when needed)."""
    from ingest.synth import write_corpus

    folder = workdir / f"corpus-{seed}"
    stamp = folder / "_bench.json"
    have = json.loads(stamp.read_text())["reports"] if stamp.exists() else 0
    if have < n:
        t = time.perf_counter()
        write_corpus(folder, n - have, seed=seed, start=have)
        stamp.write_text(json.dumps({"reports": n, "seed": seed}))
        say(f"  synthesised {n - have} reports in {time.perf_counter() - t:.1f} s")
    return [folder / f"synth_{seed}_{i:07d}.txt" for i in range(n)]


# -- extraction -----------------------------------------------------------------------------------
def bench_extraction(files: list[Path], jobs: int, out: dict) -> None:
    from ingest.load import extract_many, extract_rows
    from ingest.readers import read_document

    sample = files[: min(len(files), 200)]
    extract_rows(str(sample[0]))  # warm: imports, taxonomy, automata, cpca tables
    size = sum(f.stat().st_size for f in sample)
    t, c = time.perf_counter(), time.process_time()
    for f in sample:
        extract_rows(str(f))
    dt, dc = time.perf_counter() - t, time.process_time() - c
    out["extract_1core_rps"] = len(sample) / dt
    out["extract_1core_mbs"] = size / dt / 1e6
    out["extract_cpu_ms"] = dc / len(sample) * 1000
    out["extract_idle_mbs"] = size / dc / 1e6
    say(f"  extraction, 1 core ({len(sample)} reports, {size / 1e6:.1f} MB): {out['extract_1core_rps']:.1f} reports/s, "
        f"{out['extract_1core_mbs']:.2f} MB/s; {out['extract_cpu_ms']:.1f} ms CPU per report "
        f"(= {1000 / out['extract_cpu_ms']:.0f} reports/s, {out['extract_idle_mbs']:.2f} MB/s on an idle core)")

    # Reference: jieba's default segmentation of the same text.
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    texts = [read_document(f).text for f in sample]
    nbytes = sum(len(x.encode("utf-8")) for x in texts)
    t, c = time.perf_counter(), time.process_time()
    for x in texts:
        jieba.lcut(x)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    out["jieba_mbs"] = nbytes / dt / 1e6
    out["jieba_rps"] = len(texts) / dt
    out["jieba_cpu_ms"] = dc / len(texts) * 1000
    say(f"  reference: jieba.lcut on the same text: {out['jieba_rps']:.1f} reports/s, {out['jieba_mbs']:.2f} MB/s; "
        f"{out['jieba_cpu_ms']:.1f} ms CPU per report (extraction costs {out['extract_cpu_ms'] / out['jieba_cpu_ms']:.2f}x "
        f"jieba's CPU)")

    sample = files[: min(len(files), 1000)]
    size = sum(f.stat().st_size for f in sample)
    t = time.perf_counter()
    n = sum(1 for _ in extract_many(sample, jobs=jobs))
    dt = time.perf_counter() - t
    out["extract_all_rps"] = n / dt
    out["extract_all_mbs"] = size / dt / 1e6
    say(f"  extraction, {jobs} processes ({n} reports): {out['extract_all_rps']:.1f} reports/s, "
        f"{out['extract_all_mbs']:.2f} MB/s")


# -- loading --------------------------------------------------------------------------------------
def open_spec(db, read_only: bool = False):
    """A store from a spec: a path (embedded LadybugDB) or a dict with a Bolt server's uri and credentials."""
    if isinstance(db, dict):
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(db["uri"], db["user"], db["password"], db["database"])
    from graph.ladybug_store import LadybugStore

    return LadybugStore(db, read_only=read_only)


def bolt_spec(workdir: Path, server):
    """The Bolt store for the benchmark: Neo4j at GOVKG_NEO4J_URI (CLEARED first) or ArcadeDB started here,
    its database dropped and created afresh. Returns (spec, server)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_load import recreate

    if os.environ.get("GOVKG_NEO4J_URI"):
        from govkg.config import Settings

        st = Settings.from_env()
        spec = {"uri": st.neo4j_uri, "user": st.neo4j_user, "password": st.neo4j_password,
                "database": st.neo4j_database}
        store = open_spec(spec)
        store.clear()
        store.close()
        return spec, server
    if server is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from arcadedb_server import launch

        server = launch(workdir / "arcadedb")
    recreate(server)
    return {"uri": server.uri, "user": server.info["user"], "password": server.info["password"],
            "database": server.info["database"]}, server


def remove_store(db: Path) -> None:
    """An embedded store's file or folder and the files LadybugDB and govkg keep beside it (its
    write-ahead log, the analytics cache)."""
    from queries.incidence import CACHE_FILE

    for path in (db, *(db.with_name(f"{db.name}.{s}") for s in ("wal", CACHE_FILE))):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def bench_ingest(files: list[Path], db, jobs: int, bulk: bool, out: dict) -> None:
    """Ingest `files` into a new store (run through `in_child`, which adds CPU and RSS)."""
    from ingest.load import ingest_paths

    if isinstance(db, Path):
        remove_store(db)
    store = open_spec(db)
    store.ensure_schema()
    t = time.perf_counter()
    summary = ingest_paths(store, files, jobs=jobs, bulk=bulk)
    wall = time.perf_counter() - t
    counts = store.counts()
    store.close()
    n = len(summary.added)
    out.update({"wall_s": wall, "reports": n, "rps": n / wall, "mbs": summary.bytes / wall / 1e6,
                "facts": summary.facts, "write_s": summary.write_seconds,
                "facts_per_s": summary.facts / max(summary.write_seconds, 1e-9), "failed": len(summary.failed),
                "rows": sum(counts["nodes"].values()) + sum(counts["edges"].values())})
    say(f"  ingest {'--bulk' if bulk else 'batched'} ({n} reports, {len(summary.failed)} failed, {jobs} processes): "
        f"{wall:.1f} s wall = {out['rps']:.1f} reports/s, {out['mbs']:.2f} MB/s end to end; "
        f"load {summary.facts:,} facts in {summary.write_seconds:.1f} s of writing = {out['facts_per_s']:,.0f} facts/s")


def ingest_figures(res: dict, jobs: int) -> dict:
    """Add CPU per report and the rate it implies on idle cores to an ingest result."""
    if "reports" in res:
        res["cpu_ms"] = res["cpu_s"] / max(res["reports"], 1) * 1000
        res["idle_rps"] = jobs * 1000 / res["cpu_ms"] if res["cpu_ms"] else float("nan")
        say(f"    CPU {res['cpu_ms']:.1f} ms per report (writer and workers) -> {res['idle_rps']:.0f} reports/s "
            f"on {jobs} idle cores; peak RSS {res['rss_mb']:.0f} MB (largest process), "
            f"{res.get('tree_mb', 0):.0f} MB (all its processes together, sampled)")
    return res


# -- queries --------------------------------------------------------------------------------------
def filter_values(store) -> dict:
    """Typical filter values for this store: the two provinces with most reports, a year range,
    a role, the most mentioned measure and the most reported indicator. Read from the analytics
    cache, so that choosing them adds nothing to the memory and time being measured."""
    import numpy as np

    from queries.incidence import get_incidence

    inc = get_incidence(store)
    provs = sorted(((-n, p) for p, n in Counter(p for p in inc.province if p).items()))[:2]
    years = sorted((-n, y) for y, n in Counter(int(y) for y in inc.year if y).items())[:1]
    x = inc.report_measures()
    per_measure = np.asarray(x.sum(axis=0)).ravel() if x.shape[1] else np.zeros(0)
    measure = inc.measure_ids[int(np.argmax(per_measure))] if len(per_measure) and per_measure.max() > 0 else ""
    results = inc.o_ind[(~inc.o_target) & (inc.o_ind >= 0)]
    ind = inc.indicator_ids[int(np.argmax(np.bincount(results)))] if len(results) else ""
    y = years[0][1] if years else 2021
    p1 = provs[0][1] if provs else ""
    p2 = provs[1][1] if len(provs) > 1 else p1
    return {"year": y, "years": f"{y - 1}-{y + 1}", "region": p1, "region_a": p1, "region_b": p2,
            "role": "achievements", "measure": measure, "indicator": ind}


def filtered_params(q, values: dict) -> dict:
    """The filters of `values` that query `q` takes (its other parameters keep their defaults)."""
    names = {p.name for p in q.params}
    return {k: v for k, v in values.items() if k in names}


def _time_query(store, name: str, params: dict, runs: int) -> dict:
    from queries.catalog import run_query

    times, n = [], 0
    for _ in range(runs + 1):
        t = time.perf_counter()
        try:
            n = len(run_query(store, name, dict(params)))
        except Exception as e:  # a failing query is a figure too
            return {"error": f"{e.__class__.__name__}: {str(e)[:80]}"}
        times.append((time.perf_counter() - t) * 1000)
    warm = times[1:] or times
    return {"first_ms": times[0], "p50_ms": pct(warm, 0.5), "p95_ms": pct(warm, 0.95), "rows": n}


def bench_queries(db, runs: int, out: dict) -> None:
    """Every catalog query with default parameters and with typical filters."""
    from queries.catalog import all_queries

    store = open_spec(db, read_only=True)
    try:
        bench_incidence(store, out)
        values = filter_values(store)
        out["filters"] = values
        say(f"    filters: {', '.join(f'{k}={v}' for k, v in values.items())}")
        rows = {}
        for q in all_queries():
            for variant, params in (("", {}), (" +filters", filtered_params(q, values))):
                if variant and not params:
                    continue
                key = q.name + variant
                rows[key] = res = _time_query(store, q.name, params, runs)
                if "error" in res:
                    say(f"    {key:28} ERROR {res['error']}")
                    continue
                say(f"    {key:28} first {res['first_ms']:8.1f} ms   p50 {res['p50_ms']:8.1f} ms   "
                    f"p95 {res['p95_ms']:8.1f} ms   ({res['rows']} rows)")
        out["queries"] = rows
    finally:
        store.close()


def bench_scan(db, out: dict) -> None:
    """The analytics cache: a scan of the store into it, in a process of its own, as `govkg
    ingest` runs it at its end (`queries.prepare`); the file it writes is what the query and
    page phases then load, as a new app process would."""
    from queries import incidence

    store = open_spec(db, read_only=True)
    try:
        incidence.invalidate(store)  # memory and file
        t = time.perf_counter()
        inc = incidence.get_incidence(store)
        scan_s = time.perf_counter() - t
        path = incidence.cache_path(store)
        size = path.stat().st_size / 1e6 if path is not None and path.exists() else float("nan")
        out["incidence"] = {"scan_s": scan_s, "file_mb": size, "reports": inc.n_reports}
        say(f"    analytics cache: scan of the store {scan_s:.2f} s in a process of its own (as at the end of "
            f"`govkg ingest`), file {size:.0f} MB")
    finally:
        store.close()


def bench_incidence(store, out: dict) -> None:
    """Loading the analytics cache file as a new process does (the app after a restart)."""
    from queries import incidence

    import pickle

    incidence.invalidate(store, on_disk=False)
    path = incidence.cache_path(store)
    try:  # is the file current? (its header: the cache format and the store's fingerprint)
        with path.open("rb") as f:
            current = pickle.load(f) == (incidence.CACHE_FORMAT, incidence.fingerprint(store))
    except (OSError, AttributeError, pickle.UnpicklingError, EOFError):
        current = False
    # loaded as a new app process loads it, and kept for the queries (loading it only to time
    # it would leave this process with the heap of a second, freed copy)
    t = time.perf_counter()
    incidence.get_incidence(store)
    load_s = time.perf_counter() - t
    out["incidence_load"] = {"load_s": load_s, "loaded": current}
    say(f"    analytics cache file loaded in {load_s:.2f} s"
        + ("" if current else " (NOT LOADED: the file was missing or stale; this was a scan)"))


def bench_sparse_phase(db, out: dict) -> None:
    """The sparse reference in a process of its own: its read of every MENTIONS edge fills the
    store's page cache, which is the reference's cost, not the catalog's."""
    store = open_spec(db, read_only=True)
    try:
        bench_sparse(store, out)
    finally:
        store.close()


def bench_sparse(store, out: dict) -> None:
    """Reference: scipy sparse XᵀX over the report × measure incidence read from the same store."""
    import numpy as np
    from scipy import sparse

    from queries.incidence import read_columns

    t = time.perf_counter()
    # as columns (Arrow on the embedded store), not Python rows: 3.8 M edges at 100,000 reports
    tab = read_columns(store, "MATCH (r:Report)-[:MENTIONS]->(m:Measure) RETURN r.id AS r, m.id AS m")
    scan = time.perf_counter() - t
    t = time.perf_counter()

    def codes(name):
        enc = tab.column(name).combine_chunks().dictionary_encode()
        return enc.indices.to_numpy(zero_copy_only=False), len(enc.dictionary)

    (ri, nr), (mi, nm) = codes("r"), codes("m")
    del tab
    x = sparse.csr_matrix((np.ones(len(ri), dtype=np.float32), (ri, mi)), shape=(nr, nm))
    x.data[:] = 1.0  # several sections per report: presence, not counts
    build = time.perf_counter() - t
    times = []
    for _ in range(7):
        t = time.perf_counter()
        (x.T @ x).toarray()
        times.append((time.perf_counter() - t) * 1000)
    out["sparse"] = {"scan_ms": scan * 1000, "build_ms": build * 1000, "xtx_ms": statistics.median(times),
                     "shape": list(x.shape), "nnz": int(x.nnz)}
    say(f"  reference: scipy sparse XᵀX, X {x.shape[0]}×{x.shape[1]} ({x.nnz:,} non-zeros): "
        f"{out['sparse']['xtx_ms']:.1f} ms (reading X from the store {scan * 1000:.0f} ms, building it {build * 1000:.0f} ms)")


def compare_to_sparse(out: dict) -> None:
    """The slowest catalog query's p50 against the sparse reference (both measured by now)."""
    ok = {k: v for k, v in out.get("queries", {}).items() if "p50_ms" in v}
    if ok and "sparse" in out:
        ref = out["sparse"]["xtx_ms"] + out["sparse"]["scan_ms"] + out["sparse"]["build_ms"]
        worst = max(ok, key=lambda k: ok[k]["p50_ms"])
        say(f"  slowest query p50 vs sparse reference incl. reading X ({ref:.0f} ms): {worst} "
            f"{ok[worst]['p50_ms'] / ref:.2f}x")


# -- app pages ------------------------------------------------------------------------------------
def page_files() -> tuple[Path, list[str]]:
    """The pages in the app's navigation (`st.Page("app_pages/….py")` in app.py), in file-name order."""
    import re

    found = re.findall(r'st\.Page\(\s*"([\w/]+)/(\w+)\.py"', (ROOT / "app.py").read_text(encoding="utf-8"))
    if not found:
        return ROOT, []
    return ROOT / found[0][0], sorted(page for _, page in found)


def bench_pages(db: Path, out: dict) -> None:
    from streamlit.testing.v1 import AppTest

    os.environ["GOVKG_DB"] = str(db)
    os.environ["GOVKG_STORE"] = "embedded"
    folder, pages = page_files()
    if not pages:
        say("  (no app pages found)")
        return
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    rows = {}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    t = time.perf_counter()
    at.run()
    rows["(entry)"] = {"cold_s": time.perf_counter() - t, "warm_s": float("nan"), "errors": len(at.exception)}
    if at.exception:
        say(f"    app.py raised: {str(at.exception[0].value)[:160]}")
    for page in pages:
        try:
            t = time.perf_counter()
            at.switch_page(f"{folder.name}/{page}.py").run()
            cold = time.perf_counter() - t
            t = time.perf_counter()
            at.run()
            warm = time.perf_counter() - t
            errs = len(at.exception) + len(at.error)
        except Exception as e:  # a page that cannot render is a figure too
            rows[page] = {"error": f"{e.__class__.__name__}: {str(e)[:80]}"}
            say(f"    {page:14} ERROR {rows[page]['error']}")
            continue
        rows[page] = {"cold_s": cold, "warm_s": warm, "errors": errs}
        say(f"    page {page:14} first render {cold:6.2f} s   again {warm:6.2f} s" +
            (f"   ({errs} errors/exceptions shown)" if errs else ""))
    out["pages"] = rows
    try:
        from app_pages.common import get_store

        s = get_store()
        if s is not None:
            s.close()
    except Exception:
        pass
    st.cache_resource.clear()
    st.cache_data.clear()


# -- main -----------------------------------------------------------------------------------------
def run(args) -> dict:
    from ingest.load import default_jobs

    jobs = args.jobs or default_jobs()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="govkg-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    stores = [m.strip() for m in args.stores.split(",") if m.strip()]
    results: dict = {"jobs": jobs, "cpus": os.cpu_count(), "load_before": os.getloadavg(), "sizes": {}}
    say(f"govkg scale benchmark: sizes {args.sizes}, stores {stores}, {jobs} processes on {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, workdir {workdir}")
    t_all = time.perf_counter()
    server = None
    try:
        for n in args.sizes:
            say(f"\n=== {n:,} synthetic reports ===")
            out: dict = {"rss": {}, "tree": {}, "stores": {}}
            results["sizes"][n] = out
            files = corpus(workdir, n, args.seed)
            out["mb"] = sum(f.stat().st_size for f in files) / 1e6
            say(f"  corpus: {out['mb']:.1f} MB ({out['mb'] * 1e3 / n:.1f} KB per report)")
            if not args.no_extract:
                ex = in_child(bench_extraction, files, jobs)
                out["rss"]["extraction"] = ex.pop("rss_mb")
                out["tree"]["extraction"] = ex.pop("tree_mb")
                ex.pop("cpu_s")
                out.update(ex)
            for kind in stores:
                res = out["stores"][kind] = {}
                if kind == "embedded":
                    dbs = {mode: workdir / f"kg-{n}-{mode}.lbdb" for mode in modes}
                else:
                    spec, server = bolt_spec(workdir, server)
                    dbs = {"normal": spec}  # Bolt stores are written through transactions only
                    say(f"  Bolt store at {spec['uri']}")
                for mode, db in dbs.items():
                    if args.reuse and isinstance(db, Path) and db.exists():
                        say(f"  ingest {mode}: reusing {db}")
                        continue
                    r = res[f"ingest_{mode}"] = ingest_figures(in_child(bench_ingest, files, db, jobs, mode == "bulk"), jobs)
                    out["rss"][f"{kind} ingest {mode}"] = r["rss_mb"]
                    out["tree"][f"{kind} ingest {mode}"] = r.get("tree_mb", 0)
                query_db = next(iter(dbs.values()), None)
                if query_db is not None and not args.no_queries:
                    sc = in_child(bench_scan, query_db)
                    out["rss"][f"{kind} analytics scan"] = sc.pop("rss_mb")
                    out["tree"][f"{kind} analytics scan"] = sc.pop("tree_mb")
                    sc.pop("cpu_s")
                    res.update(sc)
                    say(f"  catalog queries on {kind} (default parameters, then typical filters; "
                        f"first run, then p50/p95 of {args.runs}):")
                    q = in_child(bench_queries, query_db, args.runs)
                    out["rss"][f"{kind} queries"] = q.pop("rss_mb")
                    out["tree"][f"{kind} queries"] = q.pop("tree_mb")
                    q.pop("cpu_s")
                    res.update(q)
                    sp = in_child(bench_sparse_phase, query_db)
                    out["rss"][f"{kind} sparse reference"] = sp.pop("rss_mb")
                    out["tree"][f"{kind} sparse reference"] = sp.pop("tree_mb")
                    sp.pop("cpu_s")
                    res.update(sp)
                    compare_to_sparse(res)
                if query_db is not None and kind == "embedded" and not args.no_pages:
                    say("  app pages (streamlit AppTest in a new process, with the analytics cache file as `govkg "
                        "ingest` leaves it; first render, then again with warm caches):")
                    pg = in_child(bench_pages, query_db)
                    out["rss"]["app pages"] = pg.pop("rss_mb")
                    out["tree"]["app pages"] = pg.pop("tree_mb")
                    pg.pop("cpu_s")
                    res.update(pg)
                if kind == "embedded" and not args.keep:
                    for db in dbs.values():
                        remove_store(db)
            say("  peak RSS (largest process of each phase): " +
                ", ".join(f"{k} {v:.0f} MB" for k, v in out["rss"].items()))
            say("  peak RSS of each phase's whole process tree (summed PSS, sampled every 0.2 s): " +
                ", ".join(f"{k} {v:.0f} MB" for k, v in out["tree"].items()))
    finally:
        if server is not None:
            server.stop()
    results["wall_s"] = time.perf_counter() - t_all
    results["load_after"] = os.getloadavg()
    summary(results)
    if not args.workdir and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def summary(results: dict) -> None:
    say("\n=== summary (targets: ingest >= 100 reports/s; catalog p50 < 100 ms at 10k, < 500 ms at 100k, "
        "<= 5x the sparse reference; pages < 1 s; peak RSS < 2 GB) ===")
    say(f"load average before {results['load_before'][0]:.1f}, after {results['load_after'][0]:.1f} "
        f"on {results['cpus']} CPUs; total {results['wall_s']:.0f} s")
    mark = lambda ok: "ok  " if ok else "MISS"  # noqa: E731
    for n, out in results["sizes"].items():
        say(f"-- {n:,} reports, {out['mb']:.0f} MB")
        if "extract_cpu_ms" in out:
            say(f"   extraction: 1 core {out['extract_1core_rps']:.0f} reports/s ({out['extract_1core_mbs']:.2f} MB/s), "
                f"{out['extract_cpu_ms']:.1f} ms CPU/report; {results['jobs']} processes "
                f"{out['extract_all_rps']:.0f} reports/s ({out['extract_all_mbs']:.2f} MB/s); jieba reference "
                f"{out['jieba_mbs']:.2f} MB/s, {out.get('jieba_cpu_ms', float('nan')):.0f} ms CPU/report")
        for kind, res in out["stores"].items():
            for key in ("ingest_normal", "ingest_bulk"):
                r = res.get(key)
                if r and "rps" in r:
                    ok = r["rps"] >= TARGETS["ingest_rps"] if kind == "embedded" else True
                    say(f"   {mark(ok)} {kind} {key:14} {r['rps']:6.1f} reports/s end to end "
                        f"({r['wall_s']:.0f} s), load {r['facts_per_s']:,.0f} facts/s, "
                        f"{r['cpu_ms']:.1f} ms CPU/report -> {r['idle_rps']:.0f} reports/s on idle cores")
                elif r:
                    say(f"   MISS {kind} {key}: {r.get('error')}")
            limit = TARGETS["query_p50_ms"] if n <= 10_000 else 500.0
            qs = {k: v for k, v in res.get("queries", {}).items() if "p50_ms" in v}
            if qs:
                slow = [k for k, v in qs.items() if v["p50_ms"] >= limit]
                worst = max(qs, key=lambda k: qs[k]["p50_ms"])
                say(f"   {mark(not slow)} {kind} catalog p50 over {len(qs)} query settings (defaults and filtered): "
                    f"worst {worst} {qs[worst]['p50_ms']:.0f} ms; {len(qs) - len(slow)}/{len(qs)} under {limit:.0f} ms"
                    + (f"; slow: {', '.join(slow)}" if slow else ""))
                if "sparse" in res:
                    ref = res["sparse"]["xtx_ms"]
                    ratio = qs[worst]["p50_ms"] / ref if ref else float("nan")
                    say(f"   {mark(ratio <= 5)} {kind} slowest query / sparse XᵀX reference ({ref:.1f} ms): {ratio:.1f}x "
                        f"(reading X from the store costs another {res['sparse']['scan_ms']:.0f} ms)")
            errs = [k for k, v in res.get("queries", {}).items() if "error" in v]
            if errs:
                say(f"   MISS {kind} queries that failed: {', '.join(errs)}")
            allp = {k: v for k, v in res.get("pages", {}).items() if k != "(entry)"}
            broken = [k for k, v in allp.items() if "error" in v or v.get("errors")]
            if broken:
                say(f"   MISS pages that raised or showed errors (their times do not count): {', '.join(broken)}")
            pages = {k: v for k, v in allp.items() if k not in broken}
            if pages:
                worst = max(pages, key=lambda k: pages[k]["cold_s"])
                slow = [k for k, v in pages.items() if max(v["cold_s"], v["warm_s"]) >= TARGETS["page_s"]]
                # the target (< 1 s) is set at 10,000 reports; bigger corpora's pages are listed, not judged
                judged = n <= PAGE_TARGET_REPORTS
                say(f"   {mark(not slow) if judged else 'info'} pages: slowest first render {worst} "
                    f"{pages[worst]['cold_s']:.2f} s; again: worst {max(v['warm_s'] for v in pages.values()):.2f} s"
                    + (f"; over {TARGETS['page_s']:.0f} s: {', '.join(slow)}" if slow else "")
                    + ("" if judged else f" (the page target is set at {PAGE_TARGET_REPORTS:,} reports)"))
        # the target is the product's: the reference phase is listed but not judged
        judged = [k for k in out["rss"] if "reference" not in k]
        if judged:
            top = max(judged, key=out["rss"].get)
            say(f"   {mark(out['rss'][top] < TARGETS['rss_mb'])} peak RSS {out['rss'][top]:.0f} MB ({top}); " +
                ", ".join(f"{k} {v:.0f}" for k, v in out["rss"].items()))
        judged = [k for k in out.get("tree", {}) if "reference" not in k]
        if judged:
            top = max(judged, key=out["tree"].get)
            say(f"   {mark(out['tree'][top] < TARGETS['rss_mb'])} peak RSS of a whole phase (all its processes, "
                f"sampled) {out['tree'][top]:.0f} MB ({top}); " +
                ", ".join(f"{k} {v:.0f}" for k, v in out["tree"].items()))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=0, help="extraction processes (default: all cores)")
    ap.add_argument("--modes", default="normal,bulk", help="embedded ingest paths to time: normal,bulk")
    ap.add_argument("--stores", default="embedded",
                    help="embedded,bolt (bolt: Neo4j at GOVKG_NEO4J_URI, whose database is CLEARED, or ArcadeDB "
                         "started here)")
    ap.add_argument("--runs", type=int, default=5, help="runs per catalog query after the first")
    ap.add_argument("--workdir", help="keep corpora (and databases with --keep) here")
    ap.add_argument("--keep", action="store_true", help="keep the databases")
    ap.add_argument("--no-pages", action="store_true")
    ap.add_argument("--no-queries", action="store_true")
    ap.add_argument("--no-extract", action="store_true", help="skip the extraction-only figures")
    ap.add_argument("--reuse", action="store_true",
                    help="with --workdir: query a database kept by an earlier --keep run instead of ingesting again")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    results = run(args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return results


if __name__ == "__main__":
    main()
