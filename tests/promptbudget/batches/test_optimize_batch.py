"""optimize --batch against the fake server: half price, identical results, crash-safe, bad input."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from promptbudget.optimize.cli import main

from tests.support.fake_anthropic import FakeAnthropicServer
from tests.support.fake_batches import BatchSettings

REPO = Path(__file__).resolve().parents[3]
MODEL = "claude-haiku-4-5"
SYNC_PRICE = {"input": 1.0, "output": 5.0}
ARGS = ["--model", f"anthropic/{MODEL}", "--task", "GSM8K_DSPy", "--max_epochs", "1", "--steps_per_epoch", "1",
        "--batch_size", "2", "--eval_samples", "5", "--test_samples", "8", "--no_thinking_enabled", "--quiet",
        "--batch_poll_s", "0.05", "--yes"]
BATCHED_PHASES = {"initial test", "validation v0", "final test"}


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def optimize(monkeypatch, capsys):
    """Run the optimize command in this process (the kill test runs it as a subprocess)."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")

    def run(server, workdir: Path, *extra: str) -> Result:
        capsys.readouterr()
        code = main(command_args(server, workdir, *extra))
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run


def command_args(server, workdir: Path, *extra: str) -> list[str]:
    return [*ARGS, "--base_url", server.base_url, "--output_dir", str(workdir / "out"),
            "--cache_dir", str(workdir / "cache"), *extra]


def outputs(workdir: Path) -> tuple[dict, list[dict]]:
    (run_dir,) = (workdir / "out").iterdir()
    summary = json.loads((run_dir / "summary.json").read_text())
    calls = [json.loads(line) for line in (run_dir / "calls.jsonl").read_text().splitlines()]
    return summary, calls


def server_billed(server: FakeAnthropicServer) -> float:
    sync = server.total_sent_usage()
    sync_usd = (sync["input_tokens"] * SYNC_PRICE["input"] + sync["output_tokens"] * SYNC_PRICE["output"]) / 1e6
    return sync_usd + server.batches.billed_usd({MODEL: SYNC_PRICE})


@pytest.fixture
def server():
    with FakeAnthropicServer(batches=BatchSettings(processing_delay_s=0.1)) as fake:
        yield fake


def test_batch_halves_the_evaluation_bill_with_identical_results(optimize, server, tmp_path):
    assert optimize(server, tmp_path / "sync").returncode == 0
    done = optimize(server, tmp_path / "batch", "--batch")
    assert done.returncode == 0, done.stderr
    sync_summary, sync_calls = outputs(tmp_path / "sync")
    batch_summary, batch_calls = outputs(tmp_path / "batch")
    assert batch_summary["initial"] == sync_summary["initial"]
    assert batch_summary["validation"] == sync_summary["validation"]

    def billed(calls, batched):
        return sum(c["billed_usd"] for c in calls if (c["scope"].get("phase") in BATCHED_PHASES) == batched)

    assert billed(batch_calls, True) > 0
    assert math.isclose(billed(batch_calls, True), 0.5 * billed(sync_calls, True), rel_tol=1e-9)
    assert math.isclose(billed(batch_calls, False), billed(sync_calls, False), rel_tol=1e-9)
    batched = [c for c in batch_calls if c["scope"].get("phase") in BATCHED_PHASES]
    assert {c["price_tier"] for c in batched} == {"batch"} and all(c["batch_id"] for c in batched)
    assert {c["price_tier"] for c in batch_calls if c not in batched} == {"standard"}
    assert len(server.batches.created) == 2  # initial test and initial validation
    tiers = batch_summary["ledger"]["by_price_tier"]
    assert tiers["batch"]["calls"] == 13 and math.isclose(tiers["batch"]["billed_usd"], billed(batch_calls, True))


def test_sigkill_while_polling_then_resume_creates_one_batch(optimize, tmp_path):
    with FakeAnthropicServer(batches=BatchSettings(processing_delay_s=0.1)) as reference:
        assert optimize(reference, tmp_path / "ref", "--batch").returncode == 0
    with FakeAnthropicServer(batches=BatchSettings(processing_delay_s=6.0)) as server:
        env = {**os.environ, "ANTHROPIC_API_KEY": "test-key"}
        running = subprocess.Popen([sys.executable, str(REPO / "balanced_prompt_optimization.py"),
                                    *command_args(server, tmp_path / "killed", "--batch")],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        states = tmp_path / "killed" / "cache" / "batches"
        deadline = time.monotonic() + 120
        while not list(states.glob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(states.glob("*.json")), running.communicate()[1]
        time.sleep(0.3)  # it is polling now
        os.kill(running.pid, signal.SIGKILL)
        running.communicate()
        assert len(server.batches.created) == 1
        resumed = optimize(server, tmp_path / "killed", "--batch", "--resume")
        assert resumed.returncode == 0, resumed.stderr
        summary, calls = outputs(tmp_path / "killed")
        assert len(server.batches.created) == 2  # the re-attached test batch, then the validation batch
        assert math.isclose(summary["ledger"]["total"]["billed_usd"], server_billed(server), rel_tol=1e-9)
        assert math.isclose(sum(c["billed_usd"] for c in calls), server_billed(server), rel_tol=1e-9)
    ref_summary, _ = outputs(tmp_path / "ref")
    assert summary["initial"] == ref_summary["initial"] and summary["final"] == ref_summary["final"]
    assert list(states.glob("*.json")) == []


@pytest.mark.parametrize("extra,message", [
    (["--batch", "--no_cache"], "drop --no_cache"),
    (["--batch_validation"], "--batch_validation only applies with --batch"),
    (["--batch_fallback"], "--batch_fallback only applies with --batch"),
    (["--batch", "--batch_validation", "--no_run_validation"], "nothing to send"),
    (["--batch", "--batch_poll_s", "0"], "--batch_poll_s must be"),
])
def test_bad_batch_flags_exit_2_and_write_nothing(optimize, server, tmp_path, extra, message):
    result = optimize(server, tmp_path, *extra)
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("error:") == 1
    assert not (tmp_path / "out").exists() and server.requests == [] and server.batches.created == []


def test_a_server_without_the_batches_api_is_refused_before_any_spend(optimize, tmp_path):
    with FakeAnthropicServer(serve_batches_api=False) as server:
        result = optimize(server, tmp_path, "--batch")
        assert result.returncode == 2, result.stderr
        assert "no Message Batches API" in result.stderr and "--batch_fallback" in result.stderr
        assert not (tmp_path / "out").exists() and server.requests == []
        fallback = optimize(server, tmp_path, "--batch", "--batch_fallback")
        assert fallback.returncode == 0, fallback.stderr
        assert "making the calls synchronously" in fallback.stderr
        _, calls = outputs(tmp_path)
        assert {c["price_tier"] for c in calls} == {"standard"}


def test_mock_engine_with_batch_exits_2(tmp_path, capsys):
    code = main(["--model", "mock", "--batch", "--output_dir", str(tmp_path / "out"), "--cache_dir",
                 str(tmp_path / "c"), "--quiet"])
    result = capsys.readouterr()
    assert code == 2 and "the mock engine" in result.err and "no Message Batches API" in result.err
    assert not (tmp_path / "out").exists()


def test_flag_prefixes_are_not_abbreviations(server, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(command_args(server, tmp_path, "--batch_s", "2"))
    assert exited.value.code == 2 and "unrecognized arguments: --batch_s" in capsys.readouterr().err


def test_dry_run_shows_both_prices(optimize, server, tmp_path):
    result = optimize(server, tmp_path, "--dry_run", "--batch", "--batch_validation")
    assert result.returncode == 0, result.stderr
    assert "Ceiling with --batch" in result.stdout and "candidate validation" in result.stdout
    line = next(row for row in result.stdout.splitlines() if row.startswith("initial test"))
    sync_usd, batch_usd = (float(cell.strip("$")) for cell in line.split()[-2:])
    assert math.isclose(batch_usd, sync_usd / 2, rel_tol=1e-3)
    assert server.batches.created == [] and server.requests == []


def _improving(body: dict):
    from tests.support.fake_anthropic import Reply

    text = json.dumps(body["messages"])
    if "IMPROVED_VARIABLE" in text:
        return Reply(text="<IMPROVED_VARIABLE>Be brief. End with 'Answer: N'.</IMPROVED_VARIABLE>")
    if "Be brief." in (body.get("system") or ""):
        return Reply(text="Answer: 42")
    return Reply(text="Let me think about this step by step before I answer it. Answer: 42")


def test_batch_validation_sends_candidate_validation_through_batches(optimize, tmp_path):
    with FakeAnthropicServer(responder=_improving, batches=BatchSettings()) as server:
        done = optimize(server, tmp_path, "--batch", "--batch_validation", "--accuracy_weight", "0",
                        "--efficiency_weight", "1")
        assert done.returncode == 0, done.stderr
    summary, calls = outputs(tmp_path)
    candidate = [c for c in calls if c["scope"].get("phase", "").startswith("validation v") and
                 c["scope"]["phase"] != "validation v0"]
    assert candidate and {c["price_tier"] for c in candidate} == {"batch"}
    assert len(candidate) == 5  # the whole validation subset: no early stop inside a batch
    training = [c for c in calls if c["role"] in ("feedback", "optimizer")]
    assert training and {c["price_tier"] for c in training} == {"standard"}
