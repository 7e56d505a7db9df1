"""Initiatives: locally branded programmes (“塞上枫桥”, “1335工作模式”, 法润社区·司法同行行动).

Most are written in quotation marks, but so are slogans, principles, national programmes and the
names of accounts and columns. A quoted term is kept unless one of these general signals says it
is not a local programme:

- it is on the stop list (`data/taxonomy/initiative_stoplist.txt`: political formulas such as
  “四个意识”, national programmes, generic descriptors such as “一站式”);
- it is a national measure of the taxonomy (“放管服”, “网上办、掌上办”), unless brand words
  follow it (“普法学法微课堂”活动, “法律明白人”精准培养试点工程);
- its form is a slogan: responsibility principles (谁执法谁普法, 谁审批、谁监管), three or more
  parallel phrases, a clause with a comma, a question (好不好, 有没有), “互联网+X”, or one of a
  rhetorical pair (由“软任务”变成“硬指标”), or a call to 传播“好声音”;
- it names an account, column or medium (“宁夏法治”微信公众号, 等10个栏目), a place (新城,
  新区) or a title (全国法治政府建设示范区).

A formula in quotes takes the noun that follows it (“3+X”建设模式 → 3+X建设模式). Some names
are branded without quotes and are found by their shape: X·Y行动/活动, 百名律师进社区,
一人一档一专班, 四抓四促; and quotes lost in the page (法律知识有奖竞答”“宪法朗读者) are repaired.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from ingest.clean import Sentence, normalize
from ingest.records import Evidence, Initiative, MeasureMention, Section
from ingest.sections import section_at
from ingest.taxonomy import Taxonomy

QUOTED = re.compile(r"[“\"「『]([^”\"」』\n]{2,24})[”\"」』]")
_CN = "一二两三四五六七八九十百千"
_BRAND_AFTER = re.compile(r"^[”\"」』]?[\u4e00-\u9fff]{0,8}?(?:品牌|模式|工程|行动|活动|工作法|项目|计划|课堂|讲堂|工作室|"
                          r"服务队|讲师团|志愿队|示范点|专项督查|督查|机制|服务)")
_PROGRAMME_AFTER = re.compile(r"([\u4e00-\u9fff]{0,8}?(?:工程|项目|行动|计划|模式|专项督查|督查))")
_FORMULA = re.compile(r"[\dXx+＋]")
_MEDIA_AFTER = re.compile(r"^[”\"」』]?(?:[“”\"\u4e00-\u9fff]{0,12}?等\d*[个]?)?(?:微信公众号|公众号|抖音号|快手号|视频号|微博|"
                          r"客户端|APP|App|网站|栏目|专栏|频道|节目|头条号)")
_MEDIA_BEFORE = re.compile(r"(?:媒体|开通|关注|账号|平台)$")
_RHETORIC_BEFORE = re.compile(r"(?:传播|讲好|唱响|发出|汇聚|凝聚)[\u4e00-\u9fff]{0,4}$")
_NATIONAL_BRAND_AFTER = re.compile(r"[”\"」』](?:工作)?(?:品牌|活动|工程|项目|行动|计划|课堂|讲堂|工作室|工作法|系列)")
_PAIR = re.compile(r"[“\"][^”\"\n]{1,8}[”\"](?:变成|变为|转变为|转化为|成为|到)[“\"][^”\"\n]{1,8}[”\"]")
_QUESTION = re.compile(r"(.)不\1|有没有|是不是|能不能|会不会|行不行|对不对")
_PRINCIPLE = re.compile(r"^(?:谁[\u4e00-\u9fff]{1,3}[、,，]?){2,}$")
_PLACE_OR_TITLE = re.compile(r"(?:新城|新区|园区|开发区|示范区|示范县|示范市|示范村|示范社区|示范单位|先进集体|先进单位|称号|"
                             r"委员会|人民政府|办公室)$")
_LIST_SEP = re.compile(r"[、,，;；]")
# Unquoted names recognised by their shape.
_EVENT = re.compile(r"宣传月|宣传周|宣传日|开放日|活动月|服务月|服务周")
_UNQUOTED = [
    # 法润社区·司法同行行动, 助企抗疫·司法同行活动
    (re.compile(r"([\u4e00-\u9fff]{2,6}·[\u4e00-\u9fff]{2,6}?)(?=系列活动|专项行动|行动|活动|工程)"), "·"),
    # 百名律师进社区, 千名干部进万家
    (re.compile(r"((?:百|千|万)名[\u4e00-\u9fff]{1,4}进[\u4e00-\u9fff]{2})"), "名"),
    # 一人一档一专班
    (re.compile(r"(一[\u4e00-\u9fff]{1,2}一[\u4e00-\u9fff]{1,2}一[\u4e00-\u9fff]{1,2}?)(?=工作|制度|机制|措施|模式|[，,。；;、])"), "一"),
    # 四抓四促, 三查三看: the same numeral twice
    (re.compile(rf"(([{_CN}])[\u4e00-\u9fff]\2[\u4e00-\u9fff])(?![\u4e00-\u9fff]{{0,1}}[个项次名件])"), ""),
]
# Quotes lost in the page: 创新开展法律知识有奖竞答”“宪法朗读者等掌上普法活动.
_BROKEN_PAIR = re.compile(r"([\u4e00-\u9fff]{3,16})”“([\u4e00-\u9fff]{2,12}?)(?=等|的|和|、|活动|工作|[，,。；;])")
_BROKEN_TAIL = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?=等|的|和|、|活动|工作|[，,。；;])")  # _BROKEN_PAIR after ”“
_LEAD_VERBS = re.compile(r"^.*(?:开展|举办|推出|实施|打造|组织|推行|创新|启动|策划|推进|落实|做好|抓好|深化|深入|持续|积极)")


def find_initiatives(view: str, text: str, sentences: list[Sentence], sections: list[Section],
                     measures: list[MeasureMention], taxonomy: Taxonomy) -> list[Initiative]:
    """Locally branded initiatives in the view, each with its sentence, span and nearest measure."""
    national = _national_forms(taxonomy)
    stop = _stop_keys(taxonomy)
    sent_starts = [s.start for s in sentences]
    found: dict[str, tuple[str, int, int]] = {}  # key → (name, start, end)

    def add(name: str, start: int, end: int) -> None:
        key = _key(name)
        if key and key not in found and key not in stop:
            found[key] = (name, start, end)

    pair_spans = [(m.start(), m.end()) for m in _PAIR.finditer(view)] if "“" in view else []
    rhetorical = {a for a, _ in pair_spans} | {b for _, b in pair_spans}
    for m in QUOTED.finditer(view):
        inner = m.group(1).strip()
        key = _key(inner)
        after = view[m.end():m.end() + 24]
        before = view[max(0, m.start() - 10):m.start()]
        if not key or key in stop or any(a <= m.start() < b for a, b in pair_spans) or m.start() in rhetorical:
            continue
        if _MEDIA_AFTER.match(after) or _MEDIA_BEFORE.search(before) or _RHETORIC_BEFORE.search(before):
            continue
        formula = bool(_FORMULA.search(inner)) and not re.fullmatch(r"[\d.%]+", inner)
        is_national = key in national or key.replace("、", "") in national or \
            any(_key(p) in national for p in _LIST_SEP.split(inner) if p.strip())
        ext = _PROGRAMME_AFTER.match(view, m.end())
        if formula and ext and ext.group(1) and not _FORMULA.search(ext.group(1)):
            # “3+X”建设模式 → 3+X建设模式
            add(inner + ext.group(1), m.start(1), m.end() + len(ext.group(1)))
            continue
        if is_national:
            if ext and ext.group(1) and re.search(r"工程|项目|行动|计划", ext.group(1)):
                # “法律明白人”精准培养试点工程: the programme, not the national term
                add(view[m.start():m.end() + len(ext.group(1))], m.start(), m.end() + len(ext.group(1)))
            elif _NATIONAL_BRAND_AFTER.match(view, m.end() - 1) and len(key) >= 4 and not _is_slogan(inner) \
                    and not re.fullmatch(r"[\d\W]+", key):
                add(inner, m.start(1), m.end(1))
            continue
        if not _plausible(inner):
            continue
        add(inner, m.start(1), m.end(1))
    for head, head_end, tail, tail_start in _broken_pairs(view):
        first = _LEAD_VERBS.sub("", head)
        for name, start in ((first, head_end - len(first)), (tail, tail_start)):
            if len(name) >= 3 and _plausible(name) and _key(name) not in national:
                add(name, start, start + len(name))
    # 公共法律服务宣传月, 公共法律服务开放日: an event name of up to ten characters before the word
    floor = 0
    for m in _EVENT.finditer(view):
        j = m.start()
        while j > max(m.start() - 10, floor) and "\u4e00" <= view[j - 1] <= "\u9fff":
            j -= 1
        bare = _LEAD_VERBS.sub("", view[j:m.end()])
        start = m.end() - len(bare)
        floor = m.end()
        if len(bare) >= 6 and _key(bare) not in national and not _inside_quotes(view, start):
            add(bare, start, m.end())
    for pat, needle in _UNQUOTED:
        if needle and needle not in view:
            continue
        for m in pat.finditer(view):
            name = m.group(1)
            bare = _LEAD_VERBS.sub("", name)
            start = m.end(1) - len(bare)
            if len(bare) >= 4 and _key(bare) not in national and not _inside_quotes(view, start):
                add(bare, start, m.end(1))
    # A name found inside a longer one (一人一档 in 一人一档一专班) is part of it.
    spans = list(found.items())
    for key, (_, s0, e0) in spans:
        if any(k != key and s1 <= s0 and e0 <= e1 and (e1 - s1) > (e0 - s0) for k, (_, s1, e1) in spans):
            found.pop(key, None)

    by_sentence: dict[int, list[tuple[int, str]]] = {}
    for mm in measures:
        if mm.id:
            for ev in mm.mentions:
                by_sentence.setdefault(ev.sentence_id, []).append((ev.start, mm.id))
    out: list[Initiative] = []
    for name, start, end in sorted(found.values(), key=lambda v: v[1]):
        si = max(0, bisect.bisect_right(sent_starts, start) - 1)
        sent = sentences[si] if sentences else Sentence(0, start, end)
        sec = section_at(sections, start)
        near = by_sentence.get(sent.id, [])
        measure = min(near, key=lambda c: abs(c[0] - start))[1] if near else None
        sentence = text[sent.start:sent.end]
        out.append(Initiative(
            name=_original(text, view, name, start), measure=measure, evidence=sentence,
            where=Evidence(sentence=sentence, start=start, end=end, sentence_id=sent.id,
                           section=sec.ordinal if sec else None, role=sec.role if sec else "other"),
        ))
    return out


@lru_cache(maxsize=8192)
def _key(s: str) -> str:
    return normalize(s).strip().strip("“”\"'「」『』")


@lru_cache(maxsize=4)
def _national_forms(taxonomy: Taxonomy) -> frozenset[str]:
    forms = set()
    for m in taxonomy.measures:
        for f in m.forms:
            k = _key(f)
            forms.add(k)
            forms.add(k.replace("、", ""))
    return frozenset(forms)


@lru_cache(maxsize=4)
def _stop_keys(taxonomy: Taxonomy) -> frozenset[str]:
    return frozenset(_key(s) for s in taxonomy.initiative_stoplist)


# Campaigns (蓝天保卫战, 三大攻坚战) are national slogans.
_FORMULA_SLOGAN = re.compile(r"(?:保卫战|攻坚战|持久战|阻击战)$")


def _broken_pairs(view: str):
    """The matches of `_BROKEN_PAIR` as (group 1, its end, group 2, its start), found from each ”“
    rather than by trying the pattern at every Chinese character: group 1 is the run of up to 16
    Chinese characters right before the ”“ (from where the previous match ended), group 2 what
    `_BROKEN_TAIL` reads right after it."""
    pos = 0
    q = view.find("”“")
    while q >= 0:
        p = q
        while p > max(pos, q - 16) and "\u4e00" <= view[p - 1] <= "\u9fff":
            p -= 1
        tail = _BROKEN_TAIL.match(view, q + 2) if q - p >= 3 else None
        if tail:
            yield view[p:q], q, tail.group(1), tail.start(1)
            pos = tail.end()
        q = view.find("”“", max(q + 1, pos))


def _is_slogan(s: str) -> bool:
    parts = [p for p in _LIST_SEP.split(s) if p.strip()]
    return (len(parts) >= 3 or bool(_FORMULA_SLOGAN.search(s)) or bool(re.search(r"[,，;；]", s)) or bool(_PRINCIPLE.match(s))
            or bool(_QUESTION.search(s)) or s.startswith(("互联网+", "互联网＋")))


def _plausible(s: str) -> bool:
    """A quoted term that could name a local programme: not a slogan, place, title or single word."""
    k = _key(s)
    if len(re.sub(r"[、·\s]", "", k)) < 3 or re.fullmatch(r"[\d\W]+", k):
        return False
    return not _is_slogan(k) and not _PLACE_OR_TITLE.search(k) and not re.search(r"为(?:重点|核心|抓手|主线|载体|目标|契机)", k)


def _inside_quotes(view: str, pos: int) -> bool:
    left = view.rfind("“", max(0, pos - 24), pos)
    return left >= 0 and view.find("”", left, pos) < 0


def _original(text: str, view: str, name: str, start: int) -> str:
    """The name as written in the original text where the view and name line up."""
    if view[start:start + len(name)] == name:
        return text[start:start + len(name)]
    return name
