"""Report metadata: title, kind, jurisdiction (via cpca), issuer, year, publication date, doc number."""
from __future__ import annotations

import re
import warnings

from ingest.records import Jurisdiction

_TITLE_WORDS = re.compile(r"报告|实施方案|工作要点|方案|要点|计划")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d{1,4}\s*号")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?")
_PUBLISHED = re.compile(r"(?:发表|发布|公开|成文|印发)(?:时间|日期)\s*[:：]?\s*" + _DATE.pattern)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_ORG_SUFFIX = re.compile(r"(人民政府|司法厅|司法局|委员会办公室|委员会|办公室|[\u4e00-\u9fff]{1,8}(?:局|厅|委|办))")
_ABBREV = {"宁夏": "宁夏回族自治区", "广西": "广西壮族自治区", "内蒙古": "内蒙古自治区", "新疆": "新疆维吾尔自治区",
           "西藏": "西藏自治区"}


def find_title(lines: list[str]) -> str | None:
    """The first short line that names a report, plan or work points."""
    for ln in lines[:40]:
        s = ln.strip()
        if 6 <= len(s) <= 70 and _TITLE_WORDS.search(s) and not s.startswith(("根据", "按照", "为")):
            return s
    return None


def document_kind(title: str | None, head: str) -> str:
    t = title or head[:200]
    if "要点" in t:
        return "work_points"
    if "方案" in t or "计划" in t:
        return "implementation_plan"
    if "报告" in t:
        return "annual_report"
    return "other"


def find_year(title: str | None, head: str) -> int | None:
    for src in (title or "", head[:3000]):
        m = _YEAR.search(src)
        if m:
            return int(m.group(1))
    return None


def find_published(head: str) -> str | None:
    m = _PUBLISHED.search(head)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        return f"{y}-{int(mo):02d}-{int(d):02d}"
    return None


def find_doc_number(head: str) -> str | None:
    m = DOC_NUMBER.search(head)
    return re.sub(r"\s+", "", m.group()) if m else None


def resolve_jurisdiction(*texts: str) -> Jurisdiction:
    """Province, city, county and adcode of the first text that names a region."""
    import cpca

    for t in texts:
        if not t:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = cpca.transform([t])
        row = df.iloc[0]
        prov, city, county, adcode = (row.get("省"), row.get("市"), row.get("区"), row.get("adcode"))
        clean = [None if (v is None or v != v or v in ("市辖区", "县", "省直辖县级行政区划")) else str(v)
                 for v in (prov, city, county, adcode)]
        if clean[0]:
            return Jurisdiction(province=clean[0], city=clean[1], county=clean[2], adcode=clean[3])
    return Jurisdiction()


def find_issuer(title: str | None, jurisdiction: Jurisdiction) -> tuple[str | None, str | None]:
    """Issuing body in full form and its type (government, department, party_office)."""
    t = title or ""
    for short, full in _ABBREV.items():
        if t.startswith(short) and not t.startswith(full):
            t = full + t[len(short):]
    m = _ORG_SUFFIX.search(t.split("关于")[0] if "关于" in t else t)
    if m:
        org_end = m.end()
        issuer = re.split(r"(?:19|20)\d{2}", t[:org_end])[0]
        if issuer.startswith("中共") or "委员会办公室" in issuer or "党委" in issuer:
            return issuer, "party_office"
        if issuer.endswith("人民政府"):
            return issuer, "government"
        return issuer, "department"
    if jurisdiction.name:
        return jurisdiction.name + "人民政府", "government"
    return None, None
