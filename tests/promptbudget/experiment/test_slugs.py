"""One slug rule for every default output name; each command keeps the names it always had."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptbudget.budget import plots as budget_plots
from promptbudget.budget import sweep_cli
from promptbudget.budget.setting_sweep import planning
from promptbudget.confidence.runner import SplitConfig, model_slug, task_slug
from promptbudget.experiment.slugs import slug
from promptbudget.report.analysis import task_slug as report_task_slug
from tests.promptbudget.budget.conftest import write_task


@pytest.mark.parametrize("text, expected", [
    ("anthropic/qwen2.5:7b", "qwen2.5-7b"),
    ("mock:/tmp/a/script.json", "mock-script"),
    ("local/models/x.gguf", "local-x"),
    ("jsonl:/tmp/items.jsonl::number", "items-number"),
    ("prompts:/tmp/p.jsonl", "p"),
    ("BBH_navigate", "BBH_navigate"),
    ("///", "x"),
    ("a" * 50, "a" * 40),
])
def test_spec_slugs_name_what_the_spec_is_about(text, expected):
    assert slug(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("/tmp/items.jsonl::number", "tmp-items.jsonl-number"),
    ("-a b-", "a-b"),
    ("", "x"),
])
def test_unshortened_slugs_keep_every_safe_character(text, expected):
    assert slug(text, shorten=False) == expected


def test_budget_sweep_and_its_plots_use_the_shared_slug():
    assert planning.slug is slug and budget_plots.slug is slug


def test_confidence_split_names_keep_the_path_characters():
    # confidence-split's names were never shortened to the file's stem, and every "jsonl:" is dropped
    # (even the one in "items.jsonl::number"): they stay as they were
    task = "jsonl:/data/items.jsonl::number"
    assert task_slug(task) == "data-items.-number"
    assert task_slug("/" + "d" * 70) == "d" * 60
    assert model_slug("local/models/x.gguf") == "x" and model_slug("anthropic/claude-x") == "claude-x"
    config = SplitConfig(task=task, model="mock:/data/script.json")
    assert config.output_path() == Path("results") / "confidence_split_data-items.-number_script.json"
    assert SplitConfig(task="BBH_navigate", model="mock").output_path().name == "confidence_split_BBH_navigate_mock.json"


def test_budget_sweep_default_output_name_is_unchanged(tmp_path, monkeypatch):
    task, model = write_task(tmp_path, n=8)
    monkeypatch.chdir(tmp_path)
    code = sweep_cli.main(["--task", task, "--model", model, "--budgets", "0", "1024", "--samples", "4",
                           "--no_cache", "--quiet", "--num_threads", "1", "--no_policy"])
    assert code == 0
    assert (tmp_path / "results" / "budget_sweep_items-number_mock-script.json").is_file()


@pytest.mark.parametrize("task", ["GSM8K_DSPy", "jsonl:/a/b c.jsonl", "..x..", "", "-", "a/b/c"])
def test_the_reports_task_slug_is_the_shared_slug_with_its_own_parameters(task):
    assert report_task_slug(task) == slug(task, limit=None, shorten=False, strip="-.", fallback="task")
