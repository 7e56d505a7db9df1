"""`govkg export`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from govkg.cli import _open, store_options

@click.command()
@click.option("--format", "fmt", required=True, help="graphml, gexf, json, cytoscape, csv, cypher, neo4j-admin, xlsx")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Output file (or folder for csv).")
@click.option("--region", help="Only this region (name or adcode) and everything under it.")
@click.option("--year", type=int, multiple=True, help="Only reports of these years (repeatable).")
@store_options
def export(fmt, output, region, year, settings):
    """Export the graph (or a selection) for Gephi, networkx, Cytoscape, Excel or Neo4j.

    \b
    Example:
        govkg export --format graphml -o govkg.graphml
    """
    from graph.export import export_graph

    with _open(settings) as store:
        info = export_graph(store, fmt, output, region=region, years=list(year) or None)
    click.echo(info)


command = export
