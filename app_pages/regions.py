"""Regions: one region's profile, two regions side by side, the hierarchy, and adoption across provinces."""
from collections import Counter

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.common import (
    SCOPE, TTL, cached_query, catalog_scope, corrected_values, get_store, jurisdictions, md, read, region_labels,
    region_options, rejected_targets, require_store, scope_params, scope_text, store_key,
)
from queries.basic import outcome_values

KINDS = {"measure": "措施 Measures", "initiative": "地方品牌 Initiatives", "outcome": "成效指标 Outcomes",
         "target": "目标 Targets", "plan": "计划 Plans", "problem-measure": "问题涉及的措施 Problems"}

OUTCOME_ROWS = 500  # outcome details shown (and read from the store) for one region

st.title("地区 Regions")


def _go(code: str) -> None:
    st.session_state["profile_region"] = code


def hierarchy(code: str, js: pd.DataFrame) -> None:
    """Buttons up to the parent and down to the children."""
    row = js[js["id"] == code].iloc[0]
    trail, parent = [], row["parent"]
    while parent:
        p = js[js["id"] == parent]
        if p.empty:
            break
        trail.insert(0, p.iloc[0])
        parent = p.iloc[0]["parent"]
    cols = st.columns(max(1, len(trail)) + 1)
    for col, p in zip(cols, trail):
        col.button(f"⬆ {md(p['name'])}", key=f"up_{p['id']}", on_click=_go, args=(p["id"],))
    children = js[js["parent"] == code]
    if len(children):
        st.caption("下级地区 Sub-regions:")
        ccols = st.columns(min(6, len(children)))
        for i, (_, c) in enumerate(children.iterrows()):
            ccols[i % len(ccols)].button(f"⬇ {md(c['name'])}", key=f"down_{c['id']}", on_click=_go, args=(c["id"],))


def region_reports(code: str, rollup: bool) -> pd.DataFrame:
    return read(f"MATCH (r:Report) WHERE {SCOPE} RETURN r.id AS report, r.title AS title, r.year AS year, "
                "r.kind AS kind ORDER BY year, report", **scope_params(region=code, subregions=rollup))


@st.cache_data(ttl=TTL, show_spinner=False)
def _outcomes(key: str, code: str, years: str, rollup: bool) -> tuple[pd.DataFrame, int]:
    """The region's outcomes from the incidence: only the reports holding the first OUTCOME_ROWS are read."""
    table, total = outcome_values(get_store(), None, region=code, years=years, rollup=rollup, limit=OUTCOME_ROWS)
    df = table.to_dataframe()
    return df[["outcome", "indicator", "value", "unit", "is_target", "year", "sentence", "report"]], total


def profile(code: str, rollup: bool) -> None:
    params = dict(region=code, years=catalog_scope()["years"], rollup=rollup)
    prof = cached_query("region-profile", params)
    reports = region_reports(code, rollup)
    c = st.columns(5)
    c[0].metric("报告 Reports", len(reports))
    for col, kind in zip(c[1:], ["measure", "initiative", "outcome", "target"]):
        col.metric(KINDS[kind], int((prof["kind"] == kind).sum()) if len(prof) else 0)
    if prof.empty:
        st.info("该地区在所选年份没有报告 No reports for this region in the chosen years.")
        return
    rejected = rejected_targets()
    ids = set(reports["report"])
    tabs = st.tabs([KINDS[k] for k in KINDS] + ["报告 Reports", "成效明细 Outcome details",
                                                "目标与结果 Targets vs results", "相似地区 Similar regions"])
    for tab, kind in zip(tabs, KINDS):
        with tab:
            d = prof[prof["kind"] == kind].drop(columns=["region", "kind", "scope_reports"])
            if kind == "measure":
                wrong = Counter(t.split(":", 1)[1] for r, t in rejected if r in ids and t.startswith("measure:"))
                d["curation"] = [f"✗ {wrong[m]} 份报告标记错误 marked wrong in {wrong[m]} report(s)" if wrong[m] else ""
                                 for m in d["item_id"]]
            if kind in ("measure", "initiative", "plan", "problem-measure"):
                d = d.drop(columns=["n_values", "median", "min", "max", "unit"], errors="ignore")
            if d.empty:
                st.caption("—")
            else:
                st.dataframe(d, hide_index=True, width="stretch")
    with tabs[-4]:
        st.dataframe(reports, hide_index=True, width="stretch")
    with tabs[-2]:
        tvr = cached_query("targets-vs-results", dict(region=code))
        if tvr.empty:
            st.caption("该地区没有可对照的目标 No targets for this region.")
        else:
            st.dataframe(tvr.drop(columns=["region", "adcode"]), hide_index=True, width="stretch")
    with tabs[-1]:
        sim = cached_query("similar-regions", dict(region=code, years=catalog_scope()["years"], limit=20))
        if sim.empty:
            st.caption("没有可比较的地区 No other region to compare with.")
        else:
            st.dataframe(sim[["region_a", "region_b", "jaccard", "shared", "a_measures", "b_measures", "only_a",
                              "only_b"]], hide_index=True, width="stretch")
    with tabs[-3]:
        outs, total = _outcomes(store_key(), code, catalog_scope()["years"], rollup)
        if total > len(outs):
            st.caption(f"前 {len(outs)} 个 the first {len(outs)} of {total} outcomes (by indicator, year and report); "
                       "the profile tab summarises all of them")
        fixed = corrected_values()
        outs["corrected"] = [f"{fixed[o][0]} → {fixed[o][1]}" if o in fixed else "" for o in outs["outcome"]]
        outs["curation"] = ["✗ 标记错误 marked wrong" if (o.split("#")[0], f"outcome:{o}") in rejected else ""
                            for o in outs["outcome"]]
        st.dataframe(outs, hide_index=True, width="stretch",
                     column_config={"sentence": st.column_config.TextColumn("原句 sentence", width="large")})


def compare(a: str, b: str, rollup: bool) -> None:
    cmp = cached_query("region-compare", dict(region_a=a, region_b=b, years=catalog_scope()["years"], rollup=rollup))
    if cmp.empty:
        st.info("两个地区都没有报告 Neither region has reports in scope.")
        return
    ms = cmp[cmp["kind"] == "measure"]
    name_a, name_b = ms["region_a"].iloc[0] if len(ms) else a, ms["region_b"].iloc[0] if len(ms) else b
    c = st.columns(3)
    for col, where, title in zip(c, ["a", "both", "b"], [f"仅 only {name_a}", "两者 both", f"仅 only {name_b}"]):
        sel = ms[ms["in"] == where]
        col.markdown(f"**{md(title)}** — {len(sel)} 项措施 measures")
        col.dataframe(sel[["item_id", "item"]].rename(columns={"item_id": "id", "item": "措施 measure"}),
                      hide_index=True, width="stretch", height=260)
    st.markdown("**成效与品牌 Outcomes, initiatives, plans and targets**")
    kind = st.selectbox("类别 Kind", [k for k in KINDS if k != "measure" and (cmp["kind"] == k).any()],
                        format_func=KINDS.get, key="cmp_kind")
    if kind:
        st.dataframe(cmp[cmp["kind"] == kind].drop(columns=["kind"]), hide_index=True, width="stretch")


def adoption() -> None:
    """Share of each province's reports that mention each measure (top measures)."""
    sc = catalog_scope()
    df = cached_query("adoption-over-time", dict(region=sc["region"], years=sc["years"]))
    if df.empty:
        st.caption("—")
        return
    agg = (df.groupby(["measure_id", "measure", "province"])
           .agg(reports=("reports", "sum"), total=("reports_total", "sum")).reset_index())
    agg["share"] = (agg["reports"] / agg["total"]).round(3)
    agg["label"] = agg["measure_id"] + " " + agg["measure"]
    top = st.slider("措施数 Measures shown", 5, 60, 25, key="adopt_top")
    keep = agg.groupby("label")["reports"].sum().nlargest(top).index
    d = agg[agg["label"].isin(keep)]
    chart = (alt.Chart(d).mark_rect(stroke="white")
             .encode(x=alt.X("province:N", title="省份 province", axis=alt.Axis(labelAngle=0)),
                     y=alt.Y("label:N", sort="-color", title=None, axis=alt.Axis(labelLimit=240)),
                     color=alt.Color("share:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                                     title="采纳率 share"),
                     tooltip=["label", "province", "reports", "total", "share"])
             .properties(height=alt.Step(20)))
    st.altair_chart(chart, width="stretch")


if require_store():
    st.caption(scope_text())
    js = jurisdictions()
    options = region_options()
    labels = region_labels()
    if not options:
        st.info("还没有地区 No regions yet: ingest some reports first.")
        st.stop()
    counted = cached_query("regions")
    has_reports = set(counted.loc[counted["reports_with_descendants"] > 0, "adcode"])
    with_reports = [c for c in options if c in has_reports]
    if st.session_state.get("profile_region") not in options:
        side = st.session_state.get("region")
        st.session_state["profile_region"] = side if side in options else (with_reports or options)[0]
    rollup = st.toggle("汇总下级地区 Include sub-regions", value=True, key="regions_rollup")

    tab_p, tab_c, tab_a = st.tabs(["地区画像 Profile", "对比 Compare", "各省采纳 Adoption by province"])
    with tab_p:
        code = st.selectbox("地区 Region", options, format_func=labels.get, key="profile_region")
        hierarchy(code, js)
        profile(code, rollup)
    with tab_c:
        c1, c2 = st.columns(2)
        if st.session_state.get("cmp_a") not in options:
            st.session_state["cmp_a"] = st.session_state["profile_region"]
        if st.session_state.get("cmp_b") not in options:
            st.session_state["cmp_b"] = next((c for c in with_reports if c != st.session_state["cmp_a"]), options[0])
        a = c1.selectbox("地区 A", options, format_func=labels.get, key="cmp_a")
        b = c2.selectbox("地区 B", options, format_func=labels.get, key="cmp_b")
        compare(a, b, rollup)
    with tab_a:
        adoption()
