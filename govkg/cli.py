"""The `govkg` command line: a thin layer over the library.

Every command opens the configured store (or none), calls library functions and prints the
result. Expected failures (`GovkgError`) become one line on stderr and a non-zero exit status.
"""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from govkg.config import Settings
from govkg.errors import GovkgError


def store_options(fn):
    """--db and --store, shared by every command that touches a store."""
    @click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar="GOVKG_DB",
                  help="Embedded database file (default data/govkg.lbdb; env GOVKG_DB).")
    @click.option("--store", "store", type=click.Choice(["embedded", "neo4j"]), envvar="GOVKG_STORE",
                  help="Which store: embedded (default) or neo4j (GOVKG_NEO4J_URI …).")
    @functools.wraps(fn)
    def wrapper(*args, db_path=None, store=None, **kwargs):
        kwargs["settings"] = Settings.from_env(db_path=db_path, store=store or None)
        return fn(*args, **kwargs)
    return wrapper


def _open(settings: Settings, read_only: bool = False):
    """Open the configured store. Read-only opens of the embedded file work while the app
    (or an ingest) holds it for writing."""
    from graph.store import open_store

    return open_store(settings, read_only=read_only)


class GovkgGroup(click.Group):
    """Turns expected failures into one clean line instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GovkgError as e:
            click.echo(f"govkg: {e}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("govkg: interrupted; every report written so far is complete", err=True)
            sys.exit(130)


@click.group(cls=GovkgGroup)
@click.version_option(package_name="govkg")
def cli():
    """govkg: a knowledge graph of rule-of-law measures in Chinese government reports.

    \b
    Example:
        govkg ingest data/reports && govkg query measure-indicator
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True)
def extract(paths, fmt):
    """Read report files (folders recursively) and print one record per document. No store is touched.

    \b
    Example:
        govkg extract data/reports --format jsonl > pred.jsonl
    """
    from ingest.pipeline import extract_file
    from ingest.readers import iter_report_files
    from ingest.taxonomy import load_taxonomy
    from govkg.errors import InputError

    taxonomy = load_taxonomy()
    records, failed = [], 0
    for path in iter_report_files(paths):
        try:
            rec = extract_file(path, taxonomy).to_output()
        except InputError as e:
            click.echo(f"govkg: {e}", err=True)
            failed += 1
            continue
        if fmt == "jsonl":
            click.echo(json.dumps(rec, ensure_ascii=False))
        else:
            records.append(rec)
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=1))
    if failed:
        sys.exit(1)


@cli.command()
@store_options
def status(settings):
    """Which store is configured, and how many nodes and edges of each type it holds.

    \b
    Example:
        govkg status --db /tmp/other.lbdb
    """
    with _open(settings, read_only=True) as store:
        counts = store.counts()
    click.echo(f"store: {settings.describe()}")
    click.echo("nodes: " + ", ".join(f"{k} {v}" for k, v in counts["nodes"].items()))
    click.echo("edges: " + ", ".join(f"{k} {v}" for k, v in counts["edges"].items()))


def parse_params(params) -> dict[str, str]:
    """`--param key=value` options as a dict; a malformed one is a one-line error."""
    parsed = {}
    for p in params:
        if "=" not in p:
            raise GovkgError(f"--param {p!r}: write it as key=value")
        k, v = p.split("=", 1)
        parsed[k.strip()] = v
    return parsed


def _print_table(table, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(table.records(), ensure_ascii=False, indent=1, default=str))
    elif fmt == "csv":
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(table.columns)
        w.writerows(table.rows)
    else:
        df = table.to_dataframe()
        click.echo(df.to_string(index=False) if len(df) else "(no rows)")
    if getattr(table, "truncated", False):
        click.echo("(result truncated at the row cap)", err=True)


@cli.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the catalog: name, parameters, description.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--cypher", help="Run a read-only Cypher query instead of a catalog query.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@store_options
def query(name, list_, params, cypher, fmt, settings):
    """Run a named catalog query (or read-only Cypher) and print the table.

    \b
    Example:
        govkg query --list
        govkg query measures --param min_reports=2 --format csv
    """
    from queries.catalog import all_queries, get_query, run_query

    if list_:
        for q in all_queries():
            click.echo(f"{q.name}\t{q.signature()}\t{q.description}")
        return
    parsed = parse_params(params)
    if name and not cypher:
        get_query(name)  # an unknown name is refused before any store is opened
    with _open(settings, read_only=True) as store:
        if cypher:
            table = store.read_untrusted(cypher, parsed or None)
        elif name:
            table = run_query(store, name, parsed)
        else:
            raise GovkgError("name a query (see `govkg query --list`) or give --cypher")
    _print_table(table, fmt)


@cli.command()
@click.option("--port", default=8501, show_default=True)
@click.option("--headless/--no-headless", default=True, show_default=True)
@store_options
def app(port, headless, settings):
    """Start the Streamlit app on the configured store and print its address.

    \b
    Example:
        govkg app --port 8502
    """
    import os
    import subprocess

    env = dict(os.environ, GOVKG_STORE=settings.store, GOVKG_DB=str(settings.db_path))
    entry = Path(__file__).resolve().parent.parent / "app.py"
    click.echo(f"govkg app on {settings.describe()}: open http://localhost:{port}")
    cmd = [sys.executable, "-m", "streamlit", "run", str(entry), "--server.port", str(port),
           "--server.headless", "true" if headless else "false", "--browser.gatherUsageStats", "false"]
    sys.exit(subprocess.call(cmd, env=env))


def _register_commands() -> None:
    """Each module in govkg/commands defines `command` (a click command); add them all."""
    import importlib
    import pkgutil

    import govkg.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"govkg.commands.{info.name}")
        cli.add_command(module.command)


_register_commands()


def main():
    cli(prog_name="govkg")


if __name__ == "__main__":
    main()
