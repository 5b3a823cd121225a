"""`--dry_run --pilot N`: the expected cost measured from a pilot, checked against real runs on the fake server."""

from __future__ import annotations

import collections
import json

import pytest

from promptbudget.engines.mock import FEEDBACK_MARKER, OPTIMIZER_MARKER, MockEngine, unit_hash
from promptbudget.optimize import cli
from promptbudget.optimize.config import OptimizeConfig, build_parser
from promptbudget.optimize.estimate import ceiling_plan, ceiling_usd
from promptbudget.optimize.loop import OptimizationRun
from promptbudget.optimize.pilot import run_pilot
from promptbudget.runtime import Runtime
from tests.support.fake_anthropic import FakeAnthropicServer, Reply

from .test_estimate import _server_spend
from .worst_case_server import worst_case_responder

_GOLD = MockEngine()
BASE = ["--task", "GSM8K_DSPy", "--max_epochs", "2", "--steps_per_epoch", "2", "--batch_size", "2",
        "--eval_samples", "6", "--test_samples", "6", "--num_threads", "2", "--quiet",
        "--max_tokens", "2048", "--optimizer_max_tokens", "300", "--yes"]
SONNET = ["--model", "claude-sonnet-4-5-20250929", "--thinking_budget", "1024"]
PROMPT_ONLY = [*SONNET, "--no_thinking_search"]  # the joint search is the default; these flows are prompt-only
CONFIGS = {
    "validation, both focuses": [*SONNET],
    "adaptive thinking, cheaper optimizer model": ["--model", "claude-opus-4-7", "--effort", "medium",
                                                   "--optimizer_model", "claude-haiku-4-5"],
    "joint search over a budget ladder": [*SONNET, "--budgets", "0", "1024", "--efficiency_weight", "0.8",
                                          "--accuracy_weight", "0.2"],
    "no validation, accuracy focus, 3x3 steps of 3": [*SONNET, "--no_run_validation", "--accuracy_weight", "1",
                                                      "--efficiency_weight", "0", "--max_epochs", "3",
                                                      "--steps_per_epoch", "3", "--batch_size", "3"],
}


def varied_responder(body: dict) -> Reply:
    """Answers bill a spread of output tokens well under max_tokens; helper calls write their worst case."""
    system = body.get("system") or ""
    system = system if isinstance(system, str) else "".join(b.get("text", "") for b in system)
    prompt = body["messages"][-1]["content"]
    prompt = prompt if isinstance(prompt, str) else "".join(b.get("text", "") for b in prompt)
    if FEEDBACK_MARKER in system or OPTIMIZER_MARKER in system or OPTIMIZER_MARKER in prompt:
        return worst_case_responder(body)
    gold = _GOLD.gold(prompt) or "0"
    answer = gold if unit_hash("right", system, prompt) < 0.6 else f"{gold}1"
    billed = 200 + int(unit_hash("tokens", prompt) * 600)
    thinking = body.get("thinking") or {}
    on = thinking.get("type") in ("enabled", "adaptive")
    return Reply(text=f"Working it out.\nAnswer: {answer}", thinking="(thinking)" if on else None,
                 thinking_tokens=billed // 2 if on else None, output_tokens=billed)


def _args(server, tmp_path, extra, cache="cache"):
    return [*BASE, *extra, "--base_url", server.base_url, "--output_dir", str(tmp_path / "out"),
            "--cache_dir", str(tmp_path / cache)]


def _pilot(server, tmp_path, extra, size=3):
    config = OptimizeConfig.from_args(build_parser().parse_args([*_args(server, tmp_path, extra), "--dry_run",
                                                                 "--pilot", str(size)]))
    runtime = Runtime(config.runtime())
    try:
        return run_pilot(OptimizationRun(config, runtime=runtime)), runtime.ledger
    finally:
        runtime.close()


def _pilot_and_run(extra, tmp_path):
    """The pilot's projection, the ceiling, and the same configuration run for real on an empty cache."""
    with FakeAnthropicServer(responder=varied_responder) as server:
        result, ledger = _pilot(server, tmp_path, extra)
        pilot_spend = _server_spend(server)
        config = OptimizeConfig.from_args(build_parser().parse_args([*_args(server, tmp_path, extra), "--dry_run"]))
        ceiling = ceiling_usd(ceiling_plan(OptimizationRun(config)))
        server.reset()
        assert cli.main(_args(server, tmp_path, extra, cache="fresh")) == 0
        actual = _server_spend(server)
    assert result.cost_usd == pytest.approx(pilot_spend) and ledger.spent_usd == pytest.approx(pilot_spend)
    return result, ceiling, actual


@pytest.mark.parametrize("name", list(CONFIGS))
def test_the_projection_is_within_35_percent_of_the_actual_spend(name, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-pilot")
    result, ceiling, actual = _pilot_and_run(CONFIGS[name], tmp_path)
    assert abs(result.expected_usd - actual) <= 0.35 * actual, (result.expected_usd, actual)
    assert result.low_usd <= result.expected_usd <= result.high_usd < ceiling


def test_a_lucky_run_lies_outside_the_goal_and_the_range(tmp_path, monkeypatch):
    """Measured, not hidden: this run answered 7 of its 8 training items right (the fake server's rate is
    0.6), so three of its four accuracy steps had nothing to fix and it spent far less than expected."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-pilot")
    lucky = [*SONNET, "--no_run_validation", "--accuracy_weight", "1", "--efficiency_weight", "0"]
    result, ceiling, actual = _pilot_and_run(lucky, tmp_path)
    assert actual < result.low_usd < result.expected_usd < ceiling
    assert result.expected_usd > 1.35 * actual


def test_the_simulation_makes_the_calls_the_loop_makes(tmp_path, monkeypatch):
    """Both epochs of seed 0 draw the efficiency focus and the fake server's tokens ignore the prompt, so every
    gate ties and fails: the simulated counts are exact, and must be the real run's, phase by phase."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-pilot")
    result, _, _ = _pilot_and_run(PROMPT_ONLY, tmp_path)
    (calls,) = (tmp_path / "out").glob("*/calls.jsonl")
    made = collections.Counter(json.loads(line)["scope"]["phase"] for line in calls.read_text().splitlines())
    real = {"initial test": made["initial test"], "initial validation": made["validation v0"],
            "training answers": made["train"], "feedback (backward)": made["feedback"],
            "optimizer (TGD)": made["optimizer"], "minibatch gate": made["minibatch gate"],
            "candidate validation": 0, "final test": 0}
    assert sum(made.values()) == sum(real.values()) == 6 + 6 + 8 + 8 + 4 + 8
    assert {row.phase: row.calls for row in result.rows} == real


@pytest.mark.parametrize("size", ["0", "-1", "7"])
def test_a_bad_pilot_size_exits_2_with_one_message_and_writes_nothing(size, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-pilot")
    with FakeAnthropicServer(responder=varied_responder) as server:
        code = cli.main([*_args(server, tmp_path, SONNET), "--dry_run", "--pilot", size])
        requests = list(server.requests)
    err = capsys.readouterr().err.strip()
    assert code == 2 and requests == []
    assert "--pilot" in err and len(err.splitlines()) == 1
    # Building the plan stores the model's capabilities (as every --dry_run does); no reply is cached.
    written = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and "capabilities" not in p.parts]
    assert not (tmp_path / "out").exists() and written == []


def test_pilot_needs_dry_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-pilot")
    with FakeAnthropicServer(responder=varied_responder) as server:
        code = cli.main([*_args(server, tmp_path, SONNET), "--pilot", "2"])
        assert server.requests == []
    assert code == 2 and "--dry_run" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_run_reuses_the_pilot_answers_from_the_cache(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-pilot")
    with FakeAnthropicServer(responder=varied_responder) as server:
        assert cli.main([*_args(server, tmp_path, PROMPT_ONLY), "--dry_run", "--pilot", "3"]) == 0
        out = capsys.readouterr().out
        pilot_requests = len(server.requests)
        assert cli.main(_args(server, tmp_path, PROMPT_ONLY)) == 0
    # 3 pilot items; the first (efficiency) step: 2 training answers, 2 feedback calls, 1 optimizer call,
    # the candidate on the 2 training items (the gate) and on the 3 pilot items.
    assert pilot_requests == 3 + 2 + 2 + 1 + 2 + 3
    assert "pilot: 3 validation items and the first training batch" in out and "13 paid calls" in out and "expected cost $" in out
    assert "how the estimate was made" in out and "sk-test-pilot" not in out
    (calls,) = (tmp_path / "out").glob("*/calls.jsonl")
    records = [json.loads(line) for line in calls.read_text().splitlines()]
    cached = collections.Counter(r["role"] for r in records if r["cached"])
    # The run's first step is the pilot step: its answers, feedback and TGD call all come from the cache.
    assert cached["answer"] >= 3 + 2 + 2 and cached["feedback"] == 2 and cached["optimizer"] == 1
