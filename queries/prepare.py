"""Build the analytics cache file beside an embedded store, in a process of its own.

`govkg ingest` ends by scanning the store into `kg.lbdb.incidence` (see `queries.incidence`).
Done in the ingesting process, the scan's ~1.6 GB at 100,000 reports would come on top of what
that process already holds; `prepare(store)` runs it in a new interpreter instead
(`python -m queries.prepare DB [BUFFER_POOL_MB]`), with the store closed meanwhile, so the
ingest's peak is the larger of the two rather than their sum. A server store keeps no file:
nothing is done for it.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from govkg.errors import StoreError
from govkg.procs import python_command


SEPARATE_FROM = 20_000  # reports from which the scan runs in a process of its own


def prepare(store, separate_from: int = SEPARATE_FROM) -> Path | None:
    """Write the incidence file for `store`; its path, or None when the store keeps no file.

    A store of `separate_from` reports or more is scanned by a new process (a smaller one in
    this process: starting an interpreter would cost more than the memory it saves). Raises
    StoreError (with the scanning process's last words) when that scan fails."""
    from queries.incidence import cache_path, get_incidence

    path = cache_path(store)
    if path is None:
        return None
    suspend, resume = getattr(store, "suspend", None), getattr(store, "resume", None)
    small = store.read("MATCH (r:Report) RETURN count(r) AS n").rows[0][0] < separate_from
    if small or not (callable(suspend) and callable(resume)):
        get_incidence(store)
        return path
    cmd, env = python_command("queries.prepare", str(store.path), str(getattr(store, "buffer_pool_mb", 0)))
    suspend()
    try:
        proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    finally:
        resume()
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        raise StoreError(f"scanning {store.path} for the analytics failed: {last}")
    return path


def main(argv: list[str]) -> int:
    from graph.ladybug_store import LadybugStore
    from queries.incidence import get_incidence

    store = LadybugStore(argv[0], read_only=True, buffer_pool_mb=int(argv[1]) if len(argv) > 1 else 0)
    try:
        get_incidence(store)
    except Exception as e:  # reported by the parent
        print(f"{e.__class__.__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
