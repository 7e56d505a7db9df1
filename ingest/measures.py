"""Measure mentions: taxonomy names and aliases found in the text, longest match first.

Matching runs with one Aho-Corasick automaton over a copy of the view with quotation marks and
title marks removed (行政执法“三项制度” and “八五”普法 then read as 三项制度, 八五普法); offsets
are mapped back to the original text. Each form is also matched in its 审查/审核 variant. Forms
whose meaning depends on their neighbours (合法性审查, 后评估, 智慧, 信访 …) are decided by the
context rules of the taxonomy (`data/taxonomy/context.tsv`).
"""
from __future__ import annotations

import bisect
import operator
import re
from functools import lru_cache

import ahocorasick

from ingest.clean import Sentence, as_units, iter_units, normalize
from ingest.records import Evidence, MeasureMention, Section
from ingest.sections import section_at
from ingest.taxonomy import ContextRule, Taxonomy

# Marks dropped before matching: quotes and title marks sit inside measure names as written.
_DROP = re.compile(r"[“”\"‘’'《》「」『』]")


_BY_START_LONGEST = operator.itemgetter(0, 4)  # (start, -length) of a hit


def _variants(form: str) -> set[str]:
    out = {form}
    if "审查" in form:
        out.add(form.replace("审查", "审核"))
    if "审核" in form:
        out.add(form.replace("审核", "审查"))
    return out


@lru_cache(maxsize=4096)
def _rule_key(form: str) -> str:
    return normalize(form).replace("审核", "审查")


@lru_cache(maxsize=4)
def _automaton(taxonomy: Taxonomy):
    auto = ahocorasick.Automaton()
    exact: dict[str, set[str]] = {}
    for m in taxonomy.measures:
        for form in m.forms:
            key = _DROP.sub("", normalize(form))
            if len(key) >= 2:
                exact.setdefault(key, set()).add(m.id)
    forms = {k: set(v) for k, v in exact.items()}
    for key, ids in exact.items():
        for variant in _variants(key):
            if variant not in exact:  # a variant never overrides a form of its own
                forms.setdefault(variant, set()).update(ids)
    rules = _rules(taxonomy)
    for key, ids in forms.items():
        # the value says whether context rules decide the form (most forms have none)
        auto.add_word(as_units(key), (key, tuple(sorted(ids)), bool(rules.get(_rule_key(key)))))  # see `clean.iter_units`
    auto.make_automaton()
    return auto


@lru_cache(maxsize=4)
def _rules(taxonomy: Taxonomy) -> dict[str, tuple[tuple[ContextRule, re.Pattern | None], ...]]:
    out: dict[str, list] = {}
    for r in taxonomy.context:
        out.setdefault(_rule_key(r.form), []).append((r, re.compile(r.pattern) if r.pattern else None))
    return {k: tuple(v) for k, v in out.items()}


def _compact(view: str) -> tuple[str, list[int]]:
    """The view without quotes and title marks, and the compact offsets at which a mark was dropped
    (so that compact offset c is view offset c + bisect_right(dropped, c))."""
    dropped = [m.start() - k for k, m in enumerate(_DROP.finditer(view))]
    if not dropped:
        return view, []
    return _DROP.sub("", view), dropped


def _decide(key: str, ids: tuple[str, ...], view: str, start: int, end: int, sent_start: int, sent_end: int,
            rules) -> tuple[str, ...]:
    """The measure ids a form stands for here, after the context rules for that form."""
    form_rules = rules.get(_rule_key(key))
    if not form_rules:
        return ids
    best, best_dist, default = None, None, None
    for rule, pat in form_rules:
        if pat is None:
            default = rule if default is None else default
            continue
        lo, hi = max(sent_start, start - rule.window), min(sent_end, end + rule.window)
        for m in pat.finditer(view, lo, hi):
            if m.start() >= start and m.end() <= end and not m.group().startswith(key[:2]):
                continue  # the form itself is no context
            dist = 0 if m.start() < end and start < m.end() else min(abs(m.end() - start), abs(m.start() - end))
            if best_dist is None or dist < best_dist:
                best, best_dist = rule, dist
    chosen = best or default
    if chosen is None:
        return ids
    return (chosen.measure,) if chosen.measure else ()


def find_measures(view: str, text: str, sentences: list[Sentence], sections: list[Section],
                  taxonomy: Taxonomy) -> list[MeasureMention]:
    """Every taxonomy measure in the view, with each occurrence's span, sentence and section role."""
    auto = _automaton(taxonomy)
    rules = _rules(taxonomy)
    compact, keep = _compact(view)
    hits = []
    for end, (key, ids, ruled) in iter_units(auto, compact):
        start = end - len(key) + 1
        if keep:
            s = start + bisect.bisect_right(keep, start)
            e = end + bisect.bisect_right(keep, end) + 1
            if view[e:e + 1] == "”" and view.count("“", s, e) > view.count("”", s, e):
                e += 1  # 行政执法“三项制度” keeps its closing quote
        else:
            s, e = start, end + 1
        hits.append((s, e, key, ids, -(e - s), ruled))
    # A match inside a longer one gives way (执法全过程记录 over 全过程记录); partial overlaps both stand
    # (重大行政决策|决策事项目录 in 重大行政决策事项目录).
    hits.sort(key=_BY_START_LONGEST)
    kept: list[tuple[int, int, str, tuple, int, bool]] = []
    max_end = -1
    for h in hits:  # every earlier hit starts no later: h is inside one of them iff it ends no later
        if h[1] > max_end:
            kept.append(h)
            max_end = h[1]
    by_id = taxonomy.by_id()
    sent_starts = [s.start for s in sentences]
    out: dict[str, MeasureMention] = {}
    sent_text: dict[int, str] = {}
    for start, end, key, ids, _, ruled in kept:
        si = max(0, bisect.bisect_right(sent_starts, start) - 1)
        sent = sentences[si] if sentences else Sentence(0, start, end)
        if ruled:
            ids = _decide(key, ids, view, start, end, sent.start, max(sent.end, end), rules)
        if not ids:
            continue
        sec = section_at(sections, start)
        role = sec.role if sec else "other"
        sentence = sent_text.get(sent.id)
        if sentence is None:
            sentence = sent_text[sent.id] = text[sent.start:sent.end]
        surface = text[start:end]
        for mid in ids:
            m = by_id.get(mid)
            if m is None:
                continue
            rec = out.get(mid)
            if rec is None:  # (setdefault would build a record for every mention)
                rec = out[mid] = MeasureMention(id=mid, name=m.name, domain=m.domain)
            if surface not in rec.surface:
                rec.surface.append(surface)
            if sec is not None and role not in rec.roles:
                rec.roles.append(role)
            if sentence not in rec.evidence and len(rec.evidence) < 5:
                rec.evidence.append(sentence)
            rec.mentions.append(Evidence(sentence=sentence, start=start, end=end, sentence_id=sent.id,
                                         section=sec.ordinal if sec else None, role=role))
    return sorted(out.values(), key=lambda m: (len(m.id or ""), m.id or ""))
