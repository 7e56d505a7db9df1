"""From a file to a `ReportRecord`: decode, prepare the matching view, then each stage in turn."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from ingest.agencies import find_agencies
from ingest.clean import matching_views, split_sentences
from ingest.initiatives import find_initiatives
from ingest.measures import find_measures
from ingest.metadata import read_metadata
from ingest.outcomes import find_outcomes, fixed_terms_of
from ingest.problems import find_problems
from ingest.readers import read_document
from ingest.records import Document, ReportRecord
from ingest.sections import find_sections
from ingest.taxonomy import Taxonomy, load_taxonomy


def extract_file(path: Path | str, taxonomy: Taxonomy | None = None) -> ReportRecord:
    """Read and extract one report file. Raises `InputError` for a file that is not a readable report."""
    with _collector_paused():
        return extract_document(read_document(path), taxonomy)


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while one document is extracted.

    Extraction allocates tens of thousands of objects (records, matches, tuples) that stay alive
    until the record is returned and form no reference cycles, so the collector's passes during it
    free nothing, yet they cost ~7% of the extraction time (more when the caller holds many
    records). Collection resumes when the document is done (at the caller's next allocation)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def extract_document(doc: Document, taxonomy: Taxonomy | None = None) -> ReportRecord:
    """Extract every fact from a decoded document; offsets refer to `doc.text`."""
    with _collector_paused():
        return _extract(doc, taxonomy)


def _extract(doc: Document, taxonomy: Taxonomy | None) -> ReportRecord:
    taxonomy = taxonomy or load_taxonomy()
    text = doc.text
    normal, view = matching_views(text)
    meta = read_metadata(normal)
    title = _original(text, normal, meta.title)
    kind = meta.kind
    sentences = split_sentences(view)
    sections = find_sections(view, kind, meta.year)
    for s in sections:
        s.heading = _original(text, view, s.heading) or s.heading
        s.subsections = [_original(text, view, sub) or sub for sub in s.subsections]
    measures = find_measures(view, text, sentences, sections, taxonomy)
    outcomes = find_outcomes(view, text, sentences, sections, measures, kind,
                             fixed_terms=fixed_terms_of(taxonomy))
    initiatives = find_initiatives(view, text, sentences, sections, measures, taxonomy)
    links = find_agencies(view, text, sentences, measures, jurisdiction=meta.jurisdiction)
    problems = find_problems(view, text, sentences, sections, measures)
    warnings = [w for w, missing in (
        ("no region named: jurisdiction unknown", not meta.jurisdiction.adcode),
        ("no year found in the title or the opening of the text", meta.year is None),
        ("no issuing body found", meta.issuer is None),
        ("no numbered sections found: section roles unknown", not sections),
    ) if missing]
    return ReportRecord(
        doc=doc.doc, source=doc.source, content_hash=doc.content_hash, encoding=doc.encoding,
        text_length=len(text), title=title, kind=kind, jurisdiction=meta.jurisdiction, issuer=meta.issuer,
        issuer_type=meta.issuer_type, year=meta.year, published=meta.published, doc_number=meta.doc_number,
        synthetic="合成" in (title or "") or "[SYNTHETIC]" in view[:4000],
        sections=sections, measures=measures, initiatives=initiatives, outcomes=outcomes,
        agencies=list(dict.fromkeys(a.name for a in links)), agency_links=links, problems=problems,
        warnings=warnings,
    )


def _original(text: str, view: str, fragment: str | None) -> str | None:
    """The original characters behind a fragment of the view (same offsets by construction)."""
    if not fragment:
        return fragment
    i = view.find(fragment)
    return text[i:i + len(fragment)] if i >= 0 else fragment
