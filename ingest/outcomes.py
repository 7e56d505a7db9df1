"""Outcomes: numbers that quantify work, results or targets, with value, unit, kind and indicator.

The pass needs no word segmentation. A number is found with one regular expression (Arabic or
Chinese numerals, 万/亿 multipliers, 余/多/近/约/以上 approximations and a unit), rejected when
it is a date, a year, a document number, list numbering or part of a name (12348热线, 《15条措施》,
“1+X”, 十九届), and then read in its clause:

- the clause is the text between two of ，；：。 (a list comma 、 does not end a clause, so that
  制定、修改地方性法规18件 keeps both verbs);
- the words before the number (the *lead*) and after its unit (the *tail*) name the indicator:
  办理法律援助案件1.5万余件 → 办理法律援助案件数, 安排39个培训班 → 培训班安排数,
  结案率96.43% → 结案率; a lead that is only a verb borrows the subject of the number before it
  in the same sentence (承办…行政复议案件561件，结案541件 → …行政复议案件结案数);
- one value for several rates (报备率、规范率均为100%) gives one outcome per rate, and
  分别 pairs a list of items with a list of values;
- changes (压缩20%、同比增加152%、由48项扩大到70项) get a direction and, where given, a baseline.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache

from ingest.clean import Sentence
from ingest.records import Evidence, MeasureMention, Outcome, Section
from ingest.sections import section_at

# --- numbers -----------------------------------------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_POWER = {"十": 10, "百": 100, "千": 1000}
_MULT = {"万": 1e4, "亿": 1e8, "千": 1e3}

# Units, longest first. 元 takes 万/亿/千 as multipliers (1.8亿元 → 180000000 元).
_UNITS = sorted("""个百分点 百分点 % 个工作日 工作日 个月 人次 件次 场次 户次 家次 批次 期次 课时 学时 小时 平方米 公里
    元 件 项 个 次 人 名 家 场 起 宗 份 条 户 期 批 所 支 天 篇 部 本 册 套 台 处 卷 类 位 座 间 亩 吨 辆 张 例 门 轮 年
    """.split(), key=len, reverse=True)
# Counters a Chinese numeral must be followed by to count as a quantity (两个 → 2, 四项 → 4).
_CN_COUNTERS = ("个", "项", "次", "名", "件", "家", "场", "支", "条", "批", "类", "所", "人", "位", "期", "部", "篇")

NUMBER = re.compile(
    r"(?=[将接大超近约逾\d零〇一二两三四五六七八九十百千])"  # fails fast where no number can start
    r"(?P<pre>将近|接近|大约|超过|近|约|逾|超)?"
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?=[万亿]?(?:余|多)?(?:个|项|次|名|件|家|场|支|条|批|类|所|人|位|期|部|篇)))"
    r"(?:(?P<rng>至|到|~|-|—|－)(?P<num2>\d+(?:\.\d+)?))?"
    r"(?P<ap1>余|多)?(?P<mult>万|亿|千)?(?P<ap2>余|多)?"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in _UNITS)})?"
    r"(?P<ap3>以上|左右|之多|多|余)?"
)
# Letters that OCR and hasty typing put in place of 1 (l00% → 100%).
_OCR_ONE = re.compile(r"(?<![A-Za-z])[lI](?=\d{1,2}(?:\.\d+)?%)")
_OCR_ONE_QUICK = re.compile(r"[lI]\d")  # a cheap test first: the pattern above has no literal start
# Names a number can stand in: 《…》 titles and short quoted names (“1335工作模式”, “十个一律”).
_NAMED = re.compile(r"《[^》\n]{0,80}》|“[^”\n]{0,24}”|\"[^\"\n]{0,24}\"")
# Rhetorical counts after a Chinese numeral: 六个方面, 发挥三个作用, “两个维护”.
_ABSTRACT = re.compile(r"方面|作用|意识|自信|维护|确立|全面|坚持|统一|结合|转变|优先|必须|不动摇|关系|层面|"
                       r"环节|重点|目标|原则|要求|导向|理念|定位|抓手|突破|聚焦|服务|保障|一律|清单|体系|覆盖")
_APPROX_BEFORE = re.compile(r"(?:少于|不低于|至少|超过|多达|高达)[\u4e00-\u9fff]{0,3}$")
_HOTLINE = re.compile(r"^(?:123\d\d|11[0-9]|120|96\d{3,4})$")

# --- words -------------------------------------------------------------------------------------

# Verbs that report work done; a lead ending in one of them counts its object (办理…件).
_VERBS = sorted("""办理 受理 承办 审查 审核 核查 制定 修改 修订 废止 清理 开展 举办 组织 培训 建立 建成 组建 推动 推进
    安排 确定 召开 发放 创作 录入 接入 整改 办结 结案 接收 化解 调解 调处 排查 聘请 推送 发布 转载 转办 注销
    评查 梳理 公布 取消 调整 惠及 实现 创建 培育 编制 提出 出具 指导 参与 参加 吸引 提供 解答 新增 细化
    完成 收到 作出 挽回 挽救 解决 帮助 救助 查处 处理 立案 检查 抽查 抽取 走访 约谈 提醒 推荐 入选 获得 荣获
    出台 印发 起草 报送 备案 报备 征集 征求 采纳 答复 回复 反馈 督办 督查 督导 考核 评估 认定 认领 核发 换发
    颁发 办件 受理 调取 讲授 宣讲 发送 转发 开设 设立 新建 改造 投入 拨付 落实 回访 应诉 出庭 协调 承接 聘任
    配备 选派 派驻 招录 增至 达到 覆盖 公开 公示 汇编 整理 审批 许可 登记 备案审查 抽检 巡查 监测 上报 报告
    开通 上线 推广 运用 举行 进行 召集 签订 签约 主持 研究 审议 通过 讨论 部署 走访 处置 办复 化解成功 调处成功
    减免 减少 压缩 缩减 缩短 降低 提高 提升 增加 增长 上升 扩大 精简 提速 下降 形成 管理 规范 选聘 打造 成立
    出动 开具 发出 送达 签发 印制 制作 拍摄 刊发 刊登 编印 下发 分发 赠送 张贴 设置 审结 判决 裁决 执行 复核 纠正
    撤销 确认 变更 驳回 维持 终止 中止 创办 开办 委托 成为 纠错 审结 引导 帮扶 接待 化解 受援 涉及 包括 走进 深入 覆盖 筛查 整治 治理""".split(), key=len, reverse=True)


class _AtEnd:
    """A pattern that only matches up to the end of a string (`…$`), tried only where the string
    ends in one of `tails` (the last characters of its words, all of one length) or in a line break
    (where `$` also matches): elsewhere it cannot match, and the regex would try every start in vain."""

    __slots__ = ("rx", "tails", "n")

    def __init__(self, pattern: str, tails):
        self.rx = re.compile(pattern)
        self.tails = frozenset(tails)
        self.n = len(next(iter(self.tails)))
        assert all(len(t) == self.n for t in self.tails)

    def _may(self, s: str) -> bool:
        return s[-self.n:] in self.tails or s.endswith("\n")

    def search(self, s: str):
        return self.rx.search(s) if self._may(s) else None

    def fullmatch(self, s: str):
        return self.rx.fullmatch(s) if self._may(s) else None

    def sub(self, repl: str, s: str) -> str:
        return self.rx.sub(repl, s) if self._may(s) else s


def _last_chars(pattern: str) -> set[str]:
    """The last character of every run of literal words in a pattern: a superset of the characters
    a match of the pattern can end with (its alternatives are literal words)."""
    return {run[-1] for run in re.findall(r"[\u4e00-\u9fff、]+", pattern)}


# A verb followed by 性 is an adjective (规范性文件, 合法性).
assert min(map(len, _VERBS)) >= 2
_VERB_END = _AtEnd(f"(?:(?:{'|'.join(_VERBS)})(?!性))+$", {v[-2:] for v in _VERBS})
_VERB_START = re.compile(f"^(?:{'|'.join(_VERBS)})(?!性)")
_VERB_ANY = re.compile(f"(?:{'|'.join(_VERBS)})(?!性)")
_GONG_VERB = re.compile(f"共(?=(?:{'|'.join(_VERBS)}))")  # 共办理 → 办理
_DATE = re.compile(r"\d{4}年(?:\d{1,2}(?:[-—至]\d{1,2})?月(?:\d{1,2}日)?)?(?:以来|底|末|初|度)?|"
                   r"\d{1,2}(?:[-—至]\d{1,2})?月(?:份|底|末|初)?|(?:今|去|前|当|上|本)年度?|全年|年内|上半年|下半年")
# Words that frame a clause without naming what is counted.
_FILLER = re.compile(
    r"^(?:其中|剩余|另有|尚有|仍有|目前|截至|截止|此外|同时|另外|全年|今年|年内|累计|共计|合计|总计|先后|已经|已|均|都|共|总共|一共|"
    r"全区|全县|全市|全省|全镇|我区|我县|我市|我省|我局|我委|本区|本县|本市|期间|同期|有效|持续|进一步|积极|"
    r"严格|依法|全面|切实|扎实|认真|大力|深入|主动|及时|[一二三四五六七八九十]是|\(\S{1,2}\)|\d{1,2}[.、])+"
)
_FILLER_END_PATTERN = (r"(?:全区|全县|全市|全省|全国|对|向|从|将|把|通过|均|都|分别|全部|共计|共|累计|合计|总计|约|近|超过|逾|高达|已达|达到|达|为|是|有|"
                       r"保持在|保持|稳定在|提高到|提升到|提升至|提高至|上升到|增至|减至|降至|降到|控制在|不少于|"
                       r"(?:压缩|缩短|缩减|减少|降低|增加|扩大)(?:到|至)|"
                       r"不低于|不得少于|少于|至少|以上的|以上|的|了|等|及|和|、|(?<![存现所正实])在)+$")
_FILLER_END = _AtEnd(_FILLER_END_PATTERN, _last_chars(_FILLER_END_PATTERN))
_AND = re.compile(r"以及|和|与|及(?!时)")
_CHANGE_UP = re.compile(r"同比增加|同比增长|同比上升|同比提高|增加|增长|提高|提升|上升|扩大|提速|增速|增幅|涨幅|多出")
_CHANGE_DOWN = re.compile(r"同比下降|同比减少|减少|下降|压缩|降低|缩短|缩减|精简|降幅|减轻|节约|节省")
_LEVEL_WORDS = re.compile(r"(?:提高|提升|上升|增|降|减|下降|压缩|缩短|缩减)(?:到|至)$")
_TARGET_WORDS = re.compile(r"力争|争取|努力|目标|预计|计划|不低于|不少于|至少|每年|每月|每季度|要达到|应当|应达")
_ROLE_TARGET = ("plans", "targets")
# Objects of a clause that the next clause's counts are about (…监督平台，录入法律法规1330余部).
_PREFIX_OK = re.compile(r"(?:平台|系统|热线|中心|公众号|网站|教育|窗口|数据库|信息库|人才库|专家库|机构|组织)$")
_CHANGE_VERB = r"(?:扩大|增加|提高|提升|增长|上升|减少|压缩|缩减|缩短|降低|下降|精简|增至|降至)"
_WHEN = r"(?:\d{4}年(?:底|末|初)?的?)?"  # 由2019年的65%提高到2020年的98%
_BASELINE_LEAD = re.compile(r"(?:由|从)(?:原来|原|过去)?" + _WHEN + r"\d+(?:\.\d+)?\D{0,3}?" + _CHANGE_VERB
                            + r"(?:到|至)?" + _WHEN + "$")
_BASELINE_NEXT = re.compile(r"\D{0,3}?" + _CHANGE_VERB + r"(?:到|至)?" + _WHEN + r"\d")
_BASELINE_PREV = re.compile(_CHANGE_VERB + r"(?:到|至)?" + _WHEN + "$")
_BASELINE_VALUE = re.compile(r"(?:由|从)(?:原来|原|过去)?" + _WHEN + r"(\d+(?:\.\d+)?)(?:万|亿)?\D{0,3}?" + _CHANGE_VERB
                             + r"(?:到|至)?" + _WHEN + "$")
_FROM = re.compile(r"(?:由|从)(?:原来|原|过去)?" + _WHEN + "$")
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n]")

# Patterns used per number, compiled once.
_RX0 = re.compile(r"届[一二三四五六七八九十次、]*$")
_RX1 = re.compile(r"连续$")
_RX2 = re.compile(r"(?:电话|热线|编号|邮编|代码|附件|字|号|令)$")
_RX3 = re.compile(r"\([^()]*[A-Za-z@][^()]*\)?")
_RX4 = re.compile(r"[“”\"'《》\s]")
_RX5 = re.compile(r"各类|各项|各种|相关|有关|全部|总体|整体(?=压缩|提高|减少)|先后|依法|累计|已经|至少|不少于|每年|每月")
_RX6 = re.compile(r"^(?:对|向|为|在|从|由|与|和|及|将|把|、|,|\s)+")
_RX7 = re.compile(r"(?:数|量|率|额|比例|占比|比重|人次|场次|件次|次数|人数|幅度|增速|增幅|降幅|满意度|度)$")
_RX8 = re.compile(r"损失|资金|经费|收入|费|税|款|额")
_RX9 = re.compile(r"增长|增加|上升|提高|提升")
_RX10 = re.compile(r"率|比例|占比|比重|满意度|覆盖面|度$")
_RX11 = re.compile(r"^(?:的|之)")
_RX12 = re.compile(r"(?:的|了)$")
_RX13 = re.compile(r"(?:数|次数|人数|场次|人次|件次|金额|率|比例|幅度)$")
_RX14 = re.compile(r"[级类型]$")
_RX15 = re.compile(r"[\u4e00-\u9fff]*?[级类型]([\u4e00-\u9fff]{2,10})")
_RX16 = re.compile(r"\s*(?:其中|剩余|另有|尚有|仍有)")
_RX17 = re.compile(r"(?:由|被|正在|已)")
_RX18 = re.compile(r"\s+")
_RX19 = re.compile(r"率(?:均|都|全部)(?:达到?|为|是)?$")
_RX20 = re.compile(r"(?:、|以及|(?<![总调缓融])和)$")
_RX21 = re.compile(r"、|以及|(?<![总调缓融])和")
_RX22 = re.compile(r"(?:较|比|同比)")
_RX23 = re.compile(r"[，,；;：:]")
_RX24 = re.compile(r"\d")
_RX25 = re.compile(r"^(?:了|出|好|到|在)")
_RX26 = re.compile(r"[“”]")
_RX27 = re.compile(r"(?:次数|人数|场次|人次|件次|金额|比例|幅度|比率|数)$")
_RX28 = re.compile(r"(?:将|要|须|应)(?:达到|实现|提高|提升)")
_RX29 = re.compile(r"(?:均|都|全部)(?:达到?|为|是|保持|实现)?$")
_RX30 = re.compile(r"比(?:上|去|前)年|比\d{4}年")
_RX31 = re.compile(r"《[^》]*》")
_RX32 = re.compile(r"\s*(?:在|通过|依托|利用)")
_RX33 = re.compile(r"([^，,；;：:]*?)分别([\u4e00-\u9fff]{0,6}?)(?:为|达到?|是)?(?=[\d近约])")
_RX34 = re.compile(r"^(?:以上的|以上|左右|多|的|之)+")
_RX35 = re.compile(r"[“”\"'\s]")
_RX36 = re.compile(r"^(?:已经|已|均|都|全部|先后|正在|累计)+")
_RX37 = re.compile(r"(?<=..)均|已经|全部|先后|依法|全程|积极|主动|认真|及时|切实|共同|(?<=[\u4e00-\u9fff])了(?=[\u4e00-\u9fff])")
_RX38 = re.compile(r"(?:为(?![期主])|对|按照|通过|围绕|针对|根据)")
_RX39 = re.compile(r"(?<=..)(?:更加|日益|明显|显著|不断|大幅)")
_RX40 = re.compile(r"(?:了|的|中)$")


@lru_cache(maxsize=4096)
def cn_number(s: str) -> float | None:
    """A Chinese numeral as a number (两 → 2, 十五 → 15, 三百二十 → 320); None if it is not one."""
    if not s:
        return None
    total, current = 0, None
    for ch in s:
        if ch in "零〇":
            if current is not None:
                return None
            continue  # a place holder: 一千零五
        if ch in _CN_DIGIT:
            if current is not None:
                return None  # two digits in a row (一二) is a list, not a number
            current = _CN_DIGIT[ch]
        elif ch in _CN_POWER:
            total += (1 if current is None else current) * _CN_POWER[ch]
            current = None
        else:
            return None
    return float(total + (current or 0))


def _named_mask(view: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _NAMED.finditer(view)]


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] < pos < spans[i][1] - 1


class _Hit:
    """One number found in the view, before it is read in its clause."""

    __slots__ = ("start", "end", "num_start", "value", "unit", "approx", "money_mult", "range_low", "cn")

    def __init__(self, start, end, num_start, value, unit, approx, cn=False, range_low=None):
        self.start, self.end, self.num_start = start, end, num_start
        self.value, self.unit, self.approx, self.cn, self.range_low = value, unit, approx, cn, range_low


def find_numbers(view: str, fixed_terms: frozenset[str] = frozenset()) -> list[_Hit]:
    """Every number in the view that quantifies something, with value, unit and approximation."""
    nv = _OCR_ONE.sub("1", view) if _OCR_ONE_QUICK.search(view) else view
    named = _named_mask(nv)
    named_starts = [s for s, _ in named]
    hits: list[_Hit] = []
    for m in NUMBER.finditer(nv):
        num = m.group("num")
        ns = m.start("num")
        unit = m.group("unit") or ""
        before = nv[max(0, ns - 1):ns]
        after = nv[m.end():m.end() + 1]
        is_cn = not num[0].isdigit()
        if before and (before.isdigit() or before in ".．第+＋×*/#№" or before.isascii() and before.isalpha()):
            continue
        if after in ("+", "＋") or (after and after.isascii() and after.isalpha() and not unit):
            continue
        if _inside(named, named_starts, ns):
            continue
        if is_cn:
            value = cn_number(num)
            if value is None or num in ("一", "百", "千", "十") or not unit or not unit.startswith(_CN_COUNTERS):
                continue
            if _RX0.search(nv[max(0, ns - 12):ns]) or before in "周星礼" or _ABSTRACT.match(nv, m.end()):
                continue
            if any(nv.startswith(t, ns) for t in fixed_terms):
                continue
        else:
            value = float(num)
        mult = m.group("mult")
        if mult:
            value *= _MULT[mult]
        if not unit:
            if not _unitless_ok(nv, m, num, mult):
                continue
        elif unit == "年":
            if not _RX1.search(nv[max(0, ns - 4):ns]) or value > 100:
                continue
        elif unit in ("个月", "天", "小时") and nv[m.end():m.end() + 1] in "内前后":
            pass
        approx = bool(m.group("pre") or m.group("ap1") or m.group("ap2") or m.group("ap3")
                      or _APPROX_BEFORE.search(nv, max(0, ns - 7), ns))
        range_low = None
        if m.group("num2"):
            range_low = value
            value = float(m.group("num2")) * (_MULT[mult] if mult else 1)
        start = m.start("pre") if m.group("pre") else ns
        hits.append(_Hit(start, m.end(), ns, value, unit, approx, is_cn, range_low))
    return hits


def _unitless_ok(nv: str, m: re.Match, num: str, mult: str | None) -> bool:
    """A bare number counts only where it plainly closes a clause (解答咨询84155，关注量达17.5万)."""
    if not num[0].isdigit():
        return False
    ns = m.start("num")
    before = nv[ns - 1:ns] if ns else ""
    after = nv[m.end():m.end() + 1]
    if not before or not ("\u4e00" <= before <= "\u9fff") or before in "第号年月日届版期":
        return False
    if after and (after in "年月日号届期版室楼层栋幢路街”\"》)）·.-—/:：" or after.isdigit() or after.isascii() and after.isalpha()):
        return False
    if _HOTLINE.match(num) or "." in num and not mult:
        return False
    if not mult and (len(num) < 2 or (len(num) == 4 and num[:2] in ("19", "20"))):
        return False
    if _RX2.search(nv[max(0, ns - 3):ns]):
        return False
    return True


# --- indicators ---------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _clean_lead(s: str) -> str:
    s = _DATE.sub("", s)
    s = _RX3.sub("", s)  # (信息请发送至xx@163.com): not a name
    s = _RX4.sub("", s)
    s = _RX5.sub("", s)
    s = _GONG_VERB.sub("", s)
    prev = None
    while prev != s:
        prev = s
        s = _FILLER.sub("", s)
        s = _RX6.sub("", s)
        s = _FILLER_END.sub("", s)
        if s.endswith("由") and _VERB_END.search(s[:-1]):
            s = s[:-1]  # 组建由24名律师组成 (but 执法案由 is a noun)
    return s


@lru_cache(maxsize=8192)
def _suffix(name: str, unit: str, kind: str) -> str:
    if _RX7.search(name):
        return name
    if unit in ("个工作日", "工作日", "天", "小时", "个月"):
        return name
    if kind == "money":
        return name if _RX8.search(name) else name + "金额"
    if kind == "change":
        return name + ("幅度" if _RX9.search(name) else "比例")
    if unit in ("次",):
        return name + "次数"
    if unit in ("人", "名", "位"):
        return name + ("数" if name.endswith(("人", "员", "者")) else "人数")
    if unit in ("人次", "场次", "件次"):
        return name + unit
    if unit in ("场",):
        return name + "场次"
    return name + "数"


@lru_cache(maxsize=8192)
def _rate_name(lead: str, tail: str) -> str:
    """A name for a percentage: keep a 率/比/度 word, else make one (公开达到100% → 公开率)."""
    if _RX10.search(lead):
        return lead
    if lead.startswith("占"):
        return lead + "比率"
    t = _RX11.sub("", tail)
    t = _RX12.sub("", t)
    base = lead + t
    if not base:
        return ""
    if _VERB_END.search(base) or base.endswith(("化", "审核", "记录", "公开", "覆盖")):
        return base + "率"
    return base + "比率"


@lru_cache(maxsize=8192)
def _subject(name: str) -> str:
    """The thing counted, without the reporting verb: 承办行政复议案件 → 行政复议案件."""
    stripped = _VERB_START.sub("", name) or name
    return _RX13.sub("", stripped)


def find_outcomes(view: str, text: str, sentences: list[Sentence], sections: list[Section],
                  measures: list[MeasureMention], kind: str = "annual_report", *,
                  fixed_terms: frozenset[str] | None = None) -> list[Outcome]:
    """Every quantifying number in the view as an `Outcome`, with its clause as evidence.

    Args:
        view: the normalised, debris-masked text (same offsets as `text`).
        text: the original text, for evidence.
        sentences, sections: from `clean.split_sentences` and `sections.find_sections`.
        measures: measure mentions, to link each outcome to the measure it quantifies.
        kind: the document kind (an implementation plan states targets).
        fixed_terms: names that begin with a Chinese numeral (三项制度, 四清单一办法); by default
            the forms of the measure taxonomy and the initiative stop list.
    """
    if fixed_terms is None:
        fixed_terms = _default_fixed_terms()
    hits = find_numbers(view, fixed_terms)
    sent_starts = [s.start for s in sentences]
    out: list[Outcome] = []
    topics: dict[int, tuple[int, str, str]] = {}  # sentence → (end of last number, its topic, its verb)
    clause_prefix: dict[int, str] = {}  # clause start → the object of the clause before it
    sent_prefix: dict[int, str] = {}
    linker = _MeasureLinker(measures)
    breaks = _Breaks(view)
    clauses = [breaks.clause_of(sentences, sent_starts, h) for h in hits]
    prev_topics: dict[tuple[int, int], tuple | None] = {}
    # Split the text between two numbers of one clause: the first one's tail, the next one's lead.
    bounds: list[list[int]] = [[c[1], c[2]] for c in clauses]  # lead start, tail end
    for i in range(len(hits) - 1):
        if clauses[i][1] != clauses[i + 1][1]:
            continue
        a, b = hits[i].end, hits[i + 1].start
        cut_tail, cut_lead = _split_between(view, a, b)
        bounds[i][1] = cut_tail
        bounds[i + 1][0] = cut_lead
    for idx, h in enumerate(hits):
        sent, clause_start, clause_end = clauses[idx]
        lead_start, tail_end = bounds[idx]
        raw_lead = view[lead_start:h.start]
        raw_tail = view[h.end:max(h.end, tail_end)]
        if idx + 1 < len(hits) and clauses[idx + 1][1] == clause_start and _RX14.search(raw_tail.strip()):
            # 创建4个国家级和3个自治区级民主法治示范村: the head noun is shared
            nxt = view[hits[idx + 1].end:max(hits[idx + 1].end, bounds[idx + 1][1])]
            head = _RX15.match(nxt)
            if head:
                raw_tail = raw_tail.strip() + head.group(1)
        sec = section_at(sections, h.start)
        role = sec.role if sec else "other"
        evidence = text[clause_start:clause_end].strip()
        prev_hit = hits[idx - 1] if idx else None
        same_clause_prev = prev_hit is not None and clauses[idx - 1][1] == clause_start

        unit = h.unit
        kind_, direction, baseline = _kind_and_change(view, clause_start, h, unit)
        resp = _respectively(view[clause_start:clause_end], clause_start, h)
        if resp and unit in ("%", "个百分点", "百分点") and (_CHANGE_UP.search(resp[1]) or _CHANGE_DOWN.search(resp[1])):
            kind_ = "change"
            direction = "down" if _CHANGE_DOWN.search(resp[1]) else "up"
        if unit in ("个百分点", "百分点"):
            unit = "pp"
        if unit == "" and prev_hit is not None and prev_hit.unit not in ("", "%", "元", "个百分点", "百分点") and \
                clauses[idx - 1][0].id == sent.id and h.start - prev_hit.end <= 12:
            unit = prev_hit.unit  # 清217件，废止修改42 → 件
        topic = topics.get(sent.id)
        if topic is None:
            key = (sent.start, clause_start)
            if key not in prev_topics:
                prev_topics[key] = _previous_clause_topic(view, sent, clause_start, breaks)
            topic = prev_topics[key]
        if clause_start not in clause_prefix:
            obj = (_previous_clause_object(view, sent, clause_start, breaks)
                   or _locative(view, sent.start, clause_start, breaks))
            clause_prefix[clause_start] = obj
            if obj:
                sent_prefix[sent.id] = obj
        names = _indicators(raw_lead, raw_tail, unit, kind_, h, topic,
                            list_start=same_clause_prev and lead_start == h.start, in_list=same_clause_prev and view[lead_start - 1:lead_start] in ("、", "和"),
                            clause=view[clause_start:clause_end], clause_start=clause_start, view=view,
                            prefix=clause_prefix[clause_start])
        first = names[0] if names and names[0] else ""
        # A part of the count before (其中8件已作出决定, 22起正在办理中) leaves that count the topic.
        subset = bool(_RX16.match(raw_lead)) or (
            not _clean_lead(raw_lead) and bool(_RX17.match(raw_tail.strip())
                                               or _VERB_START.match(_clean_tail(raw_tail))))
        if first and not (subset and topic):
            cl = _clean_lead(raw_lead)
            verb_m = _VERB_END.search(cl) or _VERB_START.match(cl)
            pre = clause_prefix[clause_start]
            core = first[len(pre):] if pre and first.startswith(pre) and len(first) > len(pre) + 1 else first
            topics[sent.id] = (h.end, _noun_of(core) if kind_ != "rate" else _topic_of(core),
                               verb_m.group() if verb_m else (topic[2] if topic else ""),
                               _agent_of(cl) or (topic[3] if topic and len(topic) > 3 else ""))
        is_target = _is_target(view, sent, h, role)
        measure = linker.link(sent.id, h.start, clause_start, clause_end)
        for name in names:
            ind = name or _RX18.sub("", evidence)[:20]
            where = Evidence(sentence=text[sent.start:sent.end], start=h.start, end=h.end, sentence_id=sent.id,
                             section=sec.ordinal if sec else None, role=role)
            common = dict(unit=unit, kind=kind_, approx=h.approx, is_target=is_target, evidence=evidence,
                          measure=measure, where=where)
            if h.range_low is not None:
                out.append(Outcome(indicator=ind, value=h.range_low, **common))
            out.append(Outcome(indicator=ind, value=h.value, direction=direction, baseline=baseline, **common))
    return out


class _Breaks:
    """Where the clauses of a document break, found once: bisecting these lists stands in for
    scanning the text before and after every number again."""

    __slots__ = ("clause", "inner", "length")

    def __init__(self, view: str):
        self.length = len(view)
        self.clause = [m.start() for m in _CLAUSE_BREAK.finditer(view)]  # ，；：。！？ and line breaks
        self.inner = [m.start() for m in _RX23.finditer(view)]  # ，；： (within a sentence)

    def clause_of(self, sentences: list[Sentence], sent_starts: list[int], h: _Hit):
        """(sentence, clause start, clause end) of a number."""
        si = max(0, bisect.bisect_right(sent_starts, h.start) - 1)
        sent = sentences[si] if sentences else Sentence(0, 0, self.length)
        if not (sent.start <= h.start < max(sent.end, sent.start + 1)):
            sent = Sentence(sent.id, h.start, h.end)
        clause_start = sent.start
        cb = self.clause
        i = bisect.bisect_left(cb, h.start) - 1  # the last break before the number, in its sentence
        if i >= 0 and cb[i] >= sent.start:
            clause_start = cb[i] + 1
        limit = max(sent.end, h.end)
        j = bisect.bisect_left(cb, h.end)  # the first break after it, in its sentence
        clause_end = cb[j] if j < len(cb) and cb[j] < limit else limit
        return sent, clause_start, clause_end

    def last_inner(self, start: int, end: int) -> int:
        """The offset of the last ，；： in view[start:end], or -1."""
        i = bisect.bisect_left(self.inner, end) - 1
        return self.inner[i] if i >= 0 and self.inner[i] >= start else -1


def _split_between(view: str, a: int, b: int) -> tuple[int, int]:
    """Where the words between two numbers of a clause divide: (end of the first's tail, start of
    the next one's lead). 召开10次党委会、17次… divides at 、; 1.5万余件挽回损失1.8亿元 at the verb."""
    between = view[a:b]
    if not between:
        return a, b
    if _RX19.search(between) or _BASELINE_PREV.search(between):
        return a, a  # 废止修改42审查率、报备率均为100%: the list belongs to the value
    m = _RX20.search(between)
    if m:
        return a + m.start(), b
    seps = [x for x in _RX21.finditer(between)]
    if seps:
        last = seps[-1]
        return a + last.start(), a + last.end()
    comp = _RX22.search(between)
    if comp:
        return a + comp.start(), a + comp.start()
    v = _VERB_ANY.search(between, 1)
    if v:
        return a + v.start(), a + v.start()
    return b, b


def _previous_clause_object(view: str, sent: Sentence, clause_start: int, breaks: _Breaks) -> str:
    """What the clause before (same sentence, no number in it) worked on: 建成…的行政执法监督平台，
    录入法律法规1330余部 → 行政执法监督平台. Empty where there is none."""
    if clause_start <= sent.start:
        return ""
    cut = breaks.last_inner(sent.start, clause_start - 1)
    prev = view[cut + 1 if cut >= 0 else sent.start:clause_start - 1]
    if not prev or _RX24.search(prev) or "“" in prev[-4:] or len(prev) > 40:
        return ""
    prev = _clean_lead(prev)
    if "的" in prev:
        obj = prev[prev.rfind("的") + 1:]
    else:
        first = _VERB_ANY.search(prev)
        obj = prev[first.end():] if first and first.start() <= 2 else ""
    obj = _RX25.sub("", obj)
    return obj if 3 <= len(obj) <= 14 else ""


_LOCATIVE = re.compile(r"(?:在|通过|依托|利用)([\u4e00-\u9fff“”]{2,14}?(?:平台|系统|热线|公众号|网站|客户端|APP|App))")


def _locative(view: str, start: int, end: int, breaks: _Breaks) -> str:
    """A platform the sentence works through (在宁夏法治微信公众号创办…，推送发布1586条信息)."""
    cut = breaks.last_inner(start, end - 1)
    found = list(_LOCATIVE.finditer(view, max(start, cut + 1), end))  # the clause just before only
    return _RX26.sub("", found[-1].group(1)) if found else ""


def _previous_clause_topic(view: str, sent: Sentence, clause_start: int, breaks: _Breaks):
    """The object of the clause before, in the same sentence (规范政府信息公开申请，全年办理18件)."""
    if clause_start <= sent.start:
        return None
    cut = breaks.last_inner(sent.start, clause_start - 1)
    prev = view[cut + 1 if cut >= 0 else sent.start:clause_start - 1]
    prev = _clean_lead(prev)
    if not prev or _RX24.search(prev):
        return None
    if len(prev) > 14:
        # a long clause: what its last verb works on (提供不断档不断线公共法律服务)
        verbs = [v for v in _VERB_ANY.finditer(prev) if v.end() < len(prev)]
        prev = prev[verbs[-1].end():] if verbs else ""
        if not 2 <= len(prev) <= 20:
            return None
    return (clause_start, _subject(prev), "", "", "weak")


_AGENT_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:区|县|市|省|镇|乡)各级|^各级")


@lru_cache(maxsize=8192)
def _agent_of(lead: str) -> str:
    """Who acts in a lead with its verb in the middle: 蕉城区各级人民调解组织排查出矛盾纠纷 → 人民调解组织."""
    vs = [v for v in _VERB_ANY.finditer(lead) if v.end() < len(lead)]
    v = vs[-1] if vs else None  # the main verb stands last, before its object
    if not v or v.start() < 4:
        return ""
    agent = _AGENT_PLACE.sub("", lead[:v.start()])
    return agent if len(agent) >= 4 and not _VERB_START.match(agent) else ""


@lru_cache(maxsize=8192)
def _noun_of(name: str) -> str:
    """The counted thing of an indicator name: 规范性文件清理数 → 规范性文件."""
    core = _topic_of(name)
    bare = _VERB_END.sub("", _VERB_START.sub("", core))
    return bare if len(bare) >= 2 else core


def _topic_of(name: str) -> str:
    return _RX27.sub("", name)


def _kind_and_change(view: str, clause_start: int, h: _Hit, unit: str):
    """kind, direction and baseline of one number."""
    window = view[max(clause_start, h.start - 8):h.start]
    direction = baseline = None
    m = _BASELINE_VALUE.search(view, clause_start, h.start)
    if m:
        baseline = float(m.group(1))
        direction = "down" if _CHANGE_DOWN.search(m.group(0)) else "up"
    if unit in ("%", "个百分点", "百分点"):
        if not _LEVEL_WORDS.search(window) and (_CHANGE_UP.search(window) or _CHANGE_DOWN.search(window)):
            down = _CHANGE_DOWN.search(window)
            up = _CHANGE_UP.search(window)
            direction = "down" if down and (not up or down.end() > up.end()) else "up"
            return "change", direction, baseline
        return ("change" if unit != "%" else "rate"), direction, baseline
    if unit == "元":
        return "money", direction, baseline
    return "count", direction, baseline


def _is_target(view: str, sent: Sentence, h: _Hit, role: str) -> bool:
    if role in _ROLE_TARGET:
        return True
    before = view[sent.start:h.start]
    if _TARGET_WORDS.search(before) or _RX28.search(before):
        return True
    return False


def _indicators(raw_lead: str, raw_tail: str, unit: str, kind: str, h: _Hit, topic, *,
                list_start: bool, clause: str, clause_start: int, view: str, prefix: str = "",
                in_list: bool = False) -> list[str]:
    """The indicator name(s) a number stands for; several where one value covers several rates."""
    lead_full = _BASELINE_LEAD.sub("", raw_lead)
    if _BASELINE_NEXT.match(view, h.end):
        lead_full = _FROM.sub("", lead_full)
    # Several rates sharing one value: 审查率、报备率、合格率均为100%.
    if kind == "rate" and _RX29.search(lead_full):
        multi = _split_rates(_clean_lead(lead_full))
        if len(multi) > 1:
            return multi
    # A list of items and a list of values: 审批环节、审批材料、审批时限分别压缩14.39%、24.65%、69.9%.
    resp = _respectively(clause, clause_start, h)
    if resp:
        return [_suffix(resp[0] + resp[1], unit, kind)]
    lead = _clean_lead(lead_full)
    tail = _clean_tail(raw_tail, rate=kind in ("rate", "change") or unit == "pp")
    if topic and (not lead or _BASELINE_PREV.fullmatch(lead)) and _BASELINE_PREV.search(view, max(0, h.start - 16), h.start):
        # 由48项扩大到70项, 从85%提升至96%: the same indicator as the baseline
        return [topic[1] if kind == "rate" else _suffix(topic[1], unit, kind)]
    if kind == "change":
        core = lead
        if topic and (not core or _CHANGE_UP.fullmatch(core) or _CHANGE_DOWN.fullmatch(core)
                      or core.startswith(("较", "同比")) or _RX30.match(lead_full)):
            core = topic[1] + core
        return [_suffix(core, unit, kind)] if core else [""]
    if kind == "rate" or unit == "pp":
        name = _rate_name(lead, tail)
        if topic and name and (name.startswith(("占", "较")) or len(name) <= 3):
            subject = topic[1]
            if subject.endswith("率"):  # 办结率100%，满意率98.5%: the subject without the first rate word
                bare = _VERB_END.sub("", subject[:-1])
                subject = bare if bare != subject[:-1] and len(bare) >= 2 else (subject[:-3] or subject)
            word = name[:-1]
            name = subject[:-len(word)] + name if word and subject.endswith(word) else subject + name
        return [name]
    # Counts and money.
    if _BASELINE_PREV.fullmatch(lead):
        lead = ""
    if not lead and topic and _BASELINE_PREV.search(view, max(0, h.start - 12), h.start):
        return [_suffix(topic[1], unit, kind)]  # 由48项扩大到70项: the same indicator as the baseline
    if unit == "年" and _RX1.search(lead):
        return [tail + "连续年数"]
    examples = raw_lead.rstrip().endswith("等")
    if tail and examples:
        bare = _clean_lead(_RX31.sub("", lead_full))  # a title's words are not the verb
        vs = list(_VERB_ANY.finditer(bare))
        locative = _RX32.match(raw_lead)
        obj = bare[:vs[0].start()] if locative and vs and vs[0].start() >= 3 else ""
        # 成立了…等8个专业性调解组织; 在…公众号创办“…”等10个栏目
        return [_suffix(obj[-10:] + tail + (vs[-1].group() if vs else ""), unit, kind)]
    if len(lead) > 20:
        # A long lead (agents, beneficiaries, missing punctuation): the counted words stand last;
        # a reporting verb at its start moves to the end (办理…征求意见567件 → …征求意见办理).
        first_verb = _VERB_START.match(lead)
        cut = lead.rfind("等")
        verbs = list(_VERB_ANY.finditer(lead))
        last = verbs[-1] if verbs else None
        if 0 <= cut <= len(lead) - 5:
            lead = lead[cut + 1:] + (first_verb.group() if first_verb else "")
        elif last is not None and len(lead) - last.end() >= 4 and not _VERB_ANY.search(lead, last.end()) \
                and "、" not in lead[last.end():]:
            start = last.start()
            if len(verbs) > 1 and lead[start - 1:start] == "、":
                start = verbs[-2].start()  # 审查法律文书、出具法律意见: coordinated verb phrases stay together
            lead = lead[start:]
        else:
            lead = lead[-18:] + (first_verb.group() if first_verb else "")
    verb = _VERB_END.search(lead)
    lead_verb = _VERB_START.match(lead)
    if tail and (not lead or verb or raw_lead.rstrip().endswith("的")):
        if not lead and list_start and topic and topic[2]:
            name = tail + topic[2]  # 召开10次党委会、17次厅长办公会议: the verb carries over
        elif verb:
            obj = lead[:verb.start()]
            name = obj[-8:] + tail + verb.group()
        elif lead:
            mod = lead
            vm = list(_VERB_ANY.finditer(mod))
            if vm:
                mod = mod[vm[-1].start():]
            name = mod[-8:] + tail
        elif topic and _VERB_START.match(tail):
            name = topic[1] + tail  # 收到10起行政复议申请,其中8件已作出决定: a part of the count before
        else:
            name = tail
    elif tail and lead_verb and not _VERB_ANY.match(tail):
        name = tail + lead_verb.group()  # 建成银川…和…两个全国首家法考基地
    elif tail and lead and not _VERB_ANY.match(tail) and len(tail) <= 16:
        name = lead + tail  # 区直单位33家行政执法主体…聘请法律顾问
    else:
        name = lead
        if topic and name and _VERB_END.fullmatch(name) and len(topic) > 3 and topic[3]:
            name = topic[3] + name  # …人民调解组织排查出矛盾纠纷2512起,调处成功2447起: the same agent
        elif topic and name and (len(name) <= 3 or (_VERB_END.fullmatch(name) and len(topic) < 5)):
            # 结案541件 after …行政复议案件561件; a clause before the number names only what a
            # bare word (服务, 关注量) refers to
            name = topic[1] if topic[1].endswith(name) else topic[1] + name
        elif not name and tail:
            name = tail
        elif in_list and topic and topic[2] and name and not _VERB_ANY.search(name):
            name = name + topic[2]  # 录入法律法规1330余部、执法案由1.8万余条: the verb carries over
            lead_verb = True
    if prefix and name and (lead_verb or not lead) \
            and len(name) <= 10 and prefix not in name and _PREFIX_OK.search(prefix):
        name = prefix + name  # the clause continues the one before: its object is the subject here
    return [_suffix(name, unit, kind)] if name else [""]


def _respectively(clause: str, clause_start: int, h: _Hit) -> tuple[str, str] | None:
    """(item, verb) for the value h in "A、B、C分别V x、y、z", where items and values pair up."""
    if "分别" not in clause:
        return None
    resp = _RX33.search(clause)
    if not resp or clause_start + resp.end() > h.start:
        return None
    items = [i for i in _clean_lead(resp.group(1)).split("、") if i]
    values = [m for m in NUMBER.finditer(clause, resp.end()) if m.group("num")[0].isdigit()]
    pos = [clause_start + m.start("num") for m in values]
    if len(items) != len(values) or h.num_start not in pos:
        return None
    return items[pos.index(h.num_start)], resp.group(2)


_TAIL_ASIDE = re.compile(r"^\([^)]*\)?")  # 1篇(信息简报请发送至…): an aside, not the counted thing
# 1起由宁德市人民政府作出终止行政复议决定: the agent of a passive is not what is counted
_PASSIVE_AGENT = re.compile(r"^由[\u4e00-\u9fff]{2,12}?(?=作出|办理|审查|审批|批准|负责|受理|决定)")


@lru_cache(maxsize=8192)
def _clean_tail(s: str, rate: bool = False) -> str:
    s = _RX34.sub("", s.strip())
    s = _PASSIVE_AGENT.sub("", _TAIL_ASIDE.sub("", s))
    cut = s.find("、“")
    if cut >= 2:
        s = s[:cut]  # 8项工作机制、“十个一律”和…: the next item is a name of its own
    s = _RX35.sub("", s)
    s = _RX36.sub("", s)
    s = _RX37.sub("", s)
    if _RX38.match(s) or \
            _RX39.search(s):
        return ""  # 提出意见建议500余条决策程序更加规范: what follows is a new clause
    cut = re.search(r"、“|^(?:并|且|从而|进一步)|(?<=..)(?:就(?![地近])|对|向|按照|按|根据|并|且|之一|等|后|以|从而|"
                    r"进一步)", s)
    if cut:
        s = s[:cut.start()]
    first = _VERB_ANY.search(s, 1) or _VERB_ANY.match(s)
    second = _VERB_ANY.search(s, first.end()) if first else None
    if second and (rate or second.end() < len(s)):
        s = s[:first.end()]
    s = _RX40.sub("", s)
    return s[:20]


def _split_rates(lead: str) -> list[str]:
    """报备率、规范率 → [报备率, 规范率]; 政府规范性文件的报备率和报备及时率 → each with the subject."""
    parts: list[str] = []
    for p in (p for p in lead.split("、") if p):
        sub = [x for x in _AND.split(p) if x]
        parts.extend(sub if len(sub) > 1 and all("率" in x or "度" in x for x in sub) else [p])
    if len(parts) < 2 or not any("率" in p or "度" in p for p in parts):
        return [lead] if lead else []
    subject = ""
    if "的" in parts[0]:
        subject, _, parts[0] = parts[0].partition("的")
    if not all("率" in p or "度" in p for p in parts):
        # 人大代表议案和建议、政协委员提案办结率: the rate word of the last item applies to all.
        rm = re.search(r"(?:" + "|".join(_VERBS) + r")?[\u4e00-\u9fff]?率$", parts[-1])
        rate_word = rm.group() if rm else ""
        parts = [p if ("率" in p or "度" in p) else p + rate_word for p in parts]
    return [subject + p for p in parts]


@lru_cache(maxsize=4)
def fixed_terms_of(taxonomy) -> frozenset[str]:
    """Names in a taxonomy (forms and the initiative stop list) that begin with a Chinese numeral:
    三项制度, 四清单一办法. A number at their start is part of the name."""
    terms = {f for m in taxonomy.measures for f in m.forms} | set(taxonomy.initiative_stoplist)
    return frozenset(t for t in terms if t and (t[0] in _CN_DIGIT or t[0] in _CN_POWER))


def _default_fixed_terms() -> frozenset[str]:
    from ingest.taxonomy import load_taxonomy

    return fixed_terms_of(load_taxonomy())


class _MeasureLinker:
    """Which measure an outcome quantifies: the one named in its own clause (nearest to the number),
    else the nearest one before it in the sentence, else the first one after it in the sentence.

    Mentions are grouped by sentence and sorted once, so that each number bisects its sentence's."""

    def __init__(self, measures: list[MeasureMention]):
        by_sentence: dict[int, list[tuple[int, str]]] = {}
        for mm in measures:
            if not mm.id:
                continue
            for ev in mm.mentions:
                by_sentence.setdefault(ev.sentence_id, []).append((ev.start, mm.id))
        for cands in by_sentence.values():
            cands.sort()
        self.by_sentence = by_sentence

    def link(self, sentence_id: int, pos: int, clause_start: int, clause_end: int) -> str | None:
        """The measure id for a number at `pos` in a sentence and clause, or None."""
        cands = self.by_sentence.get(sentence_id)
        if not cands:
            return None
        lo = bisect.bisect_left(cands, (clause_start, ""))
        hi = bisect.bisect_left(cands, (clause_end, ""))
        if lo < hi:  # named in the clause: the nearest (then the smallest id)
            return min((abs(st - pos), mid) for st, mid in cands[lo:hi])[1]
        i = bisect.bisect_left(cands, (pos + 1, ""))  # mentions starting at or before the number
        return cands[i - 1][1] if i else cands[0][1]
