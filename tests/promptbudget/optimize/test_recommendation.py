"""What a finished run hands over: best_prompt.txt, recommendation.json and its last lines."""

from __future__ import annotations

import json

import pytest

from promptbudget.engines.types import Thinking
from promptbudget.errors import UsageError
from promptbudget.optimize.recommendation import (cost_per_thousand, create_params, final_lines, recommendation,
                                                  write_recommendation)
from promptbudget.records import Recommendation, RunSummary
from promptbudget.records.run import SavedItem

from .helpers import REPO, SMALL, only_summary, optimize


def test_create_params_match_the_messages_api_for_each_thinking_mode():
    assert create_params("m", "S", 5000, Thinking.budget(2048))["thinking"] == {"type": "enabled",
                                                                                "budget_tokens": 2048}
    adaptive = create_params("m", "S", 16000, Thinking.adaptive("low"))
    assert adaptive["thinking"] == {"type": "adaptive"} and adaptive["output_config"] == {"effort": "low"}
    off = create_params("m", "S", 4096, Thinking.off())
    assert off == {"model": "m", "max_tokens": 4096, "system": "S", "thinking": {"type": "disabled"}}


def item(cost_usd):
    return SavedItem(item_id="q", correct=True, cost_usd=cost_usd)


def unfinished(status):
    return RunSummary.build(run_id="r", status=status, config={}, task={"name": "t"},
                            prompts=[{"version": 0, "text": "P"}], final=None)


def test_cost_per_thousand_requests_is_the_measured_mean_item_cost():
    cost = cost_per_thousand([item(0.002), item(0.004)])
    assert cost == pytest.approx({"list_usd": 3.0, "batch_usd": 1.5})
    assert cost_per_thousand([item(0.002), item(None)]) is None


def test_a_run_that_did_not_complete_has_no_recommendation(tmp_path):
    with pytest.raises(UsageError, match="run r did not complete.*'stopped'.*--resume"):
        recommendation(unfinished("stopped"), tmp_path)


def test_a_finished_run_writes_its_prompt_and_parameters_and_prints_them(tmp_path):
    result = optimize("--model", "mock", *SMALL, "--output_dir", "out", "--cache_dir", "cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = only_summary(tmp_path / "out")
    (run_dir,) = (tmp_path / "out").iterdir()
    version = summary["final"]["test"]["prompt_version"]
    prompt = summary["prompts"][version]["text"]
    assert (run_dir / "best_prompt.txt").read_text() == prompt + "\n"
    record = json.loads((run_dir / "recommendation.json").read_text())
    assert record["system"] == prompt and record["run_id"] == summary["run_id"]
    assert record["create_params"]["thinking"] == {"type": "enabled", "budget_tokens": 16000}
    assert record["create_params"]["max_tokens"] == summary["engines"]["max_tokens"]
    assert record["metrics"]["test"] == summary["final"]["test"]["summary"]
    tail = result.stdout.splitlines()
    assert prompt in tail and any(line.startswith("thinking: budget 16000") for line in tail)
    test = summary["final"]["test"]["summary"]
    assert f"mean billed output tokens {test['mean_output_tokens']:.1f}" in result.stdout
    assert "expected cost per 1,000 requests: $0.0000 at list price, $0.0000 with Message Batches" in result.stdout


def test_best_prompt_is_usable_as_prompt_file(tmp_path):
    first = optimize("--model", "mock", *SMALL, "--output_dir", "out", "--cache_dir", "cache", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (best,) = (tmp_path / "out").glob("*/best_prompt.txt")
    again = optimize("--model", "mock", *SMALL, "--prompt_file", str(best), "--output_dir", "out2",
                     "--cache_dir", "cache", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert only_summary(tmp_path / "out2")["prompts"][0]["text"] == best.read_text().strip()


@pytest.mark.parametrize("prompt_file", ["my_prompts/math_prompt.txt"])
def test_the_seed_readme_prompt_file_command_runs_as_written(prompt_file, tmp_path):
    result = optimize("--model", "mock", *SMALL, "--prompt_file", str(REPO / prompt_file), "--output_dir", "out",
                      "--cache_dir", "cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = only_summary(tmp_path / "out")
    assert summary["prompts"][0]["text"] == (REPO / prompt_file).read_text().strip()
    assert summary["initial"]["test"]["summary"]["format_rate"] == 1.0


def test_the_bbh_starting_prompt_asks_for_what_the_scorer_reads(tmp_path):
    from tasks import load_task

    task = load_task("BBH_object_counting")
    prompt = (REPO / "my_prompts/bbh_object_counting_prompt.txt").read_text()
    assert "Answer: $VALUE" in prompt and task.scorer.has_answer("two plus one\nAnswer: 3")
    result = optimize("--model", "mock", *SMALL[2:], "--task", "BBH_object_counting", "--prompt_file",
                      str(REPO / "my_prompts/bbh_object_counting_prompt.txt"), "--output_dir", "out",
                      "--cache_dir", "cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert only_summary(tmp_path / "out")["initial"]["test"]["summary"]["format_rate"] == 1.0


def test_write_recommendation_refuses_an_unfinished_run_and_writes_nothing(tmp_path):
    with pytest.raises(UsageError):
        write_recommendation(unfinished("failed"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_final_lines_say_when_the_price_is_unknown():
    record = Recommendation.build(
        run_id="r", run_dir="d", task="t", engine="x/y", model="y", prompt_version=2, system="P", thinking={"mode": "off"},
        thinking_setting="off", max_tokens=10, create_params={},
        metrics={"test": {"accuracy": 0.5, "accuracy_low": 0.1, "accuracy_high": 0.9, "n": 4, "mean_output_tokens": 12.0}},
        cost_per_1000_requests=None)
    lines = final_lines(record)
    assert "unknown (the model has no price" in lines
    assert "test accuracy 0.500 (95% CI 0.100 to 0.900, n=4), mean billed output tokens 12.0" in lines
