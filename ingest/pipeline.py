"""From a file to a `ReportRecord`: decode, prepare the matching view, then each stage in turn."""
from __future__ import annotations

from pathlib import Path

from ingest.agencies import find_agencies
from ingest.clean import mask_debris, normalize, split_sentences
from ingest.initiatives import find_initiatives
from ingest.measures import find_measures
from ingest.metadata import (document_kind, find_doc_number, find_issuer, find_published, find_title,
                             find_year, resolve_jurisdiction)
from ingest.outcomes import find_outcomes
from ingest.readers import read_document
from ingest.records import Document, ReportRecord
from ingest.sections import find_sections
from ingest.taxonomy import Taxonomy, load_taxonomy


def extract_file(path: Path | str, taxonomy: Taxonomy | None = None) -> ReportRecord:
    """Read and extract one report file. Raises `InputError` for a file that is not a readable report."""
    return extract_document(read_document(path), taxonomy)


def extract_document(doc: Document, taxonomy: Taxonomy | None = None) -> ReportRecord:
    """Extract every fact from a decoded document; offsets refer to `doc.text`."""
    taxonomy = taxonomy or load_taxonomy()
    text = doc.text
    view = mask_debris(normalize(text))
    lines = [ln for ln in view.splitlines() if ln.strip()]
    head = view[:4000]
    title_view = None if not lines else _title(lines)
    title = _original(text, view, title_view)
    kind = document_kind(title_view, head)
    jurisdiction = resolve_jurisdiction(title_view or "", head[:600])
    issuer, issuer_type = find_issuer(title_view, jurisdiction)
    sentences = split_sentences(view)
    sections = find_sections(view, kind)
    for s in sections:
        s.heading = _original(text, view, s.heading) or s.heading
    measures = find_measures(view, text, sentences, sections, taxonomy)
    outcomes = find_outcomes(view, text, sentences, sections, measures, kind)
    initiatives = find_initiatives(view, text, sentences, sections, measures, taxonomy)
    links = find_agencies(view, text, sentences, measures)
    return ReportRecord(
        doc=doc.doc, source=doc.source, content_hash=doc.content_hash, encoding=doc.encoding,
        text_length=len(text), title=title, kind=kind, jurisdiction=jurisdiction, issuer=issuer,
        issuer_type=issuer_type, year=find_year(title_view, head), published=find_published(head),
        doc_number=find_doc_number(head), synthetic="合成" in (title or "") or "[SYNTHETIC]" in head,
        sections=sections, measures=measures, initiatives=initiatives, outcomes=outcomes,
        agencies=list(dict.fromkeys(a.name for a in links)), agency_links=links,
    )


def _title(lines: list[str]) -> str | None:
    return find_title(lines)


def _original(text: str, view: str, fragment: str | None) -> str | None:
    """The original characters behind a fragment of the view (same offsets by construction)."""
    if not fragment:
        return fragment
    i = view.find(fragment)
    return text[i:i + len(fragment)] if i >= 0 else fragment
