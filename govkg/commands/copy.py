"""`govkg copy`: move a whole graph between the embedded store and Neo4j."""
from __future__ import annotations

from pathlib import Path

import click

from govkg.config import Settings
from govkg.errors import GovkgError


@click.command()
@click.option("--to", "to", required=True, type=click.Choice(["neo4j", "embedded"]),
              help="Destination store.")
@click.option("--from", "from_", type=click.Choice(["neo4j", "embedded"]),
              help="Source store (default: the other one).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), envvar="GOVKG_DB",
              help="The embedded database file on either side (default data/govkg.lbdb; env GOVKG_DB).")
@click.option("--replace", is_flag=True, help="Delete what the destination holds first.")
def copy(to, from_, db_path, replace):
    """Copy every node and edge from one store to the other; Neo4j comes from GOVKG_NEO4J_URI etc.

    The destination must be empty unless --replace is given. Counts are compared afterwards.

    \b
    Example:
        GOVKG_NEO4J_URI=bolt://localhost:7687 GOVKG_NEO4J_PASSWORD=… govkg copy --to neo4j
        govkg copy --to embedded --db /tmp/from-neo4j.lbdb
    """
    from graph.copy import copy_graph
    from graph.store import open_store

    from_ = from_ or ("embedded" if to == "neo4j" else "neo4j")
    if from_ == to:
        raise GovkgError(f"--from and --to are both {to}: name two different stores")
    src_settings = Settings.from_env(db_path=db_path, store=from_)
    dst_settings = Settings.from_env(db_path=db_path, store=to)
    if from_ == "embedded" and not Path(src_settings.db_path).exists():
        raise GovkgError(f"no database at {src_settings.db_path}: ingest first or give --db")
    with open_store(src_settings, read_only=from_ == "embedded") as src, open_store(dst_settings) as dst:
        click.echo(f"copying {src.describe()} → {dst.describe()}", err=True)
        summary = copy_graph(src, dst, replace=replace)
    click.echo(summary.line())
    click.echo("edges: " + ", ".join(f"{k} {v}" for k, v in summary.edges.items() if v))


command = copy
