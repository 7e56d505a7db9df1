"""Measures: the taxonomy (domain → measure → parts) and, for one measure, where, when and how it is reported."""
import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import (
    SCOPE, TTL, cached_query, catalog_scope, corrected_values, get_store, jurisdictions, md, read, rejected_targets,
    require_store, role_label, scope_params, scope_text, store_key,
)
from queries.basic import measure_mentions, mention_sentences, outcome_values

st.title("措施 Measures")


EVIDENCE_ROWS = 300  # evidence sentences shown (and read from the store) for one measure
VALUE_ROWS = 500  # related outcome values shown


def scope() -> dict:
    """The sidebar scope as parameters of the incidence-backed queries (the sub-regions toggle included)."""
    return dict(catalog_scope(), rollup=bool(st.session_state.get("subregions", True)))


def taxonomy() -> pd.DataFrame:
    """Every measure with its domain, parent measure and how often the scoped reports mention it."""
    ms = read("MATCH (m:Measure) OPTIONAL MATCH (m)-[:IN_DOMAIN]->(d:Domain) "
              "RETURN m.id AS id, m.name AS measure, d.id AS domain_id, d.name AS domain, "
              "m.in_taxonomy AS in_taxonomy ORDER BY id")
    parts = read("MATCH (a:Measure)-[:PART_OF]->(b:Measure) RETURN a.id AS id, b.id AS parent")
    used = cached_query("measures", dict(scope(), min_reports=1))[["id", "reports", "mentions"]]
    df = ms.merge(parts, on="id", how="left").merge(used, on="id", how="left")
    df["parent"] = df["parent"].fillna("")
    df["reports"] = df["reports"].fillna(0).astype(int)
    df["mentions"] = df["mentions"].fillna(0).astype(int)
    return df


@st.cache_data(ttl=TTL, show_spinner=False)
def _mentions(key: str, ids: tuple, params: dict) -> pd.DataFrame:
    return pd.DataFrame(measure_mentions(get_store(), list(ids), **params))


@st.cache_data(ttl=TTL, show_spinner=False)
def _outcomes(key: str, ids: tuple, params: dict) -> tuple[pd.DataFrame, int]:
    table, total = outcome_values(get_store(), list(ids), **params, limit=VALUE_ROWS)
    return table.to_dataframe(), total


@st.cache_data(ttl=TTL, show_spinner=False)
def _sentences(key: str, reports: tuple, ids: tuple) -> pd.DataFrame:
    return mention_sentences(get_store(), list(reports), list(ids)).to_dataframe()


if require_store():
    st.caption(scope_text())
    tax = taxonomy()
    names = dict(zip(tax["id"], tax["measure"]))

    st.subheader("分类体系 Taxonomy: 领域 domain → 措施 measure → 子措施 parts")
    only_used = st.toggle("只看被提及的措施 Only measures the reports mention", value=False)
    view = tax[tax["reports"] > 0] if only_used else tax
    for (dom_id, dom), group in view.groupby(["domain_id", "domain"], sort=True):
        with st.expander(f"{md(dom_id)} {md(dom)} — {len(group)} 项措施 measures, "
                         f"{int(group['reports'].gt(0).sum())} 项被提及 mentioned"):
            rows = []
            recs = group.to_dict("records")
            here = {r["id"] for r in recs}
            for m in (r for r in recs if r["parent"] not in here):
                rows.append({"措施 measure": f"{m['id']} {m['measure']}", "报告 reports": m["reports"],
                             "提及 mentions": m["mentions"]})
                for p in (r for r in recs if r["parent"] == m["id"]):
                    rows.append({"措施 measure": f"　└ {p['id']} {p['measure']}", "报告 reports": p["reports"],
                                 "提及 mentions": p["mentions"]})
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

    st.subheader("措施详情 One measure")
    mentioned = tax.sort_values(["reports", "id"], ascending=[False, True])
    options = list(mentioned["id"])
    if st.session_state.get("measure") not in options:
        st.session_state["measure"] = "M50" if "M50" in options else options[0]
    counts = dict(zip(tax["id"], tax["reports"]))
    mid = st.selectbox("措施 Measure", options, key="measure",
                       format_func=lambda i: f"{i} {names.get(i, '')} ({counts.get(i, 0)})")
    children = list(tax.loc[tax["parent"] == mid, "id"])
    with_parts = st.checkbox(f"包括子措施 Include its parts ({len(children)})", value=True,
                             disabled=not children)
    ids = [mid] + (children if with_parts else [])
    params = dict(scope_params(), ids=ids)

    # every mention edge in scope from the incidence (counts, regions, years, roles); the
    # sentences of the first EVIDENCE_ROWS only are read from the store
    mentions = _mentions(store_key(), tuple(ids), scope())
    js = jurisdictions()
    region_names = dict(zip(js["id"], js["name"]))
    rejected = rejected_targets()
    if not mentions.empty:
        mentions["region"] = mentions["adcode"].map(lambda c: region_names.get(c, c))
        mentions["curation"] = [("✗ 已标记错误 marked wrong" if (r, f"measure:{m}") in rejected else "")
                                for r, m in zip(mentions["report"], mentions["measure_id"])]
        mentions["role"] = mentions["role"].map(role_label)
    valid = mentions[mentions["curation"] == ""] if not mentions.empty else mentions

    c = st.columns(4)
    c[0].metric("报告 Reports", valid["report"].nunique() if len(valid) else 0)
    c[1].metric("地区 Regions", valid["adcode"].nunique() if len(valid) else 0)
    c[2].metric("年份 Years", valid["year"].nunique() if len(valid) else 0)
    c[3].metric("提及 Mentions", int(valid["count"].sum()) if len(valid) else 0)
    if mentions.empty:
        st.info(f"范围内没有报告提及 No report in scope mentions {md(names.get(mid, mid))}.")
    else:
        left, right = st.columns(2)
        with left:
            st.markdown("**地区与年份 Regions and years**")
            by_region = (valid.groupby(["region", "year"]).agg(reports=("report", "nunique"), mentions=("count", "sum"))
                         .reset_index())
            st.dataframe(by_region, hide_index=True, width="stretch")
        with right:
            st.markdown("**章节角色 Section roles**")
            roles = valid.groupby("role").agg(mentions=("count", "sum")).reset_index()
            st.altair_chart(alt.Chart(roles).mark_bar().encode(
                x=alt.X("mentions:Q", title="提及 mentions"), y=alt.Y("role:N", title=None, sort="-x"),
                tooltip=["role", "mentions"]).properties(height=160), width="stretch")

    ind, n_values = _outcomes(store_key(), tuple(ids), scope())
    ini = read(
        f"MATCH (r:Report)-[p:PROMOTES]->(i:Initiative)-[:INSTANCE_OF]->(m:Measure) WHERE m.id IN $ids AND {SCOPE} "
        "RETURN i.name AS initiative, count(DISTINCT r) AS reports, collect(DISTINCT r.jurisdiction) AS adcodes "
        "ORDER BY reports DESC, initiative", **params)
    left, right = st.columns(2)
    with left:
        st.markdown("**相关指标 Related indicators**")
        if ind.empty:
            st.caption("没有量化该措施的成效 No outcome quantifies this measure in scope.")
        else:
            fixed = corrected_values()
            ind["value"] = [(f"{v} → {fixed[o][1]} (已更正 corrected)" if o in fixed and fixed[o][0] == "value"
                             else v) for o, v in zip(ind["outcome"], ind["value"])]
            ind["target"] = ind["is_target"].map(lambda t: "目标 target" if t else "结果 result")
            if n_values > len(ind):
                st.caption(f"前 {len(ind)} 个数值 the first {len(ind)} of {n_values} values (by indicator and year); "
                           "narrow the scope in the sidebar for the rest")
            st.dataframe(ind[["indicator", "value", "unit", "target", "year", "report"]], hide_index=True,
                         width="stretch")
    with right:
        st.markdown("**地方品牌 Initiatives**")
        if ini.empty:
            st.caption("没有归入该措施的地方品牌 No initiative is an instance of this measure in scope.")
        else:
            ini["regions"] = ini["adcodes"].map(lambda cs: "、".join(region_names.get(c, c) for c in cs if c))
            st.dataframe(ini[["initiative", "reports", "regions"]], hide_index=True, width="stretch")

    if not mentions.empty:
        st.markdown("**证据句 Evidence sentences**")
        shown = mentions.head(EVIDENCE_ROWS)
        said = _sentences(store_key(), tuple(shown["report"]), tuple(ids))
        shown = shown.merge(said, on=["report", "measure_id", "section"], how="left")
        shown["measure"] = shown["measure_id"].map(lambda i: names.get(i, i))
        if len(mentions) > EVIDENCE_ROWS:
            st.caption(f"前 {EVIDENCE_ROWS} 条 the first {EVIDENCE_ROWS} of {len(mentions)} mentions (by year and report); "
                       "narrow the scope in the sidebar, or use `govkg query evidence`, for the rest")
        st.dataframe(shown[["region", "year", "measure", "role", "evidence", "surface", "curation", "report"]],
                     hide_index=True, width="stretch",
                     column_config={"evidence": st.column_config.TextColumn("证据 evidence", width="large")})

    left, right = st.columns(2)
    with left:
        st.markdown("**问题 Problems reported alongside**")
        probs = cached_query("problems", dict(catalog_scope(), measure=mid, detail=False, limit=50))
        if probs.empty:
            st.caption("范围内没有报告在问题部分提到该措施 No report in scope names it among its problems.")
        else:
            st.dataframe(probs.drop(columns=["measure_id", "measure"], errors="ignore"), hide_index=True,
                         width="stretch")
    with right:
        st.markdown("**指标对比 An indicator with and without this measure**")
        indicator = st.text_input("指标 Indicator (名称包含 name contains)", value="出庭应诉率", key="m_indicator")
        if indicator.strip():
            cmp = cached_query("indicator-by-adoption", dict(catalog_scope(), measure=mid,
                                                            indicator=indicator.strip()))
            cmp = cmp.assign(group=cmp["group"].map({"with": "提及该措施 with", "without": "未提及 without"}))
            st.dataframe(cmp[["group", "unit", "n", "reports", "mean", "median", "min", "max", "mwu_p", "regions"]],
                         hide_index=True, width="stretch")
            st.caption(f"{md(indicator.strip())}: 提及与未提及{md(names.get(mid, mid))}的报告中的数值；"
                       "mwu_p 为 Mann–Whitney 检验 values in reports that mention the measure and those that do not")
