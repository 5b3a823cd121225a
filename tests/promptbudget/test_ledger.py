"""The ledger: exact attribution under threads, totals, the spending cap, orphan claims."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from promptbudget.engines import Completion, Usage
from promptbudget.errors import BudgetExceeded
from promptbudget.ledger import Ledger, call_scope


def completion(output: int, *, cached: bool = False) -> Completion:
    return Completion(text="x", usage=Usage(input_tokens=10, output_tokens=output), stop_reason="end_turn",
                      model="m", cached=cached)


def test_scopes_stay_with_their_thread():
    ledger = Ledger()
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        with call_scope(sample_id=f"s{i}"):
            barrier.wait()
            ledger.record(role="answer", engine="mock", model="m", completion=completion(i), cost_usd=0.0)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    assert {r.scope["sample_id"]: r.usage.output_tokens for r in ledger.records()} == {f"s{i}": i for i in range(8)}


def test_totals_by_role_and_model_and_cached_calls_cost_nothing_now():
    ledger = Ledger()
    ledger.record(role="answer", engine="mock", model="a", completion=completion(5), cost_usd=0.5)
    ledger.record(role="answer", engine="mock", model="a", completion=completion(5, cached=True), cost_usd=0.5)
    ledger.record(role="feedback", engine="mock", model="b", completion=completion(7), cost_usd=0.25)
    total = ledger.totals()
    assert (total.calls, total.cached_calls, total.engine_calls) == (3, 1, 2)
    assert total.cost_usd == pytest.approx(1.25) and total.billed_usd == pytest.approx(0.75)
    assert ledger.totals_by_role()["answer"].output_tokens == 10
    assert ledger.totals_by_model()["mock/b"].calls == 1
    assert ledger.spent_usd == pytest.approx(0.75)


def test_the_cap_refuses_a_call_that_could_exceed_it_counting_calls_in_flight():
    ledger = Ledger(max_cost=1.0)
    ledger.reserve(0.6)
    with pytest.raises(BudgetExceeded, match="cap"):
        ledger.reserve(0.6)
    ledger.release(0.6)
    ledger.record(role="answer", engine="mock", model="m", completion=completion(1), cost_usd=0.9)
    with pytest.raises(BudgetExceeded):
        ledger.reserve(0.2)
    ledger.reserve(0.05)


def test_orphans_are_claimed_once_and_unclaimed_ones_are_restored():
    first = Ledger()
    first.record(role="answer", engine="mock", model="m", completion=completion(3), cost_usd=0.1, cache_key="k1")
    first.record(role="answer", engine="mock", model="m", completion=completion(4), cost_usd=0.2, cache_key="k2")
    resumed = Ledger()
    resumed.hold_orphans(first.records())
    assert resumed.claim_orphan("k1").usage.output_tokens == 3
    assert resumed.claim_orphan("k1") is None
    (left,) = resumed.unclaimed_orphans()
    resumed.restore(left)
    assert resumed.totals().billed_usd == pytest.approx(0.2)


def test_batch_fields_default_for_records_saved_before_batches():
    from promptbudget.ledger import CallRecord

    old = {"seq": 0, "role": "answer", "engine": "e", "model": "m", "scope": {}, "usage": {"input_tokens": 1,
           "output_tokens": 2}, "stop_reason": "end_turn", "latency_s": 0.1, "retries": 0, "cached": False,
           "cost_usd": 0.5, "billed_usd": 0.5, "cache_key": "k", "timestamp": 1.0}
    record = CallRecord.from_dict(old)
    assert record.price_tier == "standard" and record.batch_id is None
    assert CallRecord.from_dict(record.to_dict()) == record
