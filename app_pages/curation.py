"""Curation: mark an extracted fact as wrong, confirm it, or correct a misread value.

A correction is a `Correction` node (no edges) keyed by report and target ("measure:M50",
"outcome:<outcome id>"), so re-ingesting the report never touches it. One decision per fact
and field: a later one replaces the earlier. The Measures and Regions pages show them.
"""
from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from govkg.errors import GovkgError
from app_pages.common import (
    SCOPE, clear_data, corrections, get_store, md, read, require_store, role_label, scope_params, scope_text, short,
)

ACTIONS = {"reject": "✗ 标记错误 Mark wrong (not in the report)", "correct": "✎ 更正 Correct a field",
           "confirm": "✓ 确认正确 Confirm"}
OUTCOME_FIELDS = ["value", "unit", "indicator", "is_target", "measure"]

st.title("校正 Curation")


def save(report: str, target: str, action: str, field: str, value: str, note: str) -> str:
    cid = f"{report}|{target}|{field if action == 'correct' else 'status'}"
    row = {"id": cid, "report": report, "target": target, "action": action, "field": field if action == "correct" else "",
           "value": value if action == "correct" else "", "note": note,
           "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    get_store().write_nodes("Correction", [row])
    clear_data()
    return cid


def measure_facts(report: str) -> pd.DataFrame:
    return read("MATCH (r:Report {id: $r})-[e:MENTIONS]->(m:Measure) "
                "RETURN m.id AS id, m.name AS name, collect(e.role) AS roles, sum(e.count) AS mentions, "
                "min(e.evidence) AS evidence ORDER BY id", r=report)


def outcome_facts(report: str) -> pd.DataFrame:
    return read("MATCH (r:Report {id: $r})-[:REPORTS]->(o:Outcome) "
                "RETURN o.id AS id, o.indicator AS indicator, o.value AS value, o.unit AS unit, "
                "o.is_target AS is_target, o.measure AS measure, o.sentence AS sentence ORDER BY o.span_start",
                r=report)


if require_store():
    st.caption(scope_text())
    reports = read(f"MATCH (r:Report) WHERE {SCOPE} RETURN r.id AS id, r.title AS title, r.year AS year "
                   "ORDER BY year, id", **scope_params())
    if reports.empty:
        st.info("范围内没有报告 No reports in scope.")
        st.stop()
    titles = {i: f"{y} {short(t, 50)}" for i, t, y in zip(reports["id"], reports["title"], reports["year"])}
    report = st.selectbox("报告 Report", list(reports["id"]), format_func=lambda i: titles.get(i, i), key="cur_report")
    kind = st.radio("事实类型 Fact", ["measure", "outcome"], horizontal=True, key="cur_kind",
                    format_func={"measure": "措施提及 Measure mention", "outcome": "成效数值 Outcome value"}.get)
    existing = corrections()
    mine = existing[existing["report"] == report]
    status = {t: a for t, a in zip(mine["target"], mine["action"]) if a in ("reject", "confirm")}

    if kind == "measure":
        facts = measure_facts(report)
        if facts.empty:
            st.info("该报告没有措施提及 This report mentions no measure.")
            st.stop()
        labels = {i: f"{i} {n}" + {"reject": " ✗", "confirm": " ✓"}.get(status.get(f"measure:{i}"), "")
                  for i, n in zip(facts["id"], facts["name"])}
        fid = st.selectbox("措施 Measure", list(facts["id"]), format_func=lambda i: labels.get(i, i), key="cur_measure")
        fact = facts[facts["id"] == fid].iloc[0]
        st.markdown(f"**{md(fact['name'])}** — {int(fact['mentions'])} 次提及 mentions · "
                    f"{md('、'.join(sorted({role_label(r) for r in fact['roles']})))}")
        st.text(short(fact["evidence"], 400))
        target, fields = f"measure:{fid}", ["measure"]
    else:
        facts = outcome_facts(report)
        if facts.empty:
            st.info("该报告没有成效数值 This report has no outcome values.")
            st.stop()
        labels = {i: f"{short(ind, 30)} = {v:g}{u or ''}" + {"reject": " ✗", "confirm": " ✓"}.get(
            status.get(f"outcome:{i}"), "") for i, ind, v, u in zip(facts["id"], facts["indicator"], facts["value"],
                                                                    facts["unit"])}
        fid = st.selectbox("成效 Outcome", list(facts["id"]), format_func=lambda i: labels.get(i, i),
                           key="cur_outcome")
        fact = facts[facts["id"] == fid].iloc[0]
        st.dataframe(pd.DataFrame([fact.drop("sentence")]), hide_index=True, width="stretch")
        st.text(short(fact["sentence"], 400))
        target, fields = f"outcome:{fid}", OUTCOME_FIELDS

    with st.form("correction", clear_on_submit=True):
        action = st.radio("操作 Action", list(ACTIONS), format_func=ACTIONS.get, key="cur_action")
        c1, c2 = st.columns(2)
        field = c1.selectbox("字段 Field (更正时 when correcting)", fields, key="cur_field")
        value = c2.text_input("正确的值 Correct value", key="cur_value")
        note = st.text_input("说明 Note", key="cur_note")
        if st.form_submit_button("保存 Save", type="primary"):
            if action == "correct" and not value.strip():
                st.error("请填写正确的值 Give the correct value.")
            else:
                try:
                    save(report, target, action, field, value.strip(), note.strip())
                    st.success(f"已保存 Saved: {md(target)} → {md(ACTIONS[action])}")
                    existing = corrections()
                except GovkgError as e:
                    st.error(f"保存失败 Could not save: {md(str(e))}")

    st.subheader("已有校正 Corrections")
    scope_only = st.toggle("只看当前报告 Only this report", value=False, key="cur_only")
    shown = existing[existing["report"] == report] if scope_only else existing
    if shown.empty:
        st.caption("还没有校正 No corrections yet.")
    else:
        st.dataframe(shown.drop(columns=["id"]), hide_index=True, width="stretch")
        drop = st.selectbox("撤销一条 Withdraw one", list(shown["id"]), key="cur_drop",
                            format_func=lambda i: short(i.replace("|", " · "), 90))
        if st.button("撤销 Withdraw", key="cur_drop_go"):
            get_store().delete_node("Correction", drop)
            clear_data()
            st.rerun()
