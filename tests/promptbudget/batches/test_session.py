"""BatchSession against the fake server, through the real anthropic SDK."""

from __future__ import annotations

import math
import threading

import pytest

from promptbudget.batches.api import Limits
from promptbudget.errors import BudgetExceeded, EngineError
from promptbudget.ledger import Ledger

from .conftest import MODEL, PRICES, jobs, make_engine, make_session


def _paid(ledger: Ledger):
    return [r for r in ledger.records() if not r.cached]


def test_batch_bills_half_of_sync_with_identical_results(make_server, tmp_path):
    server = make_server(processing_delay_s=0.05)
    sync_engine = make_engine(server, tmp_path / "sync")
    sync = [sync_engine.complete(job.request) for job in jobs(20)]
    batch_engine = make_engine(server, tmp_path / "batch")
    session = make_session(batch_engine)
    batched = session.complete_all(jobs(20))
    assert [(c.text, c.usage) for c in batched] == [(c.text, c.usage) for c in sync]
    sync_cost = sync_engine.ledger.totals().billed_usd
    batch_cost = batch_engine.ledger.totals().billed_usd
    assert sync_cost > 0 and math.isclose(batch_cost, 0.5 * sync_cost, rel_tol=1e-12)
    assert math.isclose(batch_cost, server.batches.billed_usd(PRICES), rel_tol=1e-12)
    records = batch_engine.ledger.records()
    assert len(records) == 20 and len(server.batches.created) == 1
    assert {(r.price_tier, r.batch_id, r.role) for r in records} == {("batch", server.batches.created[0], "answer")}
    assert [r.scope["sample_id"] for r in records if r.scope["sample_id"] == "q3"] == ["q3"]


def test_results_share_the_cache_with_sync_calls_both_ways(make_server, tmp_path):
    server = make_server()
    engine = make_engine(server, tmp_path / "c")
    make_session(engine).complete_all(jobs(6))
    again = make_engine(server, tmp_path / "c")
    texts = [again.complete(job.request).text for job in jobs(6)]
    assert again.ledger.totals().cached_calls == 6 and again.ledger.totals().billed_usd == 0
    assert texts == [f"Answer: {len(job.request.prompt)}" for job in jobs(6)]
    # and the other way: sync results make a batch unnecessary
    fresh = make_engine(server, tmp_path / "c")
    session = make_session(fresh)
    session.complete_all(jobs(6))
    assert session.created == [] and fresh.ledger.totals().cached_calls == 6


def test_killed_while_polling_reattaches_without_resubmitting(make_server, tmp_path):
    server = make_server(processing_delay_s=0.2)

    def kill(status):
        raise KeyboardInterrupt

    first = make_engine(server, tmp_path / "c")
    with pytest.raises(KeyboardInterrupt):
        make_session(first, on_poll=kill).complete_all(jobs(12))
    assert first.ledger.records() == [] and len(server.batches.created) == 1
    resumed = make_engine(server, tmp_path / "c")
    session = make_session(resumed)
    results = session.complete_all(jobs(12))
    assert session.created == [] and len(server.batches.created) == 1
    assert [c.text for c in results] == [f"Answer: {len(job.request.prompt)}" for job in jobs(12)]
    assert math.isclose(resumed.ledger.totals().billed_usd, server.batches.billed_usd(PRICES), rel_tol=1e-12)
    assert list((tmp_path / "c" / "batches").glob("*.json")) == []


def test_failed_requests_are_retried_then_made_synchronously_each_billed_once(make_server, tmp_path):
    fates = {}

    def outcome(custom_id, params):
        fates[custom_id] = fates.get(custom_id, 0) + 1
        index = int(params["messages"][0]["content"].split()[1].rstrip("?"))
        if index % 5 == 0:
            return "expired" if index % 2 else "errored"  # never succeeds in a batch
        if index % 5 == 1 and fates[custom_id] == 1:
            return "errored"  # succeeds when resubmitted
        return "succeeded"

    server = make_server(outcome=outcome)
    engine = make_engine(server, tmp_path / "c")
    session = make_session(engine, rounds=2)
    results = session.complete_all(jobs(20))
    assert [c.text for c in results] == [f"Answer: {len(job.request.prompt)}" for job in jobs(20)]
    paid = _paid(engine.ledger)
    assert len(paid) == 20 and len({r.cache_key for r in paid}) == 20
    tiers = [r.price_tier for r in paid]
    assert tiers.count("standard") == 4 and tiers.count("batch") == 16
    assert len(server.batches.created) == 2 and server.total_sent_usage()["calls"] == 4
    sync_billed = sum(r.billed_usd for r in paid if r.price_tier == "standard")
    assert math.isclose(engine.ledger.totals().billed_usd - sync_billed, server.batches.billed_usd(PRICES))


def test_batches_over_the_request_limit_are_split(make_server, tmp_path):
    server = make_server()
    engine = make_engine(server, tmp_path / "c")
    session = make_session(engine, limits=Limits(max_requests=7))
    assert len(session.complete_all(jobs(20))) == 20
    assert len(session.created) == 3 and len(_paid(engine.ledger)) == 20


def test_batches_over_the_byte_limit_are_split(make_server, tmp_path):
    server = make_server(max_bytes=4000)
    engine = make_engine(server, tmp_path / "c")
    session = make_session(engine, limits=Limits(max_bytes=4000))
    session.complete_all(jobs(30))
    assert len(session.created) > 1 and len(_paid(engine.ledger)) == 30


def test_max_cost_reserves_the_worst_case_before_creating(make_server, tmp_path):
    server = make_server()
    engine = make_engine(server, tmp_path / "c", ledger=Ledger(max_cost=0.0001))
    with pytest.raises(BudgetExceeded):
        make_session(engine).complete_all(jobs(10, max_tokens=4000))
    assert server.batches.created == [] and engine.ledger.records() == []


def test_a_request_asked_twice_is_paid_once(make_server, tmp_path):
    server = make_server()
    engine = make_engine(server, tmp_path / "c")
    twice = jobs(3) + jobs(3)
    results = make_session(engine).complete_all(twice)
    assert [c.cached for c in results] == [False] * 3 + [True] * 3
    assert len(server.batches.billed) == 3 and engine.ledger.totals().cached_calls == 3


def test_an_invalid_request_is_not_resubmitted_and_fails_with_the_api_message(make_server, tmp_path):
    server = make_server()
    engine = make_engine(server, tmp_path / "c")
    bad = jobs(1)[0]
    from dataclasses import replace

    from promptbudget.engines.types import Thinking
    bad = replace(bad, request=replace(bad.request, thinking=Thinking.budget(2048), max_tokens=1500))
    session = make_session(engine)
    with pytest.raises(EngineError, match="budget_tokens"):
        session.complete_all([bad])
    assert len(session.created) == 1
    assert MODEL in engine.model_string


def test_two_processes_asking_the_same_requests_share_one_batch(make_server, tmp_path):
    import json as _json
    import subprocess
    import sys
    from pathlib import Path

    server = make_server(processing_delay_s=1.5)
    script = Path(__file__).with_name("share_worker.py")
    command = [sys.executable, str(script), server.base_url, str(tmp_path / "c")]
    workers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outputs
    totals = [_json.loads(out) for out, _ in outputs]
    assert len(server.batches.created) == 1 and len(server.batches.billed) == 10
    assert sorted(t["engine_calls"] for t in totals) == [0, 10]
    assert sorted(t["cached_calls"] for t in totals) == [0, 10]
    assert math.isclose(sum(t["billed_usd"] for t in totals), server.batches.billed_usd(PRICES), rel_tol=1e-12)


def test_a_batch_paid_orphan_claimed_by_a_synchronous_call_keeps_its_batch_price(make_server, tmp_path):
    server = make_server()
    first = make_engine(server, tmp_path / "c")
    make_session(first).complete_all(jobs(4))
    paid = first.ledger.records()
    resumed = make_engine(server, tmp_path / "c")
    resumed.ledger.hold_orphans(paid)
    for job in jobs(4):
        resumed.complete(job.request)
    again = resumed.ledger.records()
    def facts(records):
        return sorted((r.cache_key, r.price_tier, r.batch_id, r.cost_usd, r.billed_usd) for r in records)

    assert facts(again) == facts(paid) and {r.price_tier for r in again} == {"batch"}


class _KilledAfter:
    """A cache whose writes from the Nth on never happen: the process dies between records and
    their cache writes (written on the session's writer threads, so several may be lost)."""

    def __init__(self, cache, n: int):
        self.cache, self.n, self.writes, self.lock = cache, n, 0, threading.Lock()

    def __getattr__(self, name):
        return getattr(self.cache, name)

    def put(self, *args, **kwargs):
        with self.lock:
            self.writes += 1
            if self.writes >= self.n:
                raise KeyboardInterrupt
        return self.cache.put(*args, **kwargs)


@pytest.mark.parametrize("restored_as", ["records", "orphans"])
def test_a_kill_between_record_and_cache_write_is_not_counted_twice(make_server, tmp_path, restored_as):
    server = make_server(processing_delay_s=0.05)
    first = make_engine(server, tmp_path / "c")
    first.cache = _KilledAfter(first.cache, 4)
    with pytest.raises(KeyboardInterrupt):
        make_session(first).complete_all(jobs(10))
    survived = first.ledger.records()
    lost = [r for r in survived if first.cache.cache.get(r.cache_key) is None]
    assert len(survived) >= 4 and len(lost) == len(survived) - 3  # recorded, their cache writes lost
    ledger = Ledger(records=survived) if restored_as == "records" else Ledger()
    if restored_as == "orphans":
        ledger.hold_orphans(survived)
    resumed = make_engine(server, tmp_path / "c", ledger=ledger)
    session = make_session(resumed)
    results = session.complete_all(jobs(10))
    assert session.created == [] and len(server.batches.created) == 1
    assert [c.text for c in results] == [f"Answer: {len(job.request.prompt)}" for job in jobs(10)]
    paid = _paid(resumed.ledger)
    assert len(paid) == 10 and len({r.cache_key for r in paid}) == 10
    assert resumed.ledger.unclaimed_orphans() == []  # the run's end would count one left here again
    assert math.isclose(resumed.ledger.totals().billed_usd, server.batches.billed_usd(PRICES), rel_tol=1e-12)
