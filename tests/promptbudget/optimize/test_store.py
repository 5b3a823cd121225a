"""The run directory's money files: the intents journal, recovery on resume, write failures.

Runs go through the real anthropic SDK to the loopback fake server, whose record of the replies
it sent is what "the server billed" means here.
"""

from __future__ import annotations

import errno
import json

import pytest

from promptbudget.cache import RequestCache
from promptbudget.engines.types import Completion, Usage
from promptbudget.ledger import Ledger
from promptbudget.optimize import store as store_module
from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.loop import OptimizationRun
from promptbudget.optimize.store import RunStore
from promptbudget.pricing import load_prices
from tests.support.fake_anthropic import FakeAnthropicServer, Reply

MODEL = "claude-haiku-4-5"


def server_billed(server: FakeAnthropicServer) -> float:
    price = load_prices().prices[MODEL]
    sent = server.total_sent_usage()
    return (sent["input_tokens"] * price.input + sent["output_tokens"] * price.output) / 1_000_000


def config(tmp_path, server, **overrides) -> OptimizeConfig:
    settings = dict(task="GSM8K_DSPy", model=f"anthropic/{MODEL}", base_url=server.base_url, max_epochs=2,
                    steps_per_epoch=1, batch_size=2, eval_samples=4, test_samples=6, num_threads=4,
                    thinking_enabled=False, max_tokens=300, optimizer_max_tokens=300,
                    output_dir=str(tmp_path / "results"), cache_dir=str(tmp_path / "cache"), quiet=True)
    return OptimizeConfig(**{**settings, **overrides})


class FullDisk:
    """After `after` replies, appends and new files in the run directory fail with ENOSPC."""

    def __init__(self, monkeypatch, after: int):
        self.after, self.replies, self.full = after, 0, False
        for name in ("append_jsonl", "write_json_atomic"):
            original = getattr(store_module, name)
            monkeypatch.setattr(store_module, name, self._failing(original))

    def _failing(self, original):
        def write(*args, **kwargs):
            if self.full:
                raise OSError(errno.ENOSPC, "No space left on device")
            return original(*args, **kwargs)
        return write

    def responder(self, body: dict) -> Reply:
        self.replies += 1
        if self.replies >= self.after:
            self.full = True
        return Reply(text="Reasoning about it.\nAnswer: 42")


def test_a_full_disk_mid_run_loses_no_paid_call_and_the_run_says_failed(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    disk = FullDisk(monkeypatch, after=10)
    with FakeAnthropicServer(responder=disk.responder) as server:
        failed = OptimizationRun(config(tmp_path, server)).run()
        assert failed.status == "failed"
        assert "No space left on device" in failed.error and "--resume" in failed.error
        run_dir = tmp_path / "results" / failed.run_id
        on_disk = json.loads((run_dir / "summary.json").read_text())
        assert on_disk["status"] == "failed" and on_disk["error"] == failed.error
        assert RunStore(run_dir).unaccounted().calls >= 1  # replies the full disk kept out of calls.jsonl

        disk.full, disk.after = False, 10**9  # the disk is fixed
        resumed = OptimizationRun(config(tmp_path, server, resume=True)).run()
        assert resumed.status == "completed"
        total = resumed.ledger.total
        assert total.engine_calls == server.total_sent_usage()["calls"]
        assert total.billed_usd == pytest.approx(server_billed(server), abs=1e-9)
        assert resumed.ledger.unaccounted.to_json() == {"calls": 0, "worst_case_usd": 0.0, "unpriced_calls": 0}
        calls = [json.loads(line) for line in (run_dir / "calls.jsonl").read_text().splitlines()]
        assert sum(c["billed_usd"] for c in calls) == pytest.approx(server_billed(server), abs=1e-9)


def _intent(call_id: str, key: str | None, worst: float) -> dict:
    return {"call_id": call_id, "time": 5.0, "worst_case_usd": worst, "scope": {"checkpoint": 2},
            "role": "answer", "engine": "anthropic", "model": MODEL, "cache_key": key,
            "price": {"input": 1.0, "output": 5.0, "cache_write_5m": 0, "cache_write_1h": 0, "cache_read": 0}}


def test_open_intents_are_recovered_from_the_cache_when_it_holds_their_reply_and_counted_otherwise(tmp_path):
    store, cache = RunStore(tmp_path / "run"), RequestCache(tmp_path / "cache")
    reply = Completion(text="Answer: 1", usage=Usage(input_tokens=1000, output_tokens=2000), stop_reason="end_turn",
                       model=MODEL)
    cache.put("k-cached", {"request": 1}, reply, call_id="c1")
    cache.put("k-other", {"request": 2}, reply, call_id="someone else")  # another call's reply: not ours
    for intent in (_intent("c1", "k-cached", 0.5), _intent("c2", "k-other", 0.25), _intent("c3", None, 0.125),
                   _intent("c4", "k-done", 1.0)):
        store.begin(intent)
    store.end("c4", "recorded")
    assert store.unaccounted().calls == 3 and store.unaccounted().worst_case_usd == pytest.approx(0.875)

    ledger = Ledger(max_cost=1.0)
    unaccounted = store.attach(ledger, cache)
    assert (unaccounted.calls, unaccounted.worst_case_usd) == (2, pytest.approx(0.375))
    (orphan,) = store.load_orphans()
    assert (orphan.call_id, orphan.billed_usd, orphan.timestamp) == ("c1", pytest.approx(0.011), 5.0)
    assert ledger.claim_orphan("k-cached").call_id == "c1"
    assert ledger.summary()["unaccounted"]["calls"] == 2
    assert store.unaccounted().calls == 2  # c1 now has a record; attaching again finds the same two


def _recorded_billed(run_dir) -> float:
    calls = [json.loads(line) for line in (run_dir / "calls.jsonl").read_text().splitlines() if line.strip()]
    entered = {(c["cache_key"], c["timestamp"]) for c in calls}
    orphans = (run_dir / "orphans.jsonl")
    set_aside = [json.loads(line) for line in orphans.read_text().splitlines() if line.strip()] if orphans.exists() else []
    return sum(c["billed_usd"] for c in calls) + sum(
        o["billed_usd"] for o in set_aside if (o["cache_key"], o["timestamp"]) not in entered)


def test_after_chained_sigkills_every_billed_call_is_recorded_or_reported_as_unaccounted(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    from .helpers import REPO

    env = {**os.environ, "ANTHROPIC_API_KEY": "test-key"}
    with FakeAnthropicServer(latency_s=0.1) as server:
        args = [sys.executable, str(REPO / "balanced_prompt_optimization.py"), "--task", "GSM8K_DSPy",
                "--model", f"anthropic/{MODEL}", "--base_url", server.base_url, "--max_epochs", "3",
                "--steps_per_epoch", "1", "--batch_size", "2", "--eval_samples", "6", "--test_samples", "8",
                "--num_threads", "4", "--no_thinking_enabled", "--max_tokens", "300", "--quiet",
                "--output_dir", "results", "--cache_dir", "cache", "--yes"]
        for attempt, served_before_kill in enumerate((6, 14)):
            process = subprocess.Popen(args + (["--resume"] if attempt else []), cwd=tmp_path, env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 120
            while server.total_sent_usage()["calls"] < served_before_kill and time.time() < deadline:
                time.sleep(0.01)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            (run_dir,) = [p.parent for p in (tmp_path / "results").glob("*/summary.json")]
            left = RunStore(run_dir).unaccounted()
            recorded, billed = _recorded_billed(run_dir), server_billed(server)
            assert recorded <= billed + 1e-9 <= recorded + left.worst_case_usd + 2e-9, (attempt, left)
        finished = subprocess.run(args + ["--resume"], check=False, cwd=tmp_path, env=env, capture_output=True,
                                  text=True, timeout=300)
        assert finished.returncode == 0, finished.stderr
        summary = json.loads((run_dir / "summary.json").read_text())
        total, left = summary["ledger"]["total"], summary["ledger"]["unaccounted"]
        billed = server_billed(server)
        assert total["billed_usd"] <= billed + 1e-9 <= total["billed_usd"] + left["worst_case_usd"] + 2e-9
        assert total["engine_calls"] <= server.total_sent_usage()["calls"] <= total["engine_calls"] + left["calls"]
        if left["calls"]:
            assert f"up to ${left['worst_case_usd']:.4f} unaccounted" in finished.stdout
