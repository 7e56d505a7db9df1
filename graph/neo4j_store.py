"""The server store: Neo4j 5 (or any Bolt server that speaks its Cypher) through the official driver.

The shared write logic lives in `graph.store.GraphStore`; this module only supplies the Bolt
side: one explicit write transaction per `_execute_tx` (all or nothing), reads routed to
readers, the uniqueness constraints and indexes of `graph.schema.neo4j_ddl()`, and a guarded
console (`read_untrusted`) that runs in a READ session with a transaction timeout and a row cap.

Values come back as plain Python (int, float, str, bool, list, dict; nodes as property dicts
with `_LABEL`), so a query returns the same `Table` here as on the embedded store.

Example:
    >>> store = Neo4jStore("bolt://localhost:7687", "neo4j", "secret")
    >>> store.ensure_schema()
    >>> store.read("MATCH (r:Report) RETURN count(r) AS n").rows
    [[5]]
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Iterator

from govkg.errors import QueryError, StoreError
from graph.readonly import check_read_only
from graph.schema import NODES, neo4j_ddl
from graph.store import GraphStore, Statement, Table

log = logging.getLogger("govkg.store")

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def plain(value: Any) -> Any:
    """A driver value as plain Python: lists stay lists, nodes and edges become property dicts.

    Nodes look like the embedded store's: `{"_LABEL": label, **every schema property}`.
    """
    from neo4j.graph import Node, Path, Relationship

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Node):
        labels = sorted(value.labels)
        label = labels[0] if labels else None
        props = {k: plain(v) for k, v in value.items()}
        if label in NODES:
            props = {p: props.get(p) for p in NODES[label]} | props
        return {"_LABEL": label, **props}
    if isinstance(value, Relationship):
        return {"_LABEL": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return {"_NODES": [plain(n) for n in value.nodes], "_RELS": [plain(r) for r in value.relationships]}
    to_native = getattr(value, "to_native", None)  # neo4j.time types
    if callable(to_native):
        return to_native()
    if isinstance(value, bytes):
        return value
    return str(value)


class Neo4jStore(GraphStore):
    """Graph on a Neo4j 5 server (or ArcadeDB's Bolt plugin in the test suite).

    Args:
        uri: bolt://, bolt+s://, neo4j://, neo4j+s:// (Aura) … address.
        user, password: credentials; password None connects without authentication.
        database: database name; None uses the server's default database.
        query_timeout: seconds a console query may run (enforced by the server's transaction timeout).
        row_cap: most rows a console query returns.
        connect: check the connection (and the database) now, turning failures into `StoreError`.
    """

    backend = "neo4j"
    dialect = "neo4j"

    def __init__(self, uri: str, user: str = "neo4j", password: str | None = None, database: str | None = None,
                 tracer=None, query_timeout: float = 10.0, row_cap: int = 5000, connect: bool = True):
        super().__init__(tracer)
        import neo4j

        self.uri = (uri or "").strip()
        self.user = user or "neo4j"
        self.database = database or None
        self.query_timeout = query_timeout
        self.row_cap = row_cap
        self.server_agent = ""
        self._schema_done = False
        self._schema_pending: list[str] = []  # schema statements ArcadeDB did not accept yet
        self._schema_retries = 0
        scheme = self.uri.split("://", 1)[0].lower() if "://" in self.uri else ""
        if scheme not in SCHEMES:
            raise StoreError(f"GOVKG_NEO4J_URI {self.uri or '(empty)'!r} is not a Neo4j address: "
                             "write it as bolt://host:7687, neo4j://host:7687 or neo4j+s://… (Aura)")
        auth = (self.user, password) if password is not None else None
        try:
            self._driver = neo4j.GraphDatabase.driver(self.uri, auth=auth, connection_timeout=10.0,
                                                      max_transaction_retry_time=15.0)
        except (neo4j.exceptions.ConfigurationError, ValueError) as e:
            raise StoreError(f"cannot use GOVKG_NEO4J_URI {self.uri!r}: {e}") from None
        if connect:
            try:
                self._connect()
            except BaseException:
                self.close()
                raise

    @classmethod
    def from_settings(cls, settings, tracer=None) -> "Neo4jStore":
        """The store `Settings` describe (GOVKG_NEO4J_URI, _USER, _PASSWORD, _DATABASE)."""
        if not settings.neo4j_uri:
            raise StoreError("the neo4j store needs GOVKG_NEO4J_URI (e.g. bolt://localhost:7687) "
                             "and GOVKG_NEO4J_PASSWORD; see .env.example")
        return cls(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database,
                   tracer=tracer, query_timeout=settings.query_timeout, row_cap=settings.query_row_cap)

    def describe(self) -> str:
        db = f" database {self.database}" if self.database else ""
        return f"neo4j at {self.uri}{db}"

    @property
    def is_arcadedb(self) -> bool:
        """True on ArcadeDB's Bolt plugin (the test suite's server), which tolerates more than Neo4j."""
        return "arcadedb" in self.server_agent.lower()

    # -- errors ----------------------------------------------------------------------------
    def _where(self) -> str:
        return f"{self.uri}" + (f" (database {self.database})" if self.database else "")

    def _translate(self, e: Exception, action: str) -> Exception:
        """A driver exception as one clear govkg error."""
        from neo4j import exceptions as x

        msg = getattr(e, "message", None) or str(e)
        msg = " ".join(str(msg).split())
        code = getattr(e, "code", "") or ""
        if isinstance(e, x.AuthError) or "Security.Unauthorized" in code:
            return StoreError(f"Neo4j at {self.uri} refused user {self.user!r}: wrong user or password "
                              "(set GOVKG_NEO4J_USER and GOVKG_NEO4J_PASSWORD)")
        if "DatabaseNotFound" in code:
            return StoreError(f"Neo4j at {self.uri} has no database {self.database!r}: create it "
                              f"(CREATE DATABASE {self.database}) or unset GOVKG_NEO4J_DATABASE to use the default")
        if isinstance(e, (x.ServiceUnavailable, x.SessionExpired)):
            first = msg.split(" (reason")[0][:200]
            return StoreError(f"cannot reach Neo4j at {self.uri}: is the server running and the address right? "
                              f"(docker compose up neo4j) [{first}]")
        if "TransactionTimedOut" in code or "Transaction.Terminated" in code:
            return QueryError(f"query stopped after {self.query_timeout:g} s; narrow it with WHERE or LIMIT")
        if "AccessMode" in code or "ForbiddenDueToTransactionType" in code:
            return QueryError(f"the console is read-only: the server refused a write ({msg[:200]})")
        if isinstance(e, x.ConstraintError):
            return StoreError(f"{action} failed and was rolled back: a uniqueness constraint refused it ({msg[:300]})")
        if isinstance(e, (x.CypherSyntaxError, x.CypherTypeError)) or code.startswith("Neo.ClientError.Statement"):
            return QueryError(f"query failed: {msg[:500]}")
        if isinstance(e, (x.Neo4jError, x.DriverError)):
            return StoreError(f"{action} failed on Neo4j at {self._where()}: {msg[:500]}")
        return e

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        from neo4j import exceptions as x

        try:
            yield
        except (x.Neo4jError, x.DriverError) as e:
            raise self._translate(e, action) from None

    def _session(self, read: bool = False, fetch_size: int | None = None):
        import neo4j

        kw: dict[str, Any] = {"database": self.database,
                              "default_access_mode": neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS}
        if fetch_size:
            kw["fetch_size"] = fetch_size
        return self._driver.session(**kw)

    def _connect(self) -> None:
        """Reach the server and the database now, so a wrong address or password fails at open."""
        with self._errors("connecting"):
            self._driver.verify_connectivity()
            self.server_agent = self._driver.get_server_info().agent or ""
            with self._session(read=True) as s:
                s.run("RETURN 1 AS ok").consume()

    # -- backend hooks ---------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Uniqueness constraints on every label's `id` and the lookup indexes (once per store object).

        On ArcadeDB a statement it does not accept yet (a relationship constraint before the type
        has an edge) is logged, skipped and tried again after the next few writes; on Neo4j any
        failure is an error.
        """
        if self._schema_done:
            return
        self._schema_pending = self._run_ddl(neo4j_ddl())
        self._schema_done = True

    def _run_ddl(self, statements: list[str]) -> list[str]:
        """Run schema statements one by one; returns those ArcadeDB refused."""
        refused = []
        for stmt in statements:
            self._trace(stmt, {})
            try:
                with self._errors("creating the schema"), self._session() as s:
                    s.run(stmt).consume()
            except (StoreError, QueryError) as e:
                if not self.is_arcadedb or "refused user" in str(e) or "cannot reach" in str(e):
                    raise StoreError(f"cannot create the schema on {self._where()}: {e}") from None
                refused.append(stmt)
                log.info("ArcadeDB did not accept %s (tried again after the next write): %s", stmt, e)
        return refused

    def _retry_schema(self) -> None:
        self._schema_retries += 1
        if self._schema_retries > 3:
            log.warning("ArcadeDB never accepted: %s", "; ".join(self._schema_pending))
            self._schema_pending = []
            return
        self._schema_pending = self._run_ddl(self._schema_pending)

    def _execute_tx(self, statements: list[Statement]) -> None:
        """All statements in one explicit write transaction: committed together or not at all."""
        if not statements:
            return

        def work(tx):
            for query, params in statements:
                self._trace(query, params)
                tx.run(query, params).consume()

        with self._errors("write"), self._session() as s:
            s.execute_write(work)
        if self._schema_pending:
            self._retry_schema()

    def _read(self, query: str, params: dict | None = None) -> Table:
        def work(tx):
            result = tx.run(query, params or {})
            table = Table(columns=list(result.keys()))
            table.rows = [[plain(v) for v in rec.values()] for rec in result]
            return table

        with self._errors("read"), self._session(read=True) as s:
            return s.execute_read(work)

    def read_untrusted(self, query: str, params: dict | None = None, *, timeout: float | None = None,
                       row_cap: int | None = None) -> Table:
        """A user's query: refused unless read-only, run in a READ session with a transaction
        timeout, and cut at the row cap (`Table.truncated` then set)."""
        from neo4j.exceptions import DriverError, Neo4jError

        query = check_read_only(query)
        cap = row_cap or self.row_cap
        seconds = timeout or self.query_timeout
        self._trace(query, params)
        try:
            with self._errors("query"), self._session(read=True, fetch_size=min(cap + 1, 1000)) as s:
                tx = s.begin_transaction(timeout=seconds)
                try:
                    result = tx.run(query, params or {})
                    table = Table(columns=list(result.keys()))
                    for rec in result:
                        if len(table.rows) >= cap:
                            table.truncated = True
                            break
                        table.rows.append([plain(v) for v in rec.values()])
                    return table
                finally:
                    # nothing to keep; the driver DISCARDs the rows not fetched
                    if not tx.closed():
                        try:
                            tx.rollback()
                        except (Neo4jError, DriverError):
                            pass
        except QueryError as e:
            if "stopped after" in str(e):
                raise QueryError(f"query stopped after {seconds:g} s; narrow it with WHERE or LIMIT") from None
            raise

    def close(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            try:
                driver.close()
            except Exception:
                pass
            self._driver = None

    # -- maintenance -------------------------------------------------------------------------
    def clear(self) -> None:
        """Delete every node and edge (the schema stays). Used by tests and `govkg copy --replace`."""
        while True:
            with self._errors("clear"), self._session() as s:
                n = s.execute_write(lambda tx: tx.run(
                    "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n").single()[0])
            if not n:
                return
