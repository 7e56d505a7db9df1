"""Settings, read once from the environment (and CLI options) and passed down.

Every variable is documented in `.env.example`; `SETTINGS_HELP` below is the same list in code.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("GOVKG_DATA", ROOT / "data"))
DEFAULT_DB = DATA_DIR / "govkg.lbdb"
TAXONOMY_DIR = ROOT / "data" / "taxonomy"

SETTINGS_HELP = {
    "GOVKG_DB": "path of the embedded LadybugDB file (default data/govkg.lbdb)",
    "GOVKG_STORE": "embedded | neo4j (default: neo4j when GOVKG_NEO4J_URI is set, else embedded)",
    "GOVKG_NEO4J_URI": "bolt://, neo4j:// or neo4j+s:// address of a Neo4j 5 server",
    "GOVKG_NEO4J_USER": "Neo4j user (default neo4j)",
    "GOVKG_NEO4J_PASSWORD": "Neo4j password",
    "GOVKG_NEO4J_DATABASE": "Neo4j database name (default: the server's default database)",
    "GOVKG_QUERY_TIMEOUT": "seconds a read-only console query may run (default 10)",
    "GOVKG_QUERY_ROW_CAP": "rows a console query may return (default 5000)",
    "GOVKG_BUFFER_POOL_MB": ("LadybugDB page cache in MB (default: LadybugDB's own; a cap lowers RSS, "
                             "but 512 is too little for the evidence query at 100,000 reports)"),
    "GOVKG_DATA": "folder for the default database, uploads and exports (default ./data)",
}


@dataclass(frozen=True)
class Settings:
    """Where the graph lives and how to reach it.

    Attributes:
        store: "embedded" (LadybugDB file) or "neo4j" (a Bolt server).
        db_path: the embedded database file.
        neo4j_uri, neo4j_user, neo4j_password, neo4j_database: the Neo4j connection.
        query_timeout: seconds a read-only console query may run.
        query_row_cap: most rows a console query returns.
        buffer_pool_mb: the embedded store's page cache in MB (0: LadybugDB's default).
    """

    store: str = "embedded"
    db_path: Path = DEFAULT_DB
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    query_timeout: float = 10.0
    query_row_cap: int = 5000
    buffer_pool_mb: int = 0

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        uri = env.get("GOVKG_NEO4J_URI") or None
        store = env.get("GOVKG_STORE") or ("neo4j" if uri else "embedded")
        s = cls(
            store=store,
            db_path=Path(env.get("GOVKG_DB") or DEFAULT_DB),
            neo4j_uri=uri,
            neo4j_user=env.get("GOVKG_NEO4J_USER") or "neo4j",
            neo4j_password=env.get("GOVKG_NEO4J_PASSWORD") or None,
            neo4j_database=env.get("GOVKG_NEO4J_DATABASE") or None,
            query_timeout=float(env.get("GOVKG_QUERY_TIMEOUT") or 10),
            query_row_cap=int(env.get("GOVKG_QUERY_ROW_CAP") or 5000),
            buffer_pool_mb=int(env.get("GOVKG_BUFFER_POOL_MB") or 0),
        )
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if "db_path" in overrides:
            overrides["db_path"] = Path(overrides["db_path"])
        return replace(s, **overrides)

    def describe(self) -> str:
        if self.store == "neo4j":
            db = f" database {self.neo4j_database}" if self.neo4j_database else ""
            return f"neo4j at {self.neo4j_uri}{db}"
        return f"embedded LadybugDB at {self.db_path}"
