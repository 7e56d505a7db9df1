"""Co-occurrence queries: measure × indicator, measure × measure, and the measure network.

All three work on the incidence matrices (`queries.incidence`): units (sentences, sections or
reports) × measures and units × indicators. For a pair (a, b) counted over the N units in scope:

    both = units holding a and b        a_n, b_n = units holding a, b      either = a_n + b_n - both
    support = both / N     confidence = both / a_n = P(b | a)     lift = both·N / (a_n·b_n)
    p_value = Fisher's exact test, one-sided (more co-occurrence than independence predicts)
    q_value = Benjamini–Hochberg over every pair with both ≥ min_support (`pairs_tested`)
"""
from __future__ import annotations

import networkx as nx
import numpy as np

from graph.store import GraphStore, Table
from queries.catalog import Param, register
from queries.incidence import Contexts, Incidence, get_incidence, parse_level, parse_roles
from queries.stats import SMALL_SAMPLE, association, benjamini_hochberg, pval, rnd

_FILTERS = (
    Param("level", str, "sentence", "co-occur in the same sentence | section | report"),
    Param("role", str, "", "section roles (achievements,problems,plans,targets,other; comma list; empty: all)"),
    Param("region", str, "", "region name or adcode, with everything under it (empty: all)"),
    Param("years", str, "", "a year (2021) or range (2019-2022); empty: all"),
    Param("min_support", int, 1, "only pairs found together in at least this many units"),
)


def _scope(store: GraphStore, level: str, role: str, region: str, years: str) -> tuple[Incidence, Contexts]:
    inc = get_incidence(store)
    ctx = inc.contexts(parse_level(level), parse_roles(role)).select(inc.report_mask(region, years))
    return inc, ctx


def _pair_reports(inc: Incidence, ctx: Contexts, xa, xb, a: np.ndarray, b: np.ndarray):
    """For pairs (a[i], b[i]) of columns of xa and xb (CSC): (reports, regions, years) where the
    pair is found together, all pairs at once.

    The units holding both: for each pair, the units of its shorter column are looked up among
    the units of its longer one, marked in a table one distinct long column at a time — the cost
    follows the columns of the pairs shown, not the number of units in the store."""
    if not len(a):
        return []
    # (a conversion to CSC gives sorted row numbers; a copy otherwise, never changing a cached matrix)
    xa, xb = (x if x.has_sorted_indices else x.sorted_indices() for x in (xa, xb))
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    len_a, len_b = np.diff(xa.indptr)[a], np.diff(xb.indptr)[b]
    marked = np.zeros(xa.shape[0], dtype=bool)
    pairs, rows = [], []
    for long_x, long_c, short_x, short_c, side in ((xa, a, xb, b, len_a >= len_b), (xb, b, xa, a, len_a < len_b)):
        sel = np.flatnonzero(side)
        order = sel[np.argsort(long_c[sel], kind="stable")]
        if not len(order):
            continue
        starts = np.flatnonzero(np.r_[True, long_c[order][1:] != long_c[order][:-1]])
        for lo, hi in zip(starts, np.r_[starts[1:], len(order)]):
            col = long_c[order[lo]]
            held = long_x.indices[long_x.indptr[col]:long_x.indptr[col + 1]]
            marked[held] = True
            for i in order[lo:hi].tolist():
                c = short_c[i]
                cand = short_x.indices[short_x.indptr[c]:short_x.indptr[c + 1]]
                found = cand[marked[cand]]
                rows.append(found)
                pairs.append(np.full(len(found), i, dtype=np.int64))
            marked[held] = False
    pair, unit = np.concatenate(pairs), np.concatenate(rows)
    keep = np.argsort(pair, kind="stable")  # by pair, each pair's units ascending
    return inc.describe_groups(pair[keep], ctx.report[unit[keep]], len(a))


def _described(inc: Incidence, ctx: Contexts, kind: str, xa, xb, a: np.ndarray, b: np.ndarray):
    """`_pair_reports` for these pairs; on the unfiltered (cached) contexts each pair's answer is
    kept, so that showing the same pairs again (another page, a measure filter) reads no units."""
    if ctx.memo is None:
        return _pair_reports(inc, ctx, xa, xb, a, b)
    memo = ctx.remember(f"pair-reports-{kind}", dict)
    keys = list(zip(a.tolist(), b.tolist()))
    todo = [i for i, k in enumerate(keys) if k not in memo]
    if todo:
        for i, d in zip(todo, _pair_reports(inc, ctx, xa, xb, a[todo], b[todo])):
            memo[keys[i]] = d
    return [memo[k] for k in keys]


def _pairs(counts, n_a, n_b, total: int, min_support: int, upper: bool = False):
    """Pairs with both ≥ min_support (upper: only a < b), with their statistics and q-values."""
    coo = counts.tocoo()
    keep = coo.data >= max(1, min_support)
    if upper:
        keep &= coo.row < coo.col
    a, b, both = coo.row[keep], coo.col[keep], coo.data[keep].astype(np.int64)
    st = association(both, n_a[a], n_b[b], total)
    st["q"] = benjamini_hochberg(st["p"])
    return a, b, both, st


def _order(p, both, keys) -> np.ndarray:
    """Row order: p-value ascending, then more co-occurrences, then the names."""
    return np.lexsort((keys, -both, p)) if len(p) else np.zeros(0, dtype=np.int64)


def _first_rows(idx: np.ndarray, p: np.ndarray, both: np.ndarray, keys: np.ndarray, limit: int):
    """The pairs at positions `idx` in row order (`_order`), only the first `limit` (0: all), and
    whether that cut any. Only the pairs whose p-value is at most the `limit`-th smallest are
    sorted (every tie included), so a large family costs one partition, not a full sort.

    `keys` orders pairs of equal p and count by their names: the pair (a, b) as a·width + b works
    because measure and indicator ids are numbered in sorted order (`queries.incidence`)."""
    truncated = bool(limit and len(idx) > limit)
    if truncated and limit > 0:
        cut = np.partition(p[idx], limit - 1)[limit - 1]
        idx = idx[p[idx] <= cut]
    idx = idx[_order(p[idx], both[idx], keys[idx])]
    return (idx[:limit] if limit else idx), truncated


PAIR_COLUMNS = ["both", "{a}_n", "{b}_n", "either", "units", "level", "support", "confidence", "lift",
                "p_value", "q_value", "pairs_tested", "reports", "regions", "years", "small_sample"]


@register("measure-indicator", "措施×指标 共现 Measure × indicator",
          "measure × indicator co-occurrence with support, confidence, lift, Fisher test and BH q-values",
          *_FILTERS,
          Param("measure", str, "", "only this measure (id, name or part of a name)"),
          Param("indicator", str, "", "only indicators whose name contains this"),
          Param("limit", int, 100, "most rows (0: all)"))
def measure_indicator(store: GraphStore, level: str, role: str, region: str, years: str, min_support: int,
                      measure: str, indicator: str, limit: int) -> Table:
    inc, ctx = _scope(store, level, role, region, years)
    cols = ["measure_id", "measure", "indicator"] + [c.format(a="measure", b="indicator") for c in PAIR_COLUMNS]
    total = ctx.measures.shape[0]
    n_m = ctx.remember("n_m", lambda: np.asarray(ctx.measures.sum(axis=0)).ravel())
    n_i = ctx.remember("n_i", lambda: np.asarray(ctx.indicators.sum(axis=0)).ravel())
    counts = ctx.remember("mi", lambda: (ctx.measures.T.tocsr() @ ctx.indicators).tocsr())
    a, b, both, st = ctx.remember(f"mi_pairs_{min_support}", lambda: _pairs(counts, n_m, n_i, total, min_support))
    tested = len(a)
    show = np.ones(tested, dtype=bool)
    if measure:
        show &= np.isin(a, inc.resolve_measures(measure))
    if indicator:
        show &= np.isin(b, inc.resolve_indicators(indicator))
    keys = a.astype(np.int64) * max(1, len(inc.indicator_ids)) + b
    idx, truncated = _first_rows(np.flatnonzero(show), st["p"], both, keys, limit)
    xm = ctx.remember("m_csc", ctx.measures.tocsc)
    xi = ctx.remember("i_csc", ctx.indicators.tocsc)
    rows = []
    for i, (n_reps, regions, yrs) in zip(idx, _described(inc, ctx, "mi", xm, xi, a[idx], b[idx])):
        rows.append([inc.measure_ids[a[i]], inc.measure_names[a[i]], inc.indicator_ids[b[i]],
                     int(both[i]), int(n_m[a[i]]), int(n_i[b[i]]), int(st["either"][i]), total, ctx.level,
                     rnd(st["support"][i]), rnd(st["confidence"][i]), rnd(st["lift"][i]),
                     pval(st["p"][i]), pval(st["q"][i]), tested, n_reps, regions, yrs, bool(both[i] < SMALL_SAMPLE)])
    return Table(cols, rows, truncated)


def _measure_pairs(store, level, role, region, years, min_support):
    inc, ctx = _scope(store, level, role, region, years)
    total = ctx.measures.shape[0]
    n_m = ctx.remember("n_m", lambda: np.asarray(ctx.measures.sum(axis=0)).ravel())
    counts = ctx.remember("mm", lambda: (ctx.measures.T.tocsr() @ ctx.measures).tocsr())
    pairs = ctx.remember(f"mm_pairs_{min_support}", lambda: _pairs(counts, n_m, n_m, total, min_support, upper=True))
    return inc, ctx, total, n_m, pairs


@register("measure-measure", "措施×措施 共现 Measure × measure",
          "measure pairs mentioned together, with support, confidence, lift, Fisher test and BH q-values",
          *_FILTERS,
          Param("measure", str, "", "only pairs with this measure (id, name or part of a name)"),
          Param("limit", int, 100, "most rows (0: all)"))
def measure_measure(store: GraphStore, level: str, role: str, region: str, years: str, min_support: int,
                    measure: str, limit: int) -> Table:
    inc, ctx, total, n_m, (a, b, both, st) = _measure_pairs(store, level, role, region, years, min_support)
    cols = ["measure_a_id", "measure_a", "measure_b_id", "measure_b"] + [
        c.format(a="a", b="b") for c in PAIR_COLUMNS]
    tested = len(a)
    show = np.ones(tested, dtype=bool)
    if measure:
        sel = inc.resolve_measures(measure)
        show &= np.isin(a, sel) | np.isin(b, sel)
    keys = a.astype(np.int64) * max(1, len(inc.measure_ids)) + b
    idx, truncated = _first_rows(np.flatnonzero(show), st["p"], both, keys, limit)
    xm = ctx.remember("m_csc", ctx.measures.tocsc)
    rows = []
    for i, (n_reps, regions, yrs) in zip(idx, _described(inc, ctx, "mm", xm, xm, a[idx], b[idx])):
        rows.append([inc.measure_ids[a[i]], inc.measure_names[a[i]], inc.measure_ids[b[i]], inc.measure_names[b[i]],
                     int(both[i]), int(n_m[a[i]]), int(n_m[b[i]]), int(st["either"][i]), total, ctx.level,
                     rnd(st["support"][i]), rnd(st["confidence"][i]), rnd(st["lift"][i]),
                     pval(st["p"][i]), pval(st["q"][i]), tested, n_reps, regions, yrs, bool(both[i] < SMALL_SAMPLE)])
    return Table(cols, rows, truncated)


@register("measure-network", "措施网络 Measure network",
          "the measure co-occurrence network: Louvain communities and centrality of each measure",
          Param("level", str, "report", "co-occur in the same sentence | section | report"),
          *_FILTERS[1:4],
          Param("min_support", int, 2, "an edge needs at least this many units holding both measures"),
          Param("min_lift", float, 1.0, "an edge needs at least this lift (1: as often as chance or more)"),
          Param("max_q", float, 1.0, "an edge needs a BH q-value at most this (1: no test)"),
          Param("max_edges", int, 2000, "keep at most this many edges, strongest association (lowest p) first"),
          Param("resolution", float, 1.0, "Louvain resolution (higher: smaller communities)"),
          Param("seed", int, 7, "random seed for Louvain and sampled betweenness (same seed, same answer)"))
def measure_network(store: GraphStore, level: str, role: str, region: str, years: str, min_support: int,
                    min_lift: float, max_q: float, max_edges: int, resolution: float, seed: int) -> Table:
    inc, ctx, total, n_m, (a, b, both, st) = _measure_pairs(store, level, role, region, years, min_support)
    cols = ["community", "community_size", "measure_id", "measure", "units", "degree", "strength",
            "betweenness", "pagerank", "community_core", "edges", "min_support", "small_sample"]
    keys = a.astype(np.int64) * max(1, len(inc.measure_ids)) + b
    idx, _ = _first_rows(np.flatnonzero((st["q"] <= max_q) & (st["lift"] >= min_lift)), st["p"], both, keys,
                         max(0, max_edges))
    if max_edges < 0:
        idx = idx[:max_edges]
    g = nx.Graph()
    for m in sorted({int(x) for x in np.concatenate([a[idx], b[idx]])}, key=lambda m: inc.measure_ids[m]):
        g.add_node(inc.measure_ids[m], idx=m)
    g.add_weighted_edges_from(sorted((inc.measure_ids[a[i]], inc.measure_ids[b[i]], int(both[i])) for i in idx))
    if g.number_of_nodes() == 0:
        return Table(cols, [])
    comms = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    comms = sorted((sorted(c) for c in comms), key=lambda c: (-len(c), c[0]))
    strength = dict(g.degree(weight="weight"))
    # exact up to BETWEENNESS_SAMPLE measures; above, estimated from that many sampled sources
    k = BETWEENNESS_SAMPLE if g.number_of_nodes() > BETWEENNESS_SAMPLE else None
    between = nx.betweenness_centrality(g, k=k, normalized=True, seed=seed)
    rank = nx.pagerank(g, weight="weight")
    rows = []
    for c, members in enumerate(comms, start=1):
        ranked = sorted(members, key=lambda m: (-strength[m], m))
        core_names = "、".join(inc.measure_names[g.nodes[m]["idx"]] for m in ranked[:3])
        for m in ranked:
            i = g.nodes[m]["idx"]
            rows.append([c, len(members), m, inc.measure_names[i], int(n_m[i]), g.degree(m), int(strength[m]),
                         rnd(between[m]), rnd(rank[m]), core_names, g.number_of_edges(), min_support,
                         bool(n_m[i] < SMALL_SAMPLE)])
    return Table(cols, rows)


BETWEENNESS_SAMPLE = 64
