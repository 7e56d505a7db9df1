"""The app's pages run on a real embedded store (streamlit.testing)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app_env(sample_db, monkeypatch):
    monkeypatch.setenv("GOVKG_DB", str(sample_db))
    monkeypatch.setenv("GOVKG_STORE", "embedded")
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    from app_pages.common import get_store

    s = get_store()
    if s is not None:
        s.close()
    st.cache_resource.clear()


def test_overview_shows_counts_and_reports(app_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["报告 Reports"] == "5"
    df = at.dataframe[0].value
    assert "平罗县2023年度法治政府建设情况报告" in set(df["title"])
