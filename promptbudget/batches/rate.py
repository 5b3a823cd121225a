"""The Message Batches price: one multiplier on every column of a model's price, kept as data."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..pricing import Price


@dataclass(frozen=True)
class BatchRate:
    multiplier: float
    read_on: str
    source: str

    def price(self, price: Price | None) -> Price | None:
        if price is None:
            return None
        return Price(**{f.name: getattr(price, f.name) * self.multiplier for f in fields(Price)})


def _parse(row: Any, source: str) -> BatchRate:
    try:
        multiplier = float(row["multiplier"])
    except (TypeError, KeyError, ValueError):
        raise UsageError(f'{source}: "batch" needs a numeric "multiplier" (e.g. {{"multiplier": 0.5}})') from None
    if not math.isfinite(multiplier) or not 0 < multiplier <= 1:
        raise UsageError(f"{source}: the batch multiplier must be in (0, 1] (got {multiplier})")
    return BatchRate(multiplier, str(row.get("read_on", "")), source)


def load_batch_rate(override_path: str | Path | None = None) -> BatchRate:
    """The bundled batch multiplier, or the "batch" entry of the user's --prices file."""
    bundled = json.loads(resources.files("promptbudget.data").joinpath("prices.json").read_text("utf-8"))
    rate = _parse(bundled.get("batch"), "bundled prices")
    if override_path is not None:
        try:
            data = json.loads(Path(override_path).read_text("utf-8"))
        except (OSError, ValueError):
            return rate  # load_prices reports an unreadable file with its own message
        if isinstance(data, dict) and "batch" in data:
            rate = _parse(data["batch"], str(override_path))
    return rate
