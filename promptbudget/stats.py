"""Small, dependency-light statistics for comparing prompt/budget configurations.

Everything here is pure and deterministic (the bootstrap takes a seed). Only
numpy and the standard library are used.

Empty-input policy (per function):

* ``wilson_interval(0, 0)`` -> ``(0.0, 1.0)``; ``proportion([])`` -> ``mean=nan``,
  interval ``(0.0, 1.0)``.
* ``mcnemar_exact([], [])`` -> ``b=c=0, p_value=1.0`` (no discordant pairs).
* ``auroc`` -> ``None`` whenever a class is missing (including empty input).
* ``pareto_front([])`` -> ``[]``; ``knee_point`` -> ``None`` for < 3 front points.
* Every other function raises ``ValueError`` on empty input.

Mismatched lengths, NaN/inf values, confidences outside [0, 1] and non-0/1
"boolean" values raise ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from tasks.predictions import wilson_interval as wilson_bounds

__all__ = [
    "BootstrapResult",
    "McNemarResult",
    "Proportion",
    "ReliabilityBin",
    "TokenSummary",
    "aurc",
    "auroc",
    "brier_score",
    "cheapest_within_margin",
    "expected_calibration_error",
    "knee_point",
    "mcnemar_exact",
    "min_samples_warning",
    "paired_bootstrap_diff",
    "pareto_front",
    "proportion",
    "reliability_bins",
    "risk_coverage_curve",
    "token_summary",
    "wilson_interval",
]

# Absolute tolerance used when comparing accuracies against a threshold, so that
# e.g. 0.85 counts as ">= 0.9 - 0.05" despite floating-point rounding.
_ACC_TOL = 1e-12


# --------------------------------------------------------------------------- #
# Input helpers
# --------------------------------------------------------------------------- #


def _check_confidence_level(confidence: float) -> None:
    if not (0.0 < confidence < 1.0):
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")


def _as_float_array(values: Sequence[float], name: str) -> np.ndarray:
    """1-D float array of finite values (may be empty)."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _as_bool_array(values: Sequence[bool], name: str) -> np.ndarray:
    """1-D bool array; accepts bools or the numbers 0/1 (may be empty)."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence, got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=bool)
    if arr.dtype == bool:
        return arr
    try:
        num = arr.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain booleans or 0/1 values") from exc
    if not np.all((num == 0.0) | (num == 1.0)):
        raise ValueError(f"{name} must contain booleans or 0/1 values")
    return num == 1.0


def _as_confidences(values: Sequence[float], name: str = "confidences") -> np.ndarray:
    arr = _as_float_array(values, name)
    if np.any((arr < 0.0) | (arr > 1.0)):
        raise ValueError(f"{name} must lie in [0, 1]")
    return arr


def _check_same_length(a: np.ndarray, b: np.ndarray, na: str, nb: str) -> None:
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"{na} and {nb} must have the same length ({a.shape[0]} != {b.shape[0]})")


def _calibration_inputs(
    confidences: Sequence[float], correct: Sequence[bool]
) -> tuple[np.ndarray, np.ndarray]:
    conf = _as_confidences(confidences)
    corr = _as_bool_array(correct, "correct")
    _check_same_length(conf, corr, "confidences", "correct")
    if conf.size == 0:
        raise ValueError("confidences/correct are empty")
    return conf, corr


def _as_points(points: Sequence[tuple[float, float]]) -> np.ndarray:
    arr = np.asarray(points, dtype=float)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"points must be a sequence of (x, y) pairs, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("points contain NaN or infinite values")
    return arr


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


# --------------------------------------------------------------------------- #
# Calibration
# --------------------------------------------------------------------------- #


def _bin_edges(n_bins: int) -> np.ndarray:
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    # i / n_bins is correctly rounded, so a confidence written as 0.3 lands in [0.3, 0.4).
    return np.arange(n_bins + 1, dtype=float) / n_bins


def _bin_index(conf: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Bins are [e_i, e_{i+1}) except the last, which is closed: 1.0 -> last bin."""
    n_bins = edges.size - 1
    idx = np.searchsorted(edges, conf, side="right") - 1
    return np.clip(idx, 0, n_bins - 1)


@dataclass(frozen=True)
class ReliabilityBin:
    """One bin of a reliability diagram; means are None for an empty bin."""

    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


def reliability_bins(
    confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10
) -> list[ReliabilityBin]:
    """Equal-width bins over [0, 1] (last bin closed on the right); empty bins included.

    Raises ValueError on empty input.
    """
    conf, corr = _calibration_inputs(confidences, correct)
    edges = _bin_edges(n_bins)
    idx = _bin_index(conf, edges)
    out: list[ReliabilityBin] = []
    for i in range(n_bins):
        mask = idx == i
        count = int(mask.sum())
        mean_conf = float(conf[mask].mean()) if count else None
        acc = float(corr[mask].mean()) if count else None
        out.append(ReliabilityBin(float(edges[i]), float(edges[i + 1]), count, mean_conf, acc))
    return out


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10
) -> float:
    """ECE = sum_b (n_b / N) * |accuracy_b - mean_confidence_b| over equal-width bins.

    Binning as in :func:`reliability_bins`. Raises ValueError on empty input.
    """
    bins = reliability_bins(confidences, correct, n_bins)
    total = sum(b.count for b in bins)
    ece = 0.0
    for b in bins:
        if b.count:
            assert b.accuracy is not None and b.mean_confidence is not None
            ece += (b.count / total) * abs(b.accuracy - b.mean_confidence)
    return ece


def brier_score(confidences: Sequence[float], correct: Sequence[bool]) -> float:
    """Mean squared error between confidence and the 0/1 outcome. Raises ValueError on empty input."""
    conf, corr = _calibration_inputs(confidences, correct)
    return float(np.mean((conf - corr.astype(float)) ** 2))


# --------------------------------------------------------------------------- #
# Discrimination / selective prediction
# --------------------------------------------------------------------------- #


def auroc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Area under the ROC curve = P(score_pos > score_neg) + 0.5 * P(tie) (Mann-Whitney U).

    Returns None when only one class (or no data) is present.
    """
    s = _as_float_array(scores, "scores")
    y = _as_bool_array(labels, "labels")
    _check_same_length(s, y, "scores", "labels")
    n_pos = int(y.sum())
    n_neg = int(y.size - n_pos)
    if n_pos == 0 or n_neg == 0:
        return None
    # Average ranks (1-based), ties share the mean of their positions.
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    avg_rank = ends - (counts - 1) / 2.0
    ranks = avg_rank[inverse]
    u = float(ranks[y].sum()) - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)


def _tie_groups(conf: np.ndarray, corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group sizes and error counts per distinct confidence, highest confidence first."""
    uniq, inverse = np.unique(conf, return_inverse=True)
    sizes = np.bincount(inverse, minlength=uniq.size)
    errors = np.bincount(inverse, weights=(~corr).astype(float), minlength=uniq.size)
    return sizes[::-1], errors[::-1]


def risk_coverage_curve(
    confidences: Sequence[float], correct: Sequence[bool]
) -> list[tuple[float, float]]:
    """Selective risk vs coverage, accepting the most confident items first.

    Items with equal confidence are accepted together (a threshold cannot split
    them), so one point ``(k/n, errors_in_top_k / k)`` is emitted per distinct
    confidence, in order of increasing coverage; the last point has coverage 1.
    The result does not depend on input order. Raises ValueError on empty input.
    """
    conf, corr = _calibration_inputs(confidences, correct)
    sizes, errors = _tie_groups(conf, corr)
    n = conf.size
    k = np.cumsum(sizes)
    e = np.cumsum(errors)
    return [(float(ki) / n, float(ei) / float(ki)) for ki, ei in zip(k, e)]


def aurc(confidences: Sequence[float], correct: Sequence[bool]) -> float:
    """Area under the risk-coverage curve (Geifman & El-Yaniv): ``(1/n) * sum_{k=1..n} risk(k)``.

    ``risk(k)`` is the error rate among the k most confident items. Inside a group of
    tied confidences, errors are spread uniformly (the expectation over random
    tie-breaking), so the value is order-independent and equals the standard AURC
    when there are no ties. Lower is better. Raises ValueError on empty input.
    """
    conf, corr = _calibration_inputs(confidences, correct)
    sizes, errors = _tie_groups(conf, corr)
    n = conf.size
    # Expected cumulative errors after accepting k items, k = 1..n.
    group_of = np.repeat(np.arange(sizes.size), sizes)
    start = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    errs_before = np.concatenate(([0.0], np.cumsum(errors)[:-1]))
    k = np.arange(1, n + 1, dtype=float)
    within = k - start[group_of]
    cum_err = errs_before[group_of] + within * (errors[group_of] / sizes[group_of])
    return float(np.mean(cum_err / k))


# --------------------------------------------------------------------------- #
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


def min_samples_warning(n: int, *, min_n: int = 30) -> str | None:
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
