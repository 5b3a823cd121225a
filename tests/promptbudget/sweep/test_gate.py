"""A paid sweep with neither --max_cost, --sweep_max_cost nor --yes shows the summed ceiling and asks first."""

from __future__ import annotations

import io
import json

import pytest

from promptbudget.sweep.cli import main
from promptbudget.sweep.plan import build_parser, plan_sweep
from tests.support.fake_anthropic import FakeAnthropicServer

ARGS = ["--task", "GSM8K_DSPy", "--model", "claude-haiku-4-5", "--max_epochs", "1", "--steps_per_epoch", "1",
        "--batch_size", "2", "--eval_samples", "3", "--test_samples", "3", "--quiet", "--no_thinking_search",
        "--configs", "0.3,0.7", "0.7,0.3"]


class Terminal(io.StringIO):
    """A stdin that says it is a terminal and holds what the user types."""

    def isatty(self) -> bool:
        return True


def sweep_args(server, tmp_path, *extra):
    return [*ARGS, *extra, "--base_url", server.base_url, "--output_dir", str(tmp_path / "out"),
            "--cache_dir", str(tmp_path / "cache")]


def summed_ceiling(args) -> float:
    plan = plan_sweep(build_parser().parse_args(args), with_calls=True)
    return sum(row["ceiling_usd"] for spec in plan.runs for row in spec.planned_calls)


def test_not_interactive_exits_2_with_the_summed_ceiling_and_calls_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-sweep-gate")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with FakeAnthropicServer() as server:
        args = sweep_args(server, tmp_path)
        ceiling = summed_ceiling(args)
        server.reset()
        assert main(args) == 2
        assert server.requests == []
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and f"its 2 runs can cost at most ${ceiling:.2f}" in err
    assert "--max_cost" in err and "--sweep_max_cost" in err and "--yes" in err
    assert not (tmp_path / "out").exists()


def test_interactive_no_calls_nothing_and_yes_runs_the_sweep(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-sweep-gate")
    with FakeAnthropicServer() as server:
        args = sweep_args(server, tmp_path)
        server.reset()
        monkeypatch.setattr("sys.stdin", Terminal("n\n"))
        assert main(args) == 2
        assert server.requests == [] and not (tmp_path / "out").exists()
        assert "not confirmed" in capsys.readouterr().err
        monkeypatch.setattr("sys.stdin", Terminal("y\n"))
        assert main(args) == 0
        assert server.requests
    summary = json.loads((tmp_path / "out" / "sweep_summary.json").read_text())
    assert [row["status"] for row in summary["rows"]] == ["completed", "completed"]


@pytest.mark.parametrize("extra", [["--max_cost", "1"], ["--sweep_max_cost", "1"], ["--yes"]])
def test_a_cap_or_yes_needs_no_confirmation(tmp_path, monkeypatch, extra):
    from promptbudget.sweep.gate import confirm_sweep

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-sweep-gate")
    with FakeAnthropicServer() as server:
        args = build_parser().parse_args(sweep_args(server, tmp_path, *extra))
        plan = plan_sweep(args, with_calls=True)
        confirm_sweep(plan, args, stdin=io.StringIO(""), ask=lambda text: pytest.fail("asked"))


def test_free_engines_are_never_gated(tmp_path):
    from promptbudget.sweep.gate import confirm_sweep

    args = build_parser().parse_args(["--model", "mock", "--configs", "0.5,0.5", "--output_dir", str(tmp_path / "o"),
                                      "--cache_dir", str(tmp_path / "c")])
    confirm_sweep(plan_sweep(args, with_calls=True), args, stdin=io.StringIO(""),
                  ask=lambda text: pytest.fail("asked"))
