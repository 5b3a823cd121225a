"""Kills around a batch's creation and while it is in flight: one batch billed, every call accounted for."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from promptbudget.errors import EngineError
from promptbudget.ledger import Ledger, spend_text
from promptbudget.optimize.store import RunStore

from .conftest import PRICES, jobs, make_engine, make_session

WORKER = Path(__file__).with_name("create_window_worker.py")


def _answers(n: int) -> list[str]:
    return [f"Answer: {len(job.request.prompt)}" for job in jobs(n)]


def test_a_kill_right_after_create_reattaches_to_that_batch(make_server, tmp_path):
    server = make_server(processing_delay_s=0.3)
    cache = tmp_path / "c"
    worker = subprocess.run([sys.executable, str(WORKER), server.base_url, str(cache), "8"],
                            capture_output=True, text=True, timeout=120)
    assert worker.returncode == -9, worker.stderr
    assert len(server.batches.created) == 1
    assert list((cache / "batches").glob("*.json")) == []  # the batch id was never saved
    assert len(list((cache / "batches").glob("*.intent"))) == 1
    engine = make_engine(server, cache)
    session = make_session(engine)
    results = session.complete_all(jobs(8))
    assert session.created == [] and len(server.batches.created) == 1
    assert [c.text for c in results] == _answers(8)
    assert len([r for r in engine.ledger.records() if not r.cached]) == 8 == len(server.batches.billed)
    assert math.isclose(engine.ledger.totals().billed_usd, server.batches.billed_usd(PRICES), rel_tol=1e-12)
    assert list((cache / "batches").iterdir()) == [cache / "batches" / ".lock"]


def test_an_intent_whose_create_never_reached_the_server_is_dropped(make_server, tmp_path):
    server = make_server()
    engine = make_engine(server, tmp_path / "c")
    session = make_session(engine)

    class KilledBeforeSending:
        list = engine.client.messages.batches.list

        def create(self, **kwargs):
            raise KeyboardInterrupt

    session.api.batches = KilledBeforeSending()
    with pytest.raises(KeyboardInterrupt):
        session.complete_all(jobs(4))
    assert len(list((tmp_path / "c" / "batches").glob("*.intent"))) == 1 and server.batches.created == []
    resumed = make_session(make_engine(server, tmp_path / "c"))
    assert [c.text for c in resumed.complete_all(jobs(4))] == _answers(4)
    assert len(server.batches.created) == 1 and list((tmp_path / "c" / "batches").glob("*.intent")) == []


def test_a_lost_create_reply_is_found_before_retrying(make_server, tmp_path):
    """The server made the batch but the reply was lost: the retry finds it instead of making another."""
    server = make_server()
    engine = make_engine(server, tmp_path / "c")
    batches = engine.client.messages.batches
    create, calls = batches.create, []

    def create_then_lose_the_reply(**kwargs):
        calls.append(1)
        create(**kwargs)
        if len(calls) == 1:
            raise engine._anthropic.APIConnectionError(request=None)
        pytest.fail("created a second batch")

    session = make_session(engine)
    session.api.batches = batches
    batches.create = create_then_lose_the_reply
    assert [c.text for c in session.complete_all(jobs(5))] == _answers(5)
    assert len(server.batches.created) == 1 == len(calls)


def test_a_batch_in_flight_at_a_kill_is_reported_unaccounted_then_settled_by_the_resume(make_server, tmp_path):
    server = make_server(processing_delay_s=0.2)
    run_dir, cache = tmp_path / "run", tmp_path / "c"

    def kill(status):
        raise KeyboardInterrupt

    first = Ledger()
    RunStore(run_dir).attach(first, None)
    engine = make_engine(server, cache, first)
    with pytest.raises(KeyboardInterrupt):
        make_session(engine, on_poll=kill).complete_all(jobs(6))
    worst = make_session(engine)._worst_case(job.request for job in jobs(6))
    left = RunStore(run_dir).unaccounted()
    assert left.calls == 6 and math.isclose(left.worst_case_usd, worst, rel_tol=1e-12) and worst > 0
    report = spend_text({"total": first.totals().to_dict(), "unaccounted": left.to_dict()})
    assert f"up to ${worst:.4f} unaccounted: 6 calls were in flight" in report

    resumed = Ledger()
    assert RunStore(run_dir).attach(resumed, None).calls == 6
    assert resumed.unaccounted.calls == 6
    make_session(make_engine(server, cache, resumed)).complete_all(jobs(6))
    assert resumed.unaccounted.calls == 0 and RunStore(run_dir).unaccounted().calls == 0
    assert math.isclose(resumed.totals().billed_usd, server.batches.billed_usd(PRICES), rel_tol=1e-12)


def test_a_refused_batch_leaves_no_intent(make_server, tmp_path):
    server = make_server(max_requests=2)
    ledger = Ledger()
    RunStore(tmp_path / "run").attach(ledger, None)
    session = make_session(make_engine(server, tmp_path / "c", ledger))
    session.limits = type(session.limits)(max_requests=10)
    with pytest.raises(EngineError, match="refused the batch"):
        session.complete_all(jobs(3))
    assert RunStore(tmp_path / "run").unaccounted().calls == 0
    assert list((tmp_path / "c" / "batches").glob("*.intent")) == []
