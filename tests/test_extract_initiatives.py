"""Initiatives versus slogans, formulas, national programmes, accounts and titles."""
from __future__ import annotations

import pytest

from ingest.pipeline import extract_document
from ingest.records import Document


def initiatives(text: str) -> dict:
    rec = extract_document(Document(doc="t.txt", source="t.txt", text=text))
    return {i.name: i for i in rec.initiatives}


def test_local_brand_in_quotes_linked_to_its_measure():
    found = initiatives("积极打造“塞上枫桥”工作品牌，坚持和发展新时代“枫桥经验”。")
    assert list(found) == ["塞上枫桥"]
    assert found["塞上枫桥"].measure == "M84"
    assert "打造" in found["塞上枫桥"].evidence


def test_numbered_working_model():
    assert "1335工作模式" in initiatives("推行公共法律服务体系建设“1335工作模式”。")


def test_formula_takes_the_noun_after_it():
    assert "3+X建设模式" in initiatives("采用“3+X”建设模式，建成公共法律服务站。")
    assert "1+X专项督查" in initiatives("开展“1+X”专项督查。")


@pytest.mark.parametrize("text", [
    "增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
    "深入贯彻“十一个坚持”。",
    "落实“谁执法谁普法”普法责任制。",
    "按照“谁审批、谁监管，谁主管、谁监管”的原则。",
    "深化“放管服”改革，推行“网上办”“掌上办”。",
    "开通“宁夏法治”抖音号、快手号。",
    "传播司法行政“好声音”。",
    "把法治政府建设由“软任务”变成“硬指标”。",
    "群众评价“好不好”、“有没有”获得感。",
    "推进“互联网+公证”服务。",
    "荣获首批“全国法治政府建设示范区”。",
    "建立“一站式”矛盾纠纷多元化解平台。",
    "坚持“部门联动、市场主导、社会监督、依法惩处”。",
])
def test_slogans_and_national_terms_are_not_initiatives(text):
    assert initiatives(text) == {}


def test_national_term_with_a_programme_word_becomes_the_programme():
    found = initiatives("大力实施全区“法律明白人”精准培养试点工程。")
    assert list(found) == ["“法律明白人”精准培养试点工程"]
    assert "普法学法微课堂" in initiatives("落实领导干部学法用法“普法学法微课堂”活动。")


def test_unquoted_brands_by_their_shape():
    found = initiatives("深入实施法润社区·司法同行行动，开展百名律师进社区宣讲民法典。"
                        "持续抓好重点人一人一档一专班工作措施。协调各街道深入开展公共法律服务宣传月活动。")
    assert {"法润社区·司法同行", "百名律师进社区", "一人一档一专班", "公共法律服务宣传月"} <= set(found)
    assert "一人一档" not in found


def test_quotes_lost_in_the_page_are_repaired():
    found = initiatives("创新开展法律知识有奖竞答”“宪法朗读者等掌上普法活动。")
    assert {"法律知识有奖竞答", "宪法朗读者"} <= set(found)


def test_two_part_local_names_stay():
    found = initiatives("推行“不见面、马上办”的审批服务模式，落实“四到位、十公开”。")
    assert {"不见面、马上办", "四到位、十公开"} <= set(found)


def test_provenance_points_into_the_original_text():
    text = "全区公共法律服务实现“一线接”城乡全覆盖。"
    i = initiatives(text)["一线接"]
    assert text[i.where.start:i.where.end] == "一线接"
