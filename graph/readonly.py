"""Guard for user-supplied Cypher: only reads get through.

A lexical check (strings and comments removed first, so a keyword inside a literal does not
count) refuses anything that writes, loads or exports files, changes the schema or calls a
procedure; each store then also runs the query in a read-only transaction, so the database
itself refuses what the check might miss.
"""
from __future__ import annotations

import re

from govkg.errors import ReadOnlyViolation

_FORBIDDEN = ("CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "ALTER", "LOAD", "COPY",
              "CALL", "INSTALL", "ATTACH", "DETACH", "IMPORT", "EXPORT", "FOREACH", "BEGIN", "COMMIT",
              "ROLLBACK", "CHECKPOINT", "USE", "GRANT", "REVOKE", "DENY", "TERMINATE", "START", "STOP")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_STRIP = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)


def check_read_only(query: str) -> str:
    """Return the query unchanged if it only reads; raise `ReadOnlyViolation` naming the keyword."""
    if not query or not query.strip():
        raise ReadOnlyViolation("empty query")
    if len(query) > 20000:
        raise ReadOnlyViolation("query is longer than 20,000 characters")
    bare = _STRIP.sub(" ", query)
    if ";" in bare.strip().rstrip(";"):
        raise ReadOnlyViolation("one statement at a time: remove the ';' between statements")
    for w in _WORD.findall(bare):
        if w.upper() in _FORBIDDEN:
            raise ReadOnlyViolation(
                f"the console is read-only: '{w.upper()}' is not allowed here (use MATCH … RETURN; "
                "data changes go through `govkg ingest`)")
    if re.search(r"\bapoc\s*\.|\bdbms\s*\.|\bdb\s*\.\s*(?:create|drop)", bare, re.I):
        raise ReadOnlyViolation("the console is read-only: procedures are not allowed")
    return query.strip().rstrip(";")
