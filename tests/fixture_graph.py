"""A small hand-made graph for the query tests: six reports whose numbers can be worked out by hand.

Written the way ingest writes: `ReportRecord` → `graph.rows.report_rows` → `store.write_report`,
after the taxonomy. The expected figures in tests/test_queries*.py are derived in their comments
from the table below.

| report | region (adcode)        | year | section: role → measure mentions (sentence ids); outcomes (sentence)       |
|--------|------------------------|------|-----------------------------------------------------------------------------|
| R1     | 宁夏回族自治区 640000   | 2020 | s0 achievements: M82 (1,2), M81 (2); 出庭应诉率 95% (1), 复议纠错率 10% (3); 塞上枫桥 (4)
|        |                        |      | s1 problems: problem "行政执法不够规范" (5) concerning M50                       |
|        |                        |      | s2 plans: M50 (10); target 出庭应诉率 100% (11)                                |
| R2     | 银川市 640100          | 2021 | s0 achievements: M82 (1), M81 (2); 出庭应诉率 80% (1)                          |
| R3     | 西夏区 640105          | 2021 | s0 achievements: M81 (1); 出庭应诉率 60% (2); s1 plans: target 出庭应诉率 90% (7) |
| R4     | 西夏区 640105          | 2022 | s0 achievements: M82 (3), M50 (4); 出庭应诉率 92% (3)                          |
| R5     | 杭州市 330100          | 2021 | s0 achievements: M50 (1), M82 (2); 行政执法案件 120件 (1)                     |
| R6     | 浙江省 330000          | 2022 | s0 achievements: M50 (1); s1 problems: M82 (5)                               |
"""
from __future__ import annotations

from graph.rows import report_rows, taxonomy_rows
from ingest.records import (Evidence, Initiative, Jurisdiction, MeasureMention, Outcome, Problem, ReportRecord,
                            Section)
from ingest.taxonomy import load_taxonomy

NINGXIA = dict(province="宁夏回族自治区")
ZHEJIANG = dict(province="浙江省")
NAMES = {"M50": "行政执法三项制度", "M81": "行政复议", "M82": "行政机关负责人出庭应诉"}

# report → (jurisdiction, year, sections [(role, [(measure, [sentence ids])], [outcome tuples])])
# outcome tuple: (indicator, value, unit, sentence id, is_target)
SPEC = {
    "R1": (dict(**NINGXIA, adcode="640000"), 2020, [
        ("achievements", [("M82", [1, 2]), ("M81", [2])], [("出庭应诉率", 95, "%", 1, False),
                                                          ("复议纠错率", 10, "%", 3, False)]),
        ("problems", [], []),
        ("plans", [("M50", [10])], [("出庭应诉率", 100, "%", 11, True)]),
    ]),
    "R2": (dict(**NINGXIA, city="银川市", adcode="640100"), 2021, [
        ("achievements", [("M82", [1]), ("M81", [2])], [("出庭应诉率", 80, "%", 1, False)]),
    ]),
    "R3": (dict(**NINGXIA, city="银川市", county="西夏区", adcode="640105"), 2021, [
        ("achievements", [("M81", [1])], [("出庭应诉率", 60, "%", 2, False)]),
        ("plans", [], [("出庭应诉率", 90, "%", 7, True)]),
    ]),
    "R4": (dict(**NINGXIA, city="银川市", county="西夏区", adcode="640105"), 2022, [
        ("achievements", [("M82", [3]), ("M50", [4])], [("出庭应诉率", 92, "%", 3, False)]),
    ]),
    "R5": (dict(**ZHEJIANG, city="杭州市", adcode="330100"), 2021, [
        ("achievements", [("M50", [1]), ("M82", [2])], [("行政执法案件", 120, "件", 1, False)]),
    ]),
    "R6": (dict(**ZHEJIANG, adcode="330000"), 2022, [
        ("achievements", [("M50", [1])], []),
        ("problems", [("M82", [5])], []),
    ]),
}


def _sentence(report: str, sid: int, text: str = "") -> str:
    return text or f"{report}第{sid}句。"


def fixture_records() -> list[ReportRecord]:
    """The six reports as extraction would have produced them."""
    records = []
    for rid, (jur, year, sections) in SPEC.items():
        secs, measures, outcomes = [], {}, []
        for ordinal, (role, ments, outs) in enumerate(sections):
            secs.append(Section(heading=f"{'一二三'[ordinal]}、{role}", role=role, ordinal=ordinal,
                                start=ordinal * 1000, end=ordinal * 1000 + 999))
            for mid, sids in ments:
                mm = measures.setdefault(mid, MeasureMention(id=mid, name=NAMES[mid], surface=[NAMES[mid]]))
                for sid in sids:
                    text = _sentence(rid, sid, f"{rid}第{sid}句：推进{NAMES[mid]}。")
                    mm.mentions.append(Evidence(sentence=text, start=ordinal * 1000 + sid * 10,
                                                end=ordinal * 1000 + sid * 10 + 4, sentence_id=sid,
                                                section=ordinal, role=role))
                    mm.evidence.append(text)
                if role not in mm.roles:
                    mm.roles.append(role)
            for ind, value, unit, sid, target in outs:
                text = f"{rid}第{sid}句：{ind}{'达到' if target else '为'}{value}{unit}。"
                outcomes.append(Outcome(indicator=ind, value=value, unit=unit,
                                        kind="rate" if unit == "%" else "count", is_target=target,
                                        evidence=f"{ind}{value}{unit}",
                                        where=Evidence(sentence=text, start=ordinal * 1000 + sid * 10 + 5,
                                                       end=ordinal * 1000 + sid * 10 + 9, sentence_id=sid,
                                                       section=ordinal, role=role)))
        rec = ReportRecord(doc=rid, source=f"fixture/{rid}", content_hash=f"hash-{rid}", text_length=3000,
                           title=f"{rid} 法治政府建设情况报告", kind="annual_report",
                           jurisdiction=Jurisdiction(**jur), year=year, sections=secs,
                           measures=list(measures.values()), outcomes=outcomes)
        if rid == "R1":
            rec.problems.append(Problem(text="行政执法不够规范。", measures=["M50"],
                                        where=Evidence(sentence="行政执法不够规范。", start=1050, end=1058,
                                                       sentence_id=5, section=1, role="problems")))
            rec.initiatives.append(Initiative(name="塞上枫桥", measure="M81", evidence="R1第4句：打造塞上枫桥品牌。",
                                              where=Evidence(sentence="R1第4句：打造塞上枫桥品牌。", start=40,
                                                             end=44, sentence_id=4, section=0,
                                                             role="achievements")))
        records.append(rec)
    return records


def build_fixture(store, only: tuple[str, ...] | None = None) -> None:
    """Write the taxonomy and the fixture reports (or only some of them) into the store."""
    store.write_taxonomy(taxonomy_rows(load_taxonomy()))
    for rec in fixture_records():
        if only is None or rec.doc in only:
            assert store.write_report(report_rows(rec)) == "added"
