"""Token prices kept as data (with the date they were read), overridable by the user."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engines.types import Usage
from .errors import UsageError

if TYPE_CHECKING:
    from .engines import Engine

_FIELDS = ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float
    cache_write_5m: float = 0.0
    cache_write_1h: float = 0.0
    cache_read: float = 0.0

    def cost(self, usage: Usage) -> float:
        return (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_creation_input_tokens * self.cache_write_5m
            + usage.cache_read_input_tokens * self.cache_read
        ) / 1_000_000

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


FREE = Price(0.0, 0.0)


@dataclass(frozen=True)
class PriceTable:
    prices: dict[str, Price]
    read_on: str
    source: str

    def price_for(self, engine_name: str, model: str) -> Price | None:
        """The price of a model, or None when unknown. Local and mock engines cost nothing."""
        if engine_name in ("mock", "local") and f"{engine_name}/{model}" not in self.prices:
            return self.prices.get(engine_name, FREE)
        return self.prices.get(model) or self.prices.get(f"{engine_name}/{model}")

    def merged(self, override: PriceTable) -> PriceTable:
        return PriceTable({**self.prices, **override.prices}, override.read_on or self.read_on,
                          f"{self.source}; overridden by {override.source}")


def _parse(data: Any, source: str) -> PriceTable:
    if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
        raise UsageError(f"{source}: a price file is a JSON object with a 'models' object "
                         '(e.g. {"models": {"claude-sonnet-4-5": {"input": 3, "output": 15}}})')
    prices = {}
    for model, row in data["models"].items():
        if not isinstance(row, dict) or "input" not in row or "output" not in row:
            raise UsageError(f"{source}: price of {model!r} needs numeric 'input' and 'output' (USD per million tokens)")
        prices[model] = Price(**{k: _usd_per_million(row[k], source, model, k) for k in _FIELDS if k in row})
    return PriceTable(prices, str(data.get("read_on", "")), source)


def _usd_per_million(value: Any, source: str, model: str, field: str) -> float:
    """A price field: a finite, non-negative JSON number (NaN and infinities would defeat the cap)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"{source}: {field} price of {model!r} is {json.dumps(value)}, not a number; "
                         "give USD per million tokens as a plain JSON number (e.g. 3.0)")
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"{source}: {field} price of {model!r} is {value}; "
                         "give USD per million tokens as a finite number of at least 0 (e.g. 3.0)")
    return float(value)


def require_prices(engines: Iterable[Engine], cap_flag: str) -> None:
    """Before any call: a spending cap needs every paid model's price (local and mock are free)."""
    for engine in engines:
        if engine.price() is None:
            raise UsageError(f"{cap_flag} needs a price for {engine.model_string}, which the price table does not "
                             'list; add it with --prices FILE (JSON: {"models": {"MODEL": {"input": USD, '
                             '"output": USD}}}, USD per million tokens)')


def load_prices(override_path: str | Path | None = None) -> PriceTable:
    """The bundled table, merged with a user's JSON file of the same shape when given."""
    bundled = json.loads(resources.files("promptbudget.data").joinpath("prices.json").read_text("utf-8"))
    table = _parse(bundled, "bundled prices")
    if override_path is None:
        return table
    path = Path(override_path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"price file not found: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"price file {path} is not valid JSON: {exc}") from None
    return table.merged(_parse(data, str(path)))
