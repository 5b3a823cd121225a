"""Number formats shared by the templates (registered as Jinja filters)."""

from __future__ import annotations

import math
from ..records.run import SavedStats

DASH = "\u2014"
Value = float | int | None
"""What the filters format: a number, or None (shown as a dash)."""


def _bad(value: Value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def acc(value: Value) -> str:
    return DASH if _bad(value) else f"{float(value):.3f}"


def ci(summary: SavedStats | None) -> str:
    """`0.583 [0.320, 0.807]` from an evaluation summary."""
    if summary is None or _bad(summary.accuracy):
        return DASH
    low, high = summary.accuracy_low, summary.accuracy_high
    interval = "" if _bad(low) or _bad(high) else f" [{float(low):.3f}, {float(high):.3f}]"
    return f"{float(summary.accuracy):.3f}{interval}"


def tok(value: Value) -> str:
    if _bad(value):
        return DASH
    value = float(value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.1f}"


def _unsigned_zero(value: float, digits: int) -> float:
    """The value, with anything that rounds to zero (-0.0, -0.0001) as +0: no "-0.0" shown."""
    value = float(value)
    return 0.0 if round(value, digits) == 0 else value


def signed(value: Value, digits: int = 3) -> str:
    return DASH if _bad(value) else f"{_unsigned_zero(value, digits):+.{digits}f}"


def pct(value: Value, digits: int = 1) -> str:
    return DASH if _bad(value) else f"{_unsigned_zero(value, digits):+.{digits}f}%"


def usd(value: Value) -> str:
    if _bad(value):
        return DASH
    value = float(value)
    return f"${value:.2f}" if value >= 100 else f"${value:.4f}" if value >= 0.01 or value == 0 else f"${value:.6f}"


def pvalue(value: Value) -> str:
    if _bad(value):
        return DASH
    return "< 0.001" if value < 0.001 else f"{float(value):.3f}"


def num(value: Value) -> str:
    if _bad(value):
        return DASH
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    return f"{float(value):,.3g}" if abs(float(value)) < 1000 else f"{float(value):,.0f}"


FILTERS = {"acc": acc, "ci": ci, "tok": tok, "signed": signed, "pct": pct, "usd": usd, "pvalue": pvalue, "num": num}
