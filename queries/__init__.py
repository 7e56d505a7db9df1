"""The query catalog: named, documented, parameterised queries (see `queries.catalog`)."""
from queries.catalog import CATALOG, get_query, run_query  # noqa: F401
