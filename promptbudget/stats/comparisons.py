"""Proportions, paired comparisons, token summaries and accuracy/cost trade-offs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from tasks.predictions import wilson_interval as wilson_bounds

from .inputs import (
    _as_bool_array,
    _as_float_array,
    _as_points,
    _check_confidence_level,
    _check_same_length,
)

# Absolute tolerance used when comparing accuracies against a threshold, so that
# e.g. 0.85 counts as ">= 0.9 - 0.05" despite floating-point rounding.
_ACC_TOL = 1e-12

MIN_MEANINGFUL_SAMPLES = 30
"""Below this many items an accuracy estimate is too noisy to compare settings by."""


# --------------------------------------------------------------------------- #
# Proportions
# --------------------------------------------------------------------------- #


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; ``n == 0`` gives ``(0.0, 1.0)``."""
    _check_confidence_level(confidence)
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    return wilson_bounds(successes, n, NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0))


@dataclass(frozen=True)
class Proportion:
    """Observed success rate with a 95% Wilson interval."""

    successes: int
    n: int
    mean: float  # NaN when n == 0
    low: float
    high: float


def proportion(values: Sequence[bool]) -> Proportion:
    """Success rate of boolean outcomes with a 95% Wilson interval (empty -> mean NaN, (0, 1))."""
    arr = _as_bool_array(values, "values")
    n = int(arr.size)
    k = int(arr.sum())
    low, high = wilson_interval(k, n)
    mean = k / n if n else math.nan
    return Proportion(successes=k, n=n, mean=mean, low=low, high=high)


# --------------------------------------------------------------------------- #
# Paired comparisons
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class McNemarResult:
    """Discordant-pair counts and exact two-sided p-value.

    ``b``: correct before, wrong after (regressions).
    ``c``: wrong before, correct after (improvements).
    """

    b: int
    c: int
    p_value: float


def mcnemar_exact(before: Sequence[bool], after: Sequence[bool]) -> McNemarResult:
    """Exact McNemar test: two-sided Binomial(b + c, 1/2) test on the discordant pairs.

    ``p = min(1, 2 * sum_{k <= min(b, c)} C(b+c, k) / 2^(b+c))``; ``p = 1.0`` when b + c == 0.
    """
    x = _as_bool_array(before, "before")
    y = _as_bool_array(after, "after")
    _check_same_length(x, y, "before", "after")
    b = int(np.sum(x & ~y))
    c = int(np.sum(~x & y))
    m = b + c
    if m == 0:
        return McNemarResult(b=b, c=c, p_value=1.0)
    lo = min(b, c)
    # Exact integer arithmetic; int / int true division handles huge operands.
    tail = 0
    term = 1  # C(m, 0)
    for k in range(lo + 1):
        tail += term
        term = term * (m - k) // (k + 1)
    p = min(1.0, 2 * tail / (1 << m))
    return McNemarResult(b=b, c=c, p_value=p)


@dataclass(frozen=True)
class BootstrapResult:
    """Mean paired difference (after - before) with a percentile bootstrap CI."""

    mean_diff: float
    low: float
    high: float


def paired_bootstrap_diff(
    before: Sequence[float],
    after: Sequence[float],
    *,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> BootstrapResult:
    """Percentile bootstrap CI for ``mean(after - before)`` resampling pairs (seeded, vectorized).

    Raises ValueError on empty input or mismatched lengths.
    """
    _check_confidence_level(confidence)
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    x = _as_float_array(before, "before")
    y = _as_float_array(after, "after")
    _check_same_length(x, y, "before", "after")
    n = int(x.size)
    if n == 0:
        raise ValueError("before/after are empty")
    diffs = y - x
    rng = np.random.default_rng(seed)
    # Bound memory: draw the (n_resamples, n) index matrix in row chunks.
    rows_per_chunk = max(1, 4_000_000 // n)
    means = np.empty(n_resamples, dtype=float)
    for start in range(0, n_resamples, rows_per_chunk):
        stop = min(n_resamples, start + rows_per_chunk)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = diffs[idx].mean(axis=1)
    alpha = 1.0 - confidence
    low, high = np.quantile(means, [alpha / 2.0, 1.0 - alpha / 2.0])
    return BootstrapResult(mean_diff=float(diffs.mean()), low=float(low), high=float(high))


# --------------------------------------------------------------------------- #
# Token usage
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class TokenSummary:
    """Distribution summary of per-item token counts (percentiles use linear interpolation)."""

    n: int
    mean: float
    median: float
    p90: float
    p99: float
    max: float
    total: float


def token_summary(values: Sequence[float]) -> TokenSummary:
    """Summarize token counts; percentiles are numpy's default (linear). Empty -> ValueError."""
    arr = _as_float_array(values, "values")
    if arr.size == 0:
        raise ValueError("values is empty")
    p50, p90, p99 = np.percentile(arr, [50.0, 90.0, 99.0])
    return TokenSummary(
        n=int(arr.size),
        mean=float(arr.mean()),
        median=float(p50),
        p90=float(p90),
        p99=float(p99),
        max=float(arr.max()),
        total=float(arr.sum()),
    )


# Accuracy / cost trade-offs
# --------------------------------------------------------------------------- #


def pareto_front(
    points: Sequence[tuple[float, float]],
    *,
    maximize_first: bool = True,
    minimize_second: bool = True,
) -> list[int]:
    """Indices of non-dominated points, sorted by ascending second coordinate.

    Default orientation: first = accuracy (higher is better), second = cost (lower
    is better). Exact duplicates keep only the first index. Empty input -> [].
    """
    pts = _as_points(points)
    if pts.shape[0] == 0:
        return []
    good = pts[:, 0] if maximize_first else -pts[:, 0]  # larger is better
    cost = pts[:, 1] if minimize_second else -pts[:, 1]  # smaller is better
    idx = np.arange(pts.shape[0])
    # Sort by cost asc, then goodness desc, then index asc (so duplicates keep the first).
    order = np.lexsort((idx, -good, cost))
    front: list[int] = []
    best = -math.inf
    for i in order:
        if good[i] > best:
            front.append(int(i))
            best = float(good[i])
    front.sort(key=lambda i: (float(pts[i, 1]), i))
    return front


def knee_point(points: Sequence[tuple[float, float]], front_indices: Sequence[int]) -> int | None:
    """Knee of a Pareto front: the front point farthest from the chord joining its extremes.

    Both axes are min-max normalized to [0, 1] over the front; extremes are the
    lowest- and highest-second-coordinate front points. Returns the index into
    ``points``, or None when there are fewer than 3 distinct front points or the
    front is a straight line (no knee) -- the caller must then pick, e.g. with
    :func:`cheapest_within_margin`. Ties go to the lower second coordinate.
    """
    pts = _as_points(points)
    uniq = list(dict.fromkeys(int(i) for i in front_indices))
    for i in uniq:
        if not 0 <= i < pts.shape[0]:
            raise ValueError(f"front index {i} out of range for {pts.shape[0]} points")
    if len(uniq) < 3:
        return None
    uniq.sort(key=lambda i: (float(pts[i, 1]), i))
    sub = pts[uniq]

    def _norm(v: np.ndarray) -> np.ndarray:
        span = float(v.max() - v.min())
        return (v - v.min()) / span if span > 0 else np.zeros_like(v)

    x = _norm(sub[:, 1])
    y = _norm(sub[:, 0])
    dx, dy = x[-1] - x[0], y[-1] - y[0]
    length = math.hypot(dx, dy)
    if length == 0.0:
        return None
    dist = np.abs(dx * (y - y[0]) - dy * (x - x[0])) / length
    dist[0] = dist[-1] = 0.0
    j = int(np.argmax(dist))  # first max = lowest cost among ties
    if dist[j] <= 1e-12:
        return None
    return uniq[j]


def cheapest_within_margin(points: Sequence[tuple[float, float]], margin: float) -> int:
    """Index of the lowest-cost ``(accuracy, cost)`` point with accuracy >= best - margin.

    A 1e-12 tolerance absorbs float rounding. Cost ties go to higher accuracy,
    then lower index. Raises ValueError on empty input or negative margin.
    """
    pts = _as_points(points)
    if pts.shape[0] == 0:
        raise ValueError("points is empty")
    if not math.isfinite(margin) or margin < 0:
        raise ValueError(f"margin must be a finite number >= 0, got {margin!r}")
    acc, cost = pts[:, 0], pts[:, 1]
    threshold = float(acc.max()) - margin - _ACC_TOL
    candidates = [i for i in range(pts.shape[0]) if acc[i] >= threshold]
    return min(candidates, key=lambda i: (float(cost[i]), -float(acc[i]), i))


def min_samples_warning(n: int, *, min_n: int = MIN_MEANINGFUL_SAMPLES) -> str | None:
    """A short warning when ``n < min_n`` samples are too few for a meaningful comparison, else None."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if min_n < 1:
        raise ValueError(f"min_n must be >= 1, got {min_n}")
    if n >= min_n:
        return None
    if n == 0:
        return "No samples: nothing can be concluded."
    return (
        f"Only {n} sample{'s' if n != 1 else ''} (< {min_n}): confidence intervals are wide "
        "and differences are likely noise; treat this comparison as anecdotal."
    )
