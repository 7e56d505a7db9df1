"""`govkg ingest`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from govkg.cli import _open, store_options

@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Rewrite reports even when their text is unchanged.")
@click.option("-v", "--verbose", is_flag=True, help="Print a line per file.")
@store_options
def ingest(paths, force, verbose, settings):
    """Extract report files and write them into the store; print what was added, updated and skipped.

    Each report is written all or nothing; a bad file is reported and skipped, and the command
    exits non-zero when any file failed.

    \b
    Example:
        govkg ingest data/reports
    """
    from ingest.load import ingest_paths

    def on_file(src, status):
        if verbose or status.startswith("failed"):
            click.echo(f"  {status:10} {src}", err=status.startswith("failed"))

    with _open(settings) as store:
        summary = ingest_paths(store, paths, force=force, on_file=on_file)
    click.echo(f"{settings.describe()}: {summary.line()}")
    if summary.failed:
        sys.exit(1)


command = ingest
