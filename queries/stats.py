"""Statistics for the analytics queries, vectorised over every pair at once.

- `association`: from co-occurrence counts, support, confidence, lift and Fisher's exact test
  (one-sided, "co-occur more often than chance"), with Benjamini–Hochberg q-values over the pairs
  tested.
- `summary`: n, mean, median, min, max of a list of values.

A result is flagged `small_sample` when the count it rests on is below `SMALL_SAMPLE` (5).
"""
from __future__ import annotations

import numpy as np
from scipy.special import betaln

SMALL_SAMPLE = 5


def fisher_greater(both, n_a, n_b, total) -> np.ndarray:
    """One-sided Fisher's exact test p-values, element-wise.

    For the 2×2 table [[both, n_a-both], [n_b-both, total-n_a-n_b+both]] this equals
    `scipy.stats.fisher_exact(table, alternative="greater").pvalue`: the probability, under
    independence with the margins fixed, of seeing `both` or more units holding both items
    (the upper tail of a hypergeometric distribution).

    Computed for all pairs at once: the log-probability of the observed count, then the tail
    summed term by term with the ratio of consecutive hypergeometric probabilities until the
    terms no longer matter. For a count above the mode that is the upper tail itself; at or
    below the mode, one minus the lower tail. Both tails shrink geometrically, so a few dozen
    steps suffice even when the counts run to thousands (scipy's element-wise `hypergeom.sf`
    sums the whole range and takes seconds for tens of thousands of pairs).
    """
    k, K, n, N = np.broadcast_arrays(*(np.asarray(x, dtype=np.float64) for x in (both, n_a, n_b, total)))
    k, K, n, N = (x.ravel().copy() for x in (k, K, n, N))
    p = np.ones(k.size)
    if k.size == 0:
        return p
    lo = np.maximum(0.0, n + K - N)
    hi = np.minimum(K, n)
    mode = np.floor((n + 1) * (K + 1) / (N + 2))
    p[k > hi] = 0.0
    up = (k > mode) & (k <= hi)
    down = (k <= mode) & (k > lo) & (k <= hi)
    if up.any():
        idx = np.flatnonzero(up)
        p[idx] = np.exp(_log_pmf(k[idx], K[idx], n[idx], N[idx]) + np.log(_tail(k[idx], K[idx], n[idx], N[idx], +1)))
    if down.any():
        idx = np.flatnonzero(down)
        km = k[idx] - 1
        cdf = np.exp(_log_pmf(km, K[idx], n[idx], N[idx]) + np.log(_tail(km, K[idx], n[idx], N[idx], -1)))
        p[idx] = 1.0 - cdf
    return np.clip(p, 0.0, 1.0).reshape(np.shape(both))


def _log_comb(n, k):
    return -np.log1p(n) - betaln(n - k + 1, k + 1)


def _log_pmf(k, K, n, N):
    return _log_comb(K, k) + _log_comb(N - K, n - k) - _log_comb(N, n)


def _tail(k, K, n, N, step: int, eps: float = 1e-15, max_steps: int = 1_000_000) -> np.ndarray:
    """Sum of pmf(k + step·j) / pmf(k) over j ≥ 0 inside the support, for every element.

    Works on contiguous arrays of the elements still summing, dropping the finished ones every
    16 steps.
    """
    out = np.ones(k.size)
    idx = np.arange(k.size)
    x, K, n = k.copy(), K.copy(), n.copy()
    rest = N - K - n  # N - K - n, fixed per element
    term, total = np.ones(k.size), np.ones(k.size)
    done = 0
    while idx.size and done < max_steps:
        for _ in range(16):
            if step > 0:
                ratio = (K - x) * (n - x) / ((x + 1) * (rest + x + 1))
            else:
                ratio = x * (rest + x) / ((K - x + 1) * (n - x + 1))
            np.maximum(ratio, 0.0, out=ratio)
            term *= ratio
            total += term
            x += step
        done += 16
        keep = term > eps * total
        out[idx] = total
        if not keep.all():
            idx, x, K, n, rest, term, total = (a[keep] for a in (idx, x, K, n, rest, term, total))
    return out


def benjamini_hochberg(p) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) over all the p-values given."""
    p = np.asarray(p, dtype=np.float64)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="mergesort")
    ranked = p[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.clip(ranked, 0.0, 1.0)
    return q


def association(both, n_a, n_b, total) -> dict[str, np.ndarray]:
    """Support, confidence (P(b | a)), lift, either and Fisher p-values for arrays of pairs."""
    both, n_a, n_b = (np.asarray(x, dtype=np.float64) for x in (both, n_a, n_b))
    total = float(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        support = both / total if total else np.zeros_like(both)
        confidence = np.where(n_a > 0, both / np.where(n_a > 0, n_a, 1), 0.0)
        denom = n_a * n_b
        lift = np.where(denom > 0, both * total / np.where(denom > 0, denom, 1), 0.0)
    p = fisher_greater(both, n_a, n_b, np.full(both.shape, int(total)))
    return {"either": n_a + n_b - both, "support": support, "confidence": confidence, "lift": lift, "p": p}


def summary(values) -> dict[str, float | int | None]:
    """n, mean, median, min, max (None when there are no values)."""
    v = np.asarray(values if isinstance(values, np.ndarray) else [np.nan if x is None else x for x in values],
                   dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return {"n": 0, "mean": None, "median": None, "min": None, "max": None}
    return {"n": int(v.size), "mean": float(v.mean()), "median": float(np.median(v)),
            "min": float(v.min()), "max": float(v.max())}


def pair_keys(hi: np.ndarray, lo: np.ndarray, width: int) -> np.ndarray:
    """`hi * width + lo` (both non-negative, lo < width), as int32 when every key fits: int32
    keys sort in about half the time of int64 ones."""
    top = (int(hi.max()) + 1) * width if len(hi) else 0
    k = np.asarray(hi, dtype=np.int32 if top < 2 ** 31 else np.int64) * width
    k += lo
    return k


def sorted_distinct(x: np.ndarray, overwrite: bool = False) -> np.ndarray:
    """Sorted distinct values, by sorting (faster here than numpy's hash-based unique);
    `overwrite` sorts `x` itself instead of a copy (for big temporaries)."""
    if overwrite:
        x.sort()
    else:
        x = np.sort(x)
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if len(x) else x


def value_codes(values) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values (sorted, NaN left out) and each value's position among them (-1: NaN),
    so that values can be ordered within groups by one integer sort."""
    v = np.asarray(values, dtype=np.float64)
    ok = ~np.isnan(v)
    # sorted in place and looked up in slices: numpy's unique(return_inverse=True) would hold
    # four arrays the size of the input at once (~0.3 GB for 100,000 reports' 8.9 M outcomes)
    uniq = sorted_distinct(v[ok], overwrite=True)
    codes = np.full(len(v), -1, dtype=np.int32 if len(v) < 2 ** 31 else np.int64)
    step = 1 << 20
    for lo in range(0, len(v), step):
        part, sel = v[lo:lo + step], ok[lo:lo + step]
        codes[lo:lo + step][sel] = np.searchsorted(uniq, part[sel])
    return uniq, codes


def group_summary(gid: np.ndarray, codes: np.ndarray, uniq: np.ndarray, n_groups: int):
    """Per group (values tagged with a group number in [0, n_groups), given as `value_codes`):
    n, median, min, max of its values, NaN left out, as four lists (None where a group has no
    value). The median is the mean of the two middle values for an even n, as numpy's."""
    ok = codes >= 0
    width = max(1, len(uniq))
    key = pair_keys(np.asarray(gid)[ok], codes[ok], width)
    key.sort()  # by group, then value
    g, v = key // width, uniq[key % width]
    n = np.bincount(g, minlength=n_groups)
    start = np.cumsum(n) - n
    has = n > 0
    lo, hi = start + (n - 1) // 2, start + n // 2
    med = np.full(n_groups, np.nan)
    med[has] = (v[lo[has]] + v[hi[has]]) / 2
    mn, mx = np.full(n_groups, np.nan), np.full(n_groups, np.nan)
    mn[has], mx[has] = v[start[has]], v[(start + n - 1)[has]]

    def listed(x):
        return [None if not h else float(y) for h, y in zip(has.tolist(), x.tolist())]

    return n.tolist(), listed(med), listed(mn), listed(mx)


def rnd(x, digits: int = 4):
    """Round for display; None and NaN stay None."""
    if x is None:
        return None
    x = float(x)
    if x != x:  # NaN
        return None
    return round(x, digits)


def pval(x):
    """p-values keep their magnitude: 4 significant digits."""
    if x is None or np.isnan(x):
        return None
    return float(f"{float(x):.4g}")


def group_positions(keys: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(key, positions) for each distinct key, positions into the given array."""
    if not len(keys):
        return []
    order = np.argsort(keys, kind="stable")
    uniq, first = np.unique(keys[order], return_index=True)
    bounds = list(first[1:]) + [len(order)]
    return [(int(u), order[a:b]) for u, a, b in zip(uniq, first, bounds)]
