"""Outcome rules on short realistic sentences: numbers and units, approximations, targets,
changes, several indicators for one value, and numbers that are not outcomes."""
from __future__ import annotations

import pytest

from ingest.outcomes import cn_number
from ingest.pipeline import extract_document
from ingest.records import Document


def outcomes(text: str):
    rec = extract_document(Document(doc="t.txt", source="t.txt", text=text))
    return rec.outcomes


def one(text: str):
    found = outcomes(text)
    assert len(found) == 1, [(o.value, o.unit, o.indicator) for o in found]
    return found[0]


@pytest.mark.parametrize("numeral, value", [("两", 2), ("十", 10), ("十五", 15), ("二十三", 23), ("三百二十", 320),
                                            ("一千零五", 1005)])
def test_chinese_numerals(numeral, value):
    assert cn_number(numeral) == value


def test_wan_with_approximation_is_normalised():
    o = one("2020年，全区共办理各类法律援助案件1.5万余件。")
    assert (o.value, o.unit, o.kind, o.approx) == (15000, "件", "count", True)
    assert "法律援助案件" in o.indicator and o.indicator.endswith("数")


def test_yi_yuan_is_money_in_yuan():
    o = one("为受援人挽回经济损失1.8亿元。")
    assert (o.value, o.unit, o.kind) == (180000000, "元", "money")
    assert "挽回经济损失" in o.indicator


def test_wan_before_approximation_and_wan_yuan():
    assert one("累计发放宣传手册20余万份。").value == 200000
    assert one("新增减税降费53.64万元。").value == pytest.approx(536400)


def test_chinese_numeral_counts():
    o = one("建成两个全国首家法考基地。")
    assert (o.value, o.unit) == (2, "个")
    o = one("每年至少安排两次集中学法。")
    assert (o.value, o.unit, o.approx) == (2, "次", True)


def test_full_width_digits_and_percent():
    o = one("全年办理行政复议案件１２件。")
    assert (o.value, o.unit) == (12, "件")
    o = one("实体平台群众满意率达１００％。")
    assert (o.value, o.unit, o.kind) == (100, "%", "rate")


def test_rate_keeps_the_word_ending_in_lv_with_its_subject():
    o = one("行政机关负责人出庭应诉率达76.9%。")
    assert o.kind == "rate" and o.indicator == "行政机关负责人出庭应诉率"


def test_percent_without_lv_word_gets_a_rate_name():
    o = one("实现重大行政决策合法性审核100%覆盖。")
    assert o.indicator.endswith("覆盖率")
    o = one("占全区社区总数93.7%。")
    assert o.indicator.endswith("比率")


def test_ocr_l_for_one_in_percentages():
    o = one("重大行政决策公开率达到l00%。")
    assert o.value == 100 and o.unit == "%"


def test_approximation_markers():
    assert one("开展普法活动300余场。").approx
    assert one("接入市场主体60多万家。").value == 600000
    assert one("受援人近2万名。").approx
    assert one("矛盾纠纷调解成功率保持在98%以上。").approx
    assert not one("办理公证3257件。").approx


def test_change_with_direction():
    o = one("审批时限整体压缩20%。")
    assert (o.kind, o.direction) == ("change", "down")
    o = one("全年解答咨询84155次，同比增加152%。".replace("84155次，", ""))
    assert (o.kind, o.direction, o.value) == ("change", "up", 152)


def test_change_from_baseline_gives_both_values():
    found = outcomes("“最多跑一次”公证事项范围由48项扩大到70项。")
    assert [(o.value, o.unit) for o in found] == [(48, "项"), (70, "项")]
    assert found[1].baseline == 48 and found[1].direction == "up"
    assert found[0].indicator == found[1].indicator


def test_range_gives_both_ends():
    found = outcomes("流转环节由原来5个缩减到3至4个。")
    assert [o.value for o in found] == [5, 3, 4]
    assert found[2].direction == "down" and found[2].baseline == 5


def test_one_value_for_several_rates():
    found = outcomes("政府规范性文件的报备率和报备及时率、规范率均达100%。")
    names = [o.indicator for o in found]
    assert names == ["政府规范性文件报备率", "政府规范性文件报备及时率", "政府规范性文件规范率"]
    assert all(o.value == 100 for o in found)


def test_shared_rate_word_is_distributed():
    found = outcomes("人大代表议案和建议、政协委员提案办结率均达100%。")
    assert [o.indicator for o in found] == ["人大代表议案和建议办结率", "政协委员提案办结率"]


def test_respectively_pairs_items_with_values():
    found = outcomes("审批环节、审批材料、审批时限分别压缩14.39%、24.65%、69.9%。")
    assert [(o.value, o.kind) for o in found] == [(14.39, "change"), (24.65, "change"), (69.9, "change")]
    assert [o.indicator for o in found] == ["审批环节压缩比例", "审批材料压缩比例", "审批时限压缩比例"]


def test_count_indicator_names_object_and_verb():
    o = one("司法厅安排39个培训班。")
    assert "培训班" in o.indicator and "安排" in o.indicator
    found = outcomes("承办自治区政府行政复议案件561件，结案541件，结案率96.43%。")
    assert found[1].indicator == "自治区政府行政复议案件结案数"
    assert found[2].indicator.endswith("结案率")


@pytest.mark.parametrize("text", [
    "2020年12月18日，召开会议。",
    "宁区政文〔2020〕228号",
    "拨打12348热线咨询。",
    "学习贯彻党的十九届五中全会精神。",
    "落实普法责任“四清单一办法”。",
    "增强“四个意识”、做到“两个维护”。",
    "一是深化改革。二是强化监督。",
    "严格落实《渝中区助力中小企业共渡难关15条措施》。",
    "开展“1+X”专项督查。",
    "全面推行行政执法三项制度。",
    "围绕六个方面重点任务推进工作。",
    "《法治政府建设实施纲要(2015-2020年)》",
    "联系电话：0951-1234567",
    "地址：行政中心611室。",
])
def test_not_outcomes(text):
    assert outcomes(text) == []


def test_targets_in_a_plan_section_and_by_wording():
    text = ("平罗县2023年度法治政府建设情况报告\n一、主要工作情况\n全年办理行政复议案件12件。\n"
            "二、下一步工作计划\n行政复议案件办结率达到90%以上。\n")
    found = outcomes(text)
    assert [(o.value, o.is_target) for o in found] == [(12, False), (90, True)]
    assert found[1].approx
    assert one("力争行政机关负责人出庭应诉率达到100%。").is_target


def test_evidence_is_the_clause_and_offsets_point_into_the_original():
    text = "全年共办理法律援助案件６０３件，同比增长１５％。"
    found = outcomes(text)
    assert found[0].evidence == "全年共办理法律援助案件６０３件"
    w = found[0].where
    assert text[w.start:w.end] == "６０３件"
    assert found[0].measure is None or found[0].measure.startswith("M")


def test_outcome_links_the_measure_it_quantifies():
    o = one("全年共办理法律援助案件603件。")
    assert o.measure == "M91"


def test_rate_from_a_dated_baseline():
    found = outcomes("行政机关负责人出庭应诉率由2019年的65%提高到2020年的98%。")
    assert [(o.value, o.kind) for o in found] == [(65, "rate"), (98, "rate")]
    assert found[1].indicator == found[0].indicator == "行政机关负责人出庭应诉率"
    assert (found[1].direction, found[1].baseline) == ("up", 65)


def test_percentage_points_are_changes():
    found = outcomes("全市行政复议案件纠错率为12.5%，比上年下降3.2个百分点。")
    assert (found[1].value, found[1].unit, found[1].kind, found[1].direction) == (3.2, "pp", "change", "down")
    assert "纠错率" in found[1].indicator


def test_a_second_rate_keeps_the_subject_not_the_first_rate():
    found = outcomes("办理人大代表建议42件、政协提案58件，办结率100%，满意率98.5%。")
    assert found[3].indicator == "政协提案满意率"


def test_time_limits_keep_their_unit():
    o = outcomes("减少审批环节40%，办理时限压缩至3个工作日。")[1]
    assert (o.value, o.unit, o.indicator) == (3, "个工作日", "办理时限")
