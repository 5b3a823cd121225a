"""Checks and conversions of the inputs every statistic takes (ValueError on bad input)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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
