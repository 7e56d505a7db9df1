"""The app's Cypher console: a user's read-only query with a time limit and a row cap.

Writes, deletes, loads and procedures are refused before the query reaches the store
(`graph.readonly`), and each store also runs it in a read-only transaction.

Example:
    >>> run_console(store, "MATCH (m:Measure) RETURN m.name LIMIT 5").rows
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from govkg.config import Settings
from govkg.errors import QueryError
from graph.store import GraphStore, Table


@dataclass
class ConsoleResult:
    """A console answer: the table, whether the row cap cut it, and how long it took."""

    table: Table
    seconds: float
    row_cap: int
    timeout: float

    @property
    def truncated(self) -> bool:
        return self.table.truncated


def run_console(store: GraphStore, text: str, params: dict | None = None,
                settings: Settings | None = None) -> ConsoleResult:
    """Run a user's Cypher read-only, within `settings.query_timeout` seconds and
    `settings.query_row_cap` rows (from the environment when no settings are given).

    Raises `ReadOnlyViolation` for anything that would write, and `QueryError` for a query that
    fails or runs too long.
    """
    settings = settings or Settings.from_env()
    if not (text or "").strip():
        raise QueryError("type a Cypher query, e.g. MATCH (m:Measure) RETURN m.name LIMIT 10")
    start = time.perf_counter()
    table = store.read_untrusted(text, params or None, timeout=settings.query_timeout,
                                 row_cap=settings.query_row_cap)
    return ConsoleResult(table, time.perf_counter() - start, settings.query_row_cap, settings.query_timeout)
