"""The embedded store: one LadybugDB file on disk, no server."""
from __future__ import annotations

import threading
from pathlib import Path

from govkg.errors import QueryError, StoreError, StoreLockedError
from govkg.procs import rss_mb, trim_heap
from graph.readonly import check_read_only
from graph.schema import FORWARD_ONLY, ladybug_ddl
from graph.store import GraphStore, Statement, Table


class LadybugStore(GraphStore):
    """Graph in a LadybugDB database file (one writer process at a time).

    Args:
        path: the database file; its folder is created if missing.
        read_only: open without write access (several readers may share the file).
        query_timeout: seconds a console query may run.
        row_cap: most rows a console query returns.
        buffer_pool_mb: LadybugDB's page cache in MB (0: its default, a share of the machine's memory).
        page_cache_budget_mb: reopen the database (dropping the pages it cached) once reads have
            added this much to RSS; 0: never.
    """

    backend = "embedded"
    dialect = "ladybug"

    def __init__(self, path, tracer=None, read_only: bool = False, query_timeout: float = 10.0,
                 row_cap: int = 5000, buffer_pool_mb: int = 0, page_cache_budget_mb: int = 256):
        super().__init__(tracer)
        import ladybug

        self.path = Path(path)
        self.query_timeout = query_timeout
        self.row_cap = row_cap
        self._lock = threading.RLock()  # one connection, shared by the app's threads
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"cannot create the folder for the database {self.path}: "
                                 f"{e.strerror or e}") from None
        elif not self.path.exists():
            raise StoreError(f"no database at {self.path}: run `govkg ingest` first")
        self.page_cache_budget_mb = page_cache_budget_mb
        self._read_growth = 0  # MB that reads added to RSS since the database was opened
        self._in_tx = False
        self._options = {"read_only": read_only}
        if buffer_pool_mb:
            self._options["buffer_pool_size"] = buffer_pool_mb * 1024 * 1024
        self._connect()

    def _connect(self) -> None:
        """Open the database file and its connection (a clear error when it cannot be opened)."""
        import ladybug

        try:
            self._db = ladybug.Database(str(self.path), **self._options)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as e:
            msg = str(e)
            if "lock" in msg.lower():
                raise StoreLockedError(
                    f"{self.path} is open in another govkg process (LadybugDB admits one writer); "
                    "stop that process (the app or another ingest) and try again") from None
            raise StoreError(f"cannot open the database {self.path}: {msg}") from None

    def describe(self) -> str:
        return f"embedded LadybugDB at {self.path}"

    def sidecar(self, name: str) -> Path:
        return self.path.with_name(f"{self.path.name}.{name}")

    def ensure_schema(self) -> None:
        with self._lock:
            for stmt in ladybug_ddl():
                self._conn.execute(stmt)
            self._migrate_sentence_ids()

    def _migrate_sentence_ids(self) -> None:
        """Stores written before MENTIONS.sentence_ids became text held it as INT64[]: convert it
        in place (every step can be re-run if interrupted), keeping every value."""
        types = {r[1]: r[2] for r in self._conn.execute("CALL table_info('MENTIONS') RETURN *").get_all()}
        if types.get("sentence_ids") == "STRING":
            return
        if "sentence_ids" in types:  # the list column is still there
            if "sentence_ids_text" not in types:
                self._conn.execute("ALTER TABLE MENTIONS ADD sentence_ids_text STRING")
            self._conn.execute("MATCH ()-[e:MENTIONS]->() "
                               "SET e.sentence_ids_text = list_to_string(',', e.sentence_ids)")
            self._conn.execute("ALTER TABLE MENTIONS DROP sentence_ids")
        self._conn.execute("ALTER TABLE MENTIONS RENAME sentence_ids_text TO sentence_ids")

    def _execute_tx(self, statements: list[Statement]) -> None:
        with self._lock:
            self._conn.execute("BEGIN TRANSACTION")
            try:
                for query, params in statements:
                    self._trace(query, params)
                    self._conn.execute(query, params)
            except BaseException as e:
                try:
                    self._conn.execute("ROLLBACK")
                except RuntimeError:
                    pass
                if isinstance(e, RuntimeError):
                    raise StoreError(f"write failed and was rolled back: {e}") from e
                raise
            self._conn.execute("COMMIT")

    def _execute_read(self, query: str, params: dict | None):
        """Run a read on the shared connection (caller holds the lock); errors become one-line QueryErrors."""
        try:
            return self._conn.execute(query, params or {})
        except RuntimeError as e:
            first = (str(e).strip().splitlines() or ["unknown error"])[0]
            raise QueryError(f"query failed: {first}{_direction_hint(first)}") from e

    def _read(self, query: str, params: dict | None = None, limit: int | None = None) -> Table:
        with self._lock:
            before = rss_mb()
            result = self._execute_read(query, params)
            table = Table(columns=list(result.get_column_names()))
            while result.has_next():
                if limit is not None and len(table.rows) >= limit:
                    table.truncated = True
                    break
                table.rows.append(result.get_next())
            result.close()
            self._after_read(before)
            return table

    def _after_read(self, before: int) -> None:
        """Count what reads added to RSS (mostly LadybugDB's page cache, which keeps every page
        read until the database is closed); past `page_cache_budget_mb`, reopen to give it back
        (~0.1 s at 100,000 reports). Not inside a console query's transaction."""
        if self._in_tx or not self.page_cache_budget_mb:
            return
        self._read_growth += max(0, rss_mb() - before)
        if self._read_growth > self.page_cache_budget_mb:
            self.release_memory()

    def read_columns(self, query: str, params: dict | None = None):
        """A trusted read's result as a pyarrow Table (LadybugDB's Arrow export: far cheaper than
        row by row for the big scans behind the analytics)."""
        self._trace(query, params)
        with self._lock:
            before = rss_mb()
            result = self._execute_read(query, params)
            try:
                return result.get_as_arrow()
            finally:
                result.close()
                self._after_read(before)

    def read_untrusted(self, query: str, params: dict | None = None, *, timeout: float | None = None,
                       row_cap: int | None = None) -> Table:
        query = check_read_only(query)
        cap = row_cap or self.row_cap
        with self._lock:
            self._conn.set_query_timeout(int((timeout or self.query_timeout) * 1000))
            self._conn.execute("BEGIN TRANSACTION READ ONLY")
            self._in_tx = True
            try:
                self._trace(query, params)
                return self._read(query, params, limit=cap)
            except QueryError as e:
                if "interrupt" in str(e).lower() or "timeout" in str(e).lower():
                    raise QueryError(f"query stopped after {timeout or self.query_timeout:g} s; "
                                     "narrow it with WHERE or LIMIT") from None
                raise
            finally:
                self._in_tx = False
                try:
                    self._conn.execute("ROLLBACK")
                except RuntimeError:
                    pass  # a failed query has already ended its transaction
                self._conn.set_query_timeout(0)

    def release_memory(self) -> None:
        """Close the database and open it again, then hand freed heap back to the system.

        LadybugDB 0.22 keeps memory per open database that grows with what was copied in (about
        25 KB per report in a bulk load, never given back while it stays open), and every page it
        read; reopening drops both. Every committed write is on disk already.
        """
        with self._lock:
            self.suspend()
            self.resume()
            self._read_growth = 0

    def suspend(self) -> None:
        """Close the database file (so that another process may write to it) until `resume()`,
        and hand the memory that frees back to the system."""
        import gc

        with self._lock:
            for obj in (self._conn, self._db):
                if obj is not None:
                    obj.close()
            self._conn = self._db = None
            gc.collect()
            trim_heap()

    def resume(self) -> None:
        """Open the database again after `suspend()`."""
        with self._lock:
            if self._db is None:
                self._connect()

    @property
    def buffer_pool_mb(self) -> int:
        return int(self._options.get("buffer_pool_size", 0)) // (1024 * 1024)

    def close(self) -> None:
        with self._lock:
            for obj in (getattr(self, "_conn", None), getattr(self, "_db", None)):
                if obj is not None:
                    try:
                        obj.close()
                    except Exception:
                        pass
            self._conn = self._db = None


def _direction_hint(message: str) -> str:
    """What to do when LadybugDB refuses to walk a forward-only relationship backward."""
    if "Failed to get bwd data" not in message and "storage type 'fwd'" not in message:
        return ""
    rels = "/".join(FORWARD_ONLY)
    return (f". This store keeps {rels} edges from their start node only (see graph.schema.FORWARD_ONLY): "
            "give the direction (-[:MENTIONS]->, not -[:MENTIONS]-), and instead of OPTIONAL MATCH / "
            "EXISTS { } / COUNT { } from an already matched measure, MATCH the pattern from the report "
            "side and aggregate, e.g. MATCH (r:Report)-[:MENTIONS]->(m:Measure) RETURN m.id, count(DISTINCT r)")
