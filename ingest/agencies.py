"""Agencies named in a report: lead/responsible/supporting units in plans, named actors elsewhere."""
from __future__ import annotations

import bisect
import re

from ingest.clean import Sentence
from ingest.records import AgencyLink, Evidence, MeasureMention

_UNIT_LIST = re.compile(r"(牵头单位|责任单位|配合单位|牵头部门|责任部门|配合部门)\s*[:：]\s*([^\n。；;]{1,200})")
_ROLE = {"牵头": "lead", "责任": "responsible", "配合": "support"}
_SPLIT = re.compile(r"[、，,及和/\s]+")


def find_agencies(view: str, text: str, sentences: list[Sentence],
                  measures: list[MeasureMention]) -> list[AgencyLink]:
    sent_starts = [s.start for s in sentences]
    links: dict[tuple[str, str], AgencyLink] = {}
    for m in _UNIT_LIST.finditer(view):
        role = _ROLE[m.group(1)[:2]]
        si = max(0, bisect.bisect_right(sent_starts, m.start()) - 1)
        sent = sentences[si] if sentences else Sentence(0, m.start(), m.end())
        # The measures of the task this unit list closes: those mentioned in the text just before it.
        window_start = max(0, m.start() - 300)
        near = sorted({mm.id for mm in measures if mm.id
                       for ev in mm.mentions if window_start <= ev.start < m.start()})
        pos = m.start(2)
        for part in _SPLIT.split(m.group(2)):
            name = part.strip("()（）")
            idx = view.find(part, pos)
            pos = idx + len(part) if idx >= 0 else pos
            if 2 <= len(name) <= 30:
                link = links.setdefault((name, role), AgencyLink(
                    name=name, role=role,
                    where=Evidence(sentence=text[sent.start:sent.end], start=max(idx, 0),
                                   end=max(idx, 0) + len(part), sentence_id=sent.id)))
                for mid in near:
                    if mid not in link.measures:
                        link.measures.append(mid)
    return list(links.values())
