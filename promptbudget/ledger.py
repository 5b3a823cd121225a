"""The usage ledger: every model call, attributed to its role and sample, with its cost.

Attribution uses a context variable, so it stays exact when many threads call one engine:
each worker thread sets its own scope (`with call_scope(sample_id=...)`) and the engine reads
it at the moment it records the call.

A paid call goes `begin_call` (reserve its worst case under the cap, waiting for calls in
flight to settle when it does not fit; then write its intent to the journal) -> the call ->
`record` (which clears the intent) -> `end_call` (release the reservation).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any, Protocol

from .calls import CallIntent, CallRecord, Totals, Unaccounted
from .engines.types import Completion
from .errors import BudgetExceeded

__all__ = ["CallIntent", "CallJournal", "CallRecord", "Ledger", "Totals", "Unaccounted", "call_scope",
           "current_scope", "spend_text"]


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


class CallJournal(Protocol):
    """Durable intents: `begin` must be on disk before the call is made."""

    def begin(self, intent: CallIntent) -> None: ...

    def end(self, call_id: str, outcome: str) -> None: ...


class Ledger:
    """Thread-safe record of every call, with an optional hard spending cap."""

    def __init__(self, max_cost: float | None = None, records: list[CallRecord] | None = None):
        self.max_cost = max_cost
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._records: list[CallRecord] = list(records or [])
        self._reserved = 0.0
        self._in_flight = 0
        self._mine = threading.local()
        self._spent = sum(r.billed_usd or 0.0 for r in self._records)
        self._unaccounted = Unaccounted()
        self._listeners: list[Callable[[CallRecord], None]] = []
        self._orphans: dict[str, list[CallRecord]] = {}
        self._journal: CallJournal | None = None
        self._journaled: set[str] = set()

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

    def keep_journal(self, journal: CallJournal) -> None:
        self._journal = journal

    def hold_unaccounted(self, unaccounted: Unaccounted) -> None:
        """Count the worst case of calls a kill left in flight against the cap, for good."""
        with self._lock:
            self._unaccounted = unaccounted

    @property
    def unaccounted(self) -> Unaccounted:
        with self._lock:
            return self._unaccounted

    @property
    def spent_usd(self) -> float:
        with self._lock:
            return self._spent

    def reserve(self, worst_case_usd: float) -> None:
        """Hold back the most a call can cost. A call that does not fit waits for calls in flight
        to settle; with none in flight (in other threads), BudgetExceeded."""
        with self._settled:
            while self.max_cost is not None and self._committed() + worst_case_usd > self.max_cost:
                if self._in_flight == self._mine_in_flight():
                    raise BudgetExceeded(
                        f"the next call could cost up to ${worst_case_usd:.4f}; spent ${self._spent:.4f}"
                        f"{self._unaccounted_text()} of the --max_cost cap ${self.max_cost:.4f}")
                self._settled.wait()
            self._reserved += worst_case_usd
            self._in_flight += 1
        self._mine.in_flight = self._mine_in_flight() + 1

    def release(self, worst_case_usd: float) -> None:
        with self._settled:
            self._reserved = max(0.0, self._reserved - worst_case_usd)
            self._in_flight -= 1
            self._settled.notify_all()
        self._mine.in_flight = self._mine_in_flight() - 1

    def _committed(self) -> float:
        return self._spent + self._reserved + self._unaccounted.worst_case_usd

    def _mine_in_flight(self) -> int:
        return getattr(self._mine, "in_flight", 0)

    def _unaccounted_text(self) -> str:
        if not self._unaccounted.calls:
            return ""
        return f" (+ up to ${self._unaccounted.worst_case_usd:.4f} a kill left unaccounted)"

    def begin_call(self, worst_case_usd: float, intent: CallIntent | None) -> str:
        """Reserve a paid call's worst case, then put its intent (None: a free call has none) on
        disk. Returns the call id."""
        self.reserve(worst_case_usd)
        try:
            return self.open_intent(worst_case_usd, intent)
        except BaseException:
            self.release(worst_case_usd)
            raise

    def open_intent(self, worst_case_usd: float, intent: CallIntent | None) -> str:
        """Put the intent of paid work (None: free, no intent) on disk, without reserving: a
        batch reserves its worst case itself. Returns its call id."""
        call_id = uuid.uuid4().hex
        if self._journal is not None and intent is not None:
            self._journal.begin({"call_id": call_id, "time": time.time(), "worst_case_usd": worst_case_usd,
                                 "scope": current_scope(), **intent})
            with self._lock:
                self._journaled.add(call_id)
        return call_id

    def close_intent(self, call_id: str | None, outcome: str) -> None:
        """Clear an intent: one of this attempt's, or one an earlier attempt left open that is
        now settled (a batch collected after a kill), which then stops counting as unaccounted."""
        with self._lock:
            held = [intent for intent in self._unaccounted.intents if intent.get("call_id") == call_id]
            if held:
                self._unaccounted = Unaccounted.of([i for i in self._unaccounted.intents if i not in held])
            elif call_id in self._journaled:
                self._journaled.discard(call_id)
            else:
                return
            self._settled.notify_all()
        if self._journal is not None:
            self._journal.end(call_id, outcome)  # type: ignore[arg-type]  # not None: it was found above

    def end_call(self, call_id: str, worst_case_usd: float, *, failed: bool) -> None:
        """The call is over: clear the intent of a call that failed (a recorded one is cleared by
        `record`), then release its reservation."""
        try:
            if failed:
                self.close_intent(call_id, "failed")
        finally:
            self.release(worst_case_usd)

    def record(self, *, role: str, engine: str, model: str, completion: Completion,
               cost_usd: float | None, cache_key: str | None = None, paid_at: float | None = None,
               call_id: str | None = None, price_tier: str = "standard", batch_id: str | None = None) -> CallRecord:
        """Enter a call, tell the listeners (the run's calls.jsonl), then clear its intent.

        A listener that fails (a full disk) does not lose the call: it stays in this ledger,
        the intent stays open, and the error is raised once every listener has had it."""
        billed = 0.0 if completion.cached else cost_usd
        with self._lock:
            record = CallRecord(
                seq=len(self._records), role=role, engine=engine, model=model, scope=current_scope(),
                usage=completion.usage, stop_reason=completion.stop_reason,
                latency_s=completion.latency_s, retries=completion.retries, cached=completion.cached,
                cost_usd=cost_usd, billed_usd=billed, cache_key=cache_key,
                timestamp=time.time() if paid_at is None else paid_at, call_id=call_id,
                price_tier=price_tier, batch_id=batch_id,
            )
            self._records.append(record)
            self._spent += billed or 0.0
        self._tell(record)
        if paid_at is None:
            self.close_intent(call_id, "recorded")
        return record

    def _tell(self, record: CallRecord) -> None:
        failure: BaseException | None = None
        for listener in self._listeners:
            try:
                listener(record)
            except Exception as exc:  # noqa: BLE001 - raised below, after the other listeners
                failure = failure or exc
        if failure is not None:
            raise failure

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
        self._tell(restored)
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
            "unaccounted": self.unaccounted.to_dict(),
            "by_role": {k: v.to_dict() for k, v in self.totals_by_role().items()},
            "by_model": {k: v.to_dict() for k, v in self.totals_by_model().items()},
            "by_price_tier": {k: v.to_dict() for k, v in _total(self.records(), lambda r: r.price_tier).items()},
        }


def spend_text(ledger_summary: dict[str, Any]) -> str:
    """What a run spent, for people: billed USD, unpriced calls as unknown, a kill's unaccounted worst case."""
    total = ledger_summary.get("total") or {}
    text = f"spent ${total.get('billed_usd', 0.0):.4f}"
    unpriced = total.get("unpriced_calls") or 0
    if unpriced:
        unknown = f"cost unknown for {unpriced} calls to a model with no price (add it with --prices FILE)"
        text = unknown if unpriced == total.get("calls") else f"{text} on priced calls; {unknown}"
    unaccounted = ledger_summary.get("unaccounted") or {}
    if unaccounted.get("calls"):
        unknown = unaccounted.get("unpriced_calls") or 0
        text += (f"; up to ${unaccounted['worst_case_usd']:.4f}{' plus an unknown amount' if unknown else ''} "
                 f"unaccounted: {unaccounted['calls']} calls were in flight when an earlier attempt was stopped, "
                 "and the server may have billed them")
    return text


def _total(records: list[CallRecord], key: Callable[[CallRecord], str]) -> dict[str, Totals]:
    totals: dict[str, Totals] = {}
    for record in records:
        totals.setdefault(key(record), Totals()).add(record)
    return totals
