"""Report metadata: title, kind, jurisdiction (via cpca), issuer, year, publication date, doc number.

Everything here reads the normalised text (full-width forms folded, same length as the original)
*before* page debris is masked, because the page's own metadata lines (发布时间, 文号, 来源 …)
are what the masking removes from the body.

How Chinese government documents state these facts, and the order in which they are trusted:

- title: the first short line naming a report, plan or work points, with any field label
  (标题, 名称) removed; a covering notice (关于印发《X》的通知) stands for the document X it issues.
- issuer: the body named at the start of the title (宁夏司法厅2020年度… → 宁夏回族自治区司法厅),
  else the signature block (an organ name on a line followed by a date), else a labelled issuing
  body (发文机关), else the government of the region the title names (平罗县 → 平罗县人民政府).
- year: the year the document is about, from the title, else from the opening of the body
  (2020年，… / 2020年以来), else the year before publication for an annual report.
- published: a labelled publication date (发布时间, 发布日期) first, then a drafting date
  (成文日期, 生成日期), then the date under the signature.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from ingest.records import Jurisdiction

_TITLE_WORDS = re.compile(r"报告|实施方案|工作要点|方案|要点|计划|规划|总结|情况")
_TITLE_LABEL = re.compile(r"^(?:标\s*题|题\s*名|题\s*目|名\s*称|文件名称|文章标题|信息名称)\s*[:：]?\s*")
_NOT_TITLE_START = ("根据", "按照", "为", "现将", "经", "各", "附件", "内容概述", "摘要", "主题", "关键词", "索引",
                    "文号", "发布", "来源", "您", "当前", "首页", "(", "（", "《")
_COVER_NOTICE = re.compile(r"关于(?:印发|转发|下发|发布|公布)\s*[《<]?(.+?)[》>]?\s*的?通知$")
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-—]\s).{2,30}$")

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "0": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
_CN_YEAR = r"[二][〇○零O0一二三四五六七八九]{3}"
_YEAR_TOKEN = rf"((?:19|20)\d{{2}}|{_CN_YEAR})"
_YEAR = re.compile(_YEAR_TOKEN + r"\s*年(?:度)?")

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号")
_DOC_NUMBER_LABEL = re.compile(r"(?:发文字号|发文号|文\s*号|文件编号)\s*[:：]?\s*(" + DOC_NUMBER.pattern + ")")

_CN_MONTH_DAY = r"[一二三四五六七八九十]{1,3}"
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})(?!\d)\s*日?")
_CN_DATE = re.compile(rf"({_CN_YEAR})\s*年\s*({_CN_MONTH_DAY})\s*月\s*({_CN_MONTH_DAY})\s*日")
_PUBLISHED_LABELS = (
    re.compile(r"(?:发布|发表|公开|上网|更新)(?:时间|日期)\s*[:：]?\s*"),
    re.compile(r"(?:成文|印发|生成|发文|签发)(?:时间|日期)\s*[:：]?\s*"),
    re.compile(r"(?<![\u4e00-\u9fff])(?:时间|日期)\s*[:：]\s*"),
)
_ISSUER_LABEL = re.compile(r"(?:发文机关|发文单位|发文机构|成文机关|制发机关)\s*[:：]?\s*([\u4e00-\u9fff（）()]{3,40})")

# An organ name ends with one of these (longest first, so 委员会办公室 wins over 办公室).
_ORGAN_END = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|人民政府|委员会办公室|领导小组办公室|办公室|办公厅|委员会|管理委员会|"
    r"人民法院|人民检察院|政府|总局|分局|局|厅|委|办|院|中心|署|处|部)$")
_PARTY = re.compile(r"^中共|^中国共产党|党委|党组|纪委|(?:省|市|区|县|州|旗|盟)委(?!员)|依法治[省市区县州旗]")
_GOVERNMENT = re.compile(r"(?:人民政府|政府)(?:办公室|办公厅)?$")
_REGION_SUFFIX = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|自治县|省|市|州|盟|地区|县|区|旗)$")


@dataclass
class Metadata:
    """What the head (and signature) of a document says about it."""

    title: str | None
    kind: str
    jurisdiction: Jurisdiction
    issuer: str | None
    issuer_type: str | None
    year: int | None
    published: str | None
    doc_number: str | None


def read_metadata(view: str) -> Metadata:
    """All metadata of a document from its normalised (unmasked) text."""
    lines = [ln.strip() for ln in view.splitlines() if ln.strip()]
    title = find_title(lines)
    head = view[:4000]
    kind = document_kind(title, head)
    signature = find_signature(lines)
    labelled = _labelled_issuer(head) or _notice_issuer(lines)
    jurisdiction = resolve_jurisdiction(title or "", signature or "", labelled or "", head[:800], context=head)
    issuer, issuer_type = find_issuer(title, jurisdiction, signature=signature, labelled=labelled)
    published = find_published(view)
    year = find_year(title, view, kind=kind, published=published)
    return Metadata(title=title, kind=kind, jurisdiction=jurisdiction, issuer=issuer, issuer_type=issuer_type,
                    year=year, published=published, doc_number=find_doc_number(view))


# --- title and kind ---------------------------------------------------------------------------

def clean_title(line: str) -> str:
    """A title line without its field label (标题), a site-name suffix, or its covering notice."""
    s = _TITLE_LABEL.sub("", line.strip()).strip()
    # 某县2021年法治政府建设年度报告 发布时间：2022-01-10 来源：… → the title alone
    s = re.split(r"\s+(?:发布时间|发布日期|发表时间|来源|信息来源|时间|日期|作者|浏览次数)\s*[:：]", s)[0]
    m = _COVER_NOTICE.search(s)
    if m and _TITLE_WORDS.search(m.group(1)):
        s = m.group(1).strip("《》<> ")
    cut = _SITE_SUFFIX.search(s)
    if cut and _TITLE_WORDS.search(s[:cut.start()]) and not _TITLE_WORDS.search(s[cut.start():]):
        s = s[:cut.start()]
    return s.strip()


def _is_title_line(s: str) -> bool:
    if not (6 <= len(s) <= 80) or not _TITLE_WORDS.search(s):
        return False
    if s.startswith(_NOT_TITLE_START) or s.endswith(("。", "；", ";", "：", ":", "，", ",")):
        return False
    if re.match(r"[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[.．、]|第[一二三四五六七八九十]+部分", s):
        return False  # a section heading (三、2024年工作计划), not the document's title
    return s.count("，") + s.count(",") <= 1 and "。" not in s


def find_title(lines: list[str]) -> str | None:
    """The first short line that names a report, plan or work points (field labels removed).

    A title broken over two lines (宁夏司法厅2020年度 / 法治政府建设情况报告) is joined."""
    candidates = []
    for i, ln in enumerate(lines[:60]):
        s = clean_title(ln)
        if not _is_title_line(s):
            continue
        prev = lines[i - 1].strip() if i else ""
        if (s.startswith(("法治", "依法", "关于", "年度")) and 3 <= len(prev) <= 24
                and re.search(r"(?:\d{4}|" + _CN_YEAR + r")年度?$|" + _ORGAN_END.pattern, prev)
                and not re.search(r"[，。：:；,]", prev)):
            s = prev + s
        candidates.append(s)
        if len(candidates) >= 3:
            break
    if not candidates:
        return None
    # A page's first title-like line may be a column name (法治政府建设年度报告): prefer a title
    # about rule of law that also names a year and a region or body; the earliest among equals.
    def score(t: str) -> int:
        return (bool(re.search(r"法治|依法|法制|普法", t)) + bool(_YEAR.search(t))
                + bool(re.search(r"[省市区县州旗盟]|自治区|政府|厅|局", t)))
    return max(candidates, key=lambda t: (score(t), -candidates.index(t)))


def document_kind(title: str | None, head: str) -> str:
    """annual_report, implementation_plan, work_points or other, from the title (else the head)."""
    t = title or head[:200]
    if "要点" in t:
        return "work_points"
    if re.search(r"方案|计划|规划", t) and "报告" not in t:
        return "implementation_plan"
    if re.search(r"报告|总结|情况", t):
        return "annual_report"
    return "other"


# --- years and dates --------------------------------------------------------------------------

def cn_year(token: str) -> int:
    """'2020' or '二〇二〇' → 2020."""
    if token.isdigit() and token.isascii():
        return int(token)
    return int("".join(str(_CN_DIGIT.get(c, 0)) for c in token))


def _cn_small(token: str) -> int:
    """一 … 三十一 → 1 … 31."""
    if "十" not in token:
        return _CN_DIGIT.get(token, 0)
    tens, _, ones = token.partition("十")
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def _body_years(view: str) -> list[int]:
    """Years the opening of the body speaks of: not inside 《》 or （）, not dates, not page metadata."""
    out = []
    for ln in view.splitlines()[:80]:
        s = ln.strip()
        if not s or re.match(r"(?:发布|发表|成文|生成|更新)(?:时间|日期)|来源|索\s*引|文\s*号", s):
            continue
        masked = re.sub(r"《[^》]{0,80}》|[(（][^()（）]{0,40}[)）]", lambda m: " " * len(m.group()), s)
        for m in _YEAR.finditer(masked):
            if re.match(r"\s*\d{1,2}\s*月", masked[m.end():m.end() + 4]):
                continue  # a date (2020年12月18日), not the year written about
            out.append(cn_year(m.group(1)))
        if len(out) >= 3:
            break
    return out


def find_year(title: str | None, view: str, kind: str = "annual_report", published: str | None = None) -> int | None:
    """The year the document is about: the title's year, else the body's, else from the publication date."""
    if title:
        m = _YEAR.search(title) or re.search(_YEAR_TOKEN + r"\s*[-—–至~]", title)
        if m:
            return cn_year(m.group(1))
    years = _body_years(view)
    if years:
        return years[0]
    if published:
        # An annual report comes out in the first months of the next year; one published late in
        # the year (a 今年以来 summary) is about that year.
        y, month = int(published[:4]), int(published[5:7])
        return y - 1 if kind == "annual_report" and month < 9 else y
    return None


def _iso(y: int, mo: int, d: int) -> str | None:
    if 1 <= mo <= 12 and 1 <= d <= 31 and 1949 <= y <= 2100:
        return f"{y}-{mo:02d}-{d:02d}"
    return None


def _date_at(s: str) -> str | None:
    m = _DATE.match(s)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CN_DATE.match(s)
    if m:
        return _iso(cn_year(m.group(1)), _cn_small(m.group(2)), _cn_small(m.group(3)))
    return None


def find_published(view: str) -> str | None:
    """Publication date as YYYY-MM-DD: a labelled date, else the date under the closing signature."""
    head = view[:4000]
    for i, label in enumerate(_PUBLISHED_LABELS):
        # A bare 时间：/日期： counts only among the page facts above the text (not 会议时间 in the body).
        for m in label.finditer(head if i < 2 else "\n".join(head.splitlines()[:12])):
            d = _date_at(m.string[m.end():m.end() + 24])
            if d:
                return d
    tail = [ln.strip() for ln in view.splitlines() if ln.strip()][-15:]
    for s in reversed(tail):
        if len(s) <= 20:
            d = _date_at(s)
            if d:
                return d
    return None


def find_doc_number(view: str) -> str | None:
    """The document's own number (宁区政文〔2020〕228号): labelled, or alone on a line near the top.

    Numbers cited in the body (根据《…》（宁委发〔2017〕5号）) are not the document's own."""
    head = view[:4000]
    m = _DOC_NUMBER_LABEL.search(head)
    if m:
        return re.sub(r"\s+", "", m.group(1))
    for ln in head.splitlines()[:40]:
        s = ln.strip()
        m = DOC_NUMBER.fullmatch(s)
        if m:
            return re.sub(r"\s+", "", s)
    return None


# --- jurisdiction -----------------------------------------------------------------------------

def _cpca_rows(texts: list[str]) -> list[dict]:
    """cpca's reading of each text: province, city, county, adcode and the rest of the text.

    Reads each text with cpca's own per-address matcher (what `cpca.transform` runs for each row)
    rather than through `transform`, which builds a pandas DataFrame for every call: that costs
    ~3 ms a call, more than all the matching. Falls back to `transform` if cpca lacks the function."""
    import cpca

    one = getattr(cpca, "_get_one_addr", None)
    if one is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = cpca.transform(texts)
        raw = [{col: row.get(col) for col in ("省", "市", "区", "adcode", "地址")} for _, row in df.iterrows()]
    else:
        raw = [one(t, False, {}) for t in texts]
    out = []
    for row in raw:
        r = {}
        for key, col in (("province", "省"), ("city", "市"), ("county", "区"), ("adcode", "adcode"), ("rest", "地址")):
            v = row.get(col)
            r[key] = None if v is None or v != v else str(v)
        for key in ("city", "county"):
            if r[key] in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                r[key] = None
        out.append(r)
    return out


@lru_cache(maxsize=4096)
def _cpca_cached(text: str) -> tuple:
    return tuple(_cpca_rows([text])[0].items())


def _cpca(text: str) -> dict:
    return dict(_cpca_cached(text))


_ETHNIC = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
           "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
           "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各").split()
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + r")族?)+自治([州县旗])$")


@lru_cache(maxsize=1)
def _short_names() -> tuple[re.Pattern | None, dict[str, str]]:
    """Short forms of autonomous prefectures, counties and banners (黔东南州 → 黔东南苗族侗族自治州).

    cpca knows the official names only; documents mostly write the short ones."""
    import cpca

    official = {a.name for a in cpca.ad_2_addr_dict.values()}
    short: dict[str, str] = {}
    for a in cpca.ad_2_addr_dict.values():
        m = _AUTONOMOUS.match(a.name)
        if m:
            form = m.group(1) + m.group(2)
            if form not in official:
                short.setdefault(form, a.name)
    if not short:
        return None, {}
    return re.compile("|".join(map(re.escape, sorted(short, key=len, reverse=True)))), short


def _expand_short_names(text: str) -> str:
    pattern, short = _short_names()
    if pattern is None:
        return text
    return pattern.sub(lambda m: short[m.group()], text)


def resolve_jurisdiction(*texts: str, context: str = "") -> Jurisdiction:
    """Province, city, county and adcode of the first text that names a region (cpca).

    A county name that exists in several provinces (朝阳区) is read in the province or city that
    `context` names most often."""
    for t in texts:
        if not t:
            continue
        r = _cpca(_expand_short_names(t.removeprefix("中共")))
        if not r["province"]:
            continue
        if r["county"] and context:
            r = _disambiguate(t, r, context)
        return Jurisdiction(province=r["province"], city=r["city"], county=r["county"], adcode=r["adcode"])
    return Jurisdiction()


def _disambiguate(text: str, r: dict, context: str) -> dict:
    short = lambda name: _REGION_SUFFIX.sub("", name or "") or (name or "")  # noqa: E731
    if any(n and short(n) in text for n in (r["province"], r["city"])):
        return r  # the text itself names the province or city
    provinces: dict[str, int] = {}
    lines = [ln for ln in context.splitlines()[:60] if len(ln.strip()) >= 2]
    for other in (_cpca_rows(lines) if lines else []):
        if other["province"]:
            provinces[other["province"]] = provinces.get(other["province"], 0) + 1
    if not provinces or r["province"] in provinces:
        return r
    best = max(provinces, key=provinces.get)
    alt = _cpca(best + r["county"])
    return alt if alt["province"] == best and alt["county"] == r["county"] else r


# --- issuer -----------------------------------------------------------------------------------

def find_signature(lines: list[str]) -> str | None:
    """The organ named in a signature block: a short organ line right above a date line (last one wins)."""
    found = None
    for i, s in enumerate(lines[:-1]):
        s = s.strip()
        if not (4 <= len(s) <= 40) or re.search(r"[，。；：:,;、\d]", s) or not _ORGAN_END.search(s):
            continue
        for nxt in lines[i + 1:i + 3]:
            if _date_at(nxt.strip()) and len(nxt.strip()) <= 20:
                found = s
                break
    return found


def _notice_issuer(lines: list[str]) -> str | None:
    """The organ in front of a covering notice's title (某某市人民政府办公室关于印发…的通知)."""
    for ln in lines[:60]:
        s = _TITLE_LABEL.sub("", ln.strip())
        m = _COVER_NOTICE.search(s)
        if m and m.start() > 0:
            organ = s[:m.start()].strip()
            if 3 <= len(organ) <= 40 and _ORGAN_END.search(organ):
                return organ
    return None


def _labelled_issuer(head: str) -> str | None:
    m = _ISSUER_LABEL.search(head)
    return m.group(1) if m and _ORGAN_END.search(m.group(1)) else None


def issuer_type(name: str) -> str:
    """government, department or party_office, from the form of an organ's name."""
    if _PARTY.search(name):
        return "party_office"
    if _GOVERNMENT.search(name):
        return "government"
    return "department"


def full_organ_name(name: str, jurisdiction: Jurisdiction) -> str:
    """An organ's name with its region written in full (宁夏司法厅 → 宁夏回族自治区司法厅, 区司法局 → 渝中区司法局)."""
    prefix = ""
    s = _expand_short_names(name)
    for p in ("中共", "中国共产党"):
        if s.startswith(p):
            prefix, s = p, s[len(p):]
    r = _cpca(s)
    rest = r["rest"]
    if r["province"] and rest is not None and rest != s and s.endswith(rest):
        region = s[:len(s) - len(rest)]
        for full in (r["county"], r["city"], r["province"]):
            if full and region != full and _REGION_SUFFIX.sub("", full) == region:
                region = full
                break
        if region == _REGION_SUFFIX.sub("", r["province"] or "") and r["province"]:
            region = r["province"]
        return prefix + region + rest
    # An organ named by its level only (区司法局, 县人民政府): put the jurisdiction's name in front.
    m = re.match(r"^(省|市|区|县|州|旗|自治区)(?=[\u4e00-\u9fff]{2,})", s)
    if m and jurisdiction.name and jurisdiction.name.endswith(m.group(1)):
        return prefix + jurisdiction.name + s[len(m.group(1)):]
    return prefix + s


def _title_organ(title: str, jurisdiction: Jurisdiction) -> tuple[str | None, str]:
    """(organ named at the start of the title or None, the region words before it)."""
    title = re.sub(r"^\s*" + _YEAR_TOKEN + r"\s*年度?\s*", "", title)  # 2021年宁德市蕉城区… → 宁德市蕉城区…
    head = re.split(r"(?:19|20)\d{2}|" + _CN_YEAR + r"|关于|法治|依法|年度", title, maxsplit=1)[0].strip()
    if not head:
        return None, ""
    core = head.removeprefix("中共")
    r = _cpca(core)
    rest = r["rest"] if r["province"] and r["rest"] is not None and core.endswith(r["rest"]) else core
    if rest and _ORGAN_END.search(rest) and len(rest) >= 2:
        return full_organ_name(head, jurisdiction), head
    return None, head


def find_issuer(title: str | None, jurisdiction: Jurisdiction, signature: str | None = None,
                labelled: str | None = None) -> tuple[str | None, str | None]:
    """Issuing body in full form and its type (government, department, party_office)."""
    region_words = ""
    if title:
        organ, region_words = _title_organ(title, jurisdiction)
        if organ:
            return organ, issuer_type(organ)
    for cand in (signature, labelled):
        if cand:
            organ = full_organ_name(cand, jurisdiction)
            return organ, issuer_type(organ)
    if region_words and _cpca(region_words.removeprefix("中共"))["rest"]:
        # The title names a body that is neither a plain region nor an organ (新疆生产建设兵团第八师).
        return region_words, issuer_type(region_words)
    if jurisdiction.name:
        region = region_words if region_words and _cpca(region_words)["adcode"] == jurisdiction.adcode else ""
        region = full_organ_name(region, jurisdiction) if region else jurisdiction.name
        if _REGION_SUFFIX.sub("", jurisdiction.province or "") == region:
            region = jurisdiction.province
        return region + "人民政府", "government"
    return None, None
