"""`govkg ingest`."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from govkg.cli import _open, store_options


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Rewrite reports even when their text is unchanged.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Extraction processes (default 0: one per CPU core; 1: no worker processes).")
@click.option("--bulk", is_flag=True,
              help="Big first load into an EMPTY embedded store: Parquet files + COPY (refused on a non-empty store).")
@click.option("--batch", type=click.IntRange(min=1), default=200, show_default=True,
              help="New reports written per transaction.")
@click.option("--bulk-round", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="With --bulk: reports per round (each round is copied in by a writer process of its own).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Print a line per file.")
@store_options
def ingest(paths, force, jobs, bulk, batch, bulk_round, quiet, verbose, settings):
    """Extract report files and write them into the store; print what was added, updated and skipped.

    Extraction runs on every core (--jobs); one process writes, in batches. Each report is
    written all or nothing; a bad file is reported and skipped, and the command exits non-zero
    when any file failed. A progress bar (rate, ETA) shows on a terminal unless --quiet.

    \b
    Example:
        govkg ingest data/reports
        govkg ingest /data/national-2023 --db /data/kg.lbdb --bulk
    """
    from govkg.errors import GovkgError
    from ingest.load import default_jobs, ingest_paths

    if bulk and force:
        raise GovkgError("--bulk loads an empty store; --force has nothing to rewrite there")
    if bulk and settings.store != "embedded":
        raise GovkgError("--bulk loads only the embedded store; for Neo4j see `govkg export --format "
                         "neo4j-admin` (neo4j-admin database import) or ingest without --bulk")

    def on_file(src, status):
        if status.startswith("failed"):
            click.echo(f"govkg: {src}: {status.partition(': ')[2] or status}", err=True)
        elif verbose:
            click.echo(f"  {status:10} {src}")

    t0 = time.perf_counter()
    with _open(settings) as store:
        summary = ingest_paths(store, paths, force=force, on_file=on_file, jobs=jobs or default_jobs(),
                               bulk=bulk, progress=not quiet, batch=batch, bulk_round=bulk_round)
        prepared = _prepare_analytics(store) if summary.added or summary.updated else None
    dt = time.perf_counter() - t0
    n = len(summary.added) + len(summary.updated) + len(summary.unchanged) + len(summary.failed)
    click.echo(f"{settings.describe()}: {summary.line()}")
    if not quiet and n:
        click.echo(f"{n} files, {summary.bytes / 1e6:.1f} MB in {dt:.1f} s ({n / dt:.0f} reports/s)", err=True)
    if prepared and not quiet:
        click.echo(f"analytics cache {prepared[0]} written in {prepared[1]:.1f} s", err=True)
    if summary.failed:
        sys.exit(1)


def _prepare_analytics(store):
    """Scan the store once into the incidence cache file beside it (embedded store only), so that
    the first query and the app's first page after this ingest need not scan it. Returns (path,
    seconds), or None when the store keeps no such file or the scan could not be saved; a failure
    here costs a slower first query, never the ingest."""
    from queries.prepare import prepare

    t = time.perf_counter()
    try:
        path = prepare(store)  # in a process of its own for the embedded store
    except Exception as e:  # noqa: BLE001 - the reports are stored; say so and go on
        click.echo(f"govkg: the analytics cache was not prepared ({e.__class__.__name__}: {e}); "
                   "the first query will scan the store instead", err=True)
        return None
    return (path, time.perf_counter() - t) if path is not None and path.exists() else None


command = ingest
