"""The catalog: each query a plain record with a name, a description, typed parameters with
defaults, and a function that runs it on any `GraphStore` and returns a `Table`.

Values always travel as query parameters; nothing a user types is spliced into query text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from govkg.errors import QueryError
from govkg.procs import rss_mb, trim_heap
from graph.store import GraphStore, Table


TRIM_AFTER_MB = 64  # give freed heap back after a query that grew RSS by more than this


@dataclass(frozen=True)
class Param:
    name: str
    type: type = str
    default: Any = None
    help: str = ""

    def parse(self, raw: Any) -> Any:
        if raw is None or raw == "":
            return self.default
        if self.type is bool:
            return str(raw).lower() in ("1", "true", "yes", "y")
        try:
            return self.type(raw)
        except (TypeError, ValueError):
            raise QueryError(f"parameter {self.name} must be {self.type.__name__}, got {raw!r}") from None


@dataclass(frozen=True)
class Query:
    """A named catalog query.

    Attributes:
        name: kebab-case name used on the CLI and in the app.
        title: short Chinese/English title.
        description: one line.
        params: the parameters with their defaults.
        run: function(store, **params) -> Table.
    """

    name: str
    title: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    run: Callable[..., Table] = None  # type: ignore[assignment]

    def signature(self) -> str:
        return " ".join(f"{p.name}={p.default if p.default is not None else ''}" for p in self.params)


CATALOG: dict[str, Query] = {}


def register(name: str, title: str, description: str, *params: Param):
    """Decorator: add a function(store, **params) -> Table to the catalog."""
    def deco(fn):
        CATALOG[name] = Query(name, title, description, tuple(params), fn)
        return fn
    return deco


def get_query(name: str) -> Query:
    _load_all()
    if name not in CATALOG:
        raise QueryError(f"no query named {name!r}; `govkg query --list` shows the catalog")
    return CATALOG[name]


def run_query(store: GraphStore, name: str, params: dict[str, Any] | None = None) -> Table:
    """Run a catalog query with parameters given as strings or values; unknown names are refused."""
    q = get_query(name)
    params = dict(params or {})
    known = {p.name for p in q.params}
    unknown = set(params) - known
    if unknown:
        raise QueryError(f"query {name} has no parameter {', '.join(sorted(unknown))}; "
                         f"it takes: {', '.join(sorted(known)) or 'none'}")
    values = {p.name: p.parse(params.get(p.name)) for p in q.params}
    before = rss_mb()
    try:
        return q.run(store, **values)
    finally:
        # A query that grew the process by much (a first run, building what later runs reuse)
        # freed most of that again; glibc would keep it. A query that did not (a repeated run,
        # reusing the heap) is left alone: trimming it would cost page faults on the next run.
        if rss_mb() - before > TRIM_AFTER_MB:
            trim_heap()


def with_columns(table: Table, columns: list[str]) -> Table:
    """The table, with its column names filled in when a server sent none for an empty result
    (ArcadeDB over Bolt does that), so that every backend gives the same columns."""
    if not table.columns and not table.rows:
        table.columns = list(columns)
    return table


def all_queries() -> list[Query]:
    _load_all()
    return list(CATALOG.values())


def _load_all() -> None:
    # Importing the modules registers their queries.
    import queries.basic  # noqa: F401
    import queries.cooccurrence  # noqa: F401
    import queries.regions  # noqa: F401
    import queries.outcomes  # noqa: F401
    import queries.evidence  # noqa: F401
