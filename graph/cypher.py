"""Write statements built from the schema. The same text runs on LadybugDB and Neo4j 5.

Labels and property names spliced into the text come only from `graph.schema` (a closed set);
values always travel as parameters.
"""
from __future__ import annotations

from graph.schema import NODES, RELS, REPORT_OWNED, SHARED_ORPHANS

# Edges that several reports share: merged, never deleted with a report.
SHARED_RELS = {"PART_OF", "IN_DOMAIN", "BELONGS_TO", "INSTANCE_OF"}


def _check_label(label: str) -> None:
    if label not in NODES:
        raise ValueError(f"unknown node label {label!r}")


def _value(prop: str, typ: str, dialect: str) -> str:
    """`r.prop`, cast on LadybugDB where a batch of all-null values would be typed STRING."""
    if dialect == "ladybug" and typ != "STRING":
        return f"CAST(r.{prop} AS {typ})"
    return f"r.{prop}"


def upsert_nodes(label: str, dialect: str = "neo4j") -> str:
    """UNWIND $rows: merge each node by id and set every other property."""
    _check_label(label)
    sets = ", ".join(f"n.{p} = {_value(p, t, dialect)}" for p, t in NODES[label].items() if p != "id")
    return f"UNWIND $rows AS r MERGE (n:{label} {{id: r.id}})" + (f" SET {sets}" if sets else "")


def create_nodes(label: str, dialect: str = "neo4j") -> str:
    """UNWIND $rows: create each node. Only for nodes known to be new (a report's own facts,
    written after the report was deleted or when it is new): cheaper than MERGE on both stores."""
    _check_label(label)
    body = ", ".join(f"{p}: {_value(p, t, dialect)}" for p, t in NODES[label].items())
    return f"UNWIND $rows AS r CREATE (n:{label} {{{body}}})"


def write_rels(rel: str, a: str, b: str, dialect: str = "neo4j") -> str:
    """UNWIND $rows: connect src to dst; shared edges are merged, report-owned ones created."""
    if (a, b) not in RELS[rel][0]:
        raise ValueError(f"{rel} does not connect {a} to {b}")
    props = RELS[rel][1]
    head = f"UNWIND $rows AS r MATCH (a:{a} {{id: r.src}}) MATCH (b:{b} {{id: r.dst}}) "
    if rel in SHARED_RELS:
        return head + f"MERGE (a)-[e:{rel}]->(b)"
    body = ", ".join(f"{p}: {_value(p, t, dialect)}" for p, t in props.items())
    return head + f"CREATE (a)-[e:{rel}{' {' + body + '}' if body else ''}]->(b)"


def delete_report_statements() -> list[str]:
    """Remove one report ($id) and every fact it owns; shared nodes stay."""
    stmts = [f"MATCH (n:{label}) WHERE n.report = $id DETACH DELETE n" for label in REPORT_OWNED]
    stmts.append("MATCH (a:Agency)-[e:LEADS]->(m:Measure) WHERE e.report = $id DELETE e")
    stmts.append("MATCH (r:Report {id: $id}) DETACH DELETE r")
    return stmts


# Ids of shared nodes a report refers to; after a replace, those left without any report go.
ORPHAN_CANDIDATES = """
MATCH (r:Report {id: $id})
OPTIONAL MATCH (r)-[:PROMOTES]->(i:Initiative)
OPTIONAL MATCH (r)-[:REPORTS]->(:Outcome)-[:MEASURES]->(x:Indicator)
OPTIONAL MATCH (r)-[:INVOLVES]->(g:Agency)
OPTIONAL MATCH (g2:Agency)-[:ISSUED]->(r)
RETURN collect(DISTINCT i.id) AS initiatives, collect(DISTINCT x.id) AS indicators,
       collect(DISTINCT g.id) + collect(DISTINCT g2.id) AS agencies
"""

ORPHAN_DELETE = {
    "Initiative": "UNWIND $ids AS i MATCH (n:Initiative {id: i}) "
                  "WHERE NOT EXISTS { MATCH (n)<-[:PROMOTES]-(:Report) } DETACH DELETE n",
    "Indicator": "UNWIND $ids AS i MATCH (n:Indicator {id: i}) "
                 "WHERE NOT EXISTS { MATCH (n)<-[:MEASURES]-(:Outcome) } DETACH DELETE n",
    "Agency": "UNWIND $ids AS i MATCH (n:Agency {id: i}) "
              "WHERE NOT EXISTS { MATCH (n)-[:ISSUED]->(:Report) } AND NOT EXISTS { MATCH (n)<-[:INVOLVES]-(:Report) } "
              "DETACH DELETE n",
}
assert set(ORPHAN_DELETE) == set(SHARED_ORPHANS)

REPORT_HASH = "MATCH (r:Report {id: $id}) RETURN r.content_hash AS h"
REPORT_HASHES = "MATCH (r:Report) RETURN r.id AS id, r.content_hash AS h"
