"""`govkg export`: the graph, a selection of it, or a query result, in other tools' formats."""
from __future__ import annotations

from pathlib import Path

import click

from govkg.cli import _open, parse_params, store_options
from govkg.errors import GovkgError

_GRAPH = "graphml, gexf, json (node-link), cytoscape, csv (folder), cypher, neo4j-admin (folder)"


@click.command()
@click.option("--format", "fmt", required=True, metavar="FORMAT",
              help=f"Graph: {_GRAPH}. Query result (--query/--cypher): csv, xlsx, json.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Output file; a folder for csv and neo4j-admin graph exports.")
@click.option("--region", help="Only this region (adcode or exact name) and everything under it.")
@click.option("--year", "years", type=int, multiple=True, help="Only reports of this year (repeatable).")
@click.option("--measure", "measures", multiple=True, help="Only facts about this measure (id or name; repeatable).")
@click.option("--indicator", "indicators", multiple=True, help="Only outcomes of this indicator (repeatable).")
@click.option("--report", "reports", multiple=True, help="Only this report (id; repeatable).")
@click.option("--node-type", "node_types", multiple=True,
              help="Keep only these node labels (repeatable or comma-separated, e.g. Report,Measure).")
@click.option("--around", metavar="ID", help="The k-hop neighbourhood of this node (Label:id or a unique id).")
@click.option("--hops", type=int, default=1, show_default=True, help="k for --around.")
@click.option("--query", "query_name", metavar="NAME", help="Export the result of this catalog query (a table).")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--cypher", help="Export the result of this read-only Cypher query (a table).")
@store_options
def export(fmt, output, region, years, measures, indicators, reports, node_types, around, hops, query_name,
           params, cypher, settings):
    """Export the graph, a selection of it, or a query result, for Gephi, yEd, networkx, igraph,
    Cytoscape, Excel or Neo4j. Filters combine; see docs/export.md.

    \b
    Examples:
        govkg export --format graphml -o govkg.graphml
        govkg export --format gexf -o ningxia.gexf --region 宁夏回族自治区 --year 2020
        govkg export --format json -o m01.json --around Measure:M01 --hops 2
        govkg export --format neo4j-admin -o neo4j-import/ && sh neo4j-import/import.sh
        govkg export --format xlsx -o reports.xlsx --query reports -p year=2021
    """
    from graph.export import export_graph, export_table, query_table

    table_mode = bool(query_name or cypher)
    graph_filters = region or years or measures or indicators or reports or node_types or around
    if table_mode and graph_filters:
        raise GovkgError("--query/--cypher export a table; the graph filters (--region, --year, …) do not apply")
    if params and not table_mode:
        raise GovkgError("--param goes with --query or --cypher")
    with _open(settings, read_only=True) as store:
        if table_mode:
            table = query_table(store, query=query_name, params=parse_params(params), cypher=cypher)
            result = export_table(table, fmt, output)
            if getattr(table, "truncated", False):
                click.echo("(result truncated at the row cap)", err=True)
        else:
            result = export_graph(store, fmt, output, region=region, years=list(years), measures=list(measures),
                                  indicators=list(indicators), reports=list(reports), node_types=list(node_types),
                                  around=around, hops=hops)
    click.echo(result.line())


command = export
