import streamlit as st

from pages.common import cached_query, require_store

st.title("措施 Measures")
if require_store():
    min_reports = st.slider("至少出现于几份报告 Minimum reports", 0, 10, 1)
    st.dataframe(cached_query("measures", (("min_reports", min_reports),)), hide_index=True,
                 use_container_width=True)
