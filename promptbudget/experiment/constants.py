"""Constants shared by every experiment command (each defined once, here or where it lives)."""

from __future__ import annotations

from tasks.core import SPLITS

from ..engines.models import DEFAULT_MODEL
from ..stats.comparisons import MIN_MEANINGFUL_SAMPLES

__all__ = ["DEFAULT_MODEL", "MIN_MEANINGFUL_SAMPLES", "SPLITS"]
