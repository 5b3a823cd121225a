"""Calibration (reliability bins, ECE, Brier) and discrimination (AUROC, risk-coverage, AURC)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .inputs import (
    _as_bool_array,
    _as_float_array,
    _calibration_inputs,
    _check_same_length,
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
