"""Joint search end to end through llama-server (the anthropic and OpenAI-compatible engines). SmolLM2
cannot think: through the anthropic engine the server accepts a thinking budget and ignores it, so the
search never cuts thinking and the ladder stage rejects the cheaper rung; an engine that knows it has no
thinking control gives a one-rung ladder (a prompt-only search). The local engine's one-rung ladder is
asserted on the README quick start's run (tests/promptbudget/test_cli.py). Kept small: a few items,
short answers."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.loop import OptimizationRun
from promptbudget.records import ResumableRun

pytestmark = pytest.mark.integration
SHORT = "Evaluate the boolean expression. Reply with one line only: 'Answer: True' or 'Answer: False'."


def tiny(tmp_path: Path, model: str, **extra) -> ResumableRun:
    settings = dict(task="BBH_boolean_expressions", model=model, custom_prompt=SHORT, max_epochs=1, steps_per_epoch=1,
                    batch_size=1, eval_samples=2, test_samples=2, num_threads=1, optimizer_max_tokens=64,
                    output_dir=str(tmp_path / "results"), cache_dir=str(tmp_path / "cache"), quiet=True)
    return OptimizationRun(OptimizeConfig(**{**settings, **extra})).run()


def test_a_ladder_through_the_anthropic_engine_never_cuts_thinking_the_server_ignores(
        llama_server, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-local")
    summary = tiny(tmp_path, "anthropic/smollm2", base_url=llama_server.base_url, budgets=("0", "1024"),
                   max_tokens=1100)
    assert summary.status == "completed", summary.error
    assert [r.label for r in summary.ladder] == ["off", "budget 1024"] and summary.start_rung == 1
    # No answer thought (the server ignores the budget), so turning thinking off would cut nothing:
    # the step's move is a prompt edit at the same rung (optimize/cuts.py), not a thinking move.
    (step,) = summary.steps
    assert step.move.kind == "prompt" and (step.move.from_rung, step.move.to_rung) == (1, 1)
    # The ladder stage measures the cheaper pair; it bills the same tokens, so the rule rejects it.
    (tried,) = summary.ladder_stage.tried
    assert (tried.version, tried.rung) == (0, 0) and not tried.decision.accepted
    assert tried.summary.mean_thinking_tokens == 0 and "tokens did not fall" in tried.decision.reason
    assert (summary.current_version, summary.current_rung) == (0, 1) == \
        (summary.final.test.prompt_version, summary.final.rung)


def test_the_openai_engine_through_llama_server_gets_a_one_rung_ladder(llama_server, tmp_path):
    served = httpx2.get(f"{llama_server.base_url}/v1/models", timeout=30).json()["data"][0]["id"]
    summary = tiny(tmp_path, f"openai/{served}", base_url=llama_server.base_url, max_tokens=48)
    assert summary.status == "completed", summary.error
    assert [r.label for r in summary.ladder] == ["off"] and summary.ladder_stage is None
    assert summary.steps[0].move.kind == "prompt"
