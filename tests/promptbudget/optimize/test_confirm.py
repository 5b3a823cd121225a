"""A paid run with neither --max_cost nor --yes asks first, or exits 2 with its ceiling when it cannot ask."""

from __future__ import annotations

import io

import pytest

from promptbudget.errors import UsageError
from promptbudget.optimize import cli
from promptbudget.optimize.confirm import confirm_spending
from promptbudget.optimize.config import OptimizeConfig, build_parser
from promptbudget.optimize.loop import OptimizationRun
from tests.support.fake_anthropic import FakeAnthropicServer

ARGS = ["--task", "GSM8K_DSPy", "--model", "claude-haiku-4-5", "--max_epochs", "1", "--steps_per_epoch", "1",
        "--batch_size", "2", "--eval_samples", "3", "--test_samples", "3", "--quiet"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def make_run(server, tmp_path, *extra):
    args = [*ARGS, *extra, "--base_url", server.base_url, "--output_dir", str(tmp_path / "out"),
            "--cache_dir", str(tmp_path / "cache")]
    return OptimizationRun(OptimizeConfig.from_args(build_parser().parse_args(args))), args


def test_not_interactive_exits_2_with_the_ceiling_and_calls_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-confirm")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with FakeAnthropicServer() as server:
        _, args = make_run(server, tmp_path)
        server.reset()
        assert cli.main(args) == 2
        assert server.requests == []
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and "can cost at most $" in err and "--max_cost" in err and "--yes" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("reply, goes_ahead", [("y", True), ("yes", True), ("", False), ("n", False)])
def test_interactive_asks_with_the_estimate(tmp_path, monkeypatch, reply, goes_ahead):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-confirm")
    asked = []
    with FakeAnthropicServer() as server:
        run, _ = make_run(server, tmp_path)
        ask = lambda text: asked.append(text) or reply  # noqa: E731
        if goes_ahead:
            confirm_spending(run, stdin=Terminal(), ask=ask)
        else:
            with pytest.raises(UsageError, match="not confirmed"):
                confirm_spending(run, stdin=Terminal(), ask=ask)
    assert "this run can cost at most $" in asked[0]


@pytest.mark.parametrize("extra", [["--max_cost", "1"], ["--yes"], ["--dry_run"]])
def test_a_cap_yes_or_a_dry_run_needs_no_confirmation(tmp_path, monkeypatch, extra):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-confirm")
    with FakeAnthropicServer() as server:
        run, _ = make_run(server, tmp_path, *extra)
        confirm_spending(run, stdin=io.StringIO(""), ask=lambda text: pytest.fail("asked"))


def test_free_engines_are_never_gated(tmp_path):
    config = OptimizeConfig(model="mock", output_dir=str(tmp_path / "out"), cache_dir=str(tmp_path / "c"))
    confirm_spending(OptimizationRun(config), stdin=io.StringIO(""), ask=lambda text: pytest.fail("asked"))
