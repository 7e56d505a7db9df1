import streamlit as st

from pages.common import cached_query, get_store, require_store

st.title("概览 Overview")
if require_store():
    counts = get_store().counts()
    cols = st.columns(5)
    for col, label, name in zip(cols, ["Report", "Measure", "Outcome", "Initiative", "Jurisdiction"],
                                ["报告 Reports", "措施 Measures", "成效 Outcomes", "品牌 Initiatives", "地区 Regions"]):
        col.metric(name, counts["nodes"][label])
    st.subheader("报告 Reports")
    st.dataframe(cached_query("reports"), hide_index=True, use_container_width=True)
