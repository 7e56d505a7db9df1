"""Measure mentions: taxonomy names and aliases found in the text, longest match first."""
from __future__ import annotations

from functools import lru_cache

import ahocorasick

from ingest.clean import Sentence, normalize
from ingest.records import Evidence, MeasureMention, Section
from ingest.sections import section_at
from ingest.taxonomy import Taxonomy


@lru_cache(maxsize=4)
def _automaton(taxonomy: Taxonomy):
    auto = ahocorasick.Automaton()
    forms: dict[str, set[str]] = {}
    for m in taxonomy.measures:
        for form in m.forms:
            key = normalize(form)
            if len(key) >= 2:
                forms.setdefault(key, set()).add(m.id)
    for key, ids in forms.items():
        auto.add_word(key, (key, tuple(sorted(ids))))
    auto.make_automaton()
    return auto


def find_measures(view: str, text: str, sentences: list[Sentence], sections: list[Section],
                  taxonomy: Taxonomy) -> list[MeasureMention]:
    """Every taxonomy measure in the view, with each occurrence's span, sentence and section role."""
    auto = _automaton(taxonomy)
    hits = []
    for end, (key, ids) in auto.iter(view):
        start = end - len(key) + 1
        hits.append((start, end + 1, ids))
    # Keep the longest match where matches overlap (执法全过程记录 over 全过程记录).
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept, last_end = [], -1
    for h in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
        if all(h[1] <= k[0] or h[0] >= k[1] for k in kept):
            kept.append(h)
    kept.sort()
    by_id = taxonomy.by_id()
    sent_starts = [s.start for s in sentences]
    import bisect

    out: dict[str, MeasureMention] = {}
    for start, end, ids in kept:
        si = max(0, bisect.bisect_right(sent_starts, start) - 1)
        sent = sentences[si] if sentences else Sentence(0, start, end)
        sec = section_at(sections, start)
        role = sec.role if sec else "other"
        for mid in ids:
            m = by_id[mid]
            rec = out.setdefault(mid, MeasureMention(id=mid, name=m.name, domain=m.domain))
            surface = text[start:end]
            if surface not in rec.surface:
                rec.surface.append(surface)
            if sec is not None and role not in rec.roles:
                rec.roles.append(role)
            sentence = text[sent.start:sent.end]
            if sentence not in rec.evidence and len(rec.evidence) < 5:
                rec.evidence.append(sentence)
            rec.mentions.append(Evidence(sentence=sentence, start=start, end=end, sentence_id=sent.id,
                                         section=sec.ordinal if sec else None, role=role))
    return sorted(out.values(), key=lambda m: (len(m.id or ""), m.id or ""))
