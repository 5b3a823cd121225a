"""`python -m promptbudget export`: a finished run's recommendation as a runnable snippet or JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from promptbudget import export
from promptbudget.optimize import cli as optimize_cli
from promptbudget.records import SweepSummary, read_record
from promptbudget.records.results import SavedSweepRow
from tests.support.fake_anthropic import FakeAnthropicServer, Reply

from .optimize.helpers import REPO, SMALL

TINY = ["--task", "GSM8K_DSPy", "--max_epochs", "1", "--steps_per_epoch", "1", "--batch_size", "2",
        "--eval_samples", "3", "--test_samples", "3", "--quiet"]


def _export(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "promptbudget", "export", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def claude_run(tmp_path, monkeypatch):
    """A completed run of a Claude model (on the fake server): its directory."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-export")
    with FakeAnthropicServer() as server:
        assert optimize_cli.main([*TINY, "--model", "claude-sonnet-4-5-20250929", "--base_url", server.base_url,
                                  "--thinking_budget", "2048", "--yes", "--output_dir", str(tmp_path / "out"),
                                  "--cache_dir", str(tmp_path / "cache")]) == 0
    (run_dir,) = (tmp_path / "out").iterdir()
    return run_dir


def test_the_python_snippet_sends_the_recommended_parameters(claude_run, tmp_path):
    result = _export(str(claude_run), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads((claude_run / "recommendation.json").read_text())
    seen = []
    with FakeAnthropicServer(responder=lambda body: seen.append(body) or Reply(text="Answer: 7")) as server:
        env = {**os.environ, "ANTHROPIC_API_KEY": "sk-test-snippet", "ANTHROPIC_BASE_URL": server.base_url}
        ran = subprocess.run([sys.executable, "-c", result.stdout], env=env, capture_output=True, text=True,
                             timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "Answer: 7"
    (body,) = seen
    assert body["model"] == "claude-sonnet-4-5-20250929"
    assert body["system"] == record["system"]
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["max_tokens"] == record["max_tokens"] == 2048 + 4096
    assert "sk-test" not in result.stdout


def test_json_export_and_writing_the_prompt_into_my_prompts(claude_run, tmp_path):
    result = _export(str(claude_run), "--format", "json", "--write_prompt", "tuned_math", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record == json.loads((claude_run / "recommendation.json").read_text())
    assert (tmp_path / "my_prompts" / "tuned_math.txt").read_text() == record["system"] + "\n"
    again = _export(str(claude_run), "--write_prompt", "tuned_math", cwd=tmp_path)
    assert again.returncode == 2 and "already exists; pass --overwrite" in again.stderr and again.stdout == ""


@pytest.mark.parametrize("status", ["stopped", "failed", "running"])
def test_a_run_that_did_not_complete_exits_2_and_writes_nothing(claude_run, tmp_path, status):
    summary = json.loads((claude_run / "summary.json").read_text())
    summary["status"] = status
    (claude_run / "summary.json").write_text(json.dumps(summary))
    result = _export(str(claude_run), "--write_prompt", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("error:") == 1 and "did not complete" in result.stderr and "--resume" in result.stderr
    assert not (tmp_path / "my_prompts").exists()


@pytest.mark.parametrize("args, message", [
    (["nowhere"], "no run found at nowhere"),
    (["{run}", "--run", "abc"], "--run picks a run of a sweep"),
    (["{run}", "--write_prompt", "../escape"], "is not a plain file name"),
    (["{run}", "--margin", "2"], "--margin must be between 0 and 1"),
])
def test_bad_input_exits_2_with_one_message(claude_run, tmp_path, args, message):
    result = _export(*[a.format(run=claude_run) for a in args], cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("error:") == 1
    assert not (tmp_path / "my_prompts").exists() and not (tmp_path / "escape.txt").exists()


def test_recommended_run_is_the_cheapest_within_the_margin_of_the_best():
    rows = [SavedSweepRow(run_id="a", status="completed", final_accuracy=0.80, final_tokens=300.0),
            SavedSweepRow(run_id="b", status="completed", final_accuracy=0.79, final_tokens=200.0),
            SavedSweepRow(run_id="c", status="completed", final_accuracy=0.70, final_tokens=100.0),
            SavedSweepRow(run_id="d", status="failed", final_accuracy=None, final_tokens=None)]
    assert export.recommended_run(rows, 0.02) == "b"
    assert export.recommended_run(rows, 0.0) == "a"
    assert export.recommended_run(rows, 0.2) == "c"


def test_a_sweep_exports_its_recommended_run_or_the_one_picked(tmp_path):
    sweep = subprocess.run([sys.executable, str(REPO / "run_experiments.py"), "--model", "mock", *SMALL,
                            "--configs", "0.2,0.8", "0.8,0.2", "--output_dir", "sweep", "--cache_dir", "cache"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert sweep.returncode == 0, sweep.stderr
    rows = read_record(tmp_path / "sweep" / "sweep_summary.json", SweepSummary).rows
    chosen = json.loads(_export("sweep", "--format", "json", cwd=tmp_path).stdout)
    assert chosen["run_id"] == export.recommended_run(rows, export.DEFAULT_MARGIN)
    other = next(r.run_id for r in rows if r.run_id != chosen["run_id"])
    picked = json.loads(_export("sweep", "--format", "json", "--run", other, cwd=tmp_path).stdout)
    assert picked["run_id"] == other and picked["sweep"]["chosen_by"] == "--run"
    wrong = _export("sweep", "--run", "nope", cwd=tmp_path)
    assert wrong.returncode == 2 and "is not a run of this sweep" in wrong.stderr
