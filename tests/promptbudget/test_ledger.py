"""The ledger: exact attribution under threads, totals, the spending cap (waiting for calls in
flight), intents, orphan claims."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from promptbudget.engines import Completion, Usage
from promptbudget.errors import BudgetExceeded
from promptbudget.ledger import Ledger, Unaccounted, call_scope, spend_text


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


def test_the_cap_refuses_a_call_that_could_exceed_it_when_nothing_else_is_in_flight():
    ledger = Ledger(max_cost=1.0)
    ledger.reserve(0.6)
    with pytest.raises(BudgetExceeded, match="cap"):
        ledger.reserve(0.6)  # the only call in flight is this thread's own: waiting could never end
    ledger.release(0.6)
    ledger.record(role="answer", engine="mock", model="m", completion=completion(1), cost_usd=0.9)
    with pytest.raises(BudgetExceeded):
        ledger.reserve(0.2)
    ledger.reserve(0.05)


def test_a_reservation_that_does_not_fit_waits_for_the_call_in_flight_to_settle():
    ledger = Ledger(max_cost=1.0)
    ledger.reserve(0.6)
    outcome: list[str] = []
    waiter = threading.Thread(target=lambda: (ledger.reserve(0.6), outcome.append("reserved")))
    waiter.start()
    waiter.join(timeout=0.5)
    assert waiter.is_alive() and outcome == []  # waiting, not refused
    ledger.record(role="answer", engine="mock", model="m", completion=completion(1), cost_usd=0.1)
    ledger.release(0.6)  # the first call cost 0.1 of its 0.6: 0.1 + 0.6 fits
    waiter.join(timeout=60)
    assert outcome == ["reserved"]


def test_a_waiting_reservation_is_refused_once_nothing_is_in_flight_and_it_still_does_not_fit():
    ledger = Ledger(max_cost=1.0)
    ledger.reserve(0.6)
    refused: list[BaseException] = []

    def wait_then_fail() -> None:
        try:
            ledger.reserve(0.6)
        except BudgetExceeded as exc:
            refused.append(exc)

    waiter = threading.Thread(target=wait_then_fail)
    waiter.start()
    ledger.record(role="answer", engine="mock", model="m", completion=completion(1), cost_usd=0.5)
    ledger.release(0.6)
    waiter.join(timeout=60)
    assert not waiter.is_alive() and len(refused) == 1
    assert "spent $0.5000" in str(refused[0])


def test_calls_a_kill_left_unaccounted_count_against_the_cap_and_in_the_summary():
    ledger = Ledger(max_cost=1.0)
    ledger.hold_unaccounted(Unaccounted(calls=2, worst_case_usd=0.7))
    with pytest.raises(BudgetExceeded, match=r"up to \$0.7000 a kill left unaccounted"):
        ledger.reserve(0.4)
    ledger.reserve(0.3)
    assert ledger.summary()["unaccounted"] == {"calls": 2, "worst_case_usd": 0.7, "unpriced_calls": 0}
    assert "up to $0.7000 unaccounted: 2 calls were in flight" in spend_text(ledger.summary())


class Journal:
    def __init__(self, fail_begin: bool = False):
        self.lines: list[tuple[str, str]] = []
        self.fail_begin = fail_begin

    def begin(self, intent):
        if self.fail_begin:
            raise OSError(28, "No space left on device")
        self.lines.append(("begin", intent["call_id"]))

    def end(self, call_id, outcome):
        self.lines.append((outcome, call_id))


def test_an_intent_is_written_before_the_call_and_cleared_by_its_record_or_its_failure():
    ledger, journal = Ledger(max_cost=1.0), Journal()
    ledger.keep_journal(journal)
    first = ledger.begin_call(0.2, {"role": "answer"})
    assert journal.lines == [("begin", first)]
    ledger.record(role="answer", engine="mock", model="m", completion=completion(1), cost_usd=0.1, call_id=first)
    ledger.end_call(first, 0.2, failed=False)
    second = ledger.begin_call(0.2, {"role": "answer"})
    ledger.end_call(second, 0.2, failed=True)
    free = ledger.begin_call(0.0, None)  # a free call: no intent, nothing to clear
    ledger.end_call(free, 0.0, failed=True)
    assert journal.lines == [("begin", first), ("recorded", first), ("begin", second), ("failed", second)]
    assert ledger.records()[0].call_id == first


def test_an_intent_that_cannot_be_written_makes_no_call_and_holds_no_reservation():
    ledger = Ledger(max_cost=1.0)
    ledger.keep_journal(Journal(fail_begin=True))
    with pytest.raises(OSError):
        ledger.begin_call(0.9, {"role": "answer"})
    ledger.reserve(0.9)  # nothing was left reserved


def test_a_failing_listener_keeps_the_call_in_the_ledger_and_its_intent_open():
    ledger, journal = Ledger(), Journal()
    ledger.keep_journal(journal)
    seen: list[int] = []

    def full_disk(record):
        raise OSError(28, "No space left on device")

    ledger.subscribe(full_disk)
    ledger.subscribe(lambda record: seen.append(record.seq))
    call_id = ledger.begin_call(0.1, {"role": "answer"})
    with pytest.raises(OSError):
        ledger.record(role="answer", engine="mock", model="m", completion=completion(1), cost_usd=0.1,
                      call_id=call_id)
    assert ledger.spent_usd == pytest.approx(0.1) and seen == [0]
    assert journal.lines == [("begin", call_id)]


def test_spend_text_says_when_cost_is_unknown():
    ledger = Ledger()
    ledger.record(role="answer", engine="anthropic", model="new", completion=completion(1), cost_usd=None)
    assert spend_text(ledger.summary()).startswith("cost unknown for 1 calls to a model with no price")
    ledger.record(role="answer", engine="anthropic", model="old", completion=completion(1), cost_usd=0.25)
    assert spend_text(ledger.summary()).startswith("spent $0.2500 on priced calls; cost unknown for 1 calls")


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


def test_an_unpriced_call_left_in_flight_is_an_unknown_amount_not_zero():
    unaccounted = Unaccounted.of([{"call_id": "a", "worst_case_usd": 0.0, "price": None},
                                  {"call_id": "b", "worst_case_usd": 0.5, "price": {"input": 1, "output": 5}}])
    assert (unaccounted.calls, unaccounted.worst_case_usd, unaccounted.unpriced_calls) == (2, 0.5, 1)
    ledger = Ledger()
    ledger.hold_unaccounted(unaccounted)
    assert "up to $0.5000 plus an unknown amount unaccounted: 2 calls" in spend_text(ledger.summary())


def test_a_batch_intent_counts_its_requests_and_settling_it_frees_the_cap():
    batch = {"call_id": "b", "worst_case_usd": 0.6, "calls": 40, "price": {"input": 0.5, "output": 2.5}}
    unpriced = {"call_id": "u", "worst_case_usd": 0.0, "calls": 3, "price": None}
    held = Unaccounted.of([batch, unpriced, {"call_id": "s", "worst_case_usd": 0.1}])
    assert (held.calls, held.unpriced_calls) == (44, 3) and math.isclose(held.worst_case_usd, 0.7)
    ledger, journal = Ledger(max_cost=1.0), Journal()
    ledger.keep_journal(journal)
    ledger.hold_unaccounted(held)
    with pytest.raises(BudgetExceeded):
        ledger.reserve(0.5)
    ledger.close_intent("b", "collected")  # an earlier attempt's batch, collected by this one
    assert ledger.unaccounted.calls == 4 and math.isclose(ledger.unaccounted.worst_case_usd, 0.1)
    assert journal.lines == [("collected", "b")]
    ledger.reserve(0.5)
    ledger.close_intent("unknown", "collected")  # not an intent of this ledger: nothing written
    assert journal.lines == [("collected", "b")]


def test_the_saved_totals_record_names_exactly_what_totals_write():
    """`Totals` (the running sum) and `records.ledger.SavedTotals` (the saved form) describe one block."""
    from promptbudget.ledger import Totals
    from promptbudget.records.ledger import SavedTotals

    totals = Totals(calls=3, cached_calls=1, retries=2, input_tokens=40, output_tokens=50, thinking_tokens=7,
                    cost_usd=0.25, billed_usd=0.125, unpriced_calls=1)
    written = totals.to_dict()
    assert set(written) == set(SavedTotals.model_fields)
    assert SavedTotals.model_validate(written).model_dump(mode="json", exclude_unset=True) == written
