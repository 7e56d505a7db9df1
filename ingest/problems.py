"""Problems a report admits: the sentences of its problems sections (存在的问题/不足), one record each.

A problems section opens with a heading and often a lead-in that announces the list
(虽然取得了一些成绩，但还存在一些问题，主要是：); neither is a problem itself. What follows —
numbered sub-headings that state a weakness ((一)行政规范性文件监督管理有待进一步优化), 一是/二是
clauses and plain sentences — is kept sentence by sentence, with the measures named in it.
"""
from __future__ import annotations

import bisect
import re

from ingest.clean import Sentence
from ingest.records import Evidence, MeasureMention, Problem, Section

MAX_PROBLEMS = 60  # a problems section that runs on for pages has lost its end heading

_LEAD_IN = re.compile(r"(?:主要(?:表现|体现)?(?:在|为|是)?|如下|以下几个方面|几个方面)\s*[:：]?$|[:：]$")
_NUMBERING = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]{0,3}[)）、.．]|[一二三四五六七八九十]是|[①-⑳])\s*")


def find_problems(view: str, text: str, sentences: list[Sentence], sections: list[Section],
                  measures: list[MeasureMention]) -> list[Problem]:
    """One `Problem` per sentence of each problems section, with the measure ids mentioned in it."""
    by_sentence: dict[int, list[str]] = {}
    for m in measures:
        if not m.id:
            continue
        for ev in m.mentions:
            ids = by_sentence.setdefault(ev.sentence_id, [])
            if m.id not in ids:
                ids.append(m.id)
    starts = [s.start for s in sentences]
    out: list[Problem] = []
    for sec in sections:
        if sec.role != "problems":
            continue
        first = bisect.bisect_left(starts, sec.start)
        for sent in sentences[first + 1:]:  # the first sentence is the heading (二、存在的问题)
            if sent.start >= sec.end or len(out) >= MAX_PROBLEMS:
                break
            start = sent.start
            body = view[start:sent.end]
            lead = re.match(r"[^:：]{4,120}[:：]\s*", body)
            if lead and _LEAD_IN.search(lead.group().strip()) and not _states_problem(lead.group()[-40:]) \
                    and len(body) - lead.end() >= 6:
                start += lead.end()  # 虽然取得了一些成绩，但还存在一些问题，主要表现在：一是… → 一是…
                body = view[start:sent.end]
            core = _NUMBERING.sub("", body)
            if len(core) < 6 or _LEAD_IN.search(core.rstrip("。；;")) and not _states_problem(core[-40:]):
                continue
            out.append(Problem(
                text=text[start:sent.end].strip(),
                measures=list(by_sentence.get(sent.id, [])),
                where=Evidence(sentence=text[sent.start:sent.end], start=start, end=sent.end,
                               sentence_id=sent.id, section=sec.ordinal, role="problems"),
            ))
    return out


_WEAKNESS = re.compile(r"有待|不够|不到位|不强|不高|不平衡|不充分|不完善|不健全|不规范|滞后|欠缺|缺乏|较少|偏低|"
                       r"尚未|尚不|难以")


def _states_problem(s: str) -> bool:
    """A lead-in that names a weakness itself (干部法治意识有待加强：), not just that some exist."""
    if re.search(r"(?:存在|有)(?:一些|以下|如下|几个|不少)?(?:问题|不足|薄弱环节|短板)", s):
        return False
    return bool(_WEAKNESS.search(s))
