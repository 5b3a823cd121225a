"""A starting prompt that does not ask for the scorer's answer format gets a warning before the run."""

from __future__ import annotations

from tasks import load_task

from promptbudget.optimize.prompt_check import format_warning

from .helpers import SMALL, optimize


def test_a_prompt_without_the_answer_line_is_warned_about_by_name():
    task = load_task("BBH_object_counting")
    warning = format_warning("Count the objects step by step.", task)
    assert "'Answer: $VALUE'" in warning and task.scorer.name in warning and task.scorer.value_description in warning
    assert format_warning("Count them. Finish with 'Answer: N'.", task) is None


def test_the_warning_is_shown_before_the_run_and_kept_in_the_summary(tmp_path):
    result = optimize("--model", "mock", *[a for a in SMALL if a != "--quiet"], "--custom_prompt",
                      "Solve math problems step by step", "--dry_run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning: the starting prompt does not ask for the answer format the number scorer reads" in result.stdout
    plain = optimize("--model", "mock", *SMALL, "--dry_run", cwd=tmp_path)
    assert "does not ask for the answer format" not in plain.stdout + plain.stderr
