"""The incidence kept beside an embedded store (`kg.lbdb.incidence`): used by a new process when it
matches the store, ignored when stale or damaged, removed by `invalidate`."""
from __future__ import annotations

import pytest

from graph.ladybug_store import LadybugStore
from graph.rows import report_rows
from queries import incidence
from queries.catalog import all_queries, run_query
from tests.fixture_graph import build_fixture
from tests.test_queries_fast import random_records


def _answers(store) -> dict:
    return {q.name: run_query(store, q.name).rows for q in all_queries()}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "kg.lbdb"
    store = LadybugStore(path)
    store.ensure_schema()
    build_fixture(store)
    store.close()
    return path


def _scans(monkeypatch) -> list:
    """Count the scans of the store (the real scan still runs)."""
    calls = []
    real = incidence.scan

    def counted(store, fp=()):
        calls.append(fp)
        return real(store, fp)

    monkeypatch.setattr(incidence, "scan", counted)
    return calls


def test_a_new_process_loads_the_saved_scan_and_answers_alike(db, monkeypatch):
    scans = _scans(monkeypatch)
    first = LadybugStore(db, read_only=True)
    expected = _answers(first)
    assert len(scans) == 1
    side = incidence.cache_path(first)
    assert side == db.with_name("kg.lbdb.incidence") and side.stat().st_size > 0
    first.close()

    again = LadybugStore(db, read_only=True)  # another store object: nothing in memory for it
    assert _answers(again) == expected
    assert len(scans) == 1  # loaded from the file, not scanned
    inc = incidence.get_incidence(again)
    # the unfiltered contexts of every level come with it
    assert {k[1] for k in inc._cache if k[0] == "ctx"} == set(incidence.LEVELS)
    again.close()


def test_a_changed_store_is_scanned_again_and_the_file_rewritten(db, monkeypatch):
    scans = _scans(monkeypatch)
    store = LadybugStore(db)
    before = run_query(store, "measures").rows
    side = incidence.cache_path(store)
    old = side.read_bytes()
    assert store.write_report(report_rows(random_records(1, seed=3)[0])) == "added"
    store.close()

    fresh = LadybugStore(db, read_only=True)
    after = run_query(fresh, "measures").rows
    assert len(scans) == 2 and after != before
    assert side.read_bytes() != old
    assert incidence.get_incidence(fresh).n_reports == 7
    fresh.close()


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", None])
def test_a_damaged_or_foreign_file_is_ignored(db, monkeypatch, damage):
    import pickle

    scans = _scans(monkeypatch)
    store = LadybugStore(db, read_only=True)
    expected = _answers(store)
    side = incidence.cache_path(store)
    store.close()
    if damage is None:  # a file from another format version
        with side.open("rb") as f:
            _, fp = pickle.load(f)
            rest = f.read()
        side.write_bytes(pickle.dumps((incidence.CACHE_FORMAT + 1, fp)) + rest)
    else:
        side.write_bytes(damage)
    fresh = LadybugStore(db, read_only=True)
    assert _answers(fresh) == expected
    assert len(scans) == 2  # scanned again, and the good file written back
    assert incidence.load_saved(fresh, incidence.fingerprint(fresh)) is not None
    fresh.close()


def test_invalidate_removes_the_file(db):
    store = LadybugStore(db, read_only=True)
    incidence.get_incidence(store)
    side = incidence.cache_path(store)
    assert side.exists()
    incidence.invalidate(store)
    assert not side.exists() and incidence.cached_incidence(store) is None
    store.close()


def test_an_unwritable_folder_keeps_the_cache_in_memory(db, monkeypatch):
    store = LadybugStore(db, read_only=True)
    monkeypatch.setattr(store, "sidecar", lambda name: db.parent / "no-such-folder" / f"kg.lbdb.{name}")
    inc = incidence.get_incidence(store)
    assert incidence.cached_incidence(store) is inc
    assert not (db.parent / "no-such-folder").exists()
    store.close()


def test_prepare_in_a_process_of_its_own_writes_the_file_this_process_would(db, monkeypatch):
    """`govkg ingest` scans a big store in a new process (its memory not on top of the writer's):
    the file it leaves is the one a scan here would give, and the store stays usable."""
    from queries.prepare import prepare

    store = LadybugStore(db)
    expected = _answers(store)
    incidence.invalidate(store)  # memory and file
    assert not incidence.cache_path(store).exists()
    scans = _scans(monkeypatch)
    path = prepare(store, separate_from=0)
    assert path == incidence.cache_path(store) and path.stat().st_size > 0
    assert scans == []  # the scan ran in the other process
    assert store.counts()["nodes"]["Report"] > 0  # reopened after the other process was done
    incidence.invalidate(store, on_disk=False)
    assert _answers(store) == expected
    assert scans == []  # answered from the file the other process wrote
    store.close()


def test_only_the_latest_role_filtered_contexts_are_kept(db):
    """Contexts for some roles are cached for the two most recent settings only (each may be as
    big as the unfiltered ones); rebuilt ones are the same, the unfiltered ones always stay."""
    store = LadybugStore(db, read_only=True)
    inc = incidence.get_incidence(store)
    first = inc.contexts("sentence", ("achievements",))
    inc.contexts("sentence", ("plans",))
    inc.contexts("section", ("achievements",))
    assert inc.contexts("sentence", ("plans",)) is inc.contexts("sentence", ("plans",))  # still cached
    inc.contexts("report", ("problems",))
    kept = {k for k in inc._cache if isinstance(k, tuple) and k[0] == "ctx"}
    assert kept == {("ctx", lvl, ()) for lvl in incidence.LEVELS} | {
        ("ctx", "sentence", ("plans",)), ("ctx", "report", ("problems",))}
    again = inc.contexts("sentence", ("achievements",))  # evicted: built again, the same
    assert again is not first and (again.measures != first.measures).nnz == 0
    assert (again.report == first.report).all() and (again.indicators != first.indicators).nnz == 0
    store.close()


def test_contexts_keep_one_form_of_each_matrix(db):
    """Sentence and section contexts are column-major, report contexts row-major; asking a
    matrix for the form it is in returns it without a copy, and the codes are narrow."""
    import numpy as np

    store = LadybugStore(db, read_only=True)
    inc = incidence.get_incidence(store)
    for level, form in (("sentence", "csc"), ("section", "csc"), ("report", "csr")):
        for roles in ((), ("achievements",)):
            ctx = inc.contexts(level, roles)
            assert ctx.measures.format == form and ctx.indicators.format == form, (level, roles)
            if form == "csc":
                assert ctx.measures.tocsc() is ctx.measures
                assert np.shares_memory(ctx.measures.T.tocsr().indices, ctx.measures.indices)  # no copy
            # the same 0/1 matrices a row-major build gives
            assert set(np.unique(ctx.measures.data)) <= {1.0} and ctx.measures.has_canonical_format
    assert inc.o_ind.dtype == np.int16 and inc.o_unit_code.dtype == np.int16
    assert inc.o_sec.dtype == np.int16 and inc.m_sec.dtype == np.int16
    store.close()


def test_value_codes_in_slices_match_numpy_unique():
    import numpy as np

    from queries.stats import value_codes

    rng = np.random.default_rng(3)
    v = rng.integers(0, 5000, size=(1 << 20) + 12345).astype(np.float64) / 7
    v[rng.integers(0, len(v), size=1000)] = np.nan
    uniq, codes = value_codes(v)
    ok = ~np.isnan(v)
    want_u, want_inv = np.unique(v[ok], return_inverse=True)
    assert (uniq == want_u).all() and (codes[ok] == want_inv.ravel()).all() and (codes[~ok] == -1).all()
    assert value_codes(np.array([np.nan]))[0].size == 0 and value_codes(np.zeros(0))[1].size == 0


def test_sentence_units_are_the_same_with_narrow_and_wide_keys():
    """Sentence units are keyed as int32 while every key fits and as int64 beyond; both give the
    units a plain sort of the (report, sentence, role) triples gives, with each entry's row."""
    import numpy as np

    rng = np.random.default_rng(5)
    n_m, n_o, n_reports = 5000, 4000, 300
    m_rep, o_rep = rng.integers(0, n_reports, n_m).astype(np.int32), rng.integers(0, n_reports, n_o).astype(np.int32)
    m_sent, o_sent = rng.integers(0, 60, n_m), rng.integers(0, 60, n_o)
    m_role, o_role = rng.integers(0, 5, n_m).astype(np.int8), rng.integers(0, 5, n_o).astype(np.int8)
    m_col, o_col = rng.integers(0, 9, n_m), rng.integers(0, 7, n_o)
    triples = sorted(set(zip(m_rep.tolist(), m_sent.tolist(), m_role.tolist()))
                     | set(zip(o_rep.tolist(), o_sent.tolist(), o_role.tolist())))
    row = {t: i for i, t in enumerate(triples)}
    want_m = np.zeros((len(triples), 9))
    for t in zip(m_rep.tolist(), m_sent.tolist(), m_role.tolist(), m_col.tolist()):
        want_m[row[t[:3]], t[3]] = 1
    # 300 reports fit int32 keys; 10 million (the same entries in the last 300 reports) do not
    for reports in (n_reports, 10_000_000):
        shift = reports - n_reports
        ctx = incidence._build("sentence", reports, 9, 7, m_rep + shift, m_sent, m_col, o_rep + shift, o_sent, o_col,
                               m_role=m_role, o_role=o_role)
        got = list(zip((ctx.report - shift).tolist(), ctx.sent.tolist(), ctx.role.tolist()))
        assert got == triples, reports
        assert (ctx.measures.toarray() == want_m).all(), reports
        assert ctx.indicators.shape == (len(triples), 7) and ctx.indicators.nnz == len(
            set(zip(o_rep.tolist(), o_sent.tolist(), o_role.tolist(), o_col.tolist())))


def test_pair_keys_narrow_only_while_every_key_fits():
    import numpy as np

    from queries.stats import group_summary, pair_keys

    hi, lo = np.array([0, 3, 2, 3], dtype=np.int64), np.array([4, 0, 9, 9])
    k = pair_keys(hi, lo, 10)
    assert k.dtype == np.int32 and k.tolist() == [4, 30, 29, 39]
    big = pair_keys(np.array([0, 30_000]), np.array([1, 99_999]), 100_000)  # 3.0e9 > int32
    assert big.dtype == np.int64 and big.tolist() == [1, 30_000 * 100_000 + 99_999]
    # a summary over wide keys: groups far apart, many distinct values
    gid = np.array([0, 0, 0, 30_000, 30_000])
    uniq = np.arange(100_000, dtype=np.float64)
    n, med, mn, mx = group_summary(gid, np.array([5, 1, 99_999, 7, 3]), uniq, 30_001)
    assert (n[0], med[0], mn[0], mx[0]) == (3, 5.0, 1.0, 99_999.0)
    assert (n[30_000], med[30_000], mn[30_000], mx[30_000]) == (2, 5.0, 3.0, 7.0) and n[1] == 0 and med[1] is None


def test_pick_rows_matches_scipy_row_indexing():
    import numpy as np
    from scipy import sparse

    rng = np.random.default_rng(11)
    x = sparse.random(500, 40, density=0.05, format="csc", random_state=12, dtype=np.float32)
    for rows in (rng.random(500) < 0.3, np.zeros(500, dtype=bool), np.ones(500, dtype=bool)):
        got, want = incidence.pick_rows(x, rows), x.tocsr()[rows]
        assert got.format == "csc" and got.shape == want.shape == (int(rows.sum()), 40)
        assert (got.toarray() == want.toarray()).all() and got.has_canonical_format
    r = x.tocsr()
    assert incidence.pick_rows(r, rows).format == "csr"
