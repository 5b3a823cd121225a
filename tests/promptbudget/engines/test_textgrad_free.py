"""Engines are plain: the budget and confidence commands run without importing TextGrad or litellm."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent("""
    import json, sys
    from promptbudget.cli import main
    codes = [main(argv) for argv in json.loads(sys.argv[1])]
    loaded = sorted({name.split(".")[0] for name in sys.modules} & {"textgrad", "litellm"})
    print(json.dumps({"codes": codes, "loaded": loaded}))
""")


def run_probe(commands: list[list[str]], cwd) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(commands)], cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_budget_and_confidence_commands_never_import_textgrad_or_litellm(tmp_path):
    out = tmp_path / "out"
    commands = [
        ["budget-sweep", "--task", "BBH_navigate", "--model", "mock", "--budgets", "0", "1024", "--samples", "4",
         "--output", str(out / "sweep.json"), "--policy_output", str(out / "policy.json"), "--quiet"],
        ["allocate", "--prompt", "Design a traffic system for a city", "--model", "mock"],
        ["confidence-split", "--task", "BBH_navigate", "--model", "mock", "--total_budget", "200",
         "--ratios", "1", "0.5", "--samples", "4", "--output", str(out / "split.json"), "--quiet"],
    ]
    result = run_probe(commands, tmp_path)
    assert result["codes"] == [0, 0, 0]
    assert result["loaded"] == []


def test_optimize_and_sweep_load_textgrad_only_when_a_run_starts(tmp_path):
    """`--help`, bad input and `--dry_run` answer at once: TextGrad and litellm take seconds to import."""
    out = tmp_path / "out"
    commands = [
        ["optimize", "--model", "mock", "--dry_run", "--output_dir", str(out)],
        ["optimize", "--model", "mock", "--max_epochs", "-1", "--output_dir", str(out)],
        ["sweep", "--model", "mock", "--configs", "0.3,0.7", "0.5,0.5", "--dry_run", "--output_dir", str(out)],
    ]
    result = run_probe(commands, tmp_path)
    assert result["codes"] == [0, 2, 0]
    assert result["loaded"] == []
    assert not out.exists()


def test_the_probe_does_see_textgrad_but_not_litellm_when_an_optimize_run_starts(tmp_path):
    out = tmp_path / "out"
    commands = [["optimize", "--model", "mock", "--task", "BBH_navigate", "--batch_size", "2", "--eval_samples", "2",
                 "--test_samples", "2", "--max_epochs", "1", "--steps_per_epoch", "1", "--output_dir", str(out), "--quiet"]]
    result = run_probe(commands, tmp_path)
    assert result["codes"] == [0]
    assert result["loaded"] == ["textgrad"]  # litellm stays a stand-in until something calls it


@pytest.mark.parametrize("name", ["Engine", "RoleEngine"])
def test_engine_classes_are_plain_python_classes(name):
    import promptbudget.engines as engines

    cls = getattr(engines, name)
    assert all(base.__module__.split(".")[0] != "textgrad" for base in cls.__mro__)
    assert not hasattr(cls, "generate")
