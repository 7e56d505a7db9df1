"""Outcomes: numbers that quantify work, results or targets, with value, unit, kind and indicator."""
from __future__ import annotations

import bisect
import re

from ingest.clean import Sentence
from ingest.records import Evidence, MeasureMention, Outcome, Section
from ingest.sections import section_at

_UNITS = ("个百分点|百分点|%|万元|亿元|元|件次|人次|件|项|个|次|人|名|家|场|起|宗|份|条|户|期|批|场次|所|支|万人|天|日|小时|篇|部|本|册|套|台|处")
NUMBER = re.compile(
    rf"(?P<pre>近|约|超过|逾)?(?P<num>\d+(?:\.\d+)?)(?P<mult>万|亿)?(?P<approx1>余|多)?(?P<unit>{_UNITS})(?P<approx2>以上|左右|多)?"
)
_CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?、\n（(）)]")
_TARGET_WORDS = re.compile(r"力争|确保|努力|达到.*以上|目标|争取|实现率达|不低于|提高到|提升至")
_CHANGE_WORDS = re.compile(r"同比|增长|下降|减少|压缩|提高|提升|降低|增加|缩短|上升")
_MULT = {"万": 1e4, "亿": 1e8}


def find_outcomes(view: str, text: str, sentences: list[Sentence], sections: list[Section],
                  measures: list[MeasureMention], kind: str = "annual_report") -> list[Outcome]:
    sent_starts = [s.start for s in sentences]
    out: list[Outcome] = []
    for m in NUMBER.finditer(view):
        start, end = m.start("num"), m.end()
        # Skip years, dates and numbers glued to names (12348热线, 2020年).
        before = view[max(0, start - 1):start]
        if before.isdigit() or before == "第":
            continue
        unit = m.group("unit")
        value = float(m.group("num")) * _MULT.get(m.group("mult") or "", 1)
        if unit in ("万元", "亿元"):
            value *= _MULT[unit[0]]
            unit = "元"
        elif unit == "万人":
            value *= 1e4
            unit = "人"
        elif unit in ("个百分点", "百分点"):
            unit = "pp"
        si = max(0, bisect.bisect_right(sent_starts, start) - 1)
        sent = sentences[si] if sentences else Sentence(0, 0, len(view))
        clause_start = sent.start
        for b in _CLAUSE_BREAK.finditer(view, sent.start, start):
            clause_start = b.end()
        clause_end = end
        nb = _CLAUSE_BREAK.search(view, end, sent.end)
        clause_end = nb.start() if nb else sent.end
        clause = text[clause_start:clause_end].strip()
        lead = view[clause_start:start]
        ind = re.sub(r"^(?:其中|全年|共|累计|全区|全县|全市|我区|我县)+", "", lead)
        ind = re.sub(r"(?:达到?|为|共计?|累计|约|近|超过|同比|增长|下降|减少|提高|提升)+$", "", ind).strip()
        is_change = bool(_CHANGE_WORDS.search(lead[-8:])) and unit in ("%", "pp")
        kind_ = "change" if is_change else ("rate" if unit in ("%", "pp") or "率" in ind else
                                              "money" if unit == "元" else "count")
        sec = section_at(sections, start)
        role = sec.role if sec else "other"
        approx = bool(m.group("pre") or m.group("approx1") or m.group("approx2"))
        is_target = role in ("plans", "targets") or bool(_TARGET_WORDS.search(view[sent.start:end]))
        out.append(Outcome(
            indicator=ind or clause[:20], value=value, unit=unit, kind=kind_, approx=approx, is_target=is_target,
            evidence=clause,
            where=Evidence(sentence=text[sent.start:sent.end], start=start, end=end, sentence_id=sent.id,
                           section=sec.ordinal if sec else None, role=role),
        ))
    _link_measures(out, measures)
    return out


def _link_measures(outcomes: list[Outcome], measures: list[MeasureMention]) -> None:
    """An outcome quantifies the measure mentioned nearest before it in the same sentence."""
    by_sentence: dict[int, list[tuple[int, str]]] = {}
    for mm in measures:
        for ev in mm.mentions:
            by_sentence.setdefault(ev.sentence_id, []).append((ev.start, mm.id))
    for o in outcomes:
        cands = [(s, mid) for s, mid in by_sentence.get(o.where.sentence_id, []) if s <= o.where.start]
        if cands:
            o.measure = max(cands)[1]
