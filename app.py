"""govkg Streamlit app: the entry file sets up session state, the shared sidebar and the navigation.

Each page is its own file in app_pages/; the sidebar's filters (region, years) stay put across
pages because their widgets live here. The folder is not called pages/: a folder of that name
makes Streamlit fall back to its older multipage mode on some runs, which executes a page
without this entry file (no sidebar, no session-state setup). Run with `govkg app` or
`streamlit run app.py`.
"""
from __future__ import annotations

import streamlit as st

from govkg.procs import trim_heap

st.set_page_config(page_title="govkg 法治政府知识图谱", page_icon=":material/balance:", layout="wide")

from app_pages.common import (  # noqa: E402
    get_store, init_state, region_labels, region_options, report_years, store_error, store_key, warm_up,
)

init_state()

PAGES = [
    st.Page("app_pages/overview.py", title="概览 Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/measures.py", title="措施 Measures", icon=":material/account_tree:"),
    st.Page("app_pages/cooccurrence.py", title="共现 Co-occurrence", icon=":material/grid_on:"),
    st.Page("app_pages/regions.py", title="地区 Regions", icon=":material/map:"),
    st.Page("app_pages/explorer.py", title="图谱探索 Graph explorer", icon=":material/hub:"),
    st.Page("app_pages/console.py", title="查询 Query console", icon=":material/terminal:"),
    st.Page("app_pages/export.py", title="导出 Export", icon=":material/download:"),
    st.Page("app_pages/upload.py", title="上传 Upload", icon=":material/upload_file:"),
    st.Page("app_pages/curation.py", title="校正 Curation", icon=":material/edit_note:"),
]
nav = st.navigation(PAGES)

with st.sidebar:
    st.caption("govkg · 法治政府建设知识图谱")
    if store_error() is None:
        warm_up(store_key())
        st.caption(get_store().describe())
        st.subheader("筛选 Filters")
        options = [""] + region_options()
        if st.session_state["region"] not in options:
            st.session_state["region"] = ""
        st.selectbox("地区 Region", options, format_func=region_labels().get, key="region")
        st.checkbox("包括下级地区 Include sub-regions", key="subregions")
        years = [str(y) for y in report_years()]  # strings: AppTest round-trips them faithfully
        if len(years) > 1:
            chosen = st.session_state["years"]
            if len(chosen) != 2 or chosen[0] not in years or chosen[1] not in years:
                st.session_state["years"] = (years[0], years[-1])
            st.select_slider("年份 Years", options=years, key="years")
        elif years:
            st.caption(f"年份 Year: {years[0]}")

nav.run()
# what the page's queries and tables freed goes back to the system: Streamlit's threads each keep
# a heap that would otherwise only grow from one page to the next
trim_heap()
