"""The graph model, declared once as data and used by both stores.

Every node has a string primary key `id`. LadybugDB needs typed tables, built from these
declarations (`ladybug_ddl`); Neo4j gets uniqueness constraints on `id` and indexes
(`neo4j_ddl`). Labels, relationship types and property names are identical on both stores.

Report-owned facts (sections, outcomes, problems and every edge leaving a report) are deleted
and rewritten whenever a report is re-ingested; shared nodes (jurisdictions, agencies, measures,
indicators, initiatives) are merged by id.
"""
from __future__ import annotations

# property name → LadybugDB type. Neo4j stores the same values untyped.
NODES: dict[str, dict[str, str]] = {
    "Jurisdiction": {"id": "STRING", "name": "STRING", "level": "STRING", "adcode": "STRING",
                     "province": "STRING", "city": "STRING", "county": "STRING"},
    "Agency": {"id": "STRING", "name": "STRING", "type": "STRING", "jurisdiction": "STRING"},
    "Report": {"id": "STRING", "title": "STRING", "kind": "STRING", "year": "INT64", "published": "STRING",
               "doc_number": "STRING", "source": "STRING", "content_hash": "STRING", "issuer": "STRING",
               "issuer_type": "STRING", "jurisdiction": "STRING", "level": "STRING", "province": "STRING",
               "synthetic": "BOOLEAN", "text_length": "INT64", "ingested_at": "STRING"},
    "Section": {"id": "STRING", "report": "STRING", "ordinal": "INT64", "heading": "STRING", "role": "STRING",
                "span_start": "INT64", "span_end": "INT64"},
    "Domain": {"id": "STRING", "name": "STRING"},
    "Measure": {"id": "STRING", "name": "STRING", "domain": "STRING", "aliases": "STRING",
                "in_taxonomy": "BOOLEAN"},
    "Initiative": {"id": "STRING", "name": "STRING"},
    "Indicator": {"id": "STRING", "name": "STRING", "kind": "STRING", "unit": "STRING"},
    "Outcome": {"id": "STRING", "report": "STRING", "indicator": "STRING", "value": "DOUBLE", "unit": "STRING",
                "kind": "STRING", "approx": "BOOLEAN", "is_target": "BOOLEAN", "direction": "STRING",
                "baseline": "DOUBLE", "measure": "STRING", "evidence": "STRING", "sentence": "STRING",
                "sentence_id": "INT64", "section": "INT64", "role": "STRING", "span_start": "INT64",
                "span_end": "INT64"},
    "Problem": {"id": "STRING", "report": "STRING", "text": "STRING", "sentence_id": "INT64", "section": "INT64",
                "span_start": "INT64", "span_end": "INT64"},
    # A researcher's correction of an extracted fact. Kept apart from extracted facts (no edges),
    # keyed by report and target, so re-ingesting a report never touches it.
    "Correction": {"id": "STRING", "report": "STRING", "target": "STRING", "action": "STRING",
                   "field": "STRING", "value": "STRING", "note": "STRING", "created": "STRING"},
    # A file that could not be ingested, and why (cleared when it later ingests).
    "IngestFailure": {"id": "STRING", "source": "STRING", "problem": "STRING", "at": "STRING"},
}

# MENTIONS.sentence_ids: the sentence numbers of the section that mention the measure, ascending,
# as text ("3,7,12"). Not a list property: LadybugDB 0.22 rewrites a list column of a hub's edges
# (every MENTIONS edge ends at one of ~100 measures) in time quadratic in their number at each
# checkpoint, which stalled bulk loads beyond ~20,000 reports; a string column costs a few seconds.


def join_ids(ids) -> str:
    """Sentence numbers as stored: ascending, distinct, comma-separated ("" for none)."""
    return ",".join(str(i) for i in sorted({int(i) for i in ids}))


def split_ids(value) -> list[int]:
    """Sentence numbers from a stored value: the text form, or a list (stores written before the
    text form); None or "" give []."""
    if value is None:
        return []
    if isinstance(value, str):
        return [int(x) for x in value.split(",") if x.strip()]
    return sorted(int(x) for x in value)


# Provenance carried by every fact edge that comes from a sentence.
_PROV = {"evidence": "STRING", "sentence_id": "INT64", "span_start": "INT64", "span_end": "INT64"}

# type → ([(from, to), …], properties)
RELS: dict[str, tuple[list[tuple[str, str]], dict[str, str]]] = {
    "PART_OF": ([("Jurisdiction", "Jurisdiction"), ("Measure", "Measure")], {}),
    "IN_DOMAIN": ([("Measure", "Domain")], {}),
    "BELONGS_TO": ([("Agency", "Jurisdiction")], {}),
    "ISSUED": ([("Agency", "Report")], {}),
    "COVERS": ([("Report", "Jurisdiction")], {}),
    "HAS_SECTION": ([("Report", "Section")], {}),
    # One edge per (report, measure, section): role, how often, and where.
    "MENTIONS": ([("Report", "Measure")], {"role": "STRING", "section": "INT64", "count": "INT64",
                                           "surface": "STRING", "sentence_ids": "STRING", **_PROV}),
    "PROMOTES": ([("Report", "Initiative")], {"role": "STRING", "section": "INT64", **_PROV}),
    "INSTANCE_OF": ([("Initiative", "Measure")], {}),
    "REPORTS": ([("Report", "Outcome")], {}),
    "MEASURES": ([("Outcome", "Indicator")], {}),
    "QUANTIFIES": ([("Outcome", "Measure")], {}),
    "RAISES": ([("Report", "Problem")], {}),
    "CONCERNS": ([("Problem", "Measure")], {}),
    "INVOLVES": ([("Report", "Agency")], {"role": "STRING", **_PROV}),
    "LEADS": ([("Agency", "Measure")], {"report": "STRING", "role": "STRING"}),
}

# Nodes owned by one report (deleted with it); the rest are shared and merged.
REPORT_OWNED = ("Section", "Outcome", "Problem")
SHARED_ORPHANS = ("Initiative", "Indicator", "Agency")  # removed when no report refers to them any more
REFERENCE = ("Domain", "Measure")  # the taxonomy, written once


# Relationships the embedded store keeps from their start node only (LadybugDB's
# storage_direction='fwd'). Each ends at one of ~100 measures, and LadybugDB keeps a relationship's
# backward lists per node group: with every measure in one group, each write rewrote the whole
# backward copy of these edges (MENTIONS with its evidence text), so a bulk load's time and memory
# grew with everything already stored (100,000 reports: 5.8 GB peak with both directions; see
# docs/scale.md for the figures without the backward copy). Plain MATCH patterns
# still run in both directions (LadybugDB joins from the start side); what LadybugDB refuses is a
# pattern it must walk backward from a bound measure: OPTIONAL MATCH, EXISTS { } or COUNT { } on
# `(...)-[:MENTIONS]->(m)` with m already matched, and undirected patterns over these edges.
# `graph.ladybug_store` explains that in its error message; Neo4j has no such limit.
FORWARD_ONLY = ("MENTIONS", "QUANTIFIES", "LEADS")


def ladybug_ddl() -> list[str]:
    stmts = []
    for label, props in NODES.items():
        cols = ", ".join(f"{p} {t}" for p, t in props.items())
        stmts.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({cols}, PRIMARY KEY(id))")
    for rel, (pairs, props) in RELS.items():
        ends = ", ".join(f"FROM {a} TO {b}" for a, b in pairs)
        cols = "".join(f", {p} {t}" for p, t in props.items())
        fwd = " WITH (storage_direction='fwd')" if rel in FORWARD_ONLY else ""
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {rel}({ends}{cols}){fwd}")
    return stmts


def neo4j_ddl() -> list[str]:
    stmts = [f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
             for label in NODES]
    stmts += [
        "CREATE INDEX report_year IF NOT EXISTS FOR (n:Report) ON (n.year)",
        "CREATE INDEX outcome_report IF NOT EXISTS FOR (n:Outcome) ON (n.report)",
        "CREATE INDEX section_report IF NOT EXISTS FOR (n:Section) ON (n.report)",
        "CREATE INDEX problem_report IF NOT EXISTS FOR (n:Problem) ON (n.report)",
        "CREATE INDEX correction_report IF NOT EXISTS FOR (n:Correction) ON (n.report)",
        "CREATE INDEX jurisdiction_name IF NOT EXISTS FOR (n:Jurisdiction) ON (n.name)",
    ]
    return stmts


def rel_endpoints(rel: str) -> list[tuple[str, str]]:
    return RELS[rel][0]
