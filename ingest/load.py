"""Ingest: extract report files and write them into a store, one atomic write per report."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from govkg.errors import GovkgError, InputError
from graph.rows import report_rows, taxonomy_rows
from graph.store import GraphStore
from ingest.pipeline import extract_file
from ingest.readers import iter_report_files
from ingest.taxonomy import load_taxonomy


@dataclass
class IngestSummary:
    """What an ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, problem)
    facts: int = 0

    def line(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.failed)} failed ({self.facts} facts written)")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def ingest_paths(store: GraphStore, paths, *, force: bool = False,
                 on_file: Callable[[str, str], None] | None = None) -> IngestSummary:
    """Extract every report file under `paths` and write it to `store`.

    A bad file is recorded (in the summary and as an IngestFailure node) and the batch goes on;
    each report is written all or nothing, so an interrupted run can simply be repeated.

    Args:
        on_file: called with (file, outcome) after each file: added/updated/unchanged/failed: …
    """
    taxonomy = load_taxonomy()
    store.write_taxonomy(taxonomy_rows(taxonomy))
    summary = IngestSummary()
    for path in iter_report_files(paths):
        src = str(path)
        try:
            rec = extract_file(path, taxonomy)
            rows = report_rows(rec, ingested_at=_now())
            status = store.write_report(rows, force=force)
        except InputError as e:
            summary.failed.append((src, e.problem))
            _safe_record_failure(store, src, e.problem)
            if on_file:
                on_file(src, f"failed: {e.problem}")
            continue
        except GovkgError as e:
            summary.failed.append((src, str(e)))
            if on_file:
                on_file(src, f"failed: {e}")
            continue
        getattr(summary, status).append(src)
        if status != "unchanged":
            summary.facts += rows.fact_count()
        store.clear_failure(src)
        if on_file:
            on_file(src, status)
    return summary


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
