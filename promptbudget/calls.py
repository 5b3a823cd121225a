"""What the ledger records: a paid call's intent (on disk before the call), the record of a call
made, sums of records, and the calls a kill left in flight.

`promptbudget.ledger` keeps the ledger itself and re-exports these names.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict

from .engines.types import Usage


class CallIntent(TypedDict, total=False):
    """Paid work about to start, on disk before it does: a line of the run's journal of paid calls."""

    role: str
    engine: str
    model: str
    price: dict[str, float] | None
    """The price it will be billed at (None: a model with no price, its worst case unknown)."""
    cache_key: str | None
    """A synchronous call: the request it makes (its reply lands in the cache under this key)."""
    calls: int
    """A batch: the requests it holds."""
    batch_id: str | None
    call_id: str
    """Set by the ledger, with `time`, `worst_case_usd` and `scope`."""
    time: float
    worst_case_usd: float
    scope: dict[str, Any]


@dataclass(frozen=True)
class CallRecord:
    seq: int
    role: str
    engine: str
    model: str
    scope: dict[str, Any]
    usage: Usage
    stop_reason: str
    latency_s: float
    retries: int
    cached: bool
    cost_usd: float | None
    """What the call cost when it was made (kept for cache hits too)."""
    billed_usd: float | None
    """What it cost now: 0 for a cache hit."""
    cache_key: str | None = None
    timestamp: float = field(default_factory=time.time)
    """When the call was paid for; a claimed orphan keeps its original time, which identifies it."""
    call_id: str | None = None
    """The id of the paid call's intent in the journal (None for cache hits and older records)."""
    price_tier: str = "standard"
    """"standard" (a synchronous call) or "batch" (Message Batches, billed at the batch rate)."""
    batch_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["usage"] = self.usage.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallRecord:
        data = dict(data)
        data["usage"] = Usage.from_dict(data["usage"])
        return cls(**data)


@dataclass
class Totals:
    calls: int = 0
    cached_calls: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cost_usd: float = 0.0
    billed_usd: float = 0.0
    unpriced_calls: int = 0

    def add(self, record: CallRecord) -> None:
        self.calls += 1
        self.cached_calls += int(record.cached)
        self.retries += record.retries
        self.input_tokens += record.usage.input_tokens
        self.output_tokens += record.usage.output_tokens
        self.thinking_tokens += record.usage.thinking_tokens or 0
        self.cache_read_input_tokens += record.usage.cache_read_input_tokens
        self.cache_creation_input_tokens += record.usage.cache_creation_input_tokens
        if record.cost_usd is None:
            self.unpriced_calls += 1
        else:
            self.cost_usd += record.cost_usd
            self.billed_usd += record.billed_usd or 0.0

    @property
    def engine_calls(self) -> int:
        """Calls that reached a model (not answered from the cache)."""
        return self.calls - self.cached_calls

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["engine_calls"] = self.engine_calls
        data["cost_usd"] = round(self.cost_usd, 10)
        data["billed_usd"] = round(self.billed_usd, 10)
        return data


@dataclass(frozen=True)
class Unaccounted:
    """Paid calls a kill left in flight: the server may have billed them, the run never saw a reply."""

    calls: int = 0
    worst_case_usd: float = 0.0
    unpriced_calls: int = 0
    """Of `calls`, those to a model with no price: their worst case is unknown, not in the sum."""
    intents: tuple[CallIntent, ...] = field(default=(), compare=False, repr=False)
    """The open intents counted (a batch's intent counts its `calls` requests)."""

    @classmethod
    def of(cls, intents: list[CallIntent]) -> Unaccounted:
        def calls(intent: CallIntent) -> int:
            return int(intent.get("calls") or 1)

        return cls(sum(calls(intent) for intent in intents), sum(intent.get("worst_case_usd") or 0.0 for intent in intents),
                   sum(calls(intent) for intent in intents if "price" in intent and intent["price"] is None),
                   tuple(intents))

    def to_dict(self) -> dict[str, Any]:
        return {"calls": self.calls, "worst_case_usd": round(self.worst_case_usd, 10),
                "unpriced_calls": self.unpriced_calls}
