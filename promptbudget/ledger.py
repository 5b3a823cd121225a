"""The usage ledger: every model call, attributed to its role and sample, with its cost.

Attribution uses a context variable, so it stays exact when many threads call one engine:
each worker thread sets its own scope (`with call_scope(sample_id=...)`) and the engine reads
it at the moment it records the call.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .engines.types import Completion, Usage
from .errors import BudgetExceeded

_scope: ContextVar[dict[str, Any]] = ContextVar("promptbudget_call_scope", default={})


@contextmanager
def call_scope(**labels: Any) -> Iterator[None]:
    """Label every call made inside this block (in this thread) with `labels`."""
    token = _scope.set({**_scope.get(), **labels})
    try:
        yield
    finally:
        _scope.reset(token)


def current_scope() -> dict[str, Any]:
    return dict(_scope.get())


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
    price_tier: str = "standard"
    """"standard" (a synchronous call) or "batch" (Message Batches, billed at the batch rate)."""
    batch_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["usage"] = self.usage.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CallRecord":
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


class Ledger:
    """Thread-safe record of every call, with an optional hard spending cap."""

    def __init__(self, max_cost: float | None = None, records: list[CallRecord] | None = None):
        self.max_cost = max_cost
        self._lock = threading.Lock()
        self._records: list[CallRecord] = list(records or [])
        self._reserved = 0.0
        self._spent = sum(r.billed_usd or 0.0 for r in self._records)
        self._listeners: list[Callable[[CallRecord], None]] = []
        self._orphans: dict[str, list[CallRecord]] = {}

    def hold_orphans(self, records: list[CallRecord]) -> None:
        """Calls paid for by an interrupted attempt at work that is being redone.

        When the redo asks the cache for the same request, the original paid record is
        re-recorded instead of a free cache hit, so a resumed run accounts exactly like an
        uninterrupted one. Orphans never claimed are returned by `unclaimed_orphans()`.
        """
        with self._lock:
            for record in records:
                if record.cache_key is not None and not record.cached:
                    self._orphans.setdefault(record.cache_key, []).append(record)

    def claim_orphan(self, cache_key: str) -> CallRecord | None:
        with self._lock:
            pending = self._orphans.get(cache_key)
            if not pending:
                return None
            record = pending.pop(0)
            if not pending:
                del self._orphans[cache_key]
            return record

    def unclaimed_orphans(self) -> list[CallRecord]:
        with self._lock:
            return [r for group in self._orphans.values() for r in group]

    def subscribe(self, listener: Callable[[CallRecord], None]) -> None:
        self._listeners.append(listener)

    @property
    def spent_usd(self) -> float:
        with self._lock:
            return self._spent

    def reserve(self, worst_case_usd: float) -> None:
        """Hold back the most a call can cost; refuse it if the cap could be exceeded."""
        if self.max_cost is None:
            return
        with self._lock:
            if self._spent + self._reserved + worst_case_usd > self.max_cost:
                raise BudgetExceeded(
                    f"the next call could cost up to ${worst_case_usd:.4f}; spent ${self._spent:.4f} "
                    f"(+${self._reserved:.4f} in flight) of the --max_cost cap ${self.max_cost:.4f}"
                )
            self._reserved += worst_case_usd

    def release(self, worst_case_usd: float) -> None:
        if self.max_cost is None:
            return
        with self._lock:
            self._reserved = max(0.0, self._reserved - worst_case_usd)

    def record(self, *, role: str, engine: str, model: str, completion: Completion,
               cost_usd: float | None, cache_key: str | None = None, paid_at: float | None = None,
               price_tier: str = "standard", batch_id: str | None = None) -> CallRecord:
        billed = 0.0 if completion.cached else cost_usd
        with self._lock:
            record = CallRecord(
                seq=len(self._records), role=role, engine=engine, model=model, scope=current_scope(),
                usage=completion.usage, stop_reason=completion.stop_reason,
                latency_s=completion.latency_s, retries=completion.retries, cached=completion.cached,
                cost_usd=cost_usd, billed_usd=billed, cache_key=cache_key,
                timestamp=time.time() if paid_at is None else paid_at,
                price_tier=price_tier, batch_id=batch_id,
            )
            self._records.append(record)
            self._spent += billed or 0.0
        for listener in self._listeners:
            listener(record)
        return record

    def reset(self, records: list[CallRecord]) -> None:
        """Start over from saved records (a resumed run)."""
        with self._lock:
            self._records = list(records)
            self._spent = sum(r.billed_usd or 0.0 for r in self._records)
            self._orphans.clear()

    def restore(self, record: CallRecord) -> CallRecord:
        """Re-enter a saved record (an unclaimed orphan) so that its cost is not lost."""
        with self._lock:
            restored = replace(record, seq=len(self._records))
            self._records.append(restored)
            self._spent += restored.billed_usd or 0.0
        for listener in self._listeners:
            listener(restored)
        return restored

    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def totals(self) -> Totals:
        return _total(self.records(), lambda r: "all")["all"] if self.records() else Totals()

    def totals_by_role(self) -> dict[str, Totals]:
        return _total(self.records(), lambda r: r.role)

    def totals_by_model(self) -> dict[str, Totals]:
        return _total(self.records(), lambda r: f"{r.engine}/{r.model}")

    def summary(self) -> dict[str, Any]:
        return {
            "total": self.totals().to_dict(),
            "by_role": {k: v.to_dict() for k, v in self.totals_by_role().items()},
            "by_model": {k: v.to_dict() for k, v in self.totals_by_model().items()},
            "by_price_tier": {k: v.to_dict() for k, v in _total(self.records(), lambda r: r.price_tier).items()},
        }


def _total(records: list[CallRecord], key: Callable[[CallRecord], str]) -> dict[str, Totals]:
    totals: dict[str, Totals] = {}
    for record in records:
        totals.setdefault(key(record), Totals()).add(record)
    return totals
