"""Sections: the heading tree and each top-level section's role, with the damaged numbering real pages have;
problems read sentence by sentence out of the problems sections."""
from __future__ import annotations

import pytest

from ingest.clean import mask_debris, normalize
from ingest.pipeline import extract_document
from ingest.records import Document
from ingest.sections import find_sections, heading_role


def sections(text: str, kind: str = "annual_report", year: int | None = 2020):
    return find_sections(mask_debris(normalize(text)), kind, year)


@pytest.mark.parametrize("heading,role", [
    ("一、主要举措和成效", "achievements"),
    ("一、2020年推进法治政府建设的主要举措和成效", "achievements"),
    ("二、2020年主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况", "achievements"),
    ("二、存在问题与短板", "problems"),
    ("三、2020年推进法治政府建设存在的不足和原因", "problems"),
    ("、存在的主要问题", "problems"),
    ("三、下一步工作计划", "plans"),
    ("下一步工作思路", "plans"),
    ("三、2021年工作安排", "plans"),
    ("四、推进法治政府建设的主要安排", "plans"),
    ("五、其他需要报告的情况", "other"),
    ("三、下步工作打算", "plans"),
    ("四、2021年及“十四五”期间推进法治政府建设的工作思路目标举措", "plans"),
    ("二、坚持问题导向，着力解决群众反映强烈的突出问题", "achievements"),
])
def test_annual_report_roles(heading, role):
    assert heading_role(heading, "annual_report", 2020) == role


@pytest.mark.parametrize("heading,role", [
    ("一、总体要求", "other"), ("二、重点目标工作、具体措施分工和效果指标", "targets"), ("三、工作要求", "other"),
    ("四、保障措施", "other"), ("二、主要任务", "targets"),
])
def test_plan_roles(heading, role):
    assert heading_role(heading, "implementation_plan", 2020) == role


def test_damaged_top_level_numbering_still_gives_every_section():
    text = ("某县2020年法治政府建设情况报告\n2020年，我县深入推进依法行政。\n"
            "一、强化党的领导\n（一）加强组织领导。召开会议3次。\n（二）压实责任。\n"
            "二、推进依法行政\n()依法决策。严格落实重大行政决策程序。\n二)严格执法。\n)强化监督。\n"
            "、存在的主要问题\n法治宣传的针对性不强。\n"
            "下一步工作思路\n（一）进一步统筹推进法治政府建设。\n")
    secs = sections(text)
    assert [s.heading for s in secs] == ["一、强化党的领导", "二、推进依法行政", "、存在的主要问题", "下一步工作思路"]
    assert [s.role for s in secs] == ["achievements", "achievements", "problems", "plans"]
    assert secs[0].subsections == [normalize("（一）加强组织领导"), normalize("（二）压实责任")]
    assert secs[1].subsections == ["()依法决策", "二)严格执法", ")强化监督"]
    # spans tile the text from the first heading on
    assert all(a.end == b.start for a, b in zip(secs, secs[1:]))


def test_a_heading_run_into_its_paragraph_is_cut_where_the_paragraph_starts():
    text = ("一、主要工作情况\n（一）依法全面履行政府职能，服务效能进一步加强一是深化“放管服”改革。全年取消事项12项。\n"
            "二、存在的问题。一是执法不够规范；二是能力有欠缺。\n")
    secs = sections(text)
    assert secs[0].subsections == [normalize("（一）依法全面履行政府职能，服务效能进一步加强")]
    text = "一、主要工作情况（一）加强领导。内容。\n二、强化组织领导 区政府高度重视法治政府建设，全年召开会议5次。\n"
    assert [s.heading for s in sections(text)] == ["一、主要工作情况", "二、强化组织领导"]
    assert secs[1].heading == "二、存在的问题" and secs[1].role == "problems"


def test_a_list_that_restarts_its_numbering_is_not_a_new_section():
    text = ("一、主要工作\n内容。\n二、其他工作\n内容。\n三、存在的问题\n内容。\n四、下一步计划\n"
            "具体如下：\n一、加快推进政府职能转变，全面推进政务公开工作，提升政务服务水平和群众满意度。\n二、加强执法。\n")
    assert [s.role for s in sections(text)] == ["achievements", "achievements", "problems", "plans"]


def test_a_section_for_both_problems_and_plans_is_split_where_the_plans_begin():
    text = ("一、主要工作\n内容。\n二、存在的问题及下一步打算\n（一）存在的问题。执法不够规范。\n"
            "（二）下一步打算。持续推进严格规范公正文明执法。\n")
    secs = sections(text)
    assert [s.role for s in secs] == ["achievements", "problems", "plans"]
    assert secs[2].heading.startswith(normalize("（二）下一步打算"))


def test_without_top_level_headings_the_bracket_level_is_the_top():
    text = "某局2020年法治政府建设情况\n（一）加强领导。内容。\n（二）存在的不足\n内容。\n（三）2021年工作打算\n内容。\n"
    assert [s.role for s in sections(text)] == ["achievements", "problems", "plans"]


def test_deeper_levels_are_found_when_there_is_no_bracket_level():
    text = "一、主要工作\n1.严格执法。内容。\n2.强化监督。内容。\n二、存在问题\n一是执法不规范。\n"
    secs = sections(text)
    assert secs[0].subsections == ["1.严格执法"] + ["2.强化监督"]
    assert secs[1].subsections == ["一是执法不规范"]


PROBLEM_REPORT = (
    "某某县2020年法治政府建设情况报告\n2020年，某某县深入推进依法行政，全面推进法治政府建设。\n"
    "一、主要工作情况\n全面落实行政执法“三项制度”，行政机关负责人出庭应诉率100%。\n"
    "二、存在的问题\n虽然取得了一些成绩，但还存在一些问题，主要表现在：一是行政执法“三项制度”落实不够到位；"
    "二是行政机关负责人出庭应诉率偏低。\n（三）基层法治力量有待进一步加强。\n"
    "三、下一步工作计划\n持续推进严格规范公正文明执法。\n"
)


def test_problems_are_the_sentences_of_the_problems_section_with_their_measures():
    rec = extract_document(Document(doc="p.txt", source="p.txt", text=PROBLEM_REPORT))
    texts = [p.text for p in rec.problems]
    assert texts == ["一是行政执法“三项制度”落实不够到位；", "二是行政机关负责人出庭应诉率偏低。",
                     "（三）基层法治力量有待进一步加强。"]
    assert rec.problems[0].measures == ["M50"]
    assert "M82" in rec.problems[1].measures
    for p in rec.problems:
        assert PROBLEM_REPORT[p.where.start:p.where.end] == p.text
        assert p.where.role == "problems" and p.where.section == 1


def test_headings_in_the_record_are_as_written():
    rec = extract_document(Document(doc="p.txt", source="p.txt", text=PROBLEM_REPORT))
    assert rec.sections[1].subsections == ["（三）基层法治力量有待进一步加强"]
    for s in rec.sections:
        assert PROBLEM_REPORT[s.start:].startswith(s.heading)


def test_no_problems_section_means_no_problems():
    rec = extract_document(Document(doc="p.txt", source="p.txt", text=PROBLEM_REPORT.replace("二、存在的问题", "二、其他工作")))
    assert rec.problems == []


def test_a_heading_without_numeral_or_mark_opens_a_section_before_its_first_subheading():
    text = ("一、总体要求\n（一）指导思想。坚持依法行政。\n二、重点任务\n（一）严格执法。内容。\n"
            "工作要求\n（一）明确职责分工。\n（二）加强督查考核。\n")
    secs = sections(text, "implementation_plan")
    assert [(s.heading, s.role) for s in secs] == [("一、总体要求", "other"), ("二、重点任务", "targets"),
                                                  ("工作要求", "other")]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["一、", "二、", "、", "（一）", "()", ")", "1.", "一是", "存在的问题", "下一步工作计划", "2021年",
                           "牵头单位：", "责任单位：", "区司法局", "、", "发展和改革局", "行政执法“三项制度”", "。", "；", "：",
                           "\n", " ", "标题 ", "关于印发《", "》的通知", "宁夏", "平罗县", "中共", "委员会办公室",
                           "发布时间：2021-03-05", "〔2020〕12号", "二〇二〇年十二月三十一日"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map("".join)))
def test_arbitrary_text_never_breaks_structure_metadata_agencies_or_problems(text):
    rec = extract_document(Document(doc="fuzz.txt", source="fuzz.txt", text=text))
    for s in rec.sections:
        assert 0 <= s.start < s.end <= len(text)
    for a in rec.agency_links:  # names are kept in the normalised form, so one agency is one node
        assert normalize(text[a.where.start:a.where.end]) == a.name
    for p in rec.problems:
        assert text[p.where.start:p.where.end].strip() == p.text
