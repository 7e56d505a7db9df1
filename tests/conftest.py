"""Shared fixtures: real embedded stores in temporary folders, and the bundled sample reports."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "data" / "reports"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _embedded_unless_bolt(request, monkeypatch):
    """With GOVKG_NEO4J_URI set (to run the Bolt tests on a real Neo4j), every other test still
    runs on its own embedded store instead of wiping or reading the shared server."""
    if request.node.get_closest_marker("bolt") is None:
        for var in ("GOVKG_NEO4J_URI", "GOVKG_STORE"):
            monkeypatch.delenv(var, raising=False)


@pytest.fixture
def fresh_store(tmp_path):
    """An empty embedded store (a real LadybugDB file) with its schema."""
    from graph.ladybug_store import LadybugStore

    store = LadybugStore(tmp_path / "test.lbdb")
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A database file holding the five bundled reports (built once per test session)."""
    from graph.ladybug_store import LadybugStore
    from ingest.load import ingest_paths

    path = tmp_path_factory.mktemp("sample") / "sample.lbdb"
    store = LadybugStore(path)
    store.ensure_schema()
    summary = ingest_paths(store, [REPORTS])
    assert len(summary.added) == 5, summary.failed
    store.close()
    return path


@pytest.fixture
def sample_store(sample_db, tmp_path):
    """A private copy of the sample database, so a test may change it."""
    from graph.ladybug_store import LadybugStore

    copy = tmp_path / "sample.lbdb"
    shutil.copy(sample_db, copy)
    store = LadybugStore(copy)
    yield store
    store.close()


# Bolt-server fixtures (ArcadeDB started by the suite, or Neo4j at GOVKG_NEO4J_URI) live in tests/bolt.py.
pytest_plugins = ["tests.bolt"]


@pytest.fixture(params=["embedded", "bolt"])
def any_store(request, tmp_path):
    """An empty store with its schema, once per backend: the same test runs on both."""
    if request.param == "embedded":
        yield request.getfixturevalue("fresh_store")
    else:
        yield request.getfixturevalue("bolt_store")
