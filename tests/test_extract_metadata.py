"""Metadata: title, kind, jurisdiction, issuer in full form, year reported on, publication date, doc number."""
from __future__ import annotations

import pytest

from ingest.clean import normalize
from ingest.metadata import (clean_title, document_kind, find_doc_number, find_published, find_title, full_organ_name,
                             issuer_type, read_metadata, resolve_jurisdiction)
from ingest.records import Jurisdiction

BODY = "\n2020年，我区坚持依法行政，全面推进法治政府建设，现将有关情况报告如下：\n一、主要工作情况\n"


def meta(text: str):
    return read_metadata(normalize(text))


@pytest.mark.parametrize("line,title", [
    ("标题 宁德市蕉城区人民政府关于2020年法治政府建设情况的报告", "宁德市蕉城区人民政府关于2020年法治政府建设情况的报告"),
    ("标  题：某某县2021年法治政府建设年度报告", "某某县2021年法治政府建设年度报告"),
    ("关于印发《银川市西夏区2020年法治政府建设实施方案》的通知", "银川市西夏区2020年法治政府建设实施方案"),
    ("关于印发2022年全面依法治县工作要点的通知", "2022年全面依法治县工作要点"),
    ("平罗县2023年度法治政府建设情况报告_平罗县人民政府", "平罗县2023年度法治政府建设情况报告"),
])
def test_title_without_labels_notices_and_site_names(line, title):
    assert clean_title(line) == title


def test_title_skips_breadcrumbs_and_joins_a_title_broken_over_two_lines():
    lines = ["您所在的位置：首页 > 法治政府建设报告", "宁夏司法厅2020年度", "法治政府建设情况报告", "2020年以来，…"]
    assert find_title(lines) == "宁夏司法厅2020年度法治政府建设情况报告"


@pytest.mark.parametrize("title,kind", [
    ("某某区2020年法治政府建设情况报告", "annual_report"),
    ("某某区2020年法治政府建设工作总结", "annual_report"),
    ("某某区法治政府建设实施方案（2021—2025年）", "implementation_plan"),
    ("2022年全面依法治县工作要点", "work_points"),
    ("某某区政府信息公开指南", "other"),
])
def test_kind_from_the_title(title, kind):
    assert document_kind(title, "") == kind


def test_annual_report_of_a_department_with_an_abbreviated_province():
    m = meta("宁夏司法厅2020年度法治政府建设情况报告\n发表时间:2021-03-05 来源:宁夏回族自治区司法厅" + BODY)
    assert m.kind == "annual_report"
    assert (m.jurisdiction.province, m.jurisdiction.city, m.jurisdiction.adcode) == ("宁夏回族自治区", None, "640000")
    assert m.issuer == "宁夏回族自治区司法厅" and m.issuer_type == "department"
    assert m.year == 2020 and m.published == "2021-03-05"


def test_county_report_without_a_named_body_is_the_county_government():
    m = meta("平罗县2023年度法治政府建设情况报告\n2023年，平罗县坚持依法行政，推进法治政府建设。")
    assert m.jurisdiction.adcode == "640221" and m.jurisdiction.city == "石嘴山市"
    assert m.issuer == "平罗县人民政府" and m.issuer_type == "government"
    assert m.published is None and m.doc_number is None


def test_municipal_district_has_no_city():
    m = meta("重庆市渝中区司法局2020年法治政府建设工作情况报告" + BODY)
    assert m.jurisdiction.adcode == "500103" and m.jurisdiction.city is None
    assert m.issuer == "重庆市渝中区司法局"


def test_plan_issued_by_a_party_office_through_a_covering_notice():
    text = ("首页>政府信息公开>部门文件\n索 引 号 640105-107/2020-00067 文号 银西法办发〔2020〕10号\n"
            "发布日期 2020-05-11 公开时限 长期公开\n关于印发《银川市西夏区2020年法治政府建设实施方案》的通知\n"
            "各镇街党(工)委和人民政府：\n现印发给你们，请认真贯彻落实。\n中共银川市西夏区委全面依法治区委员会办公室\n"
            "2020年5月8日\n银川市西夏区2020年法治政府建设实施方案\n为加快推进法治政府建设，依据《法治政府建设实施纲要（2015—2020年）》"
            "（宁委发〔2017〕5号），制定本方案。\n一、总体要求\n")
    m = meta(text)
    assert m.title == "银川市西夏区2020年法治政府建设实施方案" and m.kind == "implementation_plan"
    assert m.issuer == "中共银川市西夏区委全面依法治区委员会办公室" and m.issuer_type == "party_office"
    assert m.jurisdiction.adcode == "640105"
    assert m.doc_number == "银西法办发〔2020〕10号" and m.published == "2020-05-11" and m.year == 2020


def test_year_reported_on_is_not_the_publication_year():
    m = meta("某某县人民政府关于法治政府建设情况的报告\n发布时间：2022-01-20\n2021年，我县深入推进依法行政。")
    assert m.year == 2021 and m.published == "2022-01-20"
    # a year inside a cited document's name or a date is not the year reported on
    m = meta("关于法治政府建设情况的报告\n根据《法治政府建设实施纲要（2015-2020年）》要求，2019年12月1日召开会议。\n"
             "2019年，全市依法行政工作稳步推进。")
    assert m.year == 2019


def test_year_falls_back_to_the_year_before_publication_for_an_annual_report():
    m = meta("平罗县法治政府建设情况报告\n发布时间：2024-02-01\n全县深入推进依法行政，法治政府建设取得新成效。")
    assert m.year == 2023


def test_published_prefers_the_publication_label_over_a_drafting_date():
    head = "生成日期 2020-12-18\n标题 某报告\n发布时间:2020-12-31 17:48\n"
    assert find_published(head) == "2020-12-31"
    assert find_published("生成日期：2020年12月18日\n正文") == "2020-12-18"


def test_published_from_the_date_under_the_signature_in_chinese_numerals():
    text = "某某县2020年法治政府建设情况报告\n正文。\n某某县人民政府\n二〇二一年一月二十八日\n（此件公开发布）"
    assert find_published(text) == "2021-01-28"


def test_doc_number_is_the_documents_own_not_one_it_cites():
    assert find_doc_number("文号 宁区政文〔2020〕228号\n正文") == "宁区政文〔2020〕228号"
    assert find_doc_number("某某县人民政府文件\n平政发〔2021〕 3号\n关于…的报告") == "平政发〔2021〕3号"
    assert find_doc_number("报告\n根据《宁德市法治政府建设实施方案》（宁委发〔2017〕5号）等文件要求") is None


@pytest.mark.parametrize("text,adcode,city,county", [
    ("宁夏司法厅", "640000", None, None),
    ("平罗县2023年度", "640221", "石嘴山市", "平罗县"),
    ("宁德市蕉城区人民政府", "350902", "宁德市", "蕉城区"),
    ("重庆市渝中区", "500103", None, "渝中区"),
])
def test_jurisdiction_resolution(text, adcode, city, county):
    j = resolve_jurisdiction(text)
    assert (j.adcode, j.city, j.county) == (adcode, city, county)


def test_an_ambiguous_district_is_read_in_the_province_the_document_names():
    context = "北京市朝阳区2020年法治政府建设情况报告\n在北京市委、市政府的领导下，朝阳区深入推进依法行政。"
    j = resolve_jurisdiction("朝阳区司法局", context=context)
    assert j.province == "北京市" and j.adcode == "110105"
    assert resolve_jurisdiction("朝阳区司法局", context="长春市朝阳区").province == "吉林省"


@pytest.mark.parametrize("name,full", [
    ("宁夏司法厅", "宁夏回族自治区司法厅"),
    ("广西司法厅", "广西壮族自治区司法厅"),
    ("重庆市渝中区司法局", "重庆市渝中区司法局"),
    ("中共银川市西夏区委全面依法治区委员会办公室", "中共银川市西夏区委全面依法治区委员会办公室"),
])
def test_full_organ_names(name, full):
    assert full_organ_name(name, Jurisdiction()) == full


def test_an_organ_named_by_level_gets_the_region_in_front():
    j = Jurisdiction(province="重庆市", county="渝中区", adcode="500103")
    assert full_organ_name("区司法局", j) == "渝中区司法局"


@pytest.mark.parametrize("name,kind", [
    ("平罗县人民政府", "government"), ("宁德市人民政府办公室", "government"), ("宁夏回族自治区司法厅", "department"),
    ("中共银川市西夏区委全面依法治区委员会办公室", "party_office"), ("某某县委全面依法治县委员会办公室", "party_office"),
    ("某某市市场监督管理局", "department"),
])
def test_issuer_type(name, kind):
    assert issuer_type(name) == kind


def test_issuer_from_the_signature_when_the_title_names_only_the_region():
    m = meta("某某县2020年法治政府建设情况报告\n2020年，我县深入推进依法行政。\n平罗县司法局\n2021年1月10日")
    assert m.issuer == "平罗县司法局" and m.published == "2021-01-10"


def test_issuer_of_a_covering_notice_without_a_signature():
    m = meta("某某市人民政府办公室关于印发某某市2022年法治政府建设工作要点的通知\n各县（区）人民政府：\n"
             "现将要点印发给你们，请认真贯彻执行，推进依法行政。\n某某市2022年法治政府建设工作要点\n一、总体要求\n")
    assert m.kind == "work_points" and m.year == 2022
    assert m.issuer == "某某市人民政府办公室" and m.issuer_type == "government"


@pytest.mark.parametrize("title,adcode,issuer", [
    ("黔东南州2021年法治政府建设情况报告", "522600", "黔东南苗族侗族自治州人民政府"),
    ("恩施州司法局2021年法治政府建设情况报告", "422800", "恩施土家族苗族自治州司法局"),
    ("鄂托克旗2022年法治政府建设年度报告", "150624", "鄂托克旗人民政府"),
    ("湖南省司法厅2021年法治政府建设年度报告", "430000", "湖南省司法厅"),
])
def test_short_names_of_autonomous_areas_and_other_levels(title, adcode, issuer):
    m = meta(title + "\n正文：深入推进依法行政。")
    assert m.jurisdiction.adcode == adcode and m.issuer == issuer


def test_a_title_that_starts_with_the_year_still_names_the_region_in_full():
    m = meta("2021年宁德市蕉城区法治政府建设情况报告\n2021年，全区依法行政。")
    assert m.year == 2021 and m.issuer == "宁德市蕉城区人民政府" and m.jurisdiction.adcode == "350902"


def test_a_summary_published_late_in_the_year_is_about_that_year():
    m = meta("平罗县法治政府建设情况报告\n发布时间：2023-12-20\n今年以来，全县深入推进依法行政，法治政府建设取得新成效。")
    assert m.year == 2023


def test_a_column_name_is_not_the_title_and_trailing_page_facts_are_cut():
    lines = ["法治政府建设年度报告", "某某县2021年法治政府建设年度报告 发布时间：2022-01-10 来源：县司法局", "正文"]
    assert find_title(lines) == "某某县2021年法治政府建设年度报告"
