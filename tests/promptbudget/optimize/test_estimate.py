"""The dry run's cost ceiling is a true upper bound: runs that spend near the worst case stay under it."""

from __future__ import annotations

import collections
import json

import pytest

from promptbudget.optimize import cli
from promptbudget.optimize.config import OptimizeConfig, build_parser
from promptbudget.optimize.estimate import ceiling_plan, ceiling_usd
from promptbudget.optimize.loop import OptimizationRun
from promptbudget.pricing import load_prices
from promptbudget.engines import Usage
from tests.support.fake_anthropic import FakeAnthropicServer

from .worst_case_server import worst_case_responder

BASE = ["--task", "GSM8K_DSPy", "--max_epochs", "2", "--steps_per_epoch", "2", "--batch_size", "2",
        "--eval_samples", "4", "--test_samples", "4", "--num_threads", "2", "--quiet",
        "--max_tokens", "2048", "--optimizer_max_tokens", "300", "--yes"]
SONNET = ["--model", "claude-sonnet-4-5-20250929", "--thinking_budget", "1024"]
CONFIGS = {
    "validation, both focuses": [*SONNET],
    "no validation, both focuses": [*SONNET, "--no_run_validation"],
    "accuracy focus only": [*SONNET, "--accuracy_weight", "1", "--efficiency_weight", "0"],
    "efficiency focus only": [*SONNET, "--accuracy_weight", "0", "--efficiency_weight", "1"],
    # 40 validation items: fewer cannot bound a thinking cut (optimize/cuts.py), so no cut would be tried.
    "joint search over a budget ladder": [*SONNET, "--budgets", "0", "1024", "--efficiency_weight", "0.8",
                                          "--accuracy_weight", "0.2", "--eval_samples", "40"],
    "adaptive thinking, effort ladder, cheaper optimizer model": [
        "--model", "claude-opus-4-7", "--effort", "medium", "--efforts", "low", "medium", "high",
        "--optimizer_model", "claude-haiku-4-5", "--eval_samples", "40"],
}


def _args(server, tmp_path, extra):
    return [*BASE, *extra, "--base_url", server.base_url, "--output_dir", str(tmp_path / "out"),
            "--cache_dir", str(tmp_path / "cache")]


def _server_spend(server) -> float:
    """What the fake server billed, priced independently of the run's own ledger."""
    prices = load_prices()
    total = 0.0
    for request, usage in zip(server.requests, server.sent_usage):
        price = prices.price_for("anthropic", request["body"]["model"])
        total += price.cost(Usage(input_tokens=usage["input_tokens"], output_tokens=usage["output_tokens"]))
    return total


@pytest.mark.parametrize("name", list(CONFIGS))
def test_actual_spend_never_exceeds_the_dry_run_ceiling(name, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-ceiling")
    with FakeAnthropicServer(responder=worst_case_responder) as server:
        args = _args(server, tmp_path, CONFIGS[name])
        config = OptimizeConfig.from_args(build_parser().parse_args([*args, "--dry_run"]))
        rows = ceiling_plan(OptimizationRun(config))
        ceiling = ceiling_usd(rows)
        server.reset()
        assert cli.main(args) == 0
        spent = _server_spend(server)
        (summary_path,) = (tmp_path / "out").glob("*/summary.json")
        summary = json.loads(summary_path.read_text())
    assert summary["ledger"]["total"]["billed_usd"] == pytest.approx(spent)
    assert ceiling is not None and 0 < spent <= ceiling
    planned = collections.Counter()
    for row in rows:
        planned[row.role] += row.calls
    made = collections.Counter(json.loads(line)["role"] for line in
                               (summary_path.parent / "calls.jsonl").read_text().splitlines())
    for role, count in made.items():
        assert count <= planned[role], f"{role}: {count} calls made, {planned[role]} planned"
    # The run did pay for what the old ceiling left out: candidates that passed the minibatch gate.
    assert any(step["minibatch_gate"] for step in summary["steps"])
    if "ladder" in name:
        assert any(step["move"]["kind"] == "thinking" for step in summary["steps"])
        assert summary["ladder_stage"]["tried"] and any(row.phase == "ladder stage" for row in rows)


def test_every_phase_a_step_can_pay_for_is_planned(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-ceiling")
    with FakeAnthropicServer(responder=worst_case_responder) as server:
        config = OptimizeConfig.from_args(build_parser().parse_args([*_args(server, tmp_path, SONNET), "--dry_run"]))
        phases = {row.phase: row for row in ceiling_plan(OptimizationRun(config))}
    assert phases["minibatch gate"].calls == 4 * 2
    assert phases["candidate validation"].calls == 4 * 4
    assert phases["feedback (backward)"].calls == 4 * 2
    assert phases["optimizer (TGD)"].calls == 4
    # A prompt the optimizer writes can be as long as its max_tokens: later answers carry it.
    assert phases["final test"].max_input_tokens >= phases["initial test"].max_input_tokens + 300
