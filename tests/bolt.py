"""Bolt-server fixtures: the same tests run against a real Bolt server.

Which server:
- `GOVKG_NEO4J_URI` set (with `GOVKG_NEO4J_USER`, `GOVKG_NEO4J_PASSWORD`, `GOVKG_NEO4J_DATABASE`):
  that Neo4j. The tests DELETE EVERYTHING in its database, so point it at a scratch instance.
- otherwise: ArcadeDB from PyPI's `arcadedb-embedded` with its Bolt plugin, started once per test
  session as a separate process (`tests/arcadedb_server.py`) and stopped at the end.

`bolt_store` gives each test an empty `Neo4jStore` with its schema. Tests that use it (or the
"bolt" variant of `any_store`) carry the `bolt` marker, so `pytest -m "not bolt"` leaves them out.
"""
from __future__ import annotations

import base64
import json
import os
import urllib.request
from dataclasses import dataclass

import pytest


@dataclass
class BoltServer:
    """Where the test Bolt server is and how to log in."""

    uri: str
    user: str
    password: str | None
    database: str | None
    kind: str  # "arcadedb" or "neo4j"
    http: str | None = None  # ArcadeDB's HTTP API (for dropping and recreating the database)

    def store(self, **kw):
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(self.uri, self.user, self.password, self.database, **kw)

    def recreate_database(self) -> None:
        """ArcadeDB only: drop and recreate the database over the HTTP API (schema included)."""
        for command in (f"drop database {self.database}", f"create database {self.database}"):
            req = urllib.request.Request(
                f"{self.http}/api/v1/server", data=json.dumps({"command": command}).encode(),
                headers={"Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode(
                    f"{self.user}:{self.password}".encode()).decode()})
            with urllib.request.urlopen(req, timeout=30) as r:
                r.read()


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if "bolt_store" in item.fixturenames or "bolt_server" in item.fixturenames or (
                callspec is not None and callspec.params.get("any_store") == "bolt"):
            item.add_marker(pytest.mark.bolt)


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory):
    """A Bolt server for the whole session: Neo4j at GOVKG_NEO4J_URI, or ArcadeDB started here."""
    uri = os.environ.get("GOVKG_NEO4J_URI")
    if uri:
        from govkg.config import Settings

        s = Settings.from_env()
        yield BoltServer(uri, s.neo4j_user, s.neo4j_password, s.neo4j_database, "neo4j")
        return
    from tests.arcadedb_server import LaunchError, launch

    try:
        server = launch(tmp_path_factory.mktemp("arcadedb"))
    except LaunchError as e:
        pytest.skip(str(e))
    info = server.info
    try:
        yield BoltServer(server.uri, info["user"], info["password"], info["database"], "arcadedb", server.http)
    finally:
        server.stop()


@pytest.fixture
def bolt_store(bolt_server):
    """An empty `Neo4jStore` on the session's Bolt server, with its schema."""
    from govkg.errors import StoreError

    try:
        store = bolt_server.store()
    except StoreError as e:
        if bolt_server.kind == "neo4j":
            pytest.fail(f"GOVKG_NEO4J_URI is set but unusable: {e}")
        raise
    try:
        store.clear()
    except StoreError:
        if bolt_server.kind != "arcadedb":
            raise
        bolt_server.recreate_database()  # the slower, sure way back to an empty database
    store.ensure_schema()
    yield store
    store.close()
