"""Bad input: one clear message, exit code 2, nothing written. Dry runs call nothing."""

from __future__ import annotations

import pytest

from .helpers import SMALL, optimize


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "latin1.txt").write_bytes("Résous le problème.".encode("latin-1"))
    return tmp_path


@pytest.mark.parametrize("args,message", [
    (["--accuracy_weight", "-0.3"], "must not be negative"),
    (["--accuracy_weight", "0", "--efficiency_weight", "0"], "both 0"),
    (["--prompt_file", "missing.txt"], "prompt file not found"),
    (["--prompt_file", "empty.txt"], "is empty"),
    (["--prompt_file", "latin1.txt"], "not UTF-8"),
    (["--task", "GSM8K"], "GSM8K_DSPy"),
    (["--model", "gpt-4o"], "unknown model 'gpt-4o'"),
    (["--model", "claude-sonnet-4-5-20250929"], "ANTHROPIC_API_KEY"),
    (["--model", "mock", "--thinking_budget", "512"], "below the minimum of 1024"),
    (["--model", "mock", "--thinking_budget", "4096", "--max_tokens", "4096"], "less than max_tokens"),
    (["--max_cost", "-1"], "--max_cost must be a positive"),
    (["--batch_size", "0"], "--batch_size must be at least 1"),
    (["--no_thinking_enabled", "--thinking_budget", "2048"], "conflicts"),
])
def test_bad_input_exits_2_with_one_message_and_writes_nothing(workdir, args, message):
    base = ["--model", "mock", *SMALL, "--output_dir", "out", "--cache_dir", "cache"]
    result = optimize(*base, *args, cwd=workdir)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.count("error:") == 1
    assert not (workdir / "out").exists()


def test_flags_can_be_switched_off(tmp_path):
    result = optimize("--model", "mock", *SMALL, "--no_run_validation", "--no_thinking_enabled", "--max_epochs", "1",
                      "--output_dir", "out", "--cache_dir", "cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    (summary,) = (tmp_path / "out").glob("*/summary.json")
    data = json.loads(summary.read_text())
    assert data["config"]["run_validation"] is False and data["engines"]["thinking"]["mode"] == "off"
    assert data["validation"] == {}


def test_dry_run_prints_a_plan_and_calls_nothing(tmp_path):
    result = optimize("--model", "mock", *SMALL, "--dry_run", "--output_dir", "out", "--cache_dir", "cache",
                      cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no model was called" in result.stdout and "cost ceiling" in result.stdout
    assert "feedback (backward)" in result.stdout
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()


def test_an_existing_run_needs_resume(tmp_path):
    args = ["--model", "mock", *SMALL, "--max_epochs", "1", "--output_dir", "out", "--cache_dir", "cache"]
    assert optimize(*args, cwd=tmp_path).returncode == 0
    again = optimize(*args, cwd=tmp_path)
    assert again.returncode == 2 and "--resume" in again.stderr


def test_an_unexpected_exception_exits_1_and_the_run_says_failed(tmp_path, monkeypatch, capsys):
    from promptbudget.optimize.cli import main

    from .test_loop import crash_optimizer_calls

    crash_optimizer_calls(monkeypatch)
    code = main(["--model", "mock", *SMALL, "--efficiency_weight", "1", "--accuracy_weight", "0",
                 "--output_dir", str(tmp_path / "out"), "--cache_dir", str(tmp_path / "cache")])
    assert code == 1
    assert "failed (RuntimeError: the disk is on fire)" in capsys.readouterr().out


@pytest.mark.parametrize("answer", ["NaN", "Infinity", "-Infinity"])
def test_a_task_file_with_a_non_finite_answer_exits_2_and_writes_nothing(tmp_path, answer):
    rows = [f'{{"question": "What is {i} + 1?", "answer": {i + 1}}}' for i in range(7)]
    rows.append(f'{{"question": "What is zero over zero?", "answer": {answer}}}')
    (tmp_path / "task.jsonl").write_text("\n".join(rows))
    result = optimize("--model", "mock", *SMALL, "--task", "jsonl:task.jsonl", "--output_dir", "out",
                      "--cache_dir", "cache", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("error:") == 1
    assert f"line 8: invalid JSON: {answer} is not a JSON number" in result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()


@pytest.mark.parametrize("value", ["0", "-5"])
def test_max_tokens_below_1_is_rejected(tmp_path, value):
    result = optimize("--model", "mock", *SMALL, "--max_tokens", value, "--output_dir", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert f"--max_tokens must be at least 1 (got {value})" in result.stderr
    assert not (tmp_path / "out").exists()
