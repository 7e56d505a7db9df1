"""Section structure: top-level headings (一、二、…) and the role of each section."""
from __future__ import annotations

import re

from ingest.records import Section

_CN_NUM = "一二三四五六七八九十"
# A top-level heading: 一、 / 二. / 三． at line start; also a damaged one whose numeral fell off (、存在…).
TOP_HEADING = re.compile(rf"^[ \t]*(?:[{_CN_NUM}]{{1,3}}|(?=、))[、.．]\s*\S")
SUB_HEADING = re.compile(rf"^[ \t]*(?:[(（][{_CN_NUM}]{{1,3}}[)）]|\d{{1,2}}[.．、]|[{_CN_NUM}]是)\s*\S")
# A short line with no sentence punctuation that names a part of the report (下一步工作思路).
_BARE_HEADING = re.compile(r"^[ \t]*(?:下一步|今后|明年|\d{4}年工作|存在的?(?:主要)?问题|问题和不足|主要(?:成效|做法))[^。；;，,]{0,20}$")

ROLE_RULES: list[tuple[str, re.Pattern]] = [
    ("problems", re.compile(r"问题|不足|短板|差距|薄弱|困难|原因")),
    ("plans", re.compile(r"下一步|今后|明年|计划|打算|思路|展望|安排|(?:20\d\d|二〇..)年(?:及.{0,12}期间)?(?:工作|重点|主要)|十四五|努力方向")),
    ("targets", re.compile(r"目标|指标|任务分工|措施分工|重点工作|主要任务")),
    ("other", re.compile(r"总体要求|指导思想|工作要求|保障措施|组织(?:领导|保障|实施)|基本原则")),
]


def heading_role(heading: str, kind: str = "annual_report") -> str:
    """The role of a top-level section from its heading (and the document kind as a fallback)."""
    for role, pat in ROLE_RULES:
        if role == "targets" and kind == "annual_report":
            continue
        if pat.search(heading):
            return role
    return "targets" if kind in ("implementation_plan", "work_points") else "achievements"


def find_sections(view: str, kind: str = "annual_report") -> list[Section]:
    """Top-level sections of the (normalised, debris-masked) text, each with its span and role."""
    starts: list[tuple[int, str]] = []
    pos = 0
    for line in view.splitlines(keepends=True):
        body = line.strip()
        if body and (TOP_HEADING.match(line) or (_BARE_HEADING.match(line) and len(body) <= 24)):
            heading = body.split("。")[0][:60]
            starts.append((pos + len(line) - len(line.lstrip()), heading))
        pos += len(line)
    sections: list[Section] = []
    for i, (start, heading) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(view)
        body = view[start:end]
        subs = [ln.strip()[:60] for ln in body.splitlines()[1:] if SUB_HEADING.match(ln)]
        sections.append(Section(heading=heading, role=heading_role(heading, kind), ordinal=i,
                                start=start, end=end, subsections=subs))
    return sections


def section_at(sections: list[Section], offset: int) -> Section | None:
    for s in sections:
        if s.start <= offset < s.end:
            return s
    return None
