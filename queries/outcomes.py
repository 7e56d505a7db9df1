"""Outcome queries: an indicator's values split by whether the report mentions a measure, and a
plan's targets beside the values later reported for the same indicator and region.

Values are compared only within one unit (a rate in % is never averaged with a count).
"""
from __future__ import annotations

import numpy as np
from scipy import stats as sps

from govkg.errors import QueryError
from graph.store import GraphStore, Table
from queries.catalog import Param, register
from queries.incidence import _narrow, get_incidence, parse_roles
from queries.stats import SMALL_SAMPLE, pval, rnd, summary


@register("indicator-by-adoption", "指标×措施采用 Indicator by adoption",
          "an indicator's values in reports that mention a measure against reports that do not (n, mean, median, "
          "min, max; Mann-Whitney test)",
          Param("indicator", str, "出庭应诉率", "indicators whose name contains this"),
          Param("measure", str, "行政复议体制改革", "the measure (id, name or part of a name)"),
          Param("role", str, "", "count a report as mentioning the measure only in these section roles"),
          Param("region", str, "", "region name or adcode, with everything under it (empty: all)"),
          Param("years", str, "", "a year (2021) or range (2019-2022); empty: all"),
          Param("targets", bool, False, "include target values (default: reported results only)"),
          Param("detail", bool, False, "one row per value instead of one row per group"))
def indicator_by_adoption(store: GraphStore, indicator: str, measure: str, role: str, region: str, years: str,
                          targets: bool, detail: bool) -> Table:
    inc = get_incidence(store)
    mids = inc.resolve_measures(measure)
    if not inc.measure_ids:  # an empty store: nothing to compare
        return Table(["group", "measure", "indicator_filter", "unit", "n", "reports", "mean", "median", "min",
                      "max", "regions", "years", "indicators", "mwu_p", "small_sample"], [])
    if not mids:
        raise QueryError(f"no measure matches {measure!r}; `govkg query measures` lists them")
    label = "、".join(f"{inc.measure_ids[m]} {inc.measure_names[m]}" for m in mids[:3]) + ("…" if len(mids) > 3 else "")
    inds = set(inc.resolve_indicators(indicator))
    x = inc.report_measures(parse_roles(role))
    adopted = np.asarray(x[:, mids].sum(axis=1)).ravel() > 0
    mask = inc.report_mask(region, years)
    keep = np.isin(inc.o_ind, list(inds)) if inds else np.zeros(len(inc.o_ind), dtype=bool)
    if not targets:
        keep &= ~inc.o_target
    if mask is not None:
        keep &= mask[inc.o_rep]
    ks_all = np.flatnonzero(keep)
    key = inc.o_unit_code[ks_all].astype(np.int64) * 2 + adopted[inc.o_rep[ks_all]]
    order = np.argsort(key, kind="stable")
    uniq, first = np.unique(key[order], return_index=True)
    bounds = list(first[1:]) + [len(order)]
    # (with measure, unit) → outcome indexes
    values: dict[tuple[bool, str], np.ndarray] = {
        (bool(k % 2), inc.unit_names[int(k) // 2]): ks_all[order[a:b]] for k, a, b in zip(uniq, first, bounds)}
    if detail:
        cols = ["group", "measure", "indicator", "value", "unit", "target", "report", "region", "year"]
        rows = []
        for (with_m, unit), ks in values.items():
            for k in ks:
                r = int(inc.o_rep[k])
                rows.append(["with" if with_m else "without", label, inc.indicator_ids[inc.o_ind[k]],
                             float(inc.o_value[k]), unit, bool(inc.o_target[k]), inc.report_ids[r],
                             inc.region_name(r), int(inc.year[r]) or None])
        rows.sort(key=lambda r: (r[0], r[4], r[7] or "", r[6], r[3]))
        return Table(cols, rows)
    cols = ["group", "measure", "indicator_filter", "unit", "n", "reports", "mean", "median", "min", "max",
            "regions", "years", "indicators", "mwu_p", "small_sample"]
    rows = []
    for unit in sorted({u for _, u in values}):
        groups = {w: values.get((w, unit), np.zeros(0, dtype=np.int64)) for w in (True, False)}
        vals = {w: inc.o_value[ks] for w, ks in groups.items()}
        p = None
        if len(vals[True]) and len(vals[False]):
            p = pval(sps.mannwhitneyu(vals[True], vals[False], alternative="two-sided").pvalue)
        for w in (True, False):
            ks = groups[w]
            s = summary(vals[w])
            reps = np.unique(inc.o_rep[ks])
            names = [inc.indicator_ids[i] for i in np.unique(inc.o_ind[ks])]
            rows.append(["with" if w else "without", label, indicator, unit, s["n"], len(reps), rnd(s["mean"]),
                         rnd(s["median"]), rnd(s["min"]), rnd(s["max"]), inc.regions_of(reps), inc.years_of(reps),
                         "、".join(names[:6]) + ("…" if len(names) > 6 else ""), p, s["n"] < SMALL_SAMPLE])
    return Table(cols, rows)


SCOPES = ("same", "under", "province")


def _first_targets(inc, tk: np.ndarray, limit: int) -> np.ndarray:
    """Targets in a stable order — region (adcode), indicator, report — and, with a limit, only
    as many as can make the first `limit` rows (each target gives at least one row): those are
    picked by one partition on a numeric key, then only they are sorted."""
    rep = inc.o_rep[tk].astype(np.int64)
    ad, ind = inc.ad_int[rep], inc.o_ind[tk].astype(np.int64)
    if limit > 0 and len(tk) > limit:
        ni, nr = max(1, len(inc.indicator_ids)), max(1, inc.n_reports)
        if int(ad.max(initial=0)) * ni * nr < 2 ** 62:
            key = (ad * ni + ind) * nr + rep
            cut = np.partition(key, limit - 1)[limit - 1]
            keep = key <= cut  # ties at the cut included, then ordered below
            tk, rep, ad, ind = tk[keep], rep[keep], ad[keep], ind[keep]
    return tk[np.lexsort((rep, ind, ad))]


@register("targets-vs-results", "目标与结果 Targets vs results",
          "a plan's targets beside reported values of the same indicator for the same region",
          Param("indicator", str, "", "only indicators whose name contains this (empty: all)"),
          Param("region", str, "", "only targets of this region and everything under it (empty: all)"),
          Param("scope", str, "same", "results from: same jurisdiction | under (it and below) | province"),
          Param("match", str, "exact", "indicator names: exact | contains (one name contains the other)"),
          Param("limit", int, 500, "most rows (0: all)"))
def targets_vs_results(store: GraphStore, indicator: str, region: str, scope: str, match: str, limit: int) -> Table:
    inc = get_incidence(store)
    if scope not in SCOPES:
        raise QueryError(f"scope={scope!r}: choose same, under or province")
    if match not in ("exact", "contains"):
        raise QueryError(f"match={match!r}: choose exact or contains")
    cols = ["region", "adcode", "indicator", "target_value", "target_unit", "target_year", "target_report",
            "results", "result_indicator", "result_value", "result_unit", "result_year", "result_report",
            "result_region", "gap", "at_or_above_target"]
    mask = inc.report_mask(region, "")
    tsel = inc.o_target.copy()
    if indicator:
        tsel &= np.isin(inc.o_ind, inc.resolve_indicators(indicator))
    if mask is not None:
        tsel &= mask[inc.o_rep]
    tsel &= (inc.ad_int >= 0)[inc.o_rep]  # a report's test, then spread: not 8.9 M adcodes at 100k
    tk = _first_targets(inc, np.flatnonzero(tsel), limit)
    big = 10 ** 6

    def divisor(code: int) -> int:
        """Which adcode digits must agree: all (same), the province's, or the target's level."""
        if scope == "same":
            return 1
        if scope == "province" or code % 10000 == 0:
            return 10000
        return 100 if code % 100 == 0 else 1

    index: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def lookup(ind: int, code: int) -> np.ndarray:
        d = divisor(code)
        if d not in index:
            def make():  # the results (not targets) of regions with an adcode, by indicator and region
                # in place and narrowed where possible: these arrays are 8.9 M long at 100k
                results = np.flatnonzero(~inc.o_target & (inc.ad_int >= 0)[inc.o_rep])
                keys = inc.o_ind[results].astype(np.int64)
                keys *= big
                ad = inc.ad_int[inc.o_rep[results]]
                ad //= d
                keys += ad
                del ad
                order = np.argsort(keys, kind="stable")
                keys.sort()  # the same as keys[order], without a second copy
                return keys, _narrow(results)[order]
            index[d] = inc.remember(("results-by-indicator-and-region", d), make)
        keys, ks = index[d]
        k = ind * big + code // d
        return ks[np.searchsorted(keys, k, "left"):np.searchsorted(keys, k, "right")]

    related: dict[int, list[int]] = {}

    def result_indicators(ind: int) -> list[int]:
        if match == "exact":
            return [ind]
        if ind not in related:
            name = inc.indicator_ids[ind]
            related[ind] = [i for i, n in enumerate(inc.indicator_ids) if name in n or n in name]
        return related[ind]

    rows = []
    truncated = False
    for k in tk:
        if limit and len(rows) >= limit:
            truncated = True
            break
        r = int(inc.o_rep[k])
        code, name = int(inc.ad_int[r]), inc.indicator_ids[inc.o_ind[k]]
        unit, tv = inc.unit(k), float(inc.o_value[k])
        base = [inc.region_name(r), inc.adcode[r], name, tv, unit, int(inc.year[r]) or None, inc.report_ids[r]]
        hits = np.concatenate([lookup(i, code) for i in result_indicators(int(inc.o_ind[k]))] or [np.zeros(0, int)])
        if not len(hits):
            rows.append(base + [0] + [None] * 8)
            continue
        hits = sorted(hits.tolist(), key=lambda j: (inc.year[inc.o_rep[j]], inc.report_ids[inc.o_rep[j]],
                                                    inc.o_value[j]))
        for j in hits:
            rr = int(inc.o_rep[j])
            rv, ru = float(inc.o_value[j]), inc.unit(j)
            comparable = ru == unit
            rows.append(base + [len(hits), inc.indicator_ids[inc.o_ind[j]], rv, ru, int(inc.year[rr]) or None,
                                inc.report_ids[rr], inc.region_name(rr), rnd(rv - tv) if comparable else None,
                                (rv >= tv) if comparable else None])
    truncated = truncated or bool(limit and len(rows) > limit)
    return Table(cols, rows[:limit] if limit else rows, truncated)
