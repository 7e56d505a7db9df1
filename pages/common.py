"""Shared by every page: the cached store connection and cached catalog queries."""
from __future__ import annotations

import streamlit as st

from govkg.config import Settings
from govkg.errors import GovkgError


@st.cache_resource(show_spinner=False)
def _open_store():
    from graph.store import open_store

    try:
        return open_store(Settings.from_env()), None
    except GovkgError as e:
        return None, str(e)


def get_store():
    store, _ = _open_store()
    return store


def store_error() -> str | None:
    return _open_store()[1]


@st.cache_data(ttl=60, show_spinner=False)
def cached_query(name: str, params: tuple = ()) -> "object":
    from queries.catalog import run_query

    return run_query(get_store(), name, dict(params)).to_dataframe()


def require_store() -> bool:
    """Show a clear error (not a traceback) when the store cannot be opened."""
    err = store_error()
    if err:
        st.error(f"无法打开图数据库 Cannot open the store: {err}")
        st.info("先运行 Run first: `govkg ingest data/reports`")
        return False
    return True
