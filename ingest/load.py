"""Ingest: extract report files and write them into a store, every report all or nothing.

Extraction runs in worker processes (`jobs`), files handed out in chunks; the results stream
back in file order to this process, the single writer, which writes them in batches:

- a report the store does not hold yet joins a batch of new reports, written in one
  transaction (on the embedded store the parts the reports own are copied in from Parquet
  files, see `graph.bulk`). On Neo4j a failed batch is written again report by report so that
  only the bad report fails; on the embedded store a failed batch (rolled back) stops the run
  with a StoreError, because LadybugDB 0.22 cannot write safely again in the same process after
  a rolled-back COPY — run the command again and it carries on where it stopped;
- a report whose text changed replaces its facts on its own (`GraphStore.write_report`);
- an unchanged report is skipped.

At most `inflight` extracted reports wait in memory (plus one batch), whatever the corpus size.
With `bulk=True` an empty embedded store is filled through Parquet files and LadybugDB's COPY.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from govkg.errors import GovkgError, InputError, StoreError
from graph.rows import GraphRows, report_rows, taxonomy_rows
from graph.store import GraphStore
from ingest.pipeline import extract_file
from ingest.readers import iter_report_files
from ingest.taxonomy import load_taxonomy

BATCH_REPORTS = 200  # new reports per write transaction
CHUNK = 4  # files per task sent to a worker


@dataclass
class IngestSummary:
    """What an ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, problem)
    facts: int = 0
    bytes: int = 0  # size of the files read
    write_seconds: float = 0.0  # time the writer spent writing (extraction overlaps it)

    def line(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.failed)} failed ({self.facts} facts written)")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- extraction (in workers) ----------------------------------------------------------------

@dataclass
class Extracted:
    """One file's result as it travels from a worker: rows, or the reason it failed."""

    src: str
    rows: GraphRows | None = None
    problem: str = ""
    input_error: bool = False  # a bad file (recorded as an IngestFailure node) rather than a bug
    size: int = 0


def extract_rows(src: str) -> Extracted:
    """Extract one file into graph rows; never raises (a failure is returned)."""
    try:
        size = os.path.getsize(src)
    except OSError:
        size = 0
    try:
        rec = extract_file(src, load_taxonomy())
        return Extracted(src, report_rows(rec, ingested_at=_now()), size=size)
    except InputError as e:
        return Extracted(src, problem=e.problem, input_error=True, size=size)
    except GovkgError as e:
        return Extracted(src, problem=str(e), size=size)
    except Exception as e:  # a bug in one extractor must not stop a 300,000-file load
        return Extracted(src, problem=f"internal error while extracting: {e.__class__.__name__}: {e}", size=size)


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    load_taxonomy()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def extract_many(files: Iterable, jobs: int = 1, chunksize: int = CHUNK, inflight: int = 256
                 ) -> Iterator[Extracted]:
    """Extract files in `jobs` processes; results in file order, at most `inflight` pending."""
    files = [str(f) for f in files]
    if jobs <= 1 or len(files) <= 1:
        for f in files:
            yield extract_rows(f)
        return
    load_taxonomy()  # loaded once here, inherited by forked workers
    extract_rows(files[0])  # and the automata, regexes and cpca tables the first extraction builds
    inflight = max(inflight, 2 * jobs * chunksize)
    slots = threading.Semaphore(inflight)
    stop = threading.Event()

    def feed():
        for f in files:
            while not slots.acquire(timeout=0.2):
                if stop.is_set():
                    return
            if stop.is_set():
                return
            yield f

    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else methods[0])
    pool = ctx.Pool(jobs, initializer=_init_worker)
    try:
        for res in pool.imap(extract_rows, feed(), chunksize):
            slots.release()
            yield res
        pool.close()
    finally:
        stop.set()
        pool.terminate()
        pool.join()


# -- writing (in this process) ----------------------------------------------------------------

class _Writer:
    """Writes extracted reports in batches and keeps the summary."""

    def __init__(self, store: GraphStore, summary: IngestSummary, force: bool, on_file, batch: int):
        self.store, self.summary, self.force, self.on_file, self.batch = store, summary, force, on_file, batch
        self.pending: list[Extracted] = []
        self.ids: set[str] = set()
        self.fast = getattr(store, "backend", "") == "embedded"
        self.scratch: Path | None = None  # Parquet files of the batch being written (embedded store)
        self.measures: set[str] | None = None  # measure ids in the store (embedded store)

    def _done(self, src: str, status: str) -> None:
        if self.on_file:
            self.on_file(src, status)

    def fail(self, x: Extracted) -> None:
        self.summary.failed.append((x.src, x.problem))
        if x.input_error:
            self._record_failure(x)
        self._done(x.src, f"failed: {x.problem}")

    def _record_failure(self, x: Extracted) -> None:
        _safe_record_failure(self.store, x.src, x.problem)

    def add(self, x: Extracted) -> None:
        self.summary.bytes += x.size
        if x.rows is None:
            self.fail(x)
            return
        if x.rows.report_id in self.ids:
            self.flush()  # the same report twice: the second must see the first
        self.pending.append(x)
        self.ids.add(x.rows.report_id)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        batch, self.pending, self.ids = self.pending, [], set()
        if not batch:
            return
        hashes = self._hashes([x.rows.report_id for x in batch])
        new, same = [], []
        for x in batch:
            old = hashes.get(x.rows.report_id)
            if old is None:
                new.append(x)
            elif old == x.rows.content_hash and not self.force:
                same.append(x.src)
                self.summary.unchanged.append(x.src)
                self._done(x.src, "unchanged")
            else:
                self._one(x)
        if same:
            self._clear(same)
        if not new:
            return
        try:
            self.store._execute_tx(self._statements(new))
        except GovkgError as e:
            if self.fast:
                # LadybugDB 0.22 corrupts its heap when it writes again after a rolled-back COPY
                # into a node table: stop here. The batch was rolled back; the store is consistent.
                raise StoreError(
                    f"writing a batch of {len(new)} new reports (from {new[0].src}) failed and was rolled back: "
                    f"{e}. Run the same command again: the reports already written are skipped; "
                    "add --batch 1 to find the file at fault.") from e
            for x in new:  # find the bad report: one transaction each
                self._one(x)
            return
        finally:
            self._clean_scratch()
        for x in new:
            self.summary.added.append(x.src)
            self.summary.facts += x.rows.fact_count()
            self._done(x.src, "added")

    def _statements(self, new: list[Extracted]):
        srcs = [x.src for x in new]
        if self.fast:
            from graph.bulk import append_statements, scratch_dir

            if self.measures is None:
                self.measures = {r[0] for r in self.store.read("MATCH (m:Measure) RETURN m.id AS id").rows}
            self.scratch = scratch_dir(self.store)
            stmts = append_statements(self.store, [x.rows for x in new], self.scratch, self.measures,
                                      clear_failures=srcs)
            self.measures |= {r["id"] for x in new for r in x.rows.nodes.get("Measure", [])}
            return stmts
        from graph.bulk import CLEAR_FAILURES, merge_rows

        return self.store.write_statements(merge_rows([x.rows for x in new])) + [(CLEAR_FAILURES, {"ids": srcs})]

    def _clean_scratch(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def _one(self, x: Extracted) -> None:
        try:
            status = self.store.write_report(x.rows, force=self.force)
        except GovkgError as e:
            self.summary.failed.append((x.src, str(e)))
            self._done(x.src, f"failed: {e}")
            return
        getattr(self.summary, status).append(x.src)
        if status != "unchanged":
            self.summary.facts += x.rows.fact_count()
        self._clear([x.src])
        self._done(x.src, status)

    def _clear(self, srcs: list[str]) -> None:
        from graph.bulk import CLEAR_FAILURES

        try:
            self.store._execute_tx([(CLEAR_FAILURES, {"ids": srcs})])
        except GovkgError:
            pass

    def _hashes(self, ids: list[str]) -> dict[str, str]:
        t = self.store.read("UNWIND $ids AS i MATCH (r:Report {id: i}) RETURN r.id AS id, r.content_hash AS h",
                            {"ids": ids})
        return {r[0]: r[1] for r in t.rows}


class _BulkWriter(_Writer):
    """Feeds a `graph.bulk.BulkLoader`; the store is empty, so every report is new.

    Reports count as added when the round that holds them is committed.
    """

    def __init__(self, store, summary, on_file, workdir=None, round_reports: int = 10_000):
        from graph.bulk import BulkLoader

        super().__init__(store, summary, False, on_file, batch=1)
        self.loader = BulkLoader(store, workdir, round_reports=round_reports)
        self.seen: set[str] = set()
        self.queued: dict[str, Extracted] = {}
        self.bad_files: list[Extracted] = []  # recorded after the load (see _record_failure)

    def _record_failure(self, x: Extracted) -> None:
        """IngestFailure nodes are written after the load: while a round's writer process runs,
        the store is closed in this one."""
        self.bad_files.append(x)

    def record_failures(self) -> None:
        for x in self.bad_files:
            _safe_record_failure(self.store, x.src, x.problem)
        self.bad_files = []

    def add(self, x: Extracted) -> None:
        self.summary.bytes += x.size
        if x.rows is None:
            self.fail(x)
            return
        rid = x.rows.report_id
        if rid in self.seen:
            self.fail(Extracted(x.src, problem=f"another file named {rid} is in this --bulk load; "
                                               "ingest this one again without --bulk"))
            return
        self.seen.add(rid)
        self.queued[rid] = Extracted(x.src, size=x.rows.fact_count())  # keep the count, not the rows
        self._committed(self.loader.add(x.rows))

    def _committed(self, ids: list[str]) -> None:
        for rid in ids:
            x = self.queued.pop(rid)
            self.summary.added.append(x.src)
            self.summary.facts += x.size
            self._done(x.src, "added")

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        self._committed(self.loader.finish())
        self.record_failures()


def ingest_paths(store: GraphStore, paths, *, force: bool = False,
                 on_file: Callable[[str, str], None] | None = None, jobs: int = 1, bulk: bool = False,
                 progress: bool = False, batch: int = BATCH_REPORTS, chunksize: int = CHUNK,
                 inflight: int = 256, bulk_round: int = 10_000) -> IngestSummary:
    """Extract every report file under `paths` and write it to `store`.

    A bad file is recorded (in the summary and as an IngestFailure node) and the run goes on;
    each report is written all or nothing, so an interrupted run can simply be repeated.

    Args:
        on_file: called with (file, outcome) after each file: added/updated/unchanged/failed: …
        jobs: extraction processes (1: extract in this process).
        bulk: fill an EMPTY embedded store through Parquet files and COPY (refused otherwise).
        progress: show a progress bar on stderr (only when stderr is a terminal).
        batch: new reports per write transaction.
        bulk_round: with `bulk`, reports per round (see `graph.bulk.BulkLoader`).
    """
    taxonomy = load_taxonomy()
    store.write_taxonomy(taxonomy_rows(taxonomy))
    files = iter_report_files(paths)
    summary = IngestSummary()
    if bulk:
        writer: _Writer = _BulkWriter(store, summary, on_file, round_reports=bulk_round)
    else:
        writer = _Writer(store, summary, force, on_file, batch)
    bar = _progress(len(files)) if progress else None
    results = extract_many(files, jobs=jobs, chunksize=chunksize, inflight=inflight)
    clock = time.perf_counter
    try:
        for x in results:
            t0 = clock()
            writer.add(x)
            summary.write_seconds += clock() - t0
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(f"{summary.bytes / 1e6:.0f} MB, {len(summary.failed)} failed", refresh=False)
        t0 = clock()
        writer.flush()
        if bulk:
            if bar is not None:
                bar.set_description("copying")
            writer.finish()
        summary.write_seconds += clock() - t0
    except BaseException:
        if bulk:
            writer.loader.discard()
            writer.record_failures()
        raise
    finally:
        results.close()
        if bar is not None:
            bar.close()
    return summary


def _progress(total: int):
    from tqdm import tqdm

    # disable=None: no bar when stderr is not a terminal.
    return tqdm(total=total, unit="report", file=sys.stderr, disable=None, smoothing=0.1, dynamic_ncols=True)


def _safe_record_failure(store: GraphStore, src: str, problem: str) -> None:
    try:
        store.record_failure(src, problem, _now())
    except GovkgError:
        pass


def ingest_file(store: GraphStore, path: Path | str, force: bool = False) -> str:
    """Ingest one file; raises InputError for a bad one. Returns added/updated/unchanged."""
    taxonomy = load_taxonomy()
    store.write_taxonomy(taxonomy_rows(taxonomy))
    rec = extract_file(path, taxonomy)
    return store.write_report(report_rows(rec, ingested_at=_now()), force=force)

