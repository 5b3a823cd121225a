"""Joint search: thinking moves through the same gate and rule, the ladder stage, and what the run hands over."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.events import StepFinished
from promptbudget.optimize.loop import OptimizationRun

from .helpers import SMALL, only_summary, optimize, write_script

# Long answers so that budgets up to 4096 bind (the mock thinks min(budget, 2.5 x visible) tokens).
LONG = dict(base_tokens=900, token_spread=1200, accuracy=0.6, thinking_gain=0.0)


def run_joint(tmp_path, script=LONG, **extra):
    # 40 validation items: enough for the thinking-cut bound to pass a cut of every answer on a tie.
    model = write_script(tmp_path / "s.json", **script)
    settings = dict(task="GSM8K_DSPy", model=model, max_epochs=3, steps_per_epoch=2, batch_size=3, eval_samples=40,
                    test_samples=8, output_dir=str(tmp_path / "out"), cache_dir=str(tmp_path / "cache"), quiet=True)
    return OptimizationRun(OptimizeConfig(**{**settings, **extra})).run()


def test_every_step_says_which_move_it_made_and_why(tmp_path):
    summary = run_joint(tmp_path, budgets=("0", "1024", "4096", "16000"), accuracy_weight=0, efficiency_weight=1)
    assert [r.label for r in summary.ladder] == ["off", "budget 1024", "budget 4096", "budget 16000"]
    kinds = [step.move.kind for step in summary.steps]
    assert kinds[0] == "thinking" and "prompt" in kinds
    first = summary.steps[0]
    assert first.move.from_rung == 3 and first.move.to_rung == 1
    assert "efficiency focus: try the cheaper setting budget 1024" in first.move.why
    assert first.minibatch_gate is not None and first.decision.reason
    # A thinking candidate is the same prompt at another rung, validated as its own pair.
    assert first.candidate_version is None
    assert any(key.endswith("|1") for key in summary.pair_validation)


def test_joint_search_ends_cheaper_and_ships_the_chosen_setting(tmp_path):
    summary = run_joint(tmp_path, budgets=("0", "1024", "4096", "16000"), accuracy_weight=0, efficiency_weight=1)
    final = summary.final
    assert summary.ladder_stage.chosen.to_json() == {"version": final.test.prompt_version, "rung": final.rung,
                                                     "setting": summary.ladder[final.rung].label}
    assert final.rung < summary.start_rung
    assert final.comparison.token_reduction > 0
    (run_dir,) = (tmp_path / "out").iterdir()
    record = json.loads((run_dir / "recommendation.json").read_text())
    assert record["thinking"] == summary.ladder[final.rung].thinking.to_json()
    assert record["max_tokens"] == summary.ladder[final.rung].max_tokens


def test_joint_search_is_the_default_with_the_ladder_from_the_model(tmp_path):
    summary = run_joint(tmp_path, max_epochs=1, accuracy_weight=0, efficiency_weight=1)
    assert [r.label for r in summary.ladder] == ["off", "budget 1024", "budget 2048", "budget 4096",
                                                        "budget 8192", "budget 16000"]
    assert summary.start_rung == 5 and summary.steps[0].move.kind == "thinking"


@pytest.mark.parametrize("extra", [dict(thinking_search=False), dict(thinking_enabled=False)])
def test_no_thinking_search_or_thinking_off_keeps_one_rung(tmp_path, extra):
    summary = run_joint(tmp_path, eval_samples=8, **extra)
    assert len(summary.ladder) == 1 and summary.ladder_stage is None
    assert all(step.move.kind == "prompt" for step in summary.steps)
    assert summary.final.thinking == summary.engines.thinking.to_json()


def test_a_given_ladder_is_the_ladder_and_the_run_starts_on_its_richest_rung(tmp_path):
    summary = run_joint(tmp_path, max_epochs=1, budgets=("0", "1024", "4096"))
    assert [r.label for r in summary.ladder] == ["off", "budget 1024", "budget 4096"]
    assert summary.start_rung == 2 and summary.engines.thinking.budget_tokens == 4096
    assert summary.engines.max_tokens == summary.ladder[2].max_tokens


def test_a_starting_setting_off_the_given_ladder_exits_2(tmp_path):
    result = optimize("--model", "mock", *SMALL, "--budgets", "0", "1024", "--thinking_budget", "2048",
                      "--output_dir", "out", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("error:") == 1
    assert "'budget 2048' is not on the ladder off budget 1024; add it to --budgets" in result.stderr
    assert not (tmp_path / "out").exists()


def test_current_rung_is_the_chosen_pair_after_the_ladder_stage(tmp_path):
    # One accuracy step cannot move richer than the start, so the cheaper pair comes from the ladder stage.
    # Answers short enough for thinking off to keep the format (max_tokens 4096 there).
    short = dict(base_tokens=300, token_spread=300, accuracy=0.6, thinking_gain=0.0)
    summary = run_joint(tmp_path, script=short, budgets=("0", "1024", "4096", "16000"), accuracy_weight=1,
                        efficiency_weight=0, max_epochs=1, steps_per_epoch=1)
    final = summary.final
    assert summary.steps[0].move.kind == "prompt" and final.rung < summary.start_rung
    assert (summary.current_version, summary.current_rung) == (final.test.prompt_version, final.rung)


def test_a_bad_ladder_exits_2_and_writes_nothing(tmp_path):
    for args, message in [(["--budgets", "4096", "1024"], "must be sorted"),
                          (["--budgets", "0", "1024", "--effort", "low"], "not both"),
                          (["--budgets", "0", "1024", "--no_thinking_search"], "drop --no_thinking_search"),
                          (["--efforts", "low", "--thinking_budget", "2048"], "not both")]:
        result = optimize("--model", "mock", *SMALL, *args, "--output_dir", "out", cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr and result.stderr.count("error:") == 1
        assert not (tmp_path / "out").exists()


def test_an_interrupted_joint_run_resumes_to_the_same_result(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    whole = run_joint(tmp_path / "a", budgets=("0", "1024", "16000"))

    def stop_after_two_steps(event):
        if isinstance(event, StepFinished) and event.index == 1:
            raise KeyboardInterrupt

    model = write_script(tmp_path / "b" / "s.json", **LONG)
    config = OptimizeConfig(task="GSM8K_DSPy", model=model, max_epochs=3, steps_per_epoch=2, batch_size=3,
                            eval_samples=40, test_samples=8, output_dir=str(tmp_path / "b" / "out"),
                            cache_dir=str(tmp_path / "b" / "cache"), quiet=True, budgets=("0", "1024", "16000"))
    with pytest.raises(KeyboardInterrupt):
        OptimizationRun(config, events=stop_after_two_steps).run()
    assert only_summary(tmp_path / "b" / "out")["checkpoint"] == 3
    resumed = OptimizationRun(replace(config, resume=True)).run()
    assert [s.move for s in resumed.steps] == [s.move for s in whole.steps]
    assert [s.decision for s in resumed.steps] == [s.decision for s in whole.steps]
    assert (resumed.final.rung, resumed.final.test.summary) == \
        (whole.final.rung, whole.final.test.summary)


@pytest.mark.parametrize("extra", [dict(eval_samples=8), dict(run_validation=False)])
def test_no_cut_without_enough_validation_items_to_bound_it(tmp_path, extra):
    # Under 16 validation items even a cut of one answer cannot pass the bound; without validation there is none.
    summary = run_joint(tmp_path, accuracy_weight=0, efficiency_weight=1, **extra)
    assert all(step.move.kind == "prompt" for step in summary.steps)
    assert summary.final.rung == summary.start_rung
