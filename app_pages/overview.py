"""Overview: what the store holds, where the reports come from, what was ingested when and what failed."""
import altair as alt
import streamlit as st

from app_pages.common import KIND_LABELS, LEVEL_LABELS, get_store, read, require_store

SHOWN = 1000  # most reports listed


@st.cache_data(ttl=60, show_spinner=False)
def _counts(key: str) -> dict:
    return get_store().counts()


def _bar(df, field: str, title: str, labels: dict | None = None):
    if df.empty:
        st.caption(f"{title}: —")
        return
    d = df.copy()
    d[field] = d[field].fillna("未知 unknown").astype(str)
    if labels:
        d[field] = d[field].map(lambda v: labels.get(v, v))
    chart = (alt.Chart(d, title=title).mark_bar()
             .encode(x=alt.X(f"{field}:N", sort="-y", title=None, axis=alt.Axis(labelAngle=0)),
                     y=alt.Y("reports:Q", title="报告数 reports"), tooltip=[field, "reports"])
             .properties(height=220))
    st.altair_chart(chart, width="stretch")


st.title("概览 Overview")
if require_store():
    store = get_store()
    counts = _counts(store.describe())
    nodes = counts["nodes"]
    cols = st.columns(6)
    for col, label, name in zip(cols, ["Report", "Measure", "Outcome", "Indicator", "Initiative", "Jurisdiction"],
                                ["报告 Reports", "措施 Measures", "成效 Outcomes", "指标 Indicators",
                                 "品牌 Initiatives", "地区 Regions"]):
        col.metric(name, nodes.get(label, 0))
    mentioned = read("MATCH (:Report)-[:MENTIONS]->(m:Measure) RETURN count(DISTINCT m) AS n")
    st.caption(f"{int(mentioned['n'].iloc[0])} 项措施至少被一份报告提及 measures mentioned at least once · "
               f"{sum(counts['edges'].values())} 条边 edges · "
               f"{nodes.get('Correction', 0)} 条校正 corrections")

    st.subheader("报告分布 Reports by year, province, level and kind")
    c1, c2 = st.columns(2)
    with c1:
        _bar(read("MATCH (r:Report) RETURN r.year AS year, count(*) AS reports"), "year", "年份 Year")
        _bar(read("MATCH (r:Report) RETURN r.level AS level, count(*) AS reports"), "level", "层级 Level",
             LEVEL_LABELS)
    with c2:
        _bar(read("MATCH (r:Report) RETURN r.province AS province, count(*) AS reports"), "province",
             "省份 Province")
        _bar(read("MATCH (r:Report) RETURN r.kind AS kind, count(*) AS reports"), "kind", "类型 Kind",
             KIND_LABELS)

    st.subheader("已导入报告 Ingested reports")
    reports = read(
        "MATCH (r:Report) OPTIONAL MATCH (r)-[m:MENTIONS]->(:Measure) "
        "WITH r, count(DISTINCT m) AS mentions OPTIONAL MATCH (r)-[:REPORTS]->(o:Outcome) "
        "RETURN r.id AS report, r.title AS title, r.kind AS kind, r.year AS year, r.province AS province, "
        "r.level AS level, r.issuer AS issuer, mentions, count(o) AS outcomes, r.ingested_at AS ingested_at "
        "ORDER BY ingested_at DESC, report LIMIT $k", k=SHOWN)
    st.dataframe(reports, hide_index=True, width="stretch",
                 column_config={"title": st.column_config.TextColumn("标题 title", width="large"),
                                "ingested_at": st.column_config.TextColumn("导入时间 ingested (UTC)")})
    if len(reports):
        more = (f" · 显示最近的 {SHOWN} 份 showing the latest {SHOWN} of {nodes.get('Report', 0)}"
                if nodes.get("Report", 0) > SHOWN else "")
        st.caption(f"最近一次导入 Last ingest: {reports['ingested_at'].dropna().max()}{more}")

    st.subheader("导入失败 Files that failed")
    failures = read("MATCH (f:IngestFailure) RETURN f.source AS file, f.problem AS problem, f.at AS at "
                    "ORDER BY at DESC")
    if failures.empty:
        st.success("没有导入失败的文件 No file failed to ingest.")
    else:
        st.warning(f"{len(failures)} 个文件未能导入 files could not be ingested")
        st.dataframe(failures, hide_index=True, width="stretch")
