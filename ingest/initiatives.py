"""Initiatives: locally branded programmes, mostly written in quotation marks (“塞上枫桥”)."""
from __future__ import annotations

import bisect
import re

from ingest.clean import Sentence, normalize
from ingest.records import Evidence, Initiative, MeasureMention, Section
from ingest.sections import section_at
from ingest.taxonomy import Taxonomy

QUOTED = re.compile(r"[“\"「『]([^”\"」』\n]{2,20})[”\"」』]")


def find_initiatives(view: str, text: str, sentences: list[Sentence], sections: list[Section],
                     measures: list[MeasureMention], taxonomy: Taxonomy) -> list[Initiative]:
    taxonomy_forms = {normalize(f) for m in taxonomy.measures for f in m.forms}
    stop = {normalize(s) for s in taxonomy.initiative_stoplist}
    sent_starts = [s.start for s in sentences]
    out: dict[str, Initiative] = {}
    for m in QUOTED.finditer(view):
        name = m.group(1).strip()
        key = normalize(name)
        if key in stop or key in taxonomy_forms or name in out:
            continue
        if re.fullmatch(r"[\d\W]+", key):
            continue
        si = max(0, bisect.bisect_right(sent_starts, m.start()) - 1)
        sent = sentences[si] if sentences else Sentence(0, m.start(), m.end())
        sec = section_at(sections, m.start())
        near = [mm for mm in measures for ev in mm.mentions if ev.sentence_id == sent.id]
        out[name] = Initiative(
            name=text[m.start(1):m.end(1)].strip(), measure=near[0].id if near else None,
            evidence=text[sent.start:sent.end],
            where=Evidence(sentence=text[sent.start:sent.end], start=m.start(1), end=m.end(1), sentence_id=sent.id,
                           section=sec.ordinal if sec else None, role=sec.role if sec else "other"),
        )
    return list(out.values())
