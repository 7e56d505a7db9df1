"""Synthetic reports for scale tests and demos, built from the taxonomy and real regions.

Every report is plainly marked as synthetic: its title ends in “（合成数据 SYNTHETIC）” and its
head carries a “[SYNTHETIC]” line, so the pipeline stores it with `synthetic = true`.

The corpus is made to exercise the real extractor end to end:

- regions are real administrative divisions (cpca's table of adcodes), named in full in the title;
- kinds: annual reports (成效 / 问题 / 下一步), implementation plans and work points (目标 / 任务,
  with 牵头单位 / 责任单位 lists), years 2019–2025;
- measures are adopted with correlations: each region has a propensity and a few favourite
  domains that persist over its years, domains come as clusters, and the three parts of
  行政执法“三项制度” mostly appear together; measures are written by canonical name or alias;
- outcomes with plausible values (rates 60–100 %, counts, money in 万元 / 亿元, 同比 changes),
  targets in plans, quoted local initiatives (“塞上枫桥”);
- web-page debris (breadcrumbs, 打印 / 纠错 / 分享 / 字号 bars, footers) and damaged numbering
  (a heading whose numeral fell off, a skipped numeral, an empty “（）”), half-width punctuation
  in some reports, GB18030 encoding in some files.

Report `i` of seed `s` depends only on (s, i): the first 1,000 reports of a 10,000-report corpus
are the 1,000-report corpus. Next to the reports, `_synth_truth.jsonl` records what each report
was built with (region, kind, year, measures, planted outcomes), for realism tests.

Example:
    >>> from ingest.synth import write_corpus
    >>> write_corpus("/tmp/synth", reports=100, seed=1)
"""
from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from govkg.errors import GovkgError
from ingest.taxonomy import MeasureDef, Taxonomy, load_taxonomy

MARK = "（合成数据 SYNTHETIC）"
HEAD_MARK = "[SYNTHETIC] 合成测试数据：本文由 govkg synth 程序生成，内容虚构，不是真实政府文件。"
TRUTH_FILE = "_synth_truth.jsonl"
YEARS = tuple(range(2019, 2026))
_CN = "一二三四五六七八九十"
_SKIP_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Region:
    """A real administrative division: `chain` names it from the province down."""

    adcode: str  # six digits
    level: str  # province / city / county
    chain: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.chain[-1]

    @property
    def full(self) -> str:
        return "".join(self.chain)

    @property
    def short(self) -> str:
        """The name without its administrative suffix (宁夏回族自治区 → 宁夏, 平罗县 → 平罗)."""
        n = self.name
        for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "特别行政区",
                    "省", "市", "区", "县", "盟", "旗"):
            if n.endswith(suf) and len(n) - len(suf) >= 2:
                return n[: -len(suf)]
        return n

    @property
    def local(self) -> str:
        """How a report refers to its own area: 全区 / 全县 / 全市 / 全省."""
        if self.level == "province":
            return "全区" if "自治区" in self.name else "全市" if self.name.endswith("市") else "全省"
        return {"区": "全区", "县": "全县", "旗": "全旗"}.get(self.name[-1], "全市")


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    """Every province, city and county in cpca's adcode table, with its chain of names."""
    import cpca

    path = Path(cpca.__file__).parent / "resources" / "adcodes.csv"
    if not path.exists():
        raise GovkgError(f"cpca's region table {path} is missing: reinstall cpca (pip install -U cpca)")
    names: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["adcode"][:6]
            if row["adcode"][6:].strip("0") or row["name"] in _SKIP_NAMES:
                continue
            names[code] = row["name"]
    out = []
    for code, name in sorted(names.items()):
        prov = names.get(code[:2] + "0000")
        if prov is None:
            continue
        if code.endswith("0000"):
            out.append(Region(code, "province", (name,)))
        elif code.endswith("00"):
            out.append(Region(code, "city", (prov, name)))
        else:
            city = names.get(code[:4] + "00")
            chain = (prov, city, name) if city and city != prov else (prov, name)
            out.append(Region(code, "county", chain))
    return tuple(out)


def _by_level() -> dict[str, list[Region]]:
    out: dict[str, list[Region]] = {"province": [], "city": [], "county": []}
    for r in regions():
        out[r.level].append(r)
    return out


# -- what reports say -------------------------------------------------------------------------

# Outcomes tied to a measure: (indicator words, kind). Values are drawn per kind.
_OUTCOMES: dict[str, list[tuple[str, str]]] = {
    "M02": [("党政主要负责人年终述法{n}人", "count")],
    "M14": [("政务服务事项网上可办率达到{r}%", "rate"), ("办理政务服务事项{n}万件", "count")],
    "M15": [("“最多跑一次”事项占比{r}%", "rate")],
    "M20": [("开展“双随机、一公开”抽查{n}次", "count")],
    "M23": [("建成公共法律服务站点{n}个", "count")],
    "M24": [("村（社区）法律顾问覆盖率达到{r}%", "rate")],
    "M30": [("审核行政规范性文件{n}件", "count"), ("合法性审核率{r}%", "rate")],
    "M31": [("备案审查规范性文件{n}件，报备率{r}%", "rate")],
    "M32": [("清理规范性文件{n}件，废止{m}件", "count")],
    "M41": [("审查重大行政决策事项{n}项", "count")],
    "M46": [("法律顾问参与审查合同{n}份，提出法律意见{m}条", "count")],
    "M51": [("公示行政执法信息{n}条", "count")],
    "M52": [("配备执法记录仪{n}台", "count")],
    "M53": [("法制审核重大执法决定{n}件", "count")],
    "M56": [("评查行政执法案卷{n}份，优良率{r}%", "rate")],
    "M60": [("移送涉嫌犯罪案件{n}件", "count")],
    "M81": [("收到行政复议申请{n}件，纠错率{p}%", "rate"), ("行政复议案件同比增长{c}%", "change")],
    "M82": [("行政机关负责人出庭应诉率{r}%", "rate")],
    "M83": [("实质性化解行政争议{n}件", "count")],
    "M86": [("调解矛盾纠纷{n}件，调解成功率{r}%", "rate")],
    "M91": [("办理法律援助案件{n}件，为受援人挽回经济损失{w}万元", "money")],
    "M92": [("在册社区矫正对象{n}人", "count")],
    "M102": [("完成审计项目{n}个，核减资金{y}亿元", "money")],
    "M103": [("主动公开政府信息{n}条", "count")],
    "M105": [("12345热线受理群众诉求{n}万件，按时办结率{r}%", "rate")],
    "M121": [("组织任前法律知识考试{n}场次", "count")],
    "M122": [("国家工作人员学法考试参考率{r}%", "rate")],
    "M125": [("培育“法律明白人”{n}名", "count")],
    "M127": [("开展法治宣传活动{n}场次，发放宣传资料{k}万份", "count")],
    "M129": [("培训行政执法人员{n}人次", "count")],
}
_GENERIC_OUTCOMES = [("开展相关工作{n}次", "count"), ("覆盖率达到{r}%", "rate"), ("投入专项经费{w}万元", "money"),
                     ("相关案件同比下降{c}%", "change"), ("办理相关事项{n}件", "count")]

_ACHIEVE = [
    "深入推进{F}，{O}。", "全面落实{F}，{O}，相关工作走在{U}前列。", "出台《{A}关于进一步加强{F}的实施意见》，{O}。",
    "持续深化{F}，建立健全工作台账和督办机制，{O}。", "扎实开展{F}，{O}，群众满意度持续提升。",
    "把{F}作为重点工作来抓，{O}。", "{A}{F}工作经验被{U}推广，{O}。",
]
_ACHIEVE_PLAIN = [
    "扎实推进{F}，工作机制进一步完善。", "健全{F}工作机制，明确责任分工，压实工作责任。",
    "认真落实{F}各项要求，定期研究解决重点难点问题。", "将{F}纳入年度重点工作，统筹部署、一体推进。",
]
_PROBLEMS = [
    "{F}推进还不够平衡，部分乡镇（街道）和部门落实不到位", "{F}的工作机制还不够健全，制度执行存在薄弱环节",
    "少数领导干部对{F}认识不足，运用法治思维和法治方式的能力有待提高", "{F}信息化水平不高，数据共享还不充分",
    "基层{F}力量薄弱，专业人员不足",
]
_PLANS = [
    "持续深化{F}，{T}。", "进一步完善{F}，推动工作提质增效。", "研究制定{F}配套制度，{T}。",
    "加强{F}督促检查，确保各项任务落到实处。",
]
_FILLER = [
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神", "坚持问题导向和目标导向相结合",
    "各级各部门主动担当作为，形成了上下联动、齐抓共管的工作格局", "切实把法治政府建设各项任务落到实处",
    "为经济社会高质量发展提供了有力法治保障", "工作制度化、规范化、程序化水平不断提高",
    "召开专题会议研究部署相关工作", "及时总结推广典型经验做法", "坚持依法行政与改革创新相统一",
    "强化组织领导，层层压实责任", "注重运用法治思维和法治方式推动工作", "群众的获得感、幸福感、安全感进一步增强",
    "将法治建设成效纳入综合考核指标体系", "健全完善工作台账，实行清单化管理、项目化推进",
]
_BRANDS = ["枫桥", "调解", "e站", "法治驿站", "有约", "码上办", "和事佬", "老娘舅", "法律之家", "便民通", "说事点", "议事厅"]
_PREFIX = ["", "掌上", "智慧", "阳光", "和美", "红色", "平安"]
_SUPERIOR = {"province": "国务院办公厅", "city": "省政府", "county": "市政府"}
_UNIT_SUFFIX = ["司法局", "人民政府办公室", "发展和改革委员会", "市场监督管理局", "公安局", "财政局", "人力资源和社会保障局",
                "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "卫生健康委员会", "审计局", "政务服务管理局"]


@dataclass
class SynthReport:
    """One synthetic report: its file name, text and what it was built with."""

    name: str
    text: str
    encoding: str
    truth: dict = field(default_factory=dict)


class _Builder:
    def __init__(self, seed: int, index: int, taxonomy: Taxonomy):
        self.rng = random.Random(f"govkg-synth:{seed}:{index}")
        self.seed, self.index, self.taxonomy = seed, index, taxonomy
        self.outcomes: list[str] = []
        self.used_measures: set[str] = set()

    # -- choices -------------------------------------------------------------------------
    def region(self) -> Region:
        levels = _by_level()
        level = self.rng.choices(("province", "city", "county"), weights=(1, 3, 6))[0]
        return self.rng.choice(levels[level])

    def adopted(self, region: Region, year: int) -> list[MeasureDef]:
        """The measures this report takes up: a region's propensity and favourite domains, clustered."""
        reg = random.Random(f"govkg-region:{self.seed}:{region.adcode}")  # stable over the region's years
        propensity = reg.betavariate(2.5, 2.5)
        domains = sorted({m.domain_id for m in self.taxonomy.measures if m.domain_id})
        favourites = set(reg.sample(domains, 3))
        rng = self.rng
        out: list[MeasureDef] = []
        by_id = self.taxonomy.by_id()
        for d in domains:
            members = [m for m in self.taxonomy.measures if m.domain_id == d]
            if rng.random() > (0.9 if d in favourites else 0.35 + 0.4 * propensity):
                continue  # the report says nothing about this domain
            p = 0.25 + 0.45 * propensity + (0.15 if d in favourites else 0)
            for m in members:
                if m.id == "M130" and year < 2021 or m.id == "M70" and not 2020 <= year <= 2022:
                    continue
                if m.parent in ("M50",):
                    continue  # the three parts follow their parent below
                if rng.random() < p:
                    out.append(m)
        if any(m.id == "M50" for m in out):
            out += [by_id[c] for c in ("M51", "M52", "M53") if rng.random() < 0.85]
        elif rng.random() < 0.15:
            out.append(by_id[rng.choice(("M51", "M52", "M53"))])
        rng.shuffle(out)
        return out[:40]

    def form(self, m: MeasureDef) -> str:
        forms = [f for f in m.forms if len(f) >= 2]
        self.used_measures.add(m.id)
        return forms[0] if self.rng.random() < 0.5 or len(forms) == 1 else self.rng.choice(forms[1:])

    def values(self) -> dict[str, str]:
        rng = self.rng
        r = rng.choice([round(rng.uniform(60, 99.9), 1), round(rng.uniform(85, 100), 1), 100])
        return {"r": f"{r:g}", "p": f"{round(rng.uniform(3, 25), 1):g}", "n": str(int(rng.lognormvariate(4, 1.2)) + 1),
                "m": str(rng.randint(1, 60)), "k": f"{round(rng.uniform(0.5, 30), 1):g}",
                "w": f"{round(rng.uniform(5, 3000), 1):g}", "y": f"{round(rng.uniform(0.1, 12), 2):g}",
                "c": f"{round(rng.uniform(1, 40), 1):g}"}

    def outcome(self, m: MeasureDef, region: Region) -> str:
        tpl, kind = self.rng.choice(_OUTCOMES.get(m.id) or _GENERIC_OUTCOMES)
        text = tpl.format(**self.values())
        if self.rng.random() < 0.3 and kind != "change":
            text += f"，同比{self.rng.choice(('增长', '下降'))}{round(self.rng.uniform(1, 35), 1):g}%"
        self.outcomes.append(kind)
        return (self.rng.choice((region.local, "全年", "其中", "")) + text) if self.rng.random() < 0.5 else text

    def target(self, m: MeasureDef, year: int) -> str:
        v = self.values()
        tpl = self.rng.choice([f"到{year + 1}年底，{{I}}达到{v['r']}%以上", f"力争{{I}}不低于{v['r']}%",
                               f"确保{{I}}达到100%", f"全年{{I}}{v['n']}件以上"])
        ind = self.rng.choice(("覆盖率", "办结率", "群众满意度", "合格率", "知晓率", "应诉率"))
        self.outcomes.append("target")
        return tpl.format(I=ind)

    def filler(self, k: int = 1) -> str:
        return "，".join(self.rng.sample(_FILLER, k))

    def initiative(self, region: Region) -> str:
        return f"“{self.rng.choice(_PREFIX)}{region.short[:2]}{self.rng.choice(_BRANDS)}”"

    # -- parts of the text ----------------------------------------------------------------
    def paragraph_achievement(self, ms: list[MeasureDef], region: Region, brands: bool = True
                              ) -> tuple[str, list[str]]:
        sents, inits = [], []
        for j, m in enumerate(ms):
            lead = f"{_CN[j]}是" if j < 10 and self.rng.random() < 0.6 else ""
            if self.rng.random() < 0.65:
                s = self.rng.choice(_ACHIEVE).format(F=self.form(m), O=self.outcome(m, region), A=region.name,
                                                     U=_SUPERIOR[region.level])
            else:
                s = self.rng.choice(_ACHIEVE_PLAIN).format(F=self.form(m))
            if brands and self.rng.random() < 0.06:
                ini = self.initiative(region)
                inits.append(ini.strip("“”"))
                s = s[:-1] + f"，打造{ini}品牌，形成可复制可推广的经验。"
            if self.rng.random() < 0.5:
                s += self.filler() + "。"
            sents.append(lead + s)
        return "".join(sents), inits

    def annual(self, region: Region, year: int, ms: list[MeasureDef], issuer: str) -> tuple[list[str], list[str]]:
        rng = self.rng
        lines, inits = [], []
        lines.append(f"{year}年，{issuer}在{rng.choice(('党委、政府', '上级党委政府', '党委'))}的坚强领导下，"
                     f"{self.filler(2)}，深入学习贯彻习近平法治思想，扎实推进法治政府建设，各项工作取得新成效。"
                     f"现将{year}年度法治政府建设情况报告如下：")
        groups = _chunks(ms, rng)
        num = iter(_CN)
        lines.append(f"{next(num)}、{year}年法治政府建设主要举措和成效")
        for g_i, group in enumerate(groups):
            dom = group[0].domain.partition(" ")[2] or "法治政府建设"
            sub = f"（{_CN[g_i]}）" if g_i < 10 else f"{g_i + 1}."
            if rng.random() < 0.04:
                sub = "（）"  # damaged numbering
            para, ini = self.paragraph_achievement(group, region)
            inits += ini
            lines.append(f"{sub}{rng.choice(('聚焦', '深化', '强化', '持续推进'))}{dom}，{rng.choice(('提升', '推动', '夯实'))}"
                         f"法治政府建设水平。{para}")
        problem_ms = rng.sample(ms, min(len(ms), rng.randint(2, 4))) if ms else []
        n = next(num)
        heading = rng.choice(("存在的问题和不足", "存在的主要问题", "问题和不足"))
        damage = rng.random()
        if damage < 0.15:
            lines.append(f"、{heading}")  # the numeral fell off
        elif damage < 0.25 and heading.startswith("存在"):
            lines.append(heading)  # no numbering at all
        else:
            lines.append(f"{n}、{heading}")
        probs = [f"{_CN[i]}是{rng.choice(_PROBLEMS).format(F=self.form(m))}" for i, m in enumerate(problem_ms)]
        lines.append(f"{year}年，我{region.local[-1]}法治政府建设虽然取得了一定成效，但也存在一些问题和不足：" +
                     "；".join(probs) + "。")
        n = next(num)
        if rng.random() < 0.12:
            n = next(num)  # a skipped numeral (三、 missing)
        lines.append(f"{n}、{rng.choice(('下一步工作打算', f'{year + 1}年工作计划', '下一步工作思路'))}")
        plan_ms = rng.sample(ms, min(len(ms), rng.randint(3, 6))) if ms else []
        for i, m in enumerate(plan_ms):
            lines.append(f"（{_CN[i]}）" + rng.choice(_PLANS).format(F=self.form(m), T=self.target(m, year)))
        return lines, inits

    def plan(self, region: Region, year: int, ms: list[MeasureDef], issuer: str, points: bool
             ) -> tuple[list[str], list[str]]:
        rng = self.rng
        lines, inits = [], []
        what = "工作要点" if points else "实施方案"
        lines.append(f"为深入贯彻落实党中央、国务院关于法治政府建设的决策部署，结合{region.name}实际，制定本{what}。")
        num = iter(_CN)
        lines.append(f"{next(num)}、总体要求")
        lines.append(f"{self.filler(3)}，到{year + 2}年，法治政府建设取得更大进展。")
        lines.append(f"{next(num)}、主要目标")
        for m in ms[:3]:
            lines.append(f"{self.form(m)}全面推行，{self.target(m, year)}。")
        groups = _chunks(ms, rng)
        lines.append(f"{next(num)}、重点任务")
        k = 0
        units = rng.sample(_UNIT_SUFFIX, 6)
        local = region.name if region.level != "province" else region.short
        for g_i, group in enumerate(groups):
            dom = group[0].domain.partition(" ")[2] or "法治政府建设"
            lines.append(f"（{_CN[g_i] if g_i < 10 else g_i + 1}）{rng.choice(('加强', '深化', '推进'))}{dom}")
            for m in group:
                k += 1
                s = rng.choice(_PLANS).format(F=self.form(m), T=self.target(m, year))
                if rng.random() < 0.1:
                    ini = self.initiative(region)
                    inits.append(ini.strip("“”"))
                    s = s[:-1] + f"，深化{ini}品牌建设。"
                lines.append(f"{k}.{s}{self.filler()}。")
                lead, *rest = rng.sample(units, 3)
                lines.append(f"牵头单位：{local}{lead}；责任单位：{local}{rest[0]}、{local}{rest[1]}、各乡镇（街道）")
        lines.append(f"{next(num)}、保障措施")
        lines.append(f"（一）加强组织领导。{self.filler(2)}。")
        lines.append(f"（二）强化督促检查。{self.filler(2)}。")
        return lines, inits

    def build(self) -> SynthReport:
        rng = self.rng
        region = self.region()
        year = rng.choice(YEARS)
        kind = rng.choices(("annual_report", "implementation_plan", "work_points"), weights=(7, 1.5, 1.5))[0]
        gov = rng.random() < 0.7
        if gov:
            issuer = f"{region.full}人民政府"
        else:
            issuer = region.full + ("司法厅" if region.level == "province" else "司法局")
        ms = self.adopted(region, year)
        if kind == "annual_report":
            title = rng.choice((f"{issuer}关于{year}年法治政府建设情况的报告", f"{issuer}{year}年度法治政府建设情况报告",
                                f"{issuer}{year}年法治政府建设工作报告"))
            body, inits = self.annual(region, year, ms, "我" + region.local[-1] if gov else issuer[len(region.full):])
            published = f"{year + 1}-{rng.randint(1, 4):02d}-{rng.randint(1, 28):02d}"
        else:
            points = kind == "work_points"
            title = f"{issuer}{year}年法治政府建设{'工作要点' if points else '实施方案'}"
            body, inits = self.plan(region, year, ms, issuer, points)
            published = f"{year}-{rng.randint(1, 5):02d}-{rng.randint(1, 28):02d}"
        title += MARK
        # Pad to a sample-like size with more of the same kind of paragraph.
        size = rng.randint(3500, 9500)
        while sum(map(len, body)) < size and ms:
            extra = rng.sample(ms, min(len(ms), 3))
            para, ini = self.paragraph_achievement(extra, region, brands=False)
            inits += ini
            insert_at = 2 if kind == "annual_report" else len(body) - 3
            body.insert(insert_at, f"{self.filler(2)}。{para}")
        head = self.debris_head(region, title)
        meta = [f"发布时间：{published} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}    来源：{issuer}",
                HEAD_MARK]
        if rng.random() < 0.3:
            abbrev = region.short[:2]
            meta.insert(1, f"{abbrev}{'府发' if gov else '司发'}〔{published[:4]}〕{rng.randint(1, 120)}号")
        lines = head + [title] + meta + [""] + body + [""] + self.debris_foot(region, issuer, year)
        sep = "\n\n" if rng.random() < 0.3 else "\n"
        text = sep.join(lines) + "\n"
        if rng.random() < 0.3:
            text = text.translate(_HALF)  # many pages carry half-width punctuation
        encoding = "gb18030" if rng.random() < 0.1 else "utf-8"
        name = f"synth_{self.seed}_{self.index:07d}.txt"
        truth = {"file": name, "adcode": region.adcode, "level": region.level, "region": region.full,
                 "kind": kind, "year": year, "issuer": issuer, "measures": sorted(self.used_measures),
                 "outcomes": len(self.outcomes), "initiatives": sorted(set(inits)), "encoding": encoding}
        return SynthReport(name, text, encoding, truth)

    def debris_head(self, region: Region, title: str) -> list[str]:
        rng = self.rng
        out = []
        if rng.random() < 0.7:
            out.append(rng.choice(("您所在的位置：首页 > 政务公开 > 法治政府建设 > 法治政府建设年度报告",
                                   "当前位置：首页 > 信息公开 > 法定主动公开内容 > 法治政府建设情况报告",
                                   "首页 > 政府信息公开 > 重点领域信息公开")))
        if rng.random() < 0.6:
            out.append(rng.choice(("【字号：大 中 小】", "字号：【大】【中】【小】")) + " " +
                       rng.choice(("打印 | 关闭", "【打印】【关闭】", "打印本页")))
        if rng.random() < 0.5:
            out.append(rng.choice(("打印 纠错 分享到", "【打印】【纠错】【分享】", "扫一扫在手机打开当前页")))
        return out

    def debris_foot(self, region: Region, issuer: str, year: int) -> list[str]:
        rng = self.rng
        out = [f"{issuer}", f"{year + 1}年{rng.randint(1, 4)}月{rng.randint(1, 28)}日"]
        if rng.random() < 0.7:
            out += ["打印本页 | 关闭窗口", f"上一篇：{region.name}{year - 1}年法治政府建设情况报告",
                    f"下一篇：关于{region.name}公共法律服务工作的通知"]
        if rng.random() < 0.6:
            out += [f"主办单位：{region.full}人民政府办公室  版权所有", f"网站标识码：{rng.randint(10**9, 10**10 - 1)}  "
                    f"ICP备{rng.randint(10**7, 10**8 - 1)}号"]
        return out


_HALF = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})


def _chunks(ms: list[MeasureDef], rng: random.Random) -> list[list[MeasureDef]]:
    """Measures grouped by domain (one subsection per domain), at most five per group."""
    by: dict[str, list[MeasureDef]] = {}
    for m in ms:
        by.setdefault(m.domain_id, []).append(m)
    out = []
    for d in sorted(by):
        g = by[d]
        for i in range(0, len(g), 5):
            out.append(g[i:i + 5])
    return out


def make_report(index: int, seed: int = 0, taxonomy: Taxonomy | None = None) -> SynthReport:
    """Synthetic report number `index` of the corpus for `seed` (deterministic)."""
    return _Builder(seed, index, taxonomy or load_taxonomy()).build()


def write_corpus(out_dir, reports: int, seed: int = 0, start: int = 0, on_report=None) -> Path:
    """Write reports `start` … `start + reports - 1` into `out_dir`, plus the truth file.

    Returns the folder. Existing synthetic files of the same names are overwritten; the truth
    file is started afresh for `start` 0 and extended otherwise.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GovkgError(f"cannot create {out}: {e.strerror or e}") from None
    taxonomy = load_taxonomy()
    with (out / TRUTH_FILE).open("a" if start else "w", encoding="utf-8") as truth:
        for i in range(start, start + reports):
            r = make_report(i, seed, taxonomy)
            (out / r.name).write_bytes(r.text.encode(r.encoding))
            truth.write(json.dumps(r.truth, ensure_ascii=False) + "\n")
            if on_report:
                on_report(r)
    return out


def read_truth(folder) -> list[dict]:
    """The truth records `write_corpus` left in `folder`."""
    path = Path(folder) / TRUTH_FILE
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
