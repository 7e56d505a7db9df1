"""Agencies: unit lists of plans linked to the measures of their task; actors named elsewhere."""
from __future__ import annotations

from ingest.agencies import find_actors, split_units
from ingest.pipeline import extract_document
from ingest.records import Document, Jurisdiction

PLAN = (
    "某某区2020年法治政府建设实施方案\n为加快推进法治政府建设，依法行政，制定本方案。\n"
    "一、总体要求\n坚持依法行政。\n"
    "二、重点任务\n（一）严格规范公正文明执法\n"
    "1.全面落实行政执法“三项制度”。各行政执法部门严格落实执法公示。\n"
    "牵头单位：司法局、综合执法局\n责任单位：各镇(街)、各行政执法部门\n完成时限：2020年12月底前\n"
    "2.推进综合行政执法体制改革。整合执法队伍。\n"
    "牵头单位：区委编办，发展和改革局\n配合单位：司法局和财政局等部门\n完成时限：2020年12月底前\n"
    "效果指标：\n（1）行政执法公示率达到100%。\n"
    "（二）化解社会矛盾纠纷\n1.坚持发展新时代“枫桥经验”。\n牵头单位：信访局\n"
)


def _record(text: str):
    return extract_document(Document(doc="plan.txt", source="plan.txt", text=text))


def _links(rec, role):
    return {a.name: a for a in rec.agency_links if a.role == role}


def test_unit_lists_give_lead_responsible_and_support_units():
    rec = _record(PLAN)
    assert set(_links(rec, "lead")) == {"司法局", "综合执法局", "区委编办", "发展和改革局", "信访局"}
    assert set(_links(rec, "responsible")) == {"各镇(街)", "各行政执法部门"}
    assert set(_links(rec, "support")) == {"司法局", "财政局"}
    for name in ("司法局", "发展和改革局", "各镇(街)"):
        assert name in rec.agencies


def test_units_are_linked_to_the_measures_of_the_task_they_close_only():
    rec = _record(PLAN)
    lead = _links(rec, "lead")
    assert "M50" in lead["综合执法局"].measures and "M54" not in lead["综合执法局"].measures
    assert "M54" in lead["区委编办"].measures and "M50" not in lead["区委编办"].measures
    # the 效果指标 of the previous group do not belong to the next task
    assert lead["信访局"].measures == ["M84"]


def test_unit_spans_point_at_the_names():
    rec = _record(PLAN)
    for a in rec.agency_links:
        assert PLAN[a.where.start:a.where.end] == a.name, a


def test_splitting_a_unit_list():
    names = [n for n, _, _ in split_units("发展和改革局、司法局和财政局，各镇(街)及各有关部门等", 0)]
    assert names == ["发展和改革局", "司法局", "财政局", "各镇(街)", "各有关部门"]


def test_actors_named_by_level_or_by_the_region():
    j = Jurisdiction(province="福建省", city="宁德市", county="蕉城区", adcode="350902")
    text = ("在市委、市政府和区委的正确领导下，我区全面推进依法行政。区司法局会同蕉城区人民法院开展培训，"
            "全区各部门积极参与，区委党校举办专题班，服务全区经济社会发展大局。")
    names = [n for n, _, _ in find_actors(text, j)]
    assert names == ["市委", "市政府", "区委", "区司法局", "蕉城区人民法院", "区委党校"]


def test_an_actor_that_leads_work_is_a_lead_for_the_measures_of_its_sentence():
    text = ("某某区2020年法治政府建设情况报告\n2020年，我区深入推进依法行政。\n一、主要工作\n"
            "由区司法局牵头，全面落实行政执法“三项制度”。区委组织部开展法治培训。\n")
    rec = _record(text)
    lead = _links(rec, "lead")
    assert lead["区司法局"].measures == ["M50"]
    assert "区委组织部" in _links(rec, "actor")


def test_bodies_of_other_regions_and_national_bodies():
    text = "学习借鉴锦江区司法局经验，落实司法部和全国扫黑办部署，依法治理县政府部门，局党委专题研究。"
    names = [n for n, _, _ in find_actors(text, Jurisdiction(province="重庆市", county="渝中区", adcode="500103"))]
    assert names == ["锦江区司法局", "司法部", "全国扫黑办", "县政府", "局党委"]  # 县政府, not 理县政府
