"""The measure taxonomy, kept as data in `data/taxonomy/`:

- `measures.tsv`: id, canonical name, domain, parent id, `|`-separated aliases;
- `initiative_stoplist.txt`: political formulas and slogans that are not initiatives;
- `context.tsv`: forms whose measure depends on the words around them (合法性审查 of a
  重大行政决策 is M41, of a 规范性文件 M30; 智慧 counts only in 智慧政务, 智慧法务 …).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from govkg.config import TAXONOMY_DIR


@dataclass(frozen=True)
class MeasureDef:
    id: str
    name: str
    domain: str
    parent: str | None
    aliases: tuple[str, ...] = field(default=())

    @property
    def domain_id(self) -> str:
        return self.domain.split()[0] if self.domain else ""

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name, *self.aliases)))


@dataclass(frozen=True)
class ContextRule:
    """For a matched `form`: `measure` (None: not a measure) when `pattern` occurs within `window`
    characters of it; an empty pattern is the form's default."""

    form: str
    measure: str | None
    pattern: str
    window: int


# eq=False: a taxonomy is hashed by identity, so that the per-taxonomy caches of the matching
# stages (automata, rule tables) cost nothing per document; `load_taxonomy` returns one instance
# per folder.
@dataclass(frozen=True, eq=False)
class Taxonomy:
    measures: tuple[MeasureDef, ...]
    initiative_stoplist: frozenset[str]
    context: tuple[ContextRule, ...] = ()

    @cached_property
    def _by_id(self) -> dict[str, MeasureDef]:
        return {m.id: m for m in self.measures}

    def by_id(self) -> dict[str, MeasureDef]:
        return self._by_id

    def domains(self) -> dict[str, str]:
        """Domain id → domain name (D4 → 行政执法)."""
        out = {}
        for m in self.measures:
            did, _, name = m.domain.partition(" ")
            out[did] = name or did
        return out


def load_taxonomy(folder: Path | str | None = None) -> Taxonomy:
    return _load(str(Path(folder or TAXONOMY_DIR).resolve()))


@lru_cache(maxsize=4)
def _load(folder: str) -> Taxonomy:
    path = Path(folder) / "measures.tsv"
    measures = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if not (row.get("id") or "").strip():
                continue
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            measures.append(MeasureDef(row["id"].strip(), row["measure"].strip(), (row.get("domain") or "").strip(),
                                       (row.get("parent") or "").strip() or None, aliases))
    stop_path = Path(folder) / "initiative_stoplist.txt"
    stop = set()
    if stop_path.exists():
        stop = {ln.strip() for ln in stop_path.read_text(encoding="utf-8").splitlines()
                if ln.strip() and not ln.startswith("#")}
    rules = []
    ctx_path = Path(folder) / "context.tsv"
    if ctx_path.exists():
        lines = [ln for ln in ctx_path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t"):
            form = (row.get("form") or "").strip()
            if not form:
                continue
            measure = (row.get("measure") or "").strip()
            rules.append(ContextRule(form, None if measure in ("", "-") else measure, (row.get("pattern") or "").strip(),
                                     int((row.get("window") or "0").strip() or 0)))
    return Taxonomy(tuple(measures), frozenset(stop), tuple(rules))
