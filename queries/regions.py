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
from queries.incidence import ROLES, Incidence, _distinct_pairs, _unique, _unique_inverse, get_incidence, parse_roles
from queries.stats import SMALL_SAMPLE, group_positions, rnd, summary

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
    """Per distinct key: (key, distinct reports, years, roles), all keys at once."""
    if not len(keys):
        return []
    uk, gid = _unique_inverse(keys)
    n, nr = len(uk), max(1, inc.n_reports)
    nrep = np.bincount(_unique(gid * nr + reps) // nr, minlength=n)
    years: list[list[str]] = [[] for _ in range(n)]
    yr = inc.year[reps].astype(np.int64)
    y0 = int(yr.min())
    for g, y in zip(*(a.tolist() for a in _distinct_pairs(gid, yr - y0, int(yr.max()) - y0 + 1))):
        if y + y0:
            years[g].append(str(y + y0))
    rl: list[list[str]] = [[] for _ in range(n)]
    for g, r in zip(*(a.tolist() for a in _distinct_pairs(gid, roles.astype(np.int64), len(ROLES)))):
        rl[g].append(ROLES[r])
    return [(int(uk[i]), int(nrep[i]), ",".join(years[i]), ",".join(sorted(rl[i]))) for i in range(n)]


def _profile_items(inc: Incidence, mask: np.ndarray) -> dict[tuple[str, str], dict]:
    """What the reports under the mask hold, keyed by (kind, item id): item name, reports (count),
    years, roles, values and unit."""
    items: dict[tuple[str, str], dict] = {}
    empty = np.zeros(0)

    def item(kind, item_id, name, n, years, roles, values=empty, unit=""):
        items[(kind, item_id)] = {"item": name, "reports": n, "years": years, "roles": roles,
                                  "values": values, "unit": unit}

    sel = np.flatnonzero(mask[inc.m_rep]) if len(inc.m_rep) else np.zeros(0, dtype=np.int64)
    roles = inc.m_role[sel]
    kind = np.where(np.isin(roles, [ROLES.index(r) for r in PLAN_ROLES]), 2,
                    np.where(roles == ROLES.index("problems"), 1, 0))
    names = ("measure", "problem-measure", "plan")
    nm = max(1, len(inc.measure_ids))
    for key, n, years, rl in _summaries(inc, kind.astype(np.int64) * nm + inc.m_meas[sel], inc.m_rep[sel], roles):
        k, m = divmod(key, nm)
        item(names[k], inc.measure_ids[m], inc.measure_names[m], n, years, rl)
    sel = np.flatnonzero(mask[inc.p_rep]) if len(inc.p_rep) else np.zeros(0, dtype=np.int64)
    for i, n, years, rl in _summaries(inc, inc.p_ini[sel].astype(np.int64), inc.p_rep[sel], inc.p_role[sel]):
        item("initiative", inc.initiative_ids[i], inc.initiative_ids[i], n, years, rl)
    sel = np.flatnonzero(mask[inc.o_rep]) if len(inc.o_rep) else np.zeros(0, dtype=np.int64)
    nu, ni = max(1, len(inc.unit_names)), max(1, len(inc.indicator_ids))
    keys = (inc.o_target[sel].astype(np.int64) * ni + inc.o_ind[sel]) * nu + inc.o_unit_code[sel]
    values = dict(group_positions(keys))
    for key, n, years, rl in _summaries(inc, keys, inc.o_rep[sel], inc.o_role[sel]):
        rest, u = divmod(key, nu)
        t, i = divmod(rest, ni)
        name, unit = inc.indicator_ids[i], inc.unit_names[u]
        item("target" if t else "outcome", f"{name}\t{unit}", name, n, years, rl, inc.o_value[sel[values[key]]], unit)
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
    for (kind, item_id), d in _profile_items(inc, mask).items():
        n = d["reports"]
        s = summary(d["values"])
        rows.append([label, total, kind, item_id.split("\t")[0], d["item"], n, rnd(n / total) if total else None,
                     d["years"], d["roles"], s["n"], rnd(s["median"]), rnd(s["min"]), rnd(s["max"]), d["unit"],
                     n < SMALL_SAMPLE])
    rows += _problem_rows(inc, mask, label, total)
    rows.sort(key=lambda r: (KIND_ORDER.get(r[2], 9), -r[5], r[3]))
    truncated = bool(limit and len(rows) > limit)
    return Table(cols, rows[:limit] if limit else rows, truncated)


def _problem_rows(inc: Incidence, mask: np.ndarray, label: str, total: int) -> list[list]:
    """One row per problem statement of the reports under the mask (from the incidence)."""
    seen: dict[str, list] = {}
    for k in np.flatnonzero(mask[inc.q_rep]) if len(inc.q_rep) else []:
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
    for key in sorted(set(ia) | set(ib), key=lambda k: (KIND_ORDER.get(k[0], 9), k[1])):
        da, db = ia.get(key), ib.get(key)
        where = "both" if da and db else "a" if da else "b"
        if only and where != only:
            continue
        na, nb = da["reports"] if da else 0, db["reports"] if db else 0
        sa, sb = summary(da["values"] if da else []), summary(db["values"] if db else [])
        unit = (da or db)["unit"]
        rows.append([key[0], key[1].split("\t")[0], (da or db)["item"], where, la, na, ta,
                     rnd(na / ta) if ta else None, rnd(sa["median"]), lb, nb, tb, rnd(nb / tb) if tb else None,
                     rnd(sb["median"]), unit, min(ta, tb) < SMALL_SAMPLE])
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
    mask = inc.report_mask("", years)
    keys = _region_keys(inc, grain)
    if mask is not None:
        keys[~mask] = -1
    codes, g = _group_matrix(keys)
    names = [_code(c) for c in codes]
    if len(names) < 2:
        return Table(cols, [])
    x = inc.report_measures(parse_roles(role))
    b = (g @ x).tocsr()
    b.data[:] = 1.0
    nrep = np.asarray(g.sum(axis=1)).ravel().astype(int)
    size = np.asarray(b.sum(axis=1)).ravel().astype(int)
    inter = (b @ b.T).tocoo()
    keep = (inter.row < inter.col) & (inter.data >= max(1, min_shared))
    ra, rb, shared = inter.row[keep], inter.col[keep], inter.data[keep].astype(int)
    if region:
        prefixes = inc.region_prefixes(region)
        hit = np.array([any(n.startswith(p) for p in prefixes) for n in names], dtype=bool)
        sel = hit[ra] | hit[rb]
        ra, rb, shared = ra[sel], rb[sel], shared[sel]
    union = size[ra] + size[rb] - shared
    jac = np.where(union > 0, shared / np.maximum(union, 1), 0.0)
    order = np.lexsort((rb, ra, -shared, -jac))
    truncated = bool(limit and len(order) > limit)
    if limit:
        order = order[:limit]
    rows = []
    for k in order:
        i, j = int(ra[k]), int(rb[k])
        sa, sb = set(b[i].indices.tolist()), set(b[j].indices.tolist())
        rows.append([_name(inc, names[i]), names[i], _name(inc, names[j]), names[j], rnd(jac[k]), int(shared[k]),
                     int(size[i]), int(size[j]), int(union[k]), int(nrep[i]), int(nrep[j]),
                     _measure_names(inc, sa & sb), _measure_names(inc, sa - sb), _measure_names(inc, sb - sa),
                     bool(union[k] < SMALL_SAMPLE)])
    return Table(cols, rows, truncated)


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
    groups = [(int(c) // npv, inc.prov_names[int(c) % npv]) for c in codes]
    x = inc.report_measures(parse_roles(role))
    sel = inc.resolve_measures(measure) if measure else None
    if sel is not None:
        x = x[:, sel] if sel else x[:, []]
    counts = (g @ x).tocoo()
    totals = np.asarray(g.sum(axis=1)).ravel().astype(int)
    ids = sel if sel is not None else list(range(len(inc.measure_ids)))
    rows = []
    for gi, mj, n in zip(counts.row, counts.col, counts.data):
        if n <= 0:
            continue
        m = ids[mj]
        year, prov = groups[gi]
        tot = int(totals[gi])
        rows.append([inc.measure_ids[m], inc.measure_names[m], year, prov or "(unknown)", int(n), tot,
                     rnd(n / tot), tot < SMALL_SAMPLE])
    rows.sort(key=lambda r: (r[0], r[2], r[3]))
    truncated = bool(limit and len(rows) > limit)
    return Table(cols, rows[:limit] if limit else rows, truncated)


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
    x = inc.report_measures(parse_roles(role))[:, sel].tocoo()
    keys = _region_keys(inc, grain)
    ok = keys[x.row] >= 0
    if mask is not None:
        ok &= mask[x.row]
    col, rep = x.col[ok].astype(np.int64), x.row[ok].astype(np.int64)
    reg = keys[rep]
    yr = inc.year[rep].astype(np.int64)
    # per (measure, region): the earliest dated report first (undated last), then by report id
    order = np.lexsort((rep, np.where(yr > 0, yr, 99999), reg, col))
    col, rep, reg, yr = col[order], rep[order], reg[order], yr[order]
    first = np.ones(len(col), dtype=bool)
    first[1:] = (col[1:] != col[:-1]) | (reg[1:] != reg[:-1])
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(col))
    g_col, g_reg, g_rep, g_yr = col[starts], reg[starts], rep[starts], yr[starts]
    mids = [inc.measure_ids[m] for m in sel]
    # rows in the order measure id, first year, adcode; only those within the limit are built
    rank = np.argsort(np.array([mids[c] for c in g_col], dtype=object), kind="stable") if len(g_col) else []
    mid_rank = np.empty(len(g_col), dtype=np.int64)
    mid_rank[rank] = np.arange(len(g_col))
    order = np.lexsort((g_reg, np.where(g_yr > 0, g_yr, 99999), mid_rank)) if len(g_col) else []
    truncated = bool(limit and len(order) > limit)
    rows = []
    for i in (order[:limit] if limit else order):
        m = sel[g_col[i]]
        reps = rep[starts[i]:ends[i]]
        dated = g_yr[i] > 0
        rows.append([inc.measure_ids[m], inc.measure_names[m], _name(inc, _code(g_reg[i])), _code(g_reg[i]),
                     int(g_yr[i]) if dated else None, inc.report_ids[g_rep[i]] if dated else None,
                     len(np.unique(reps)), inc.years_of(reps)])
    return Table(cols, rows, truncated)

