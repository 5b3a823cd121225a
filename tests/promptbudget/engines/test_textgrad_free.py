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


def test_the_probe_does_see_textgrad_when_the_optimize_loop_is_imported(tmp_path):
    probe = "import sys, promptbudget.optimize.loop; print(sorted({m.split('.')[0] for m in sys.modules} & {'textgrad', 'litellm'}))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.stdout.strip() == "['litellm', 'textgrad']"


@pytest.mark.parametrize("name", ["Engine", "RoleEngine"])
def test_engine_classes_are_plain_python_classes(name):
    import promptbudget.engines as engines

    cls = getattr(engines, name)
    assert all(base.__module__.split(".")[0] != "textgrad" for base in cls.__mro__)
    assert not hasattr(cls, "generate")
