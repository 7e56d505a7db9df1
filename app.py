"""govkg Streamlit app: the entry file builds the navigation; each page is its own file in pages/."""
from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="govkg 法治政府知识图谱", page_icon="⚖️", layout="wide")

from pages.common import get_store, store_error  # noqa: E402

pages = [
    st.Page("pages/overview.py", title="概览 Overview", icon="📊", default=True),
    st.Page("pages/measures.py", title="措施 Measures", icon="🧩"),
]
nav = st.navigation(pages)
with st.sidebar:
    st.caption("govkg · 法治政府建设知识图谱")
    if store_error() is None:
        st.caption(get_store().describe())
nav.run()
