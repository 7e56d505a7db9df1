"""Region queries: the regions in the store, one region's profile, two regions side by side,
regions alike by the measures they report, and how measures spread over years and provinces.

A region is given by name (宁夏回族自治区, 银川市 …) or adcode (640000); with `rollup` (the
default) it includes every jurisdiction under it, by adcode prefix. All counts are reports.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
from scipy import sparse

from govkg.errors import QueryError
from graph.store import GraphStore, Table
from queries.catalog import Param, register
from queries.incidence import (ROLES, Incidence, _distinct_pairs, _unique_inverse, get_incidence, parse_roles,
                               parse_years)
from queries.stats import SMALL_SAMPLE, group_summary, pair_keys, rnd, sorted_distinct, value_codes

GRAINS = ("own", "province", "city", "county")
PLAN_ROLES = ("plans", "targets")


def _default_regions(inc: Incidence, k: int) -> list[str]:
    """The k provinces with the most reports (ties: by adcode), as adcodes."""
    a = inc.ad_int[inc.ad_int >= 0] // 10000
    if not len(a):
        return []
    counts = np.bincount(a)
    order = np.lexsort((np.arange(len(counts)), -counts))
    return [f"{int(p):02d}0000" for p in order[:k] if counts[p] > 0]


def _region_label(inc: Incidence, region: str) -> str:
    if region.isdigit():
        j = inc.jurisdictions.get(region.ljust(6, "0")[:6])
        return j["name"] if j and j.get("name") else region
    return region


def _region_keys(inc: Incidence, grain: str) -> np.ndarray:
    """Each report's region at a grain, as a numeric adcode (-1: none): its own jurisdiction, or
    the province / city / county it lies in."""
    a = inc.ad_int
    if grain == "own":
        return a.copy()
    if grain == "province":
        return np.where(a >= 0, a // 10000 * 10000, -1)
    if grain == "city":
        below = np.isin(inc.level_arr, ["city", "county"]) & (a % 10000 != 0)
        return np.where((a >= 0) & below, a // 100 * 100, -1)
    return np.where((a >= 0) & (inc.level_arr == "county"), a, -1)


def _code(key: int) -> str:
    return f"{int(key):06d}"


def _grain(text: str) -> str:
    g = (text or "own").strip()
    if g not in GRAINS:
        raise QueryError(f"unknown region grain {g!r}: choose own, province, city or county")
    return g


def _name(inc: Incidence, code: str) -> str:
    j = inc.jurisdictions.get(code) or {}
    return j.get("name") or code


def _measure_names(inc: Incidence, idx, most: int = 8) -> str:
    names = [inc.measure_names[i] for i in sorted(idx, key=lambda i: inc.measure_ids[i])]
    extra = len(names) - most
    return "、".join(names[:most]) + (f"…(+{extra})" if extra > 0 else "")


@register("regions", "地区 Regions",
          "jurisdictions in the store with their level, reports of their own and reports with everything under them")
def regions(store: GraphStore) -> Table:
    inc = get_incidence(store)
    own = Counter(inc.adcode)
    by_prefix: Counter = Counter()
    for a, n in own.items():
        if a:
            by_prefix[a[:2]] += n
            by_prefix[a[:4]] += n
    rows = []
    for code in sorted(inc.jurisdictions):
        j = inc.jurisdictions[code]
        prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else None
        under = by_prefix.get(prefix, 0) if prefix else own.get(code, 0)
        rows.append([code, j.get("name"), j.get("level"), j.get("province"), own.get(code, 0), under])
    return Table(["adcode", "name", "level", "province", "reports_own", "reports_with_descendants"], rows)



def _summaries(inc: Incidence, keys: np.ndarray, reps: np.ndarray, roles: np.ndarray):
    """Per distinct key, all keys at once: the keys (sorted), distinct reports, years, roles (as
    labels), and each entry's group number."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), [], [], np.zeros(0, dtype=np.int64)
    uk, gid = _unique_inverse(keys)
    n, nr = len(uk), max(1, inc.n_reports)
    nrep = np.bincount(sorted_distinct(pair_keys(gid, reps, nr), overwrite=True) // nr, minlength=n)
    years = _label_sets(gid, inc.year[reps].astype(np.int64), n, str, skip_zero=True)
    rl = _label_sets(gid, roles.astype(np.int64), n, lambda r: ROLES[r], by_label=True)
    return uk, nrep, years, rl, gid


def _label_sets(gid: np.ndarray, values: np.ndarray, n: int, label, skip_zero: bool = False,
                by_label: bool = False, memo: dict | None = None) -> list[str]:
    """Per group, its distinct values as ","-joined labels (in value order, or by label).

    Each group's set of values is a bit mask (up to 52 distinct values; beyond, group by group);
    each distinct mask is spelled out once."""
    if not len(values):
        return [""] * n
    v0 = int(values.min())
    width = int(values.max()) - v0 + 1
    numbered = width > 52
    if not numbered:
        uv, codes = np.arange(v0, v0 + width), values - v0
    else:  # a wide span (say undated reports, year 0, beside 2020): number the distinct values
        uv, codes = np.unique(values, return_inverse=True)
        width = len(uv)
    gg, cc = _distinct_pairs(gid, codes.astype(np.int64).ravel(), width)
    if width > 52:  # too many distinct values for a mask: group by group
        out: list[list] = [[] for _ in range(n)]
        for g, v in zip(gg.tolist(), uv[cc].tolist()):
            if not (skip_zero and v == 0):
                out[g].append(label(v))
        return [",".join(sorted(x) if by_label else x) for x in out]
    masks = np.bincount(gg, weights=np.ldexp(1.0, cc), minlength=n).astype(np.int64)
    # a mask read from the lowest value; `memo` (the same label, skip_zero and by_label) keeps
    # what was spelled for the next call (not for numbered values: their bits mean other values)
    base = int(uv[0])
    spelled = memo if memo is not None and not numbered else {}
    out = []
    for m in masks.tolist():
        text = spelled.get((base, m))
        if text is None:
            vals = [int(uv[b]) for b in range(width) if m >> b & 1 and not (skip_zero and uv[b] == 0)]
            names = [label(v) for v in vals]
            text = spelled[(base, m)] = ",".join(sorted(names) if by_label else names)
        out.append(text)
    return out


def _profile_items(inc: Incidence, mask: np.ndarray) -> dict[tuple[str, str, str], tuple]:
    """What the reports under the mask hold, keyed by (kind, item id, unit): a tuple of item name,
    reports (count), years, roles, unit, and the values' count, median, min and max (outcomes
    and targets; 0 and None for the other kinds)."""
    items: dict[tuple[str, str, str], tuple] = {}
    sel = inc.entries_of("m_rep", mask, ordered=False)  # the summaries do not depend on the order
    roles = inc.m_role[sel]
    kind = np.where(np.isin(roles, [ROLES.index(r) for r in PLAN_ROLES]), 2,
                    np.where(roles == ROLES.index("problems"), 1, 0))
    names = ("measure", "problem-measure", "plan")
    nm = max(1, len(inc.measure_ids))
    uk, nrep, years, rl, _ = _summaries(inc, kind.astype(np.int64) * nm + inc.m_meas[sel], inc.m_rep[sel], roles)
    mids, mnames = inc.measure_ids, inc.measure_names
    for key, n, y, r in zip(uk.tolist(), nrep.tolist(), years, rl):
        k, m = divmod(key, nm)
        items[(names[k], mids[m], "")] = (mnames[m], n, y, r, "", 0, None, None, None)
    sel = inc.entries_of("p_rep", mask, ordered=False)  # the summaries do not depend on the order
    uk, nrep, years, rl, _ = _summaries(inc, inc.p_ini[sel].astype(np.int64), inc.p_rep[sel], inc.p_role[sel])
    for i, n, y, r in zip(uk.tolist(), nrep.tolist(), years, rl):
        items[("initiative", inc.initiative_ids[i], "")] = (inc.initiative_ids[i], n, y, r, "", 0, None, None, None)
    sel = inc.entries_of("o_rep", mask, ordered=False)  # the summaries do not depend on the order
    nu, ni = max(1, len(inc.unit_names)), max(1, len(inc.indicator_ids))
    keys = (inc.o_target[sel].astype(np.int64) * ni + inc.o_ind[sel]) * nu + inc.o_unit_code[sel]
    uk, nrep, years, rl, gid = _summaries(inc, keys, inc.o_rep[sel], inc.o_role[sel])
    uniq, codes = inc.remember("outcome-value-codes", lambda: value_codes(inc.o_value))
    count, med, lo, hi = group_summary(gid, codes[sel], uniq, len(uk))
    for key, n, y, r, c, md, mn, mx in zip(uk.tolist(), nrep.tolist(), years, rl, count, med, lo, hi):
        rest, u = divmod(key, nu)
        t, i = divmod(rest, ni)
        name, unit = inc.indicator_ids[i], inc.unit_names[u]
        items[("target" if t else "outcome", name, unit)] = (name, n, y, r, unit, c, md, mn, mx)
    return items


KIND_ORDER = {"measure": 0, "initiative": 1, "outcome": 2, "problem-measure": 3, "problem": 4, "plan": 5, "target": 6}


@register("region-profile", "地区画像 Region profile",
          "one region's measures, initiatives, outcomes, problems, plans and targets (with everything under it)",
          Param("region", str, "", "region name or adcode (empty: the province with the most reports)"),
          Param("years", str, "", "a year (2021) or range (2019-2022); empty: all"),
          Param("rollup", bool, True, "include the jurisdictions under the region"),
          Param("limit", int, 0, "most rows (0: all)"))
def region_profile(store: GraphStore, region: str, years: str, rollup: bool, limit: int) -> Table:
    inc = get_incidence(store)
    cols = ["region", "scope_reports", "kind", "item_id", "item", "reports", "share", "years", "roles",
            "n_values", "median", "min", "max", "unit", "small_sample"]
    region = region or next(iter(_default_regions(inc, 1)), "")
    if not region:
        return Table(cols, [])
    mask = inc.report_mask(region, years, rollup=rollup)
    label = _region_label(inc, region)
    total = int(mask.sum())
    rows = []
    for (kind, item_id, _), (item, n, yrs, roles, unit, count, med, lo, hi) in _profile_items(inc, mask).items():
        rows.append([label, total, kind, item_id, item, n, rnd(n / total) if total else None,
                     yrs, roles, count, rnd(med), rnd(lo), rnd(hi), unit, n < SMALL_SAMPLE])
    rows += _problem_rows(inc, mask, label, total)
    rows.sort(key=lambda r: (KIND_ORDER.get(r[2], 9), -r[5], r[3]))
    truncated = bool(limit and len(rows) > limit)
    return Table(cols, rows[:limit] if limit else rows, truncated)


def _problem_rows(inc: Incidence, mask: np.ndarray, label: str, total: int) -> list[list]:
    """One row per problem statement of the reports under the mask (from the incidence)."""
    seen: dict[str, list] = {}
    for k in inc.entries_of("q_rep", mask).tolist():
        pid = inc.q_id[k]
        if pid in seen:
            continue
        y = int(inc.year[inc.q_rep[k]])
        seen[pid] = [label, total, "problem", pid, inc.q_text[k], 1, rnd(1 / total), str(y) if y else "",
                     "problems", 0, None, None, None, "", True]
    return [seen[p] for p in sorted(seen)]


@register("region-compare", "地区对比 Region comparison",
          "two regions side by side: which measures, initiatives and indicators each reports, and their values",
          Param("region_a", str, "", "first region, name or adcode (empty: the province with the most reports)"),
          Param("region_b", str, "", "second region (empty: the province with the next most reports)"),
          Param("years", str, "", "a year (2021) or range (2019-2022); empty: all"),
          Param("rollup", bool, True, "include the jurisdictions under each region"),
          Param("only", str, "", "only rows that are: both | a | b (empty: all)"))
def region_compare(store: GraphStore, region_a: str, region_b: str, years: str, rollup: bool, only: str) -> Table:
    inc = get_incidence(store)
    cols = ["kind", "item_id", "item", "in", "region_a", "a_reports", "a_total", "a_share", "a_median",
            "region_b", "b_reports", "b_total", "b_share", "b_median", "unit", "small_sample"]
    defaults = _default_regions(inc, 2)
    region_a = region_a or (defaults[0] if defaults else "")
    region_b = region_b or (defaults[1] if len(defaults) > 1 else "")
    if not region_a or not region_b:
        return Table(cols, [])
    if only not in ("", "both", "a", "b"):
        raise QueryError(f"only={only!r}: choose both, a or b (or leave empty)")
    ma, mb = inc.report_mask(region_a, years, rollup), inc.report_mask(region_b, years, rollup)
    la, lb = _region_label(inc, region_a), _region_label(inc, region_b)
    ta, tb = int(ma.sum()), int(mb.sum())
    ia, ib = _profile_items(inc, ma), _profile_items(inc, mb)
    rows = []
    small = min(ta, tb) < SMALL_SAMPLE
    for key in sorted(set(ia) | set(ib), key=lambda k: (KIND_ORDER.get(k[0], 9), k[1], k[2])):
        da, db = ia.get(key), ib.get(key)
        where = "both" if da and db else "a" if da else "b"
        if only and where != only:
            continue
        na, nb = da[1] if da else 0, db[1] if db else 0
        d = da or db
        ma, mb = da[6] if da else None, db[6] if db else None  # medians: a float or None, never NaN
        rows.append([key[0], key[1], d[0], where, la, na, ta,
                     round(na / ta, 4) if ta else None, None if ma is None else round(ma, 4), lb, nb, tb,
                     round(nb / tb, 4) if tb else None, None if mb is None else round(mb, 4), d[4], small])
    return Table(cols, rows)


def _group_matrix(keys: np.ndarray) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Distinct keys ≥ 0 (sorted) and the groups × reports 0/1 matrix."""
    cols = np.flatnonzero(keys >= 0)
    names, rows = np.unique(keys[cols], return_inverse=True)
    g = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(names), len(keys)))
    return names, g


@register("similar-regions", "相似地区 Similar regions",
          "pairs of regions by the Jaccard similarity of the measures their reports mention, with what differs",
          Param("region", str, "", "only pairs with this region, name or adcode (empty: all pairs)"),
          Param("grain", str, "own", "region of a report: own jurisdiction | province | city | county"),
          Param("role", str, "", "section roles counted (comma list; empty: all)"),
          Param("years", str, "", "a year (2021) or range (2019-2022); empty: all"),
          Param("min_shared", int, 1, "only pairs sharing at least this many measures"),
          Param("limit", int, 100, "most rows (0: all)"))
def similar_regions(store: GraphStore, region: str, grain: str, role: str, years: str, min_shared: int,
                    limit: int) -> Table:
    inc = get_incidence(store)
    cols = ["region_a", "adcode_a", "region_b", "adcode_b", "jaccard", "shared", "a_measures", "b_measures",
            "union", "a_reports", "b_reports", "shared_measures", "only_a", "only_b", "small_sample"]
    grain = _grain(grain)
    names, g = _region_groups(inc, grain, years)
    if len(names) < 2:
        return Table(cols, [])
    roles = parse_roles(role)
    b, nrep, size = _cached(inc, ("region-measures", grain, roles), years,
                            lambda: _region_measures(inc, g, roles))
    hit = None
    if region:
        prefixes = inc.region_prefixes(region)
        hit = np.array([any(n.startswith(p) for p in prefixes) for n in names], dtype=bool)
    least = max(1, min_shared)
    if hit is None:  # every pair: the ranking is kept with the incidence (as the matrices are)
        ra, rb, shared, truncated = _cached(inc, ("region-pairs", grain, roles, least, limit), years,
                                            lambda: _region_pairs(b, size, None, least, limit))
    else:
        ra, rb, shared, truncated = _region_pairs(b, size, hit, least, limit)
    union = size[ra] + size[rb] - shared
    jac = np.where(union > 0, shared / np.maximum(union, 1), 0.0)
    order = np.lexsort((rb, ra, -shared, -jac))
    if limit:
        order = order[:limit]
    rows = []
    for k in order:
        i, j = int(ra[k]), int(rb[k])
        sa = set(b.indices[b.indptr[i]:b.indptr[i + 1]].tolist())
        sb = set(b.indices[b.indptr[j]:b.indptr[j + 1]].tolist())
        rows.append([_name(inc, names[i]), names[i], _name(inc, names[j]), names[j], rnd(jac[k]), int(shared[k]),
                     int(size[i]), int(size[j]), int(union[k]), int(nrep[i]), int(nrep[j]),
                     _measure_names(inc, sa & sb), _measure_names(inc, sa - sb), _measure_names(inc, sb - sa),
                     bool(union[k] < SMALL_SAMPLE)])
    return Table(cols, rows, truncated)


def _cached(inc: Incidence, key: tuple, years: str, make):
    """`make()`, kept with the incidence when no years filter makes it one of many."""
    return inc.remember(key, make) if not parse_years(years) else make()


def _region_groups(inc: Incidence, grain: str, years: str) -> tuple[list[str], sparse.csr_matrix]:
    """The regions at a grain with reports (in the years) as adcodes, and the regions × reports matrix."""
    def make():
        mask = inc.report_mask("", years)
        keys = _region_keys(inc, grain)
        if mask is not None:
            keys[~mask] = -1
        codes, g = _group_matrix(keys)
        return [_code(c) for c in codes], g
    return _cached(inc, ("region-groups", grain), years, make)


def _region_measures(inc: Incidence, g: sparse.csr_matrix, roles: tuple[str, ...]):
    """Regions × measures (1: a report of the region mentions it), reports and measures per region."""
    b = (g @ inc.report_measures(roles)).tocsr()
    b.data[:] = 1.0
    return b, np.asarray(g.sum(axis=1)).ravel().astype(int), np.asarray(b.sum(axis=1)).ravel().astype(int)


class _Sets:
    """Rows of a 0/1 sparse matrix as sets of columns, for counting what two rows share.

    With numpy ≥ 2 the sets are bit words and a count is a popcount of their AND: single-threaded
    and cheap for the small blocks similar-regions asks for (a BLAS product of small blocks spends
    most of its time handing work to threads on a busy machine). Older numpy: a float32 product.
    """

    def __init__(self, m: sparse.csr_matrix):
        self.n = m.shape[0]
        dense = m.toarray() > 0
        self.popcount = getattr(np, "bitwise_count", None)
        if self.popcount is not None:
            packed = np.packbits(dense, axis=1)
            packed = np.pad(packed, ((0, 0), (0, (-packed.shape[1]) % 8)))
            self.words = np.ascontiguousarray(packed).view(np.uint64)
        else:
            self.dense = dense.astype(np.float32)

    def shared(self, rows: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Counts shared by each of `rows` with each row in [lo, hi)."""
        if self.popcount is None:
            return self.dense[rows] @ self.dense[lo:hi].T
        a, b = self.words[rows], self.words[lo:hi]
        s = np.zeros((len(rows), hi - lo), dtype=np.int32)
        for k in range(a.shape[1]):
            s += self.popcount(a[:, k, None] & b[None, :, k])
        return s

    def shared_pairs(self, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Counts shared by rows p[i] and q[i]."""
        if self.popcount is None:
            return np.einsum("ij,ij->i", self.dense[p], self.dense[q])
        return self.popcount(self.words[p] & self.words[q]).sum(axis=1, dtype=np.int64)


PAIR_BLOCK = 2_000_000  # region pairs scored at once by similar-regions (bounds its working memory)


def _region_pairs(b: sparse.csr_matrix, size: np.ndarray, hit: np.ndarray | None, min_shared: int, limit: int):
    """Region pairs (a < b) sharing at least `min_shared` measures — every pair, or (`hit`) the pairs
    with a hit region — as (a, b, shared, truncated). With a `limit`, only the pairs that can rank
    among the first `limit` by Jaccard similarity are returned (every pair tied with the last of
    them included), so ordering what is returned gives the same first `limit` rows as ordering
    every pair; `truncated` says whether more pairs qualify than `limit`.

    Shared counts are popcounts of the regions' measure sets as bit words (`_Sets`), a block of
    rows at a time, so memory stays bounded. Regions are taken largest measure set first: once `limit`
    candidates give a floor `f` for the Jaccard similarity, a pair of sizes s ≥ t can only reach
    it when t ≥ f·s (J ≤ t / s), so each block is multiplied only with the columns of sizes in
    reach, and only pairs with shared ≥ f·(s + t) / (1 + f) are extracted.
    """
    n = b.shape[0]
    order = np.argsort(-size, kind="stable")
    ss = size[order].astype(np.float64)
    sets = _Sets(b[order])
    hit_s = None if hit is None else hit[order]
    rows = np.arange(n) if hit_s is None else np.flatnonzero(hit_s)
    step = max(1, PAIR_BLOCK // max(1, n))
    parts: list[tuple[np.ndarray, ...]] = []
    kept, floor, more = 0, 0.0, False
    prune = limit > 0  # (a negative limit, "all but the last rows", needs every pair)
    if prune:
        # a first floor from pairs of regions of nearly the same size (neighbours in this order):
        # any more than `limit` qualifying pairs bound the `limit`-th best from below
        floor, more = _neighbour_floor(sets, ss, rows, hit_s, min_shared, limit)
    neg = -ss
    start = 0
    while start < len(rows):
        ri = rows[start:start + step]
        if floor > 0:  # rows of sizes near the block's largest, so that few columns are in reach
            ri = ri[ss[ri] >= ss[ri[0]] * np.sqrt(floor) * (1 - 1e-9)]
        start += len(ri)
        # columns in reach: to the right of the rows (every pair once) or, with hit rows, on both
        # sides; with a floor, only sizes between f·s and s/f
        hi = n
        if floor > 0:
            hi = int(np.searchsorted(neg, -floor * ss[ri[-1]] * (1 - 1e-9), side="right"))
        if hit_s is None:
            lo = int(ri[0]) + 1
        else:
            lo = int(np.searchsorted(neg, -ss[ri[0]] / floor * (1 + 1e-9), side="left")) if floor > 0 else 0
        if hi <= lo:
            continue
        cols = np.arange(lo, hi)
        s = sets.shared(ri, lo, hi)
        keep = s >= min_shared
        if hit_s is None:
            keep &= cols[None, :] > ri[:, None]
        else:
            keep &= (cols[None, :] != ri[:, None]) & (~hit_s[lo:hi][None, :] | (cols[None, :] > ri[:, None]))
        if floor > 0:  # J ≥ f  ⇔  shared ≥ f·(s + t) / (1 + f); a hair lower against rounding
            need = (ss[ri][:, None] + ss[lo:hi][None, :]) * (floor / (1 + floor) * (1 - 1e-9))
            keep &= s >= need
        r, c = np.nonzero(keep)
        sh = s[r, c].astype(np.int64)
        r, c = order[ri[r]], order[c + lo]
        parts.append((np.minimum(r, c), np.maximum(r, c), sh))
        if prune:
            kept += len(sh)
            if kept > limit:  # keep what can still make the first `limit` rows (ties included)
                a, bb, sh = (np.concatenate(x) for x in zip(*parts))
                union = size[a] + size[bb] - sh
                j = np.where(union > 0, sh / np.maximum(union, 1), 0.0)
                floor = max(floor, float(-np.partition(-j, limit - 1)[limit - 1]))
                sel = j >= floor
                parts = [(a[sel], bb[sel], sh[sel])]
                kept, more = int(sel.sum()), True
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, more
    a, bb, sh = (np.concatenate(x) for x in zip(*parts))
    return a.astype(np.int64), bb.astype(np.int64), sh, bool(limit and (more or len(sh) > limit))


def _neighbour_floor(sets: "_Sets", ss: np.ndarray, rows: np.ndarray, hit_s: np.ndarray | None,
                     min_shared: int, limit: int, width: int = 4) -> tuple[float, bool]:
    """The `limit`-th best Jaccard similarity among the qualifying pairs of each row with its
    `width` neighbours on either side (regions sorted by size), and True, when more than `limit`
    such pairs qualify; (0, False) otherwise."""
    n = sets.n
    keys = []
    for d in range(1, width + 1):
        for q in ((rows + d), (rows - d)) if hit_s is not None else ((rows + d),):
            ok = (q >= 0) & (q < n)
            keys.append(np.minimum(rows[ok], q[ok]).astype(np.int64) * n + np.maximum(rows[ok], q[ok]))
    keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    if hit_s is not None:  # a pair of two hit regions is found from both ends
        keys = np.unique(keys)
    p, q = keys // n, keys % n
    sh = sets.shared_pairs(p, q)
    ok = sh >= min_shared
    if ok.sum() <= limit:
        return 0.0, False
    sh, union = sh[ok].astype(np.float64), ss[p[ok]] + ss[q[ok]] - sh[ok]
    j = sh / np.maximum(union, 1.0)
    return float(-np.partition(-j, limit - 1)[limit - 1]), True


@register("adoption-over-time", "措施采用趋势 Adoption over time",
          "reports mentioning a measure per year and province, out of all reports of that year and province",
          Param("measure", str, "", "measure id, name or part of a name (empty: every measure)"),
          Param("role", str, "", "section roles counted (comma list; empty: all)"),
          Param("region", str, "", "region name or adcode, with everything under it (empty: all)"),
          Param("years", str, "", "a year (2021) or range (2019-2022); empty: all"),
          Param("limit", int, 1000, "most rows (0: all)"))
def adoption_over_time(store: GraphStore, measure: str, role: str, region: str, years: str, limit: int) -> Table:
    inc = get_incidence(store)
    cols = ["measure_id", "measure", "year", "province", "reports", "reports_total", "share", "small_sample"]
    mask = inc.report_mask(region, years)
    npv = max(1, len(inc.prov_names))
    keys = np.where(inc.year > 0, inc.year.astype(np.int64) * npv + inc.prov_code, -1)
    if mask is not None:
        keys[~mask] = -1
    codes, g = _group_matrix(keys)
    x = inc.report_measures(parse_roles(role))
    sel = inc.resolve_measures(measure) if measure else None
    if sel is not None:
        x = x[:, sel] if sel else x[:, []]
    counts = (g @ x).tocoo()
    totals = np.asarray(g.sum(axis=1)).ravel().astype(int)
    ids = np.asarray(sel if sel is not None else range(len(inc.measure_ids)), dtype=np.int64)
    keep = counts.data > 0
    gi, mj, n = counts.row[keep], counts.col[keep], counts.data[keep]
    # ORDER BY measure id, year, province as shown ("(unknown)" for none); ties keep the product's order
    shown = [p or "(unknown)" for p in inc.prov_names]
    prov_rank = np.empty(max(1, len(shown)), dtype=np.int64)
    prov_rank[np.argsort(np.array(shown, dtype=object), kind="stable")] = np.arange(len(shown))
    mid_rank = np.empty(max(1, len(inc.measure_ids)), dtype=np.int64)
    mid_rank[np.argsort(np.array(inc.measure_ids, dtype=object), kind="stable")] = np.arange(len(inc.measure_ids))
    g_year, g_prov = codes // npv, codes % npv
    order = np.lexsort((prov_rank[g_prov[gi]], g_year[gi], mid_rank[ids[mj]]))
    truncated = bool(limit and len(order) > limit)
    rows = []
    for k in (order[:limit] if limit else order).tolist():
        m, grp, cnt = int(ids[mj[k]]), int(gi[k]), n[k]
        tot = int(totals[grp])
        rows.append([inc.measure_ids[m], inc.measure_names[m], int(g_year[grp]), shown[int(g_prov[grp])], int(cnt),
                     tot, rnd(cnt / tot), tot < SMALL_SAMPLE])
    return Table(cols, rows, truncated)


@register("adoption-first-seen", "措施首见 First year seen",
          "for each region and measure, the first year a report of the region mentions it",
          Param("measure", str, "", "measure id, name or part of a name (empty: every measure)"),
          Param("grain", str, "own", "region of a report: own jurisdiction | province | city | county"),
          Param("role", str, "", "section roles counted (comma list; empty: all)"),
          Param("region", str, "", "region name or adcode, with everything under it (empty: all)"),
          Param("limit", int, 1000, "most rows (0: all)"))
def adoption_first_seen(store: GraphStore, measure: str, grain: str, role: str, region: str, limit: int) -> Table:
    inc = get_incidence(store)
    cols = ["measure_id", "measure", "region", "adcode", "first_year", "first_report", "reports", "years"]
    grain = _grain(grain)
    mask = inc.report_mask(region, "")
    sel = inc.resolve_measures(measure) if measure else list(range(len(inc.measure_ids)))
    roles = parse_roles(role)
    # reports of each measure: a column of the reports × measures matrix
    ctx = inc.contexts("report", roles)
    xs = ctx.remember("m_csc", ctx.measures.tocsc)  # the same copy co-occurrence and evidence use
    keys = _region_keys(inc, grain)
    valid = keys >= 0
    if mask is not None:
        valid &= mask
    # rows by measure id, then region; a measure's reports are read only while rows are wanted
    if limit < 0:  # all rows but the last few
        every = adoption_first_seen(store, measure, grain, role, region, 0)
        return Table(cols, every.rows[:limit], bool(len(every.rows) > limit))
    rows: list[list] = []
    truncated = False
    spelled: dict = {}  # year lists already spelled out
    places: dict[int, tuple[str, str]] = {}  # region key → (adcode, name)
    for m in sorted(sel, key=lambda i: inc.measure_ids[i]):
        rep = xs.indices[xs.indptr[m]:xs.indptr[m + 1]].astype(np.int64)
        rep = rep[valid[rep]]
        if not len(rep):
            continue
        if limit and len(rows) >= limit:
            truncated = True
            break
        reg, yr = keys[rep], inc.year[rep].astype(np.int64)
        # per region: the earliest dated report first (undated last), then by report number
        order = np.lexsort((rep, np.where(yr > 0, yr, 99999), reg))
        rep, reg, yr = rep[order], reg[order], yr[order]
        first = np.ones(len(rep), dtype=bool)
        first[1:] = reg[1:] != reg[:-1]
        starts = np.flatnonzero(first)
        take = len(starts) if not limit else min(len(starts), limit - len(rows))
        truncated = truncated or take < len(starts)
        ends = np.append(starts[1:], len(rep))[:take]
        starts = starts[:take]
        gid = np.repeat(np.arange(take), ends - starts)
        years = _label_sets(gid, yr[:ends[-1]], take, str, skip_zero=True, memo=spelled)
        mid, mname = inc.measure_ids[m], inc.measure_names[m]
        for st, end, g, y, r, yrs in zip(starts.tolist(), ends.tolist(), reg[starts].tolist(), yr[starts].tolist(),
                                         rep[starts].tolist(), years):
            place = places.get(g)
            if place is None:
                code = _code(g)
                place = places[g] = (code, _name(inc, code))
            rows.append([mid, mname, place[1], place[0], y if y > 0 else None,
                         inc.report_ids[r] if y > 0 else None, end - st, yrs])
    return Table(cols, rows, truncated)
