"""Agencies named in a report: lead/responsible/supporting units in plans, named actors elsewhere.

Plans close each task with the units that carry it out (牵头单位：区委编办、司法局 / 责任单位：各有关
部门); those units are linked to the measures named in the task they close — the text between the
previous unit list (or the task's heading) and this one. Elsewhere agencies are actors: a body of
the report's own region named by its level (区委, 县政府, 区司法局, 蕉城区人民法院). An actor
written as leading a piece of work (由区司法局牵头) is a lead for the measures of that sentence.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from ingest.clean import Sentence, as_units, iter_units
from ingest.records import AgencyLink, Evidence, Jurisdiction, MeasureMention

_UNIT_LIST = re.compile(
    r"(牵头单位|责任单位|配合单位|协办单位|参与单位|牵头部门|责任部门|配合部门|协办部门|主责单位|主责部门)\s*[:：]\s*"
    r"([^\n。；;]{1,200})")
_ROLE = {"牵头": "lead", "主责": "lead", "责任": "responsible", "配合": "support", "协办": "support", "参与": "support"}
_SPLIT = re.compile(r"[、，,；;/\s]+")
_AND = re.compile(r"[和及与]")
_ORGAN_END = re.compile(r"(?:局|厅|委|办|部|院|所|股|中心|委员会|办公室|领导小组|小组|政府|人大|政协|党校|法院|检察院|"
                        r"纪委监委|分局|管委会|街道|镇|乡|队|站|机构|单位|部门)(?:[(（][^()（）]{1,6}[)）])?$")
_TRAILING = re.compile(r"(?:等(?:有关|相关)?(?:部门|单位)?|牵头|负责|配合)$")
_TASK_LEVELS = (
    re.compile(r"^[ \t]*(?:\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）])", re.M),
    re.compile(r"^[ \t]*(?:[(（]\d{1,2}[)）]|[一二三四五六七八九十]是)", re.M),
)
TASK_WINDOW = 1500  # a task is at most this long; beyond it the unit list has lost its task

# Bodies of the report's own region, named by level: 区委, 县政府, 市司法局, 自治区人大常委会 …
_LEVEL = r"(?:自治区|省|市|区|县|州|旗|盟|镇|乡)"
_LEVEL_CHARS = "自省市区县州旗盟镇乡"  # the characters a level word starts with
_INSTITUTIONS = ["党委", "委", "委员会", "委常委会", "人民政府", "政府", "政府办公室", "政府办公厅", "人大常委会", "人大",
                 "政协", "纪委监委", "纪委", "人民法院", "法院", "人民检察院", "检察院", "委党校", "党校", "委组织部",
                 "委宣传部", "委统战部", "委政法委", "委编办", "委依法治[区县市省州旗]办", "依法治[区县市省州旗]办",
                 "委全面依法治[区县市省州旗]委员会办公室", "委全面依法治[区县市省州旗]委员会", "委依法治[区县市省州旗]委员会"]
# Longest first: the regex alternation takes the first that matches (区委编办 before 区委).
_INSTITUTION = "(?:" + "|".join(sorted(_INSTITUTIONS, key=lambda s: -len(re.sub(r"\[[^]]*\]", "x", s)))) + ")"
_DEPARTMENT = r"[\u4e00-\u9fff]{1,9}?(?:局|厅|中心|委员会|领导小组|办公室)"
# Words that end in a level character but name no agency: 我区, 全县, 城市, 社区, 治区, 开发区 ….
_NOT_BEFORE = set("我全本各该两辖城地社街园山景片小治市郊新老库矿林牧灾试校营专政选省外跨镇乡村集家下上都超股发特边港湾区县州"
                  "分跨入出返回一二三四五六七八九十两几多")
_BAD_CORE = re.compile(r"[各的了是在为对将把等及或并向从于以被让给要也都就与更最已曾其这那些个项次年月日]|大局|格局|布局|全局|当局|开局|新局|"
                       r"大厅|展厅|餐厅")


def find_agencies(view: str, text: str, sentences: list[Sentence], measures: list[MeasureMention],
                  jurisdiction: Jurisdiction | None = None) -> list[AgencyLink]:
    """Unit lists of plans (lead/responsible/support) and named actors, each with where it was read."""
    sent_starts = [s.start for s in sentences]
    mention_starts = sorted((ev.start, mm.id) for mm in measures if mm.id for ev in mm.mentions)
    links: dict[tuple[str, str], AgencyLink] = {}

    def add(name: str, role: str, start: int, end: int, mids: list[str]) -> None:
        link = links.get((name, role))
        if link is None:  # the first place a unit is named is where it was read
            si = max(0, bisect.bisect_right(sent_starts, start) - 1)
            sent = sentences[si] if sentences else Sentence(0, start, end)
            link = links[(name, role)] = AgencyLink(
                name=name, role=role,
                where=Evidence(sentence=text[sent.start:sent.end], start=start, end=end, sentence_id=sent.id))
        for mid in mids:
            if mid not in link.measures:
                link.measures.append(mid)

    # 1. Unit lists. Consecutive lists (牵头单位… / 责任单位…) close the same task.
    prev_block_end = 0
    task_start = 0
    last_end = -1
    for m in _UNIT_LIST.finditer(view):
        if last_end < 0 or view[last_end:m.start()].strip():
            task_start = _task_start(view, prev_block_end, m.start())
        last_end = m.end()
        prev_block_end = m.end()
        i = bisect.bisect_left(mention_starts, (task_start, ""))
        near: list[str] = []
        for start, mid in mention_starts[i:]:
            if start >= m.start():
                break
            if mid not in near:
                near.append(mid)
        role = _ROLE[m.group(1)[:2]]
        for name, start, end in split_units(m.group(2), m.start(2)):
            add(name, role, start, end, near)

    # 2. Actors named elsewhere; "由X牵头" makes X a lead for the measures of its sentence. An actor
    # inside a unit list is that list's unit (actors do not overlap one another, so only the lists count).
    in_list = bytearray(len(view) + 1)
    for lk in links.values():
        if lk.where and lk.where.end > lk.where.start:
            in_list[lk.where.start:lk.where.end] = b"\x01" * (lk.where.end - lk.where.start)
    named = {k[0] for k in links}
    for name, start, end in find_actors(view, jurisdiction):
        if in_list[start]:
            continue
        if _LEADS.match(view, end, end + 6):
            si = max(0, bisect.bisect_right(sent_starts, start) - 1)
            sent = sentences[si] if sentences else Sentence(0, start, end)
            mids = []
            for s0, mid in mention_starts[bisect.bisect_left(mention_starts, (sent.start, "")):]:
                if s0 >= sent.end:
                    break
                if mid not in mids:
                    mids.append(mid)
            add(name, "lead", start, end, mids)
            named.add(name)
        elif name not in named:
            add(name, "actor", start, end, [])
            named.add(name)
    return list(links.values())


def _task_start(view: str, prev_end: int, list_start: int) -> int:
    """Where the task closed by a unit list begins.

    After the previous unit list and within a window: at the last task number (1. / 一、 / (一))
    before the list; the numbered points inside a task ((1) / 一是) only where there is none."""
    start = max(prev_end, list_start - TASK_WINDOW)
    for pat in _TASK_LEVELS:
        found = [m.start() for m in pat.finditer(view, start, list_start)]
        if found:
            return found[-1]
    return start


def split_units(value: str, offset: int) -> list[tuple[str, int, int]]:
    """Unit names in a list (区委编办、司法局，各镇(街)及财政局等部门) with their spans."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for part in _SPLIT.split(value):
        if not part:
            continue
        idx = value.find(part, pos)
        pos = idx + len(part)
        pieces = [part]
        # 司法局和财政局 is two units; 发展和改革局 is one: split at 和/及 only between two organ names.
        for m in _AND.finditer(part):
            left, right = part[:m.start()], part[m.end():]
            if _ORGAN_END.search(_TRAILING.sub("", left)) and _ORGAN_END.search(_TRAILING.sub("", right)):
                pieces = [left, right]
                break
        sub = idx
        for piece in pieces:
            j = value.find(piece, sub)
            sub = j + len(piece)
            name = _clean_unit(piece)
            if name:
                k = value.find(name, j)
                out.append((name, offset + k, offset + k + len(name)))
    return out


def _clean_unit(piece: str) -> str | None:
    name = _TRAILING.sub("", piece.strip())
    name = name.strip("：:。")
    # Keep balanced brackets (各镇(街)); drop a stray one.
    if name.count("(") + name.count("（") != name.count(")") + name.count("）"):
        name = name.strip("()（）")
    cjk = sum(1 for c in name if "\u4e00" <= c <= "\u9fff")
    return name if 2 <= len(name) <= 30 and cjk >= 2 else None


def _region_prefixes(jurisdiction: Jurisdiction | None) -> list[str]:
    names = []
    if jurisdiction:
        for n in (jurisdiction.county, jurisdiction.city, jurisdiction.province):
            if n:
                names.append(n)
    return sorted(set(names), key=len, reverse=True)


_MINISTRIES = ("司法|公安|商务|财政|民政|教育|生态环境|自然资源|住房和城乡建设|交通运输|水利|农业农村|文化和旅游|应急管理|"
               "国家安全|外交|国防|科学技术|工业和信息化|人力资源和社会保障|退役军人事务|审计")
# The lookahead (every character a national body can start with) lets the scan skip other places fast.
_NATIONAL_FIRST = "".join(sorted({w[0] for w in _MINISTRIES.split("|")} | set("国全中司局厅")))
_NATIONAL = re.compile(rf"(?=[{_NATIONAL_FIRST}])(?:国务院(?:办公厅)?|(?:{_MINISTRIES})部|(?:全国|中央)[\u4e00-\u9fff]{{1,6}}?办|"
                       rf"国家[\u4e00-\u9fff]{{1,8}}?(?:局|委员会)|(?:司法)?[局厅]党[委组])")
_AFTER_REGION = re.compile(rf"(?:{_INSTITUTION}|仲裁委员会|{_DEPARTMENT})")
# A body named by its level (区委, 县司法局, 中共市委); bodies named by the report's own region are
# found by `_own_region_actors`, so that no pattern is compiled per document.
_ORGAN = re.compile(rf"(?:{_INSTITUTION}|{_DEPARTMENT})")
_LEVEL_ACTOR = re.compile(rf"(?=[中{_LEVEL_CHARS}])(?:中共{_LEVEL}?|{_LEVEL})(?:{_INSTITUTION}|{_DEPARTMENT})")
_LEVEL_START = re.compile(rf"^{_LEVEL}")
_LEADS = re.compile(r"\s*(?:牵头|负责牵头|为牵头单位)")


@lru_cache(maxsize=1)
def _region_automaton():
    """Every region name cpca knows (and a city's name without 市), for bodies of other regions (锦江区司法局).

    Keys are the names' UTF-16 code units (`clean.as_units`): region names start with ~900
    different characters, and pyahocorasick looks a character up among a node's children one by one."""
    import ahocorasick
    import cpca

    auto = ahocorasick.Automaton()
    for a in cpca.ad_2_addr_dict.values():
        names = {a.name}
        if a.rank == 1 and a.name.endswith("市") and len(a.name) >= 3:
            names.add(a.name[:-1])
        for n in names:
            if len(n) >= 2:
                auto.add_word(as_units(n), n)
    auto.make_automaton()
    return auto


def _region_hits(view: str) -> list[tuple[int, str]]:
    """(end offset, name) of every region name in the view, by end; the longest first at one end."""
    return iter_units(_region_automaton(), view)


def _own_region_actors(view: str, regions: list[str]) -> list[tuple[int, int]]:
    """Spans where a name of the report's own region (longest first) is followed by an organ, by start."""
    starts = set()
    for r in regions:
        i = view.find(r)
        while i >= 0:
            starts.add(i)
            i = view.find(r, i + 1)
    out = []
    for p in sorted(starts):
        for r in regions:
            if view.startswith(r, p):
                m = _ORGAN.match(view, p + len(r))
                if m:
                    out.append((p, m.end()))
                    break
    return out


def _level_and_region_matches(view: str, regions: list[str]):
    """The matches of one pattern `(?:region names|中共LEVEL?|LEVEL)(?:institution|department)`, left
    to right and not overlapping, as a regex would find them; at one place a region name comes first."""
    own = _own_region_actors(view, regions) if regions else []
    k = 0
    pos = 0
    n = len(view)
    while pos <= n:
        m = _LEVEL_ACTOR.search(view, pos)
        while k < len(own) and own[k][0] < pos:
            k += 1
        if k < len(own) and (m is None or own[k][0] <= m.start()):
            start, end = own[k]
        elif m is not None:
            start, end = m.span()
        else:
            return
        yield start, end
        pos = end


def find_actors(view: str, jurisdiction: Jurisdiction | None = None) -> list[tuple[str, int, int]]:
    """Bodies named by their level (区委, 县政府, 区司法局), by a region (蕉城区人民法院, 锦江区司法局), or
    national ones (国务院, 司法部, 全国扫黑办), each with its span."""
    regions = _region_prefixes(jurisdiction)
    found: dict[int, tuple[str, int, int]] = {}
    inner = bytearray(len(view) + 1)  # 1 where a found body covers the place, its first character excepted

    def keep(name: str, start: int, end: int) -> None:
        found[start] = (name, start, end)
        if end - start > 1:
            inner[start + 1:end] = b"\x01" * (end - start - 1)

    for start, end in _level_and_region_matches(view, regions):
        name = view[start:end]
        prev = view[start - 1] if start else " "
        own = next((r for r in regions if name.startswith(r)), None)
        if prev in _NOT_BEFORE and own is None:
            continue
        core = name[len(own):] if own else name[2:] if name.startswith("中共") else name
        core = _LEVEL_START.sub("", core)
        if _BAD_CORE.search(core) or len(name) > 16:
            continue
        keep(name, start, end)
    # Bodies of any region, found through the region name (longest name ending at each place).
    for end, region in _region_hits(view):
        start = end - len(region) + 1
        if start in found or inner[start]:
            continue
        m = _AFTER_REGION.match(view, end + 1)
        if not m:
            continue
        prev = view[start - 1] if start else " "
        if len(region) <= 2 and "\u4e00" <= prev <= "\u9fff":
            continue  # a two-character name inside a word (治理县政府 is not 理县)
        if _BAD_CORE.search(m.group()) or len(m.group()) + len(region) > 16:
            continue
        keep(view[start:m.end()], start, m.end())
    for m in _NATIONAL.finditer(view):
        if not (m.start() in found or inner[m.start()]) and not _BAD_CORE.search(m.group()):
            keep(m.group(), m.start(), m.end())
    # Where two readings overlap, keep the longer.
    out: list[tuple[str, int, int]] = []
    for name, start, end in sorted(found.values(), key=lambda f: (f[1], -(f[2] - f[1]))):
        if out and start < out[-1][2]:
            if end - start > out[-1][2] - out[-1][1]:
                out[-1] = (name, start, end)
            continue
        out.append((name, start, end))
    return out
