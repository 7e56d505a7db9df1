"""Statistics for the analytics queries, vectorised over every pair at once.

- `association`: from co-occurrence counts, support, confidence, lift and Fisher's exact test
  (one-sided, "co-occur more often than chance"), with Benjamini–Hochberg q-values over the pairs
  tested.
- `summary`: n, mean, median, min, max of a list of values.

A result is flagged `small_sample` when the count it rests on is below `SMALL_SAMPLE` (5).
"""
from __future__ import annotations

import numpy as np
from scipy import stats as sps

SMALL_SAMPLE = 5


def fisher_greater(both, n_a, n_b, total) -> np.ndarray:
    """One-sided Fisher's exact test p-values, element-wise.

    For the 2×2 table [[both, n_a-both], [n_b-both, total-n_a-n_b+both]] this equals
    `scipy.stats.fisher_exact(table, alternative="greater").pvalue`: the probability, under
    independence with the margins fixed, of seeing `both` or more units holding both items.
    """
    both, n_a, n_b, total = (np.asarray(x, dtype=np.int64) for x in (both, n_a, n_b, total))
    if both.size == 0:
        return np.zeros(0)
    p = sps.hypergeom.sf(both - 1, total, n_a, n_b)
    return np.clip(p, 0.0, 1.0)


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
    v = np.asarray([x for x in values if x is not None and not np.isnan(x)], dtype=np.float64)
    if v.size == 0:
        return {"n": 0, "mean": None, "median": None, "min": None, "max": None}
    return {"n": int(v.size), "mean": float(v.mean()), "median": float(np.median(v)),
            "min": float(v.min()), "max": float(v.max())}


def rnd(x, digits: int = 4):
    """Round for display; None and NaN stay None."""
    if x is None:
        return None
    x = float(x)
    if np.isnan(x):
        return None
    return round(x, digits)


def pval(x):
    """p-values keep their magnitude: 4 significant digits."""
    if x is None or np.isnan(x):
        return None
    return float(f"{float(x):.4g}")
