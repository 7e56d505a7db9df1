"""Turn a `ReportRecord` (and the taxonomy) into the node and edge rows both stores write.

Both stores receive exactly the same rows, so both hold the same graph.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from graph.schema import NODES, RELS, join_ids
from ingest.records import ReportRecord
from ingest.taxonomy import Taxonomy

PROVINCE_ABBREV_FULL = {"北京市", "天津市", "上海市", "重庆市"}


@dataclass
class GraphRows:
    """Rows for one report: nodes by label, edges by (type, from label, to label).

    Edge rows carry `src` and `dst` (the ids of their ends) and the edge's properties.
    """

    report_id: str = ""
    content_hash: str = ""
    nodes: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    rels: dict[tuple[str, str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))

    def node(self, label: str, **props) -> dict:
        row = {p: props.get(p) for p in NODES[label]}
        unknown = set(props) - set(row)
        if unknown:
            raise ValueError(f"{label} has no properties {sorted(unknown)}")
        self.nodes[label].append(row)
        return row

    def rel(self, rel: str, a: str, b: str, src: str, dst: str, **props) -> dict:
        pairs, schema = RELS[rel]
        if (a, b) not in pairs:
            raise ValueError(f"{rel} does not connect {a} to {b}")
        row = {"src": src, "dst": dst, **{p: props.get(p) for p in schema}}
        self.rels[(rel, a, b)].append(row)
        return row

    def dedupe(self) -> "GraphRows":
        """One row per node id (last wins) and per edge identity."""
        for label, rows in self.nodes.items():
            self.nodes[label] = list({r["id"]: r for r in rows}.values())
        for key, rows in self.rels.items():
            seen = {}
            for r in rows:
                ident = (r["src"], r["dst"], r.get("section"), r.get("report"), r.get("role"))
                seen[ident] = r
            self.rels[key] = list(seen.values())
        return self

    def fact_count(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.rels.values()))


def jurisdiction_chain(j) -> list[tuple[str, str, str]]:
    """(adcode, name, level) from province down to the most specific level named."""
    if not j.adcode or not j.province:
        return []
    code = str(j.adcode)
    chain = [(code[:2] + "0000", j.province, "province")]
    if j.city:
        chain.append((code[:4] + "00", j.city, "city"))
    if j.county:
        chain.append((code, j.county, "county"))
    return chain


def agency_id(jurisdiction_code: str | None, name: str) -> str:
    return f"{jurisdiction_code or '000000'}:{name}"


def _agency_type(name: str) -> str:
    if name.endswith("人民政府") or name in ("区政府", "县政府", "市政府"):
        return "government"
    if "党委" in name or name.startswith(("中共", "区委", "县委", "市委")) or "依法治" in name:
        return "party_office"
    return "department"


def taxonomy_rows(taxonomy: Taxonomy) -> GraphRows:
    """Domains, measures and the measure hierarchy."""
    g = GraphRows()
    for did, name in taxonomy.domains().items():
        g.node("Domain", id=did, name=name)
    for m in taxonomy.measures:
        g.node("Measure", id=m.id, name=m.name, domain=m.domain_id, aliases="|".join(m.aliases), in_taxonomy=True)
        if m.domain_id:
            g.rel("IN_DOMAIN", "Measure", "Domain", m.id, m.domain_id)
        if m.parent:
            g.rel("PART_OF", "Measure", "Measure", m.id, m.parent)
    return g.dedupe()


def measure_key(mid: str | None, name: str) -> str:
    return mid or f"X:{name}"


def report_rows(rec: ReportRecord, ingested_at: str | None = None) -> GraphRows:
    """All rows one report contributes."""
    g = GraphRows(report_id=rec.doc, content_hash=rec.content_hash)
    rid = rec.doc
    chain = jurisdiction_chain(rec.jurisdiction)
    parent = None
    for code, name, level in chain:
        g.node("Jurisdiction", id=code, name=name, level=level, adcode=code,
               province=rec.jurisdiction.province,
               city=rec.jurisdiction.city if level in ("city", "county") else None,
               county=rec.jurisdiction.county if level == "county" else None)
        if parent:
            g.rel("PART_OF", "Jurisdiction", "Jurisdiction", code, parent)
        parent = code
    jcode = chain[-1][0] if chain else None
    g.node("Report", id=rid, title=rec.title, kind=rec.kind, year=rec.year, published=rec.published,
           doc_number=rec.doc_number, source=rec.source, content_hash=rec.content_hash, issuer=rec.issuer,
           issuer_type=rec.issuer_type, jurisdiction=jcode, level=chain[-1][2] if chain else None,
           province=rec.jurisdiction.province, synthetic=rec.synthetic, text_length=rec.text_length,
           ingested_at=ingested_at or datetime.now(timezone.utc).isoformat(timespec="seconds"))
    if jcode:
        g.rel("COVERS", "Report", "Jurisdiction", rid, jcode)

    def agency(name: str, type_: str | None = None) -> str:
        aid = agency_id(jcode, name)
        g.node("Agency", id=aid, name=name, type=type_ or _agency_type(name), jurisdiction=jcode)
        if jcode:
            g.rel("BELONGS_TO", "Agency", "Jurisdiction", aid, jcode)
        return aid

    if rec.issuer:
        g.rel("ISSUED", "Agency", "Report", agency(rec.issuer, rec.issuer_type), rid)

    for s in rec.sections:
        sid = f"{rid}#s{s.ordinal}"
        g.node("Section", id=sid, report=rid, ordinal=s.ordinal, heading=s.heading, role=s.role,
               span_start=s.start, span_end=s.end)
        g.rel("HAS_SECTION", "Report", "Section", rid, sid)

    for m in rec.measures:
        mkey = measure_key(m.id, m.name)
        if not m.id:
            g.node("Measure", id=mkey, name=m.name, domain=(m.domain or "").split(" ")[0] or None,
                   aliases="|".join(m.surface), in_taxonomy=False)
        by_section: dict[int, list] = defaultdict(list)
        for ev in m.mentions:
            by_section[-1 if ev.section is None else ev.section].append(ev)
        for section, evs in sorted(by_section.items()):
            first = evs[0]
            g.rel("MENTIONS", "Report", "Measure", rid, mkey, role=first.role, section=section, count=len(evs),
                  surface="|".join(m.surface),
                  sentence_ids=join_ids(ev.sentence_id for ev in evs), evidence=first.sentence,
                  sentence_id=first.sentence_id, span_start=first.start, span_end=first.end)

    for ini in rec.initiatives:
        g.node("Initiative", id=ini.name, name=ini.name)
        w = ini.where
        g.rel("PROMOTES", "Report", "Initiative", rid, ini.name, role=w.role if w else None,
              section=(w.section if w and w.section is not None else -1), evidence=ini.evidence,
              sentence_id=w.sentence_id if w else None, span_start=w.start if w else None,
              span_end=w.end if w else None)
        if ini.measure:
            g.rel("INSTANCE_OF", "Initiative", "Measure", ini.name, ini.measure)

    seen_spans: dict[tuple, int] = defaultdict(int)
    for o in rec.outcomes:
        w = o.where
        span = (w.start if w else 0, w.end if w else 0)
        k = seen_spans[span]
        seen_spans[span] += 1
        oid = f"{rid}#o{span[0]}-{span[1]}" + (f".{k}" if k else "")
        g.node("Outcome", id=oid, report=rid, indicator=o.indicator, value=float(o.value), unit=o.unit, kind=o.kind,
               approx=o.approx, is_target=o.is_target, direction=o.direction,
               baseline=None if o.baseline is None else float(o.baseline), measure=o.measure, evidence=o.evidence,
               sentence=w.sentence if w else None, sentence_id=w.sentence_id if w else None,
               section=(w.section if w and w.section is not None else -1), role=w.role if w else None,
               span_start=span[0], span_end=span[1])
        g.rel("REPORTS", "Report", "Outcome", rid, oid)
        g.node("Indicator", id=o.indicator, name=o.indicator, kind=o.kind, unit=o.unit)
        g.rel("MEASURES", "Outcome", "Indicator", oid, o.indicator)
        if o.measure:
            g.rel("QUANTIFIES", "Outcome", "Measure", oid, o.measure)

    for p in rec.problems:
        w = p.where
        pid = f"{rid}#p{w.start if w else len(g.nodes['Problem'])}"
        g.node("Problem", id=pid, report=rid, text=p.text, sentence_id=w.sentence_id if w else None,
               section=(w.section if w and w.section is not None else -1),
               span_start=w.start if w else None, span_end=w.end if w else None)
        g.rel("RAISES", "Report", "Problem", rid, pid)
        for mid in p.measures:
            g.rel("CONCERNS", "Problem", "Measure", pid, mid)

    for link in rec.agency_links:
        if link.name == rec.issuer:
            continue
        aid = agency(link.name)
        w = link.where
        g.rel("INVOLVES", "Report", "Agency", rid, aid, role=link.role, evidence=w.sentence if w else None,
              sentence_id=w.sentence_id if w else None, span_start=w.start if w else None,
              span_end=w.end if w else None)
        for mid in link.measures:
            g.rel("LEADS", "Agency", "Measure", aid, mid, report=rid, role=link.role)
    return g.dedupe()

