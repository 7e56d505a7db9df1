"""Measure rules: taxonomy forms, meaning decided by context, quotes inside names, roles."""
from __future__ import annotations

from ingest.pipeline import extract_document
from ingest.records import Document


def measures(text: str) -> dict:
    rec = extract_document(Document(doc="t.txt", source="t.txt", text=text))
    return {m.id: m for m in rec.measures}


def test_legality_review_of_a_major_decision_is_m41():
    found = measures("严格落实重大行政决策合法性审查制度。")
    assert "M41" in found and "M30" not in found


def test_legality_review_decided_by_what_is_reviewed():
    assert "M41" in measures("全面履行决策听取意见、专家论证、风险评估、合法性审查、集体讨论决定等法定程序。")
    found = measures("对涉及疫情防控的规范性文件进行合法性审核。")
    assert "M30" in found and "M41" not in found


def test_legality_review_of_contracts_is_neither():
    found = measures("全年共开展政府合同合法性审查135件。")
    assert "M30" not in found and "M41" not in found


def test_review_variants_shenhe_and_shencha():
    assert "M41" in measures("严格决策合法性审核。")


def test_generic_words_count_only_in_context():
    assert "M111" in measures("推进智慧司法建设。")
    assert "M111" not in measures("汇聚各方智慧和力量。")
    assert "M35" in measures("完善立法后评估机制。")
    assert "M35" not in measures("重大行政决策执行后评估机制需要进一步完善。")
    assert "M90" in measures("依法完善信访工作制度。")
    assert "M90" not in measures("从源头上减少行政诉讼案件和信访问题。")
    assert "M43" not in measures("制定出台《司法厅立法风险评估办法》。")
    assert "M43" in measures("落实重大行政决策风险评估制度。")


def test_quotes_inside_a_name():
    found = measures("全面落实行政执法“三项制度”，认真编制我区“八五”普法规划。")
    assert "M50" in found and "M124" in found
    assert found["M50"].surface == ["行政执法“三项制度”"]


def test_longer_form_wins_but_partial_overlaps_both_stand():
    found = measures("规范执法全过程记录。")
    assert list(found) == ["M52"]
    found = measures("连续4年向社会公布政府重大行政决策事项目录。")
    assert {"M40", "M42"} <= set(found)


def test_roles_and_evidence_follow_sections():
    text = ("某县2020年法治政府建设情况报告\n一、主要工作情况\n深入推进政务公开。\n"
            "二、存在的问题\n政务公开工作还有差距。\n三、下一步工作计划\n持续深化政务公开。\n")
    m = measures(text)["M103"]
    assert set(m.roles) == {"achievements", "problems", "plans"}
    assert len(m.mentions) == 3 and m.evidence[0] == "深入推进政务公开。"
    w = m.mentions[0]
    assert text[w.start:w.end] == "政务公开"
