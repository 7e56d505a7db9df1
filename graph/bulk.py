"""Fast writes into the embedded store: LadybugDB's COPY from Arrow tables and Parquet files.

Writing rows through `UNWIND $rows …` is bounded by turning Python dicts into query
parameters (about 8k wide rows/s on our machines); `COPY` from an Arrow table or a Parquet
file skips that. Two uses:

- `append_statements`: the statements that add a batch of *new* reports to a store that may
  already hold others. Shared nodes and edges (jurisdictions, agencies, indicators,
  initiatives, PART_OF …) are merged as usual; everything the reports own (Report, Section,
  Outcome, Problem and the edges they own) is copied from Parquet files written for the batch.
  The statements run in one transaction (`COPY` is transactional on LadybugDB), so a batch is
  all or nothing. (`COPY … FROM $arrow_table` works too, but LadybugDB 0.22 keeps the memory
  of every table passed that way: about 0.6 MB per report.)
- `BulkLoader`: for a big load into an EMPTY store: rows are streamed into one Parquet file per
  node label and per (relationship, from, to) triple, shared nodes deduplicated (last wins, as
  with MERGE), then each file is copied in with `COPY Label FROM 'file.parquet'` (relationship
  tables with several FROM/TO pairs take `(from='A', to='B')`).

Columns are matched by position, so every table is built in `graph.schema` order with
explicit Arrow types (a column of nulls keeps its declared type).
"""
from __future__ import annotations

import pickle
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable

from govkg.errors import StoreError
from govkg.procs import python_command
from graph import cypher
from graph.rows import GraphRows
from graph.schema import NODES, REFERENCE, RELS, REPORT_OWNED

# Node labels whose rows one report owns (created once, never merged).
OWNED_NODES = ("Report", *REPORT_OWNED)
# Node labels shared between reports (merged by id).
SHARED_NODES = tuple(label for label in NODES if label not in OWNED_NODES and label not in ("Correction",
                                                                                          "IngestFailure"))
CLEAR_FAILURES = "UNWIND $ids AS i MATCH (n:IngestFailure {id: i}) DELETE n"
# A bulk round's reports carry this instead of their content hash until the round's last
# statement: a report interrupted half-written never looks unchanged to a later ingest, which
# therefore rewrites it whole.
UNFINISHED = "(bulk round not finished)"
SET_HASHES = "UNWIND $rows AS row MATCH (r:Report {id: row.id}) SET r.content_hash = row.h"


def discard_statements() -> list[str]:
    """Statements that remove the reports `$ids` and everything they own (a failed round's)."""
    stmts = [f"MATCH (n:{label}) WHERE n.report IN $ids DETACH DELETE n" for label in REPORT_OWNED]
    stmts.append("MATCH (a:Agency)-[e:LEADS]->(m:Measure) WHERE e.report IN $ids DELETE e")
    stmts.append("MATCH (r:Report) WHERE r.id IN $ids DETACH DELETE r")
    return stmts


def _arrow_type(typ: str):
    import pyarrow as pa

    return {"STRING": pa.string(), "INT64": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
            "INT64[]": pa.list_(pa.int64())}[typ]


def node_schema(label: str):
    import pyarrow as pa

    return pa.schema([(p, _arrow_type(t)) for p, t in NODES[label].items()])


def rel_schema(rel: str):
    import pyarrow as pa

    return pa.schema([("from", pa.string()), ("to", pa.string())] +
                     [(p, _arrow_type(t)) for p, t in RELS[rel][1].items()])


def _columns(rows: list[dict], keys: list[str], schema):
    """An Arrow table of `rows`, column i holding each row's `keys[i]` (None where absent), typed
    by field i of `schema`. Built column by column: a quarter faster than `Table.from_pylist`
    (turning rows into tables is most of what a bulk load's gathering process does)."""
    import pyarrow as pa

    return pa.Table.from_arrays([pa.array([r.get(k) for r in rows], type=f.type) for k, f in zip(keys, schema)],
                                schema=schema)


def node_table(label: str, rows: list[dict]):
    """An Arrow table of node rows, columns in schema order."""
    schema = node_schema(label)
    return _columns(rows, schema.names, schema)


def rel_table(rel: str, rows: list[dict]):
    """An Arrow table of edge rows (`src`, `dst`, properties) as `from`, `to`, properties."""
    schema = rel_schema(rel)
    return _columns(rows, ["src", "dst", *schema.names[2:]], schema)


def copy_node_statement(label: str, source: str = "$t") -> str:
    if label not in NODES:
        raise ValueError(f"unknown node label {label!r}")
    return f"COPY {label} FROM {source}"


def copy_rel_statement(rel: str, a: str, b: str, source: str = "$t") -> str:
    if (a, b) not in RELS[rel][0]:
        raise ValueError(f"{rel} does not connect {a} to {b}")
    return f"COPY {rel} FROM {source} (from='{a}', to='{b}')"


def merge_rows(batch: Iterable[GraphRows]) -> GraphRows:
    """The rows of several reports as one set (shared nodes and edges deduplicated)."""
    out = GraphRows()
    for g in batch:
        for label, rows in g.nodes.items():
            out.nodes[label].extend(rows)
        for key, rows in g.rels.items():
            out.rels[key].extend(rows)
    return out.dedupe()


def drop_dangling(g: GraphRows, known_measures: set[str]) -> int:
    """Drop edges to measures that exist neither in `known_measures` nor among `g`'s own nodes.

    A plain write (MATCH … CREATE) skips such an edge silently; COPY would fail instead, and
    LadybugDB 0.22 cannot write again in the same process after a failed COPY into a node table
    was rolled back (heap corruption), so the edge is dropped here first. Every other edge end
    is a node of the same report's rows by construction (`graph.rows.report_rows`).
    Returns how many edges were dropped.
    """
    known = known_measures | {r["id"] for r in g.nodes.get("Measure", [])}
    dropped = 0
    for (rel, a, b), rows in list(g.rels.items()):
        if "Measure" not in (a, b):
            continue
        keep = [r for r in rows if (a != "Measure" or r["src"] in known) and (b != "Measure" or r["dst"] in known)]
        dropped += len(rows) - len(keep)
        g.rels[(rel, a, b)] = keep
    return dropped


def append_statements(store, batch: list[GraphRows], workdir: Path | str, known_measures: set[str] | None = None,
                      clear_failures: list[str] = ()) -> list[tuple[str, dict]]:
    """Statements that add reports NOT yet in the store: shared parts merged, owned parts copied.

    The owned parts are written to Parquet files in `workdir` (the caller removes them after
    the transaction): LadybugDB keeps the memory of an Arrow table passed as a parameter, a
    file it does not. Run the statements with the store's transaction (`store._execute_tx`):
    all or nothing.
    """
    import pyarrow.parquet as pq

    g = merge_rows(batch)
    if known_measures is None:
        known_measures = {r[0] for r in store.read("MATCH (m:Measure) RETURN m.id AS id").rows}
    drop_dangling(g, known_measures)
    folder = Path(workdir)
    shared_nodes, shared_rels = GraphRows(), GraphRows()
    copies: list[tuple[str, dict]] = []

    def to_file(name: str, table) -> str:
        path = folder / f"{name}.parquet"
        pq.write_table(table, str(path))
        return f"'{path}'"

    for label in NODES:
        rows = g.nodes.get(label) or []
        if rows and label in OWNED_NODES:
            copies.append((copy_node_statement(label, to_file(label, node_table(label, rows))), {}))
        elif rows:
            shared_nodes.nodes[label] = rows
    for rel in RELS:
        for (r, a, b), rows in g.rels.items():
            if r != rel or not rows:
                continue
            if rel in cypher.SHARED_RELS:
                shared_rels.rels[(r, a, b)] = rows
            else:
                copies.append((copy_rel_statement(rel, a, b, to_file(f"{r}_{a}_{b}", rel_table(rel, rows))), {}))
    # Shared nodes first (the copied edges point at them), then the copies, then shared edges.
    stmts = store.write_statements(shared_nodes) + copies + store.write_statements(shared_rels)
    if clear_failures:
        stmts.append((CLEAR_FAILURES, {"ids": list(clear_failures)}))
    return stmts


def scratch_dir(store) -> Path:
    """A new private folder for Parquet files, next to the database (same disk) where possible."""
    base = Path(getattr(store, "path", "") or tempfile.gettempdir()).parent
    if "'" in str(base) or not base.is_dir():
        base = Path(tempfile.gettempdir())
    return Path(tempfile.mkdtemp(prefix=".govkg-bulk-", dir=base))


def store_is_empty(store) -> tuple[bool, str]:
    """Whether the store holds nothing but the taxonomy. Returns (empty, what it holds)."""
    counts = store.counts()
    held = {k: v for k, v in counts["nodes"].items() if v and k not in (*REFERENCE, "IngestFailure")}
    extra = store.read("MATCH (m:Measure) WHERE m.in_taxonomy = false RETURN count(m) AS n").rows[0][0]
    if extra:
        held["Measure (outside the taxonomy)"] = extra
    return not held, ", ".join(f"{v} {k}" for k, v in held.items())


class BulkLoader:
    """Stream report rows into Parquet files, then COPY them into an empty embedded store.

    The load goes in rounds of `round_reports` reports. Each round's files are copied in by a
    process of its own (`graph.bulk_child`: one transaction per statement, so LadybugDB's memory
    for a round is that of its largest COPY, given back when the process exits) while this one
    gathers the next round, and then deleted, so scratch space stays bounded however big the
    corpus (two rounds' files at most). A round is all or nothing
    for the user: its reports carry the `UNFINISHED` marker as content hash until its last
    statement sets the real ones, a round that fails is removed again, and the rounds before it
    stay; a report left unfinished by a killed process is rewritten by the next normal ingest.
    Shared nodes are copied the first time they are seen; a later round that brings different
    properties for one merges them (last wins, as with the normal ingest), and shared edges are
    copied once.

    Args:
        store: a `LadybugStore` holding nothing but the taxonomy (see `store_is_empty`).
        workdir: where the Parquet files go (a temporary folder next to the database by default).
        flush_rows: rows buffered per table before they are appended to its Parquet file.
        round_reports: reports per COPY transaction.
    """

    def __init__(self, store, workdir: Path | str | None = None, flush_rows: int = 50_000,
                 round_reports: int = 10_000):
        if getattr(store, "backend", "") != "embedded":
            raise StoreError("--bulk loads only into the embedded store; for Neo4j use "
                             "`govkg export --format neo4j-admin` and neo4j-admin database import")
        empty, held = store_is_empty(store)
        if not empty:
            raise StoreError(f"--bulk needs an empty store, but {store.describe()} holds {held}; "
                             "ingest without --bulk, or give a new --db file")
        self.store = store
        if workdir:
            Path(workdir).mkdir(parents=True, exist_ok=True)
            self.dir = Path(tempfile.mkdtemp(prefix=".govkg-bulk-", dir=workdir))
        else:
            self.dir = scratch_dir(store)
        self.flush_rows = flush_rows
        self.round_reports = max(1, round_reports)
        self.in_store = {r[0] for r in store.read("MATCH (m:Measure) RETURN m.id AS id").rows}
        self.known_measures = set(self.in_store)
        self._buf: dict[tuple, list[dict]] = {}
        self._writers: dict[tuple, Any] = {}
        self._round = 0
        self._shared_nodes: dict[str, dict[str, dict]] = {label: {} for label in SHARED_NODES}
        self._shared_rels: dict[tuple, dict[tuple, dict]] = {}
        # What earlier rounds stored: shared node id -> hash of its properties; shared edge ends.
        self._stored_nodes: dict[str, dict[str, int]] = {label: {} for label in SHARED_NODES}
        self._stored_rels: dict[tuple, set[tuple]] = {}
        self.pending: list[str] = []  # report ids of the round being built
        self._hashes: dict[str, str] = {}  # their content hashes, set by the round's last statement
        self._running: dict | None = None  # the round being copied in by a writer process
        self.rows = 0  # rows committed
        self.rounds = 0  # rounds committed

    def add(self, g: GraphRows) -> list[str]:
        """Queue one report's rows (the report must not be in the store or in this load already).

        Returns the ids of the reports committed by this call: empty, or the whole round that
        this report completed.
        """
        self.known_measures.update(r["id"] for r in g.nodes.get("Measure", []))
        drop_dangling(g, self.known_measures)
        for label, rows in g.nodes.items():
            if label == "Report":
                for r in rows:
                    self._hashes[r["id"]] = r.get("content_hash") or ""
                self._push(("node", label), [{**r, "content_hash": UNFINISHED} for r in rows])
            elif label in OWNED_NODES:
                self._push(("node", label), rows)
            elif label == "Measure":
                for r in rows:
                    if r["id"] not in self.in_store:
                        self._shared_nodes[label][r["id"]] = r
            else:
                shared = self._shared_nodes[label]
                for r in rows:
                    shared[r["id"]] = r
        for key, rows in g.rels.items():
            if key[0] in cypher.SHARED_RELS:
                seen = self._shared_rels.setdefault(key, {})
                for r in rows:
                    seen[(r["src"], r["dst"])] = r
            else:
                self._push(("rel", *key), rows)
        self.pending.append(g.report_id)
        if len(self.pending) >= self.round_reports:
            return self.commit_round()
        return []

    def _push(self, key: tuple, rows: list[dict]) -> None:
        buf = self._buf.setdefault(key, [])
        buf.extend(rows)
        if len(buf) >= self.flush_rows:
            self._flush(key)

    def _table(self, key: tuple, rows: list[dict]):
        return node_table(key[1], rows) if key[0] == "node" else rel_table(key[1], rows)

    def _flush(self, key: tuple) -> None:
        import pyarrow.parquet as pq

        rows = self._buf.get(key) or []
        if not rows:
            return
        table = self._table(key, rows)
        w = self._writers.get(key)
        if w is None:
            w = self._writers[key] = pq.ParquetWriter(str(self._path(key)), table.schema)
        w.write_table(table)
        self._buf[key] = []

    def _path(self, key: tuple) -> Path:
        return self.dir / (f"r{self._round}_" + "_".join(key) + ".parquet")

    def _shared_rows(self) -> GraphRows:
        """Queue this round's new shared nodes and edges for copying; return the changed ones to merge."""
        changed = GraphRows()
        for label, rows in self._shared_nodes.items():
            stored = self._stored_nodes[label]
            new = []
            for nid, r in rows.items():
                h = hash(repr(tuple(r.values())))
                old = stored.get(nid)
                if old is None:
                    new.append(r)
                elif old != h:
                    changed.nodes[label].append(r)
                stored[nid] = h
            if new:
                self._push(("node", label), new)
            rows.clear()
        for key, rows in self._shared_rels.items():
            stored = self._stored_rels.setdefault(key, set())
            new = [r for ends, r in rows.items() if ends not in stored]
            stored.update(rows)
            if new:
                self._push(("rel", *key), new)
            rows.clear()
        return changed

    def commit_round(self) -> list[str]:
        """Hand the queued reports to a writer process, which copies them in while the caller
        goes on gathering the next round; wait first for the round before it.

        Returns the ids of the reports now known to be stored (those of the round before; []
        for the first). If that round failed, this raises: nothing of it is left, this round is
        not started, and the error says how to go on.
        """
        if not self.pending:
            return self._wait()
        stmts = self._round_statements()
        rows = sum(self._row_counts())
        ids, path_round = self.pending, self._round
        self._writers.clear()
        self._round += 1
        self.pending, self._hashes = [], {}
        try:
            done = self._wait()
        except StoreError:
            self._remove_files(path_round)
            raise
        self._running = {"child": self._start_child(stmts, "round"), "number": self.rounds + 1, "ids": ids,
                         "rows": rows, "files": path_round}
        return done

    def _round_statements(self) -> list[tuple[str, dict]]:
        """The statements that copy the queued round in (its Parquet files closed)."""
        changed = self._shared_rows()
        for key in list(self._buf):
            self._flush(key)
        for w in self._writers.values():
            w.close()
        stmts = []
        for label in NODES:
            if ("node", label) in self._writers:
                stmts.append((copy_node_statement(label, f"'{self._path(('node', label))}'"), {}))
        stmts += self.store.write_statements(changed) if changed.nodes else []
        for rel in RELS:
            for key in self._writers:
                if key[0] == "rel" and key[1] == rel:
                    stmts.append((copy_rel_statement(rel, key[2], key[3], f"'{self._path(key)}'"), {}))
        stmts.append((SET_HASHES, {"rows": [{"id": rid, "h": self._hashes.get(rid, "")} for rid in self.pending]}))
        return stmts

    def _wait(self) -> list[str]:
        """Wait for the running round; its report ids once stored, or StoreError."""
        run, self._running = self._running, None
        if run is None:
            return []
        try:
            result = self._finish_child(run["child"])
        finally:
            self._remove_files(run["files"])
        if "error" in result:
            problem = self._undo(result, run["ids"])
            done = f"; the {self.rounds} rounds before it are stored" if self.rounds else ""
            raise StoreError(f"bulk load round {run['number']} ({len(run['ids'])} reports) failed{done}: {problem}. "
                             "Run `govkg ingest` on the same files without --bulk to add the rest "
                             "(reports already stored are skipped)")
        self.rows += run["rows"]
        self.rounds += 1
        return run["ids"]

    def _undo(self, result: dict, ids: list[str]) -> str:
        """Remove what a failed round committed; returns the problem as the user should read it."""
        problem = result["error"]
        if result.get("done", 0) == 0:  # nothing committed
            return f"{problem} (rolled back)"
        undo = self._finish_child(self._start_child([(q, {"ids": ids}) for q in discard_statements()], "undo"))
        if "error" in undo:
            return (f"{problem}; removing the round's partly written reports failed too ({undo['error']}): "
                    "they are marked unfinished and are rewritten by the next ingest of their files")
        return f"{problem} (the round's partly written reports were removed again)"

    def _remove_files(self, round_no: int) -> None:
        for path in self.dir.glob(f"r{round_no}_*.parquet"):
            path.unlink(missing_ok=True)

    def _start_child(self, stmts: list[tuple[str, dict]], name: str) -> dict:
        """Start a writer process on `stmts` (the store is closed here until it has finished)."""
        for q, p in stmts:
            self.store._trace(q, p)
        plan = self.dir / f"r{self._round}_{name}.plan"
        with open(plan, "wb") as f:
            pickle.dump({"db": str(self.store.path), "buffer_pool_mb": self.store.buffer_pool_mb,
                         "steps": stmts}, f, protocol=pickle.HIGHEST_PROTOCOL)
        cmd, env = python_command("graph.bulk_child", str(plan))
        self.store.suspend()
        # its messages go to a file: a pipe nobody reads while this process gathers the next
        # round could fill up and stall the writer
        with open(plan.with_suffix(".err"), "wb") as err:
            try:
                proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=err)
            except OSError:
                self.store.resume()
                plan.unlink(missing_ok=True)
                raise
        return {"proc": proc, "plan": plan}

    def _finish_child(self, child: dict) -> dict:
        """Wait for a writer process; its result ({"done": statements committed} and "error" on failure)."""
        proc, plan = child["proc"], child["plan"]
        out, err_path = plan.with_suffix(".out"), plan.with_suffix(".err")
        try:
            proc.wait()
        finally:
            self.store.resume()
        try:
            err = err_path.read_bytes()[-4000:]
        except OSError:
            err = b""
        try:
            with open(out, "rb") as f:
                result = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError):
            code = proc.returncode
            how = (f"was killed by signal {signal.Signals(-code).name}"
                   + (" (out of memory?)" if -code == signal.SIGKILL else "") if code < 0
                   else f"exited with status {code}")
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            result = {"done": None, "error": f"the writer process {how}" + (f": {tail[0]}" if tail else "")}
        finally:
            for f in (plan, out, err_path):
                f.unlink(missing_ok=True)
        return result

    def _row_counts(self):
        import pyarrow.parquet as pq

        for key in self._writers:
            yield pq.ParquetFile(str(self._path(key))).metadata.num_rows

    def finish(self) -> list[str]:
        """Copy the last round in, wait for it and remove the scratch folder. Returns the report
        ids committed by this call."""
        try:
            done = self.commit_round()
            return done + self._wait()
        finally:
            self.discard()

    def discard(self) -> None:
        run, self._running = self._running, None
        if run is not None:  # interrupted while a round was being copied: stop it
            run["child"]["proc"].terminate()
            try:
                self._finish_child(run["child"])
            except Exception:
                pass
        for w in self._writers.values():
            try:
                w.close()
            except Exception:
                pass
        self._writers.clear()
        shutil.rmtree(self.dir, ignore_errors=True)
