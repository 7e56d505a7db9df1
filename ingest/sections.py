"""Section structure: the heading tree (一、 / (一) / 1. / 一是) and the role of each top-level section.

Real pages damage the numbering: a numeral falls off (、存在的主要问题), a bracket is left empty
(（）指导思想), half a bracket survives (一）强化组织保障), a heading loses its number altogether
(下一步工作思路), or runs into its first paragraph (（一）依法全面履行政府职能一是深化…). Headings
are therefore recognised by their shape, level by level, and a top-level heading whose numeral
is missing is still one when it reads like one.

Roles come from the heading's words. A year in a heading is read against the year the report is
about: 2020年主要负责人履行职责情况 in a report on 2020 is an achievement, 2021年工作计划 a plan.
"""
from __future__ import annotations

import re

from ingest.records import Section

_CN_NUM = "一二三四五六七八九十"
_N = rf"[{_CN_NUM}]{{1,3}}"

# Level 1: 一、 / 二. / 三． / 第一部分 / a numeral fallen off (、存在…) / 一 存在的问题 (short line).
TOP_HEADING = re.compile(
    rf"^[ \t]*(?:(?:{_N}|(?=、))[、.．]\s*\S|第{_N}(?:部分|章|篇)|{_N}[ \t]+\S[^。；;，,]{{1,24}}$)")
# Level 2: (一) and its damaged forms: () / 一) / a bare ) before a heading.
LEVEL2 = re.compile(rf"^[ \t]*(?:[(（]\s*(?:{_N})?\s*[)）]|{_N}[)）]|[)）](?=[\u4e00-\u9fff]))\s*\S")
# Level 3: 1. / 1、 / (1) / ①.
LEVEL3 = re.compile(r"^[ \t]*(?:\d{1,2}[.．、](?!\d)|[(（]\d{1,2}[)）]|[①-⑳])\s*\S")
# Level 4: 一是 / 二是 (may also run inside a paragraph; only counted at a line start here).
LEVEL4 = re.compile(rf"^[ \t]*{_N}是\S")
SUB_HEADING = re.compile("|".join(p.pattern for p in (LEVEL2, LEVEL3, LEVEL4)))

# A short line with no sentence punctuation that names a part of the report (下一步工作思路).
_BARE_HEADING = re.compile(
    r"^[ \t]*(?:下一步|下步|今后|明年|来年|(?:19|20)\d\d年(?:工作)?(?:计划|打算|思路|安排|重点)|"
    r"存在的?(?:主要)?(?:问题|不足|困难)|(?:主要)?问题(?:和|与|及)(?:不足|困难|短板)|"
    r"主要(?:成效|做法|工作|举措)|工作(?:计划|打算|思路|措施))[^。；;，,:：]{0,20}$")

_PROBLEMS_STRONG = re.compile(
    r"存在的?(?:主要|突出)?(?:问题|不足|困难|短板|差距)|问题(?:和|与|及|、)(?:不足|短板|差距|困难|原因|挑战)|"
    r"不足(?:和|与|及|之处)|(?:短板|差距|薄弱环节|困难和问题|问题和困难)(?:和|与|及|$)|不足$|问题$|差距$|短板$")
_PROBLEMS_WEAK = re.compile(r"问题|不足|短板|差距|薄弱|困难")
_PROBLEMS_NOT = re.compile(r"解决|化解|整改|破解|聚焦|导向|回应|治理|排查")
_PLANS = re.compile(
    r"下一步|下步|今后|明年|来年|打算|思路|展望|努力方向|(?:工作|主要|重点)(?:计划|安排|设想)|计划|十[四五六]五|"
    r"(?:19|20)\d\d年(?:及.{0,12}期间)?(?:工作|重点|主要|的?工作)")
_TARGETS = re.compile(r"目标|指标|任务分工|措施分工|重点工作|主要任务|重点任务|工作任务|具体措施")
_OTHER = re.compile(r"总体要求|指导思想|工作要求|保障措施|组织(?:领导|保障|实施)|基本原则|实施步骤|工作步骤|"
                    r"进度安排|时间安排|工作机制|有关要求|其他事项|其他需要报告|其他情况|附件")
_YEAR = re.compile(r"((?:19|20)\d\d)年")


def heading_role(heading: str, kind: str = "annual_report", year: int | None = None) -> str:
    """The role of a top-level section from its heading (the document kind and year as context)."""
    h = re.sub(r"^[ \t]*(?:[一二三四五六七八九十]{1,3}|第[一二三四五六七八九十]{1,3}(?:部分|章|篇))?[、.．]?\s*", "", heading)
    plan_doc = kind in ("implementation_plan", "work_points")
    if _OTHER.search(h) and not _TARGETS.search(h):
        return "other"
    fixing = _PROBLEMS_NOT.search(h) and not re.search(r"存在的?(?:主要|突出)?(?:问题|不足|困难|短板)", h)
    if not fixing and (_PROBLEMS_STRONG.search(h) or (_PROBLEMS_WEAK.search(h) and len(h) <= 16)):
        return "problems"
    years = [int(y) for y in _YEAR.findall(h)]
    if year and years:
        if any(y > year for y in years):
            return "targets" if plan_doc else "plans"
        if all(y <= year for y in years) and not re.search(r"下一步|下步|今后|明年|打算|思路|展望|计划|十[四五六]五", h):
            return "targets" if plan_doc else "achievements"
    if plan_doc:
        return "targets"
    if _PLANS.search(h):
        return "plans"
    return "achievements"


def _heading_text(line: str, top: bool = False) -> str:
    """A heading as written, cut where a heading run into its paragraph starts the paragraph."""
    s = line.strip()
    s = re.split(r"[。；;!！?？]", s, maxsplit=1)[0]
    # (一)依法全面履行政府职能,服务效能进一步加强一是深化… → cut before the run-in 一是.
    m = re.search(r"(?<=[\u4e00-\u9fff])[一二三四五六七八九十]是|[(（]一[)）]|[(（]1[)）]", s[4:])
    if m:
        s = s[:4 + m.start()]
    # 一、强化组织领导 区政府高度重视法治政府建设… → the heading ends at the gap.
    gap = re.search(r"(?<=[\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])", s)
    if gap and len(s) - gap.end() >= 10:
        s = s[:gap.start()]
    if not top and len(s) > 40:  # no full stop after a run-in heading: its first clause is the heading
        cut = re.search(r"[，,:：]", s[8:])
        s = s[:8 + cut.start()] if cut else s
    return s[:60].rstrip("，,:： ")


def _numeral(heading: str) -> int | None:
    m = re.match(rf"^[ \t]*(?:第)?([{_CN_NUM}]{{1,3}})", heading)
    if not m:
        return None
    t = m.group(1)
    digits = {c: i + 1 for i, c in enumerate(_CN_NUM)}
    if "十" in t:
        tens, _, ones = t.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(t[0])


def _line_starts(view: str, pattern: re.Pattern, bare: bool = False) -> list[tuple[int, str]]:
    starts: list[tuple[int, str]] = []
    pos = 0
    for line in view.splitlines(keepends=True):
        body = line.strip()
        if body and (pattern.match(line) or (bare and len(body) <= 24 and _BARE_HEADING.match(line))):
            starts.append((pos + len(line) - len(line.lstrip()), _heading_text(line, top=bare)))
        pos += len(line)
    return starts


def _drop_restarts(starts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop numbered lines that restart the count (一、 after 三、): a list inside a section, not a heading."""
    out, last = [], 0
    for start, heading in starts:
        n = _numeral(heading)
        if n is not None and last and (n < last and n != 1 or n == 1 and last >= 3 and len(heading) > 30):
            continue
        if n is not None:
            last = n
        out.append((start, heading))
    return out


def _subsections(body: str) -> list[str]:
    """Headings one level below the top: the highest sub-level present in the section body."""
    lines = body.splitlines()[1:]
    for pat in (LEVEL2, LEVEL3, LEVEL4):
        found = [_heading_text(ln) for ln in lines if pat.match(ln)]
        if found:
            return found
    return []


def find_sections(view: str, kind: str = "annual_report", year: int | None = None) -> list[Section]:
    """Top-level sections of the (normalised, debris-masked) text, each with its span and role.

    Where the document has no 一、-level heading at all, its (一)-level headings are the top level."""
    starts = _drop_restarts(_line_starts(view, TOP_HEADING, bare=True))
    if starts:
        starts = sorted(starts + _unnumbered_headings(view, starts))
    else:
        starts = _line_starts(view, LEVEL2)
    starts = _split_mixed(view, starts, kind, year)
    sections: list[Section] = []
    for i, (start, heading) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(view)
        sections.append(Section(heading=heading, role=heading_role(heading, kind, year), ordinal=i,
                                start=start, end=end, subsections=_subsections(view[start:end])))
    return sections


_SHORT_LINE = re.compile(r"^[ \t]*[\u4e00-\u9fff“”\"]{2,15}[ \t]*$")
_FIRST_SUB = re.compile(r"^[ \t]*(?:[(（]\s*(?:一)?\s*[)）]|一[)）])")


def _unnumbered_headings(view: str, starts: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Top-level headings that lost their numeral and 、 both (工作要求 between 二、… and the end).

    After the first numbered heading, a short line of words alone, directly followed by a first
    sub-heading ((一)), opens a new top-level section."""
    known = {start for start, _ in starts}
    out = []
    lines = view.splitlines(keepends=True)
    pos = 0
    offsets = []
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    for i, line in enumerate(lines):
        start = offsets[i] + len(line) - len(line.lstrip())
        if start <= starts[0][0] or start in known or not _SHORT_LINE.match(line):
            continue
        nxt = next((ln for ln in lines[i + 1:i + 4] if ln.strip()), "")
        if _FIRST_SUB.match(nxt):
            out.append((start, line.strip()))
    return out


_PLAN_LINE = re.compile(r"^[ \t]*(?:[(（]?[一二三四五六七八九十]{0,3}[)）、]?\s*)?(?:下一步|下步|今后|明年|来年|(?:19|20)\d\d年工作)")


def _split_mixed(view: str, starts: list[tuple[int, str]], kind: str, year: int | None) -> list[tuple[int, str]]:
    """Split a section headed as both problems and plans (存在的问题及下一步打算) where its plans begin."""
    out = []
    for i, (start, heading) in enumerate(starts):
        out.append((start, heading))
        h = heading
        if not (_PROBLEMS_WEAK.search(h) and re.search(r"下一步|下步|今后|打算|计划|思路|措施|努力方向", h)):
            continue
        end = starts[i + 1][0] if i + 1 < len(starts) else len(view)
        pos = start + len(view[start:end].split("\n", 1)[0]) + 1
        for line in view[pos:end].splitlines(keepends=True):
            if _PLAN_LINE.match(line):
                out.append((pos + len(line) - len(line.lstrip()), _heading_text(line)))
                break
            pos += len(line)
    return out


def section_at(sections: list[Section], offset: int) -> Section | None:
    for s in sections:
        if s.start <= offset < s.end:
            return s
    return None
