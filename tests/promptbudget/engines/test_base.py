"""The engine layer's accounting order: reserve, write the intent, call, cache, record (clearing
the intent), release."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from promptbudget.cache import CacheWriteError, RequestCache
from promptbudget.engines.mock import MockEngine
from promptbudget.errors import BudgetExceeded
from promptbudget.ledger import Ledger
from promptbudget.pricing import Price, PriceTable

PRICED = PriceTable({"mock": Price(input=100.0, output=100.0)}, "2026-11-23", "test")


class WatchedLedger(Ledger):
    """Notes how many calls were recorded each time a reservation is released."""

    def __init__(self, max_cost: float | None = None):
        super().__init__(max_cost=max_cost)
        self.recorded_at_release: list[int] = []

    def release(self, worst_case_usd: float) -> None:
        self.recorded_at_release.append(len(self.records()))
        super().release(worst_case_usd)


class WatchedCache(RequestCache):
    def __init__(self, directory, ledger: Ledger):
        super().__init__(directory)
        self.ledger = ledger
        self.recorded_at_put: list[int] = []

    def put(self, key, material, completion, *, call_id=None):
        self.recorded_at_put.append(len(self.ledger.records()))
        super().put(key, material, completion, call_id=call_id)


def test_a_paid_call_is_cached_then_recorded_before_its_reservation_is_released(tmp_path):
    ledger = WatchedLedger(max_cost=100.0)
    cache = WatchedCache(tmp_path / "cache", ledger)
    answer = MockEngine(ledger=ledger, cache=cache, prices=PRICED).for_role("answer", max_tokens=500)
    answer.complete("What is 2 + 3?", "Answer with a number.")
    answer.complete("What is 4 + 4?", "Answer with a number.")
    answer.complete("What is 2 + 3?", "Answer with a number.")  # a cache hit: no reservation, no put
    assert ledger.recorded_at_release == [1, 2]
    assert cache.recorded_at_put == [0, 1]  # cached first: a kill before the record leaves a recoverable reply
    assert [r.cached for r in ledger.records()] == [False, False, True]


def test_threads_never_spend_past_the_cap(tmp_path):
    ledger = Ledger(max_cost=0.5)
    engine = MockEngine(ledger=ledger, prices=PRICED)
    answer = engine.for_role("answer", max_tokens=400)

    def ask(i: int) -> bool:
        try:
            answer.complete(f"What is {i} + {i}?", "Answer with a number.")
            return True
        except BudgetExceeded:
            return False

    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(ask, range(64)))
    assert any(made) and not all(made)
    assert ledger.totals().billed_usd <= 0.5
    assert ledger.totals().billed_usd == pytest.approx(sum(r.billed_usd for r in ledger.records()))


def test_eight_threads_use_the_cap_up_to_one_worst_case(tmp_path):
    ledger = Ledger(max_cost=0.5)
    answer = MockEngine(ledger=ledger, prices=PRICED).for_role("answer", max_tokens=400)
    worst = max(answer.engine.worst_case_cost(answer.request(f"What is {i} + {i}?", "Answer with a number."))
                for i in range(64))

    def ask(i: int) -> None:
        try:
            answer.complete(f"What is {i} + {i}?", "Answer with a number.")
        except BudgetExceeded:
            pass

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(ask, range(64)))
    assert 0.5 - worst <= ledger.spent_usd <= 0.5


class Journal:
    def __init__(self):
        self.intents: list[dict] = []
        self.ends: list[tuple[str, str]] = []

    def begin(self, intent):
        self.intents.append(intent)

    def end(self, call_id, outcome):
        self.ends.append((call_id, outcome))


def test_a_priced_call_writes_an_intent_with_what_a_resume_needs_and_a_free_call_writes_none(tmp_path):
    ledger, journal = Ledger(), Journal()
    ledger.keep_journal(journal)
    cache = RequestCache(tmp_path / "cache")
    priced = MockEngine(ledger=ledger, cache=cache, prices=PRICED).for_role("answer", max_tokens=100)
    priced.complete("What is 2 + 3?", "Answer with a number.")
    (intent,) = journal.intents
    assert {k: intent[k] for k in ("role", "engine", "model", "price")} == {
        "role": "answer", "engine": "mock", "model": "default", "price": PRICED.prices["mock"].to_dict()}
    record = ledger.records()[0]
    assert journal.ends == [(record.call_id, "recorded")] and intent["call_id"] == record.call_id
    assert intent["worst_case_usd"] == pytest.approx(priced.engine.worst_case_cost(
        priced.request("What is 2 + 3?", "Answer with a number.")))
    assert cache.paid_by(record.cache_key) == record.call_id
    free = MockEngine(ledger=ledger, cache=cache).for_role("answer", max_tokens=100)
    free.complete("What is 9 + 9?", "Answer with a number.")
    assert len(journal.intents) == 1 and len(ledger.records()) == 2


class FullCache(RequestCache):
    def put(self, key, material, completion, *, call_id=None):
        raise CacheWriteError("could not write the request cache (No space left on device)")


def test_a_cache_that_cannot_be_written_still_leaves_the_paid_call_recorded(tmp_path):
    ledger = Ledger(max_cost=10.0)
    answer = MockEngine(ledger=ledger, cache=FullCache(tmp_path / "cache"), prices=PRICED).for_role(
        "answer", max_tokens=100)
    with pytest.raises(CacheWriteError):
        answer.complete("What is 2 + 3?", "Answer with a number.")
    (record,) = ledger.records()
    assert record.billed_usd > 0 and ledger.spent_usd == record.billed_usd
    ledger.reserve(10.0 - record.billed_usd)  # its reservation was released
