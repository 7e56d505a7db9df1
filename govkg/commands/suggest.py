"""`govkg suggest`: terms that recur like measures but are not in the taxonomy; accept them into it."""
from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--top", type=click.IntRange(min=0), default=30, show_default=True,
              help="How many suggestions to print (0: all).")
@click.option("--min-docs", type=click.IntRange(min=1), default=2, show_default=True,
              help="Keep a term found in at least this many reports …")
@click.option("--min-count", type=click.IntRange(min=1), default=3, show_default=True,
              help="… or at least this many times in all.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--accept", "accept", metavar="TERM", help="Write TERM into the taxonomy instead of suggesting.")
@click.option("--measure-id", help="With --accept: add TERM as an alias of this measure (or use this id for a new one).")
@click.option("--name", help="With --accept: canonical name of a new measure (default: TERM).")
@click.option("--domain", help='With --accept: domain of a new measure, e.g. "D4 行政执法".')
@click.option("--parent", help="With --accept: parent measure id of a new measure.")
@click.option("--taxonomy", "taxonomy_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Taxonomy folder (default data/taxonomy).")
def suggest(paths, top, min_docs, min_count, fmt, accept, measure_id, name, domain, parent, taxonomy_dir):
    """Suggest measure terms that recur in reports but are not in the taxonomy, or accept one.

    Each suggestion shows how many reports use it, how often, where it comes from (a phrase
    ending in a measure word such as 制度/机制/审查, a TF-IDF keyword, or a quoted term) and an
    example sentence. Accepted terms are appended to measures.tsv: as an alias of an existing
    measure (--measure-id) or as a new measure (--domain, optionally --name and --parent).

    \b
    Example:
        govkg suggest data/reports --top 20
        govkg suggest --accept 律师调解制度 --domain "D6 矛盾纠纷化解"
        govkg suggest --accept 诉源治理 --measure-id M85
    """
    from govkg.errors import GovkgError
    from ingest.suggest import accept_term, suggest_terms

    if accept:
        new_id = accept_term(accept, measure_id=measure_id, name=name, domain=domain, parent=parent,
                             folder=taxonomy_dir)
        click.echo(f"{accept} → {new_id} in {(taxonomy_dir or Path('data/taxonomy')) / 'measures.tsv'}")
        return
    if not paths:
        raise GovkgError("give report files or folders to read (govkg suggest data/reports), or --accept TERM")
    from ingest.readers import iter_report_files, read_document
    from ingest.taxonomy import load_taxonomy

    docs = []
    for path in iter_report_files(paths):
        try:
            docs.append(read_document(path))
        except GovkgError as e:
            click.echo(f"  skipped {e}", err=True)
    found = suggest_terms(docs, load_taxonomy(taxonomy_dir), top=top, min_docs=min_docs, min_count=min_count)
    if fmt == "json":
        click.echo(json.dumps([s.to_dict() for s in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(f"no candidates in {len(docs)} reports (try --min-docs 1 --min-count 2)")
        return
    click.echo(f"{'term':<16} {'docs':>4} {'count':>5}  {'source':<8} example")
    for s in found:
        example = s.examples[0] if s.examples else ""
        click.echo(f"{s.term:<16} {s.docs:>4} {s.count:>5}  {s.source:<8} {example[:70]}")


command = suggest
