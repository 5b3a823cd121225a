"""Mock sweeps whose sweep_summary.json and printed table are pinned in fixtures/ (written by the code
before the summary became a typed record): the sweep's output must not change, key by key.

`python -m tests.promptbudget.sweep.golden_sweeps` writes the fixtures again (only after a change to
the summary a sweep writes that is meant)."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from promptbudget.sweep.cli import main
from promptbudget.sweep.plan import build_parser, plan_sweep
from promptbudget.sweep.summary import build_summary, render, write_summary
from tests.promptbudget.optimize.golden_runs import normalized

FIXTURES = Path(__file__).parent / "fixtures"
PRICES = {"models": {"mock/default": {"input": 1.0, "output": 5.0}}}
FLAGS = ["--task", "GSM8K_DSPy", "--model", "mock", "--max_epochs", "1", "--batch_size", "2",
         "--eval_samples", "4", "--test_samples", "6", "--num_threads", "1", "--quiet", "--yes",
         "--configs", "0.3,0.7", "0.7,0.3", "--repeats", "2", "--parallel", "1"]
NAMES = ("finished", "capped", "pending")
EXTRA_FLAGS = {"capped": ["--sweep_max_cost", "0.3"]}
EXIT_CODES = {"finished": 0, "capped": 3}


def sweep_args(name: str, work: Path) -> list[str]:
    (work / "prices.json").write_text(json.dumps(PRICES))
    return [*FLAGS, *EXTRA_FLAGS.get(name, []), "--prices", str(work / "prices.json"), "--output_dir", str(work / "out"),
            "--cache_dir", str(work / "cache")]


def sweep_output(name: str, work: Path) -> tuple[dict[str, Any], str, str]:
    """(sweep_summary.json, the printed table, sweep_summary.csv) of sweep `name` in `work`, with `work` and the run ids
    (hashes of it) replaced and the timestamps left out.

    "finished" runs the sweep one run at a time (so which run answers a shared request first is
    fixed); "capped" runs it under a --sweep_max_cost that stops one run and leaves others unstarted;
    "pending" summarizes the sweep before any run started (no ledgers, no results)."""
    args = sweep_args(name, work)
    plan = plan_sweep(build_parser().parse_args(args))
    if name in EXIT_CODES:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(args) == EXIT_CODES[name]
        table = printed.getvalue()
    else:
        summary = build_summary(plan, {}, skipped=0, started_at=0.0)
        plan.output_dir.mkdir(parents=True)
        write_summary(plan, summary)
        table = render(summary) + "\n"
    data = json.loads((work / "out" / "sweep_summary.json").read_text("utf-8"))
    text, csv = json.dumps(data), (work / "out" / "sweep_summary.csv").read_text("utf-8")
    for i, spec in enumerate(plan.runs):
        text, table, csv = (t.replace(spec.run_id, f"<run_{i}>") for t in (text, table, csv))
    text, table, csv = (t.replace(str(work), "<work>") for t in (text, table, csv))
    return normalized(json.loads(text)), table, csv


def fixture(name: str) -> tuple[dict[str, Any], str, str]:
    data = json.loads((FIXTURES / f"golden_{name}.json").read_text("utf-8"))
    return data, (FIXTURES / f"golden_{name}.txt").read_text("utf-8"), (FIXTURES / f"golden_{name}.csv").read_text("utf-8")


if __name__ == "__main__":
    for name in sys.argv[1:] or NAMES:
        with tempfile.TemporaryDirectory() as work:
            data, table, csv = sweep_output(name, Path(work))
            (FIXTURES / f"golden_{name}.json").write_text(json.dumps(data, indent=1) + "\n")
            (FIXTURES / f"golden_{name}.txt").write_text(table)
            (FIXTURES / f"golden_{name}.csv").write_text(csv)
