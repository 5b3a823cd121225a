"""The one CLI: subcommands, and the scripts as thin equivalents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args, cwd):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_help_lists_every_command(tmp_path):
    result = run("-m", "promptbudget", "--help", cwd=REPO)
    assert result.returncode == 0
    for command in ("optimize", "sweep", "report", "budget-sweep", "allocate", "confidence-split"):
        assert command in result.stdout


def test_version_is_the_package_version():
    from promptbudget import __version__

    result = run("-m", "promptbudget", "--version", cwd=REPO)
    assert result.returncode == 0 and result.stdout.strip() == f"promptbudget {__version__}"


def test_unknown_command_exits_2(tmp_path):
    result = run("-m", "promptbudget", "optimise", cwd=REPO)
    assert result.returncode == 2 and "unknown command 'optimise'" in result.stderr


def test_script_and_subcommand_write_the_same_run(tmp_path):
    args = ["--model", "mock", "--max_epochs", "1", "--steps_per_epoch", "1", "--batch_size", "2",
            "--eval_samples", "4", "--test_samples", "4", "--quiet", "--cache_dir", str(tmp_path / "cache")]
    script = run(str(REPO / "balanced_prompt_optimization.py"), *args, "--output_dir", str(tmp_path / "a"), cwd=REPO)
    module = run("-m", "promptbudget", "optimize", *args, "--output_dir", str(tmp_path / "b"), cwd=REPO)
    assert script.returncode == 0 and module.returncode == 0, script.stderr + module.stderr
    (a,) = (tmp_path / "a").glob("*/summary.json")
    (b,) = (tmp_path / "b").glob("*/summary.json")
    assert a.parent.name == b.parent.name
    first, second = json.loads(a.read_text()), json.loads(b.read_text())
    assert first["final"] == second["final"] and first["steps"] == second["steps"]


def readme_quick_start_arguments() -> list[str]:
    """The arguments of the README's offline quick-start command (its first python line)."""
    readme = (REPO / "README.md").read_text("utf-8")
    block = readme.split("## Offline quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    command = block.split("python balanced_prompt_optimization.py", 1)[1].split("\npython ", 1)[0]
    return command.replace("\\\n", " ").split()


def test_the_quick_start_under_test_is_the_readmes():
    assert readme_quick_start_arguments() == [
        "--task", "GSM8K_DSPy", "--model", "local", "--max_epochs", "1", "--steps_per_epoch", "1",
        "--batch_size", "1", "--eval_samples", "2", "--test_samples", "2",
        "--max_tokens", "32", "--optimizer_max_tokens", "48"]


@pytest.mark.slow
def test_offline_quick_start_on_the_local_model(tmp_path):
    """The README's quick start, exactly as written: a complete run on the embedded model, TextGrad step included."""
    result = run(str(REPO / "balanced_prompt_optimization.py"), *readme_quick_start_arguments(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "tiny model" in result.stdout
    (summary_path,) = (tmp_path / "results").glob("*/summary.json")
    summary = json.loads(summary_path.read_text())
    assert summary["status"] == "completed" and summary["final"] is not None
    assert summary["initial"]["test"]["summary"]["n"] == 2
    by_role = summary["ledger"]["by_role"]
    assert by_role["answer"]["output_tokens"] > 0
    # One training item: its feedback call, then one optimizer (TGD) call whose outcome the step records.
    assert by_role["feedback"]["engine_calls"] == 1 and by_role["optimizer"]["engine_calls"] == 1
    (step,) = summary["steps"]
    # SmolLM2 has no thinking control: a one-rung ladder, so the search is prompt-only.
    assert [r["label"] for r in summary["ladder"]] == ["off"] and summary["ladder_stage"] is None
    assert step["move"]["kind"] == "prompt" and summary["final"]["rung"] == 0
    assert len(step["feedback"]) == 1 and step["feedback"][0]
    # TGD either proposed a new prompt, which the minibatch gate then judged, or the step says why not.
    if step["candidate_version"] is not None:
        assert step["minibatch_gate"] is not None and step["optimizer_error"] is None
    else:
        assert step["decision"]["reason"].startswith("rejected: ")
    assert step["decision"]["reason"]
    run_files = {p.name for p in summary_path.parent.iterdir()}
    assert run_files >= {"summary.json", "events.jsonl", "calls.jsonl", "best_prompt.txt", "recommendation.json"}
    recommendation = json.loads((summary_path.parent / "recommendation.json").read_text())
    assert recommendation["create_params"]["system"] == (summary_path.parent / "best_prompt.txt").read_text().strip()


def _untouched_dirs(tmp_path: Path) -> tuple[dict[str, str], Path, list[Path]]:
    """An environment whose temp folder, home and cwd are empty folders of their own."""
    import os

    temp, home, cwd = (tmp_path / "tmp", tmp_path / "home", tmp_path / "cwd")
    for folder in (temp, home, cwd):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("TEXTGRAD_LOG_DIR", "PROMPTBUDGET_CACHE_DIR",
                                                            "XDG_CACHE_HOME", "MPLCONFIGDIR")}
    env.update(TMPDIR=str(temp), HOME=str(home), PYTHONPATH=str(REPO))
    return env, cwd, [temp, home, cwd]


@pytest.mark.parametrize("args, code", [
    (["--help"], 0),
    (["optimize", "--help"], 0),
    (["sweep", "--help"], 0),
    (["budget-sweep", "--help"], 0),
    (["confidence-split", "--help"], 0),
    (["optimize", "--model", "mock", "--max_epochs", "0"], 2),
    (["sweep", "--model", "mock", "--configs", "0.5,0.5", "--repeats", "0"], 2),
])
def test_help_and_bad_input_write_nothing_anywhere(tmp_path, args, code):
    env, cwd, folders = _untouched_dirs(tmp_path)
    result = subprocess.run([sys.executable, "-m", "promptbudget", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == code, result.stderr
    if code == 2:
        assert result.stderr.count("error:") == 1 and "Traceback" not in result.stderr, result.stderr
    for folder in folders:
        assert list(folder.rglob("*")) == [], f"{args} wrote into {folder.name}: {list(folder.rglob('*'))}"
