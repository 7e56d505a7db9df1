"""Apply one bulk round's statements to an embedded store, in a process of its own.

`graph.bulk.BulkLoader` writes a round's Parquet files and a plan (a pickle: the database
path, its open options and the statements), closes its own connection and runs
`python -m graph.bulk_child PLAN`. This process opens the database, runs each statement in a
transaction of its own, and exits; a result file next to the plan says how far it got.

Why a process and one transaction per statement: a COPY into a non-empty relationship table
costs LadybugDB 0.22 memory in proportion to the node table its edges are keyed by (about 90
bytes per stored outcome for MEASURES and QUANTIFIES, even for edges that only touch new
outcomes), and in one transaction those costs add up until the commit. Committed one at a time
and with the database reopened whenever the memory has grown, the round costs the largest
single statement, in a process that holds nothing else; when it exits, everything it used goes
back to the system. The round is no longer one transaction: `BulkLoader` makes it safe again
(its reports carry a marker until the last statement, and a failed round is removed).
"""
from __future__ import annotations

import pickle
import sys
from pathlib import Path


def run_plan(plan: dict, regrow_mb: int = 256) -> dict:
    """Run the plan's statements, each committed on its own; reopen the database whenever RSS
    has grown by `regrow_mb` since it was opened. Returns {"done": statements committed},
    with "error" (a one-line message) on failure."""
    from govkg.errors import StoreError
    from govkg.procs import rss_mb
    from graph.ladybug_store import LadybugStore

    steps = plan["steps"]
    done = 0
    store = LadybugStore(plan["db"], buffer_pool_mb=plan.get("buffer_pool_mb", 0))
    try:
        opened = rss_mb()
        for query, params in steps:
            try:
                store._execute_tx([(query, params)])
            except StoreError as e:
                return {"done": done, "error": str(e)}
            done += 1
            if rss_mb() - opened > regrow_mb and done < len(steps):
                store.release_memory()
                opened = rss_mb()
    finally:
        store.close()
    return {"done": done}


def main(argv: list[str]) -> int:
    plan_path = Path(argv[0])
    out_path = plan_path.with_suffix(".out")
    try:
        with open(plan_path, "rb") as f:
            plan = pickle.load(f)
        result = run_plan(plan)
    except Exception as e:  # reported to the parent, which explains it to the user
        first = (str(e).strip().splitlines() or [e.__class__.__name__])[0]
        result = {"done": -1, "error": f"{e.__class__.__name__}: {first}"}
    with open(out_path, "wb") as f:
        pickle.dump(result, f)
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
