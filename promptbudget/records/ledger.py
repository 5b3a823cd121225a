"""A run's spend as its summary records it (`Ledger.summary()`): totals, by role, and the calls
a kill caught in flight."""

from __future__ import annotations

from typing import Any, Optional

from .base import Part
from .numbers import Number


class SavedTotals(Part):
    """`ledger.Totals.to_dict()`."""

    calls: int = 0
    cached_calls: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cost_usd: Optional[Number] = None
    billed_usd: Optional[Number] = None
    unpriced_calls: int = 0
    engine_calls: Optional[int] = None


class SavedUnaccounted(Part):
    calls: int = 0
    worst_case_usd: Number = 0
    unpriced_calls: int = 0


class SavedLedger(Part):
    total: Optional[SavedTotals] = None
    unaccounted: Optional[SavedUnaccounted] = None
    by_role: dict[str, SavedTotals] = {}
    by_model: Optional[dict[str, Any]] = None
    by_price_tier: Optional[dict[str, Any]] = None
