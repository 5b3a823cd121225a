"""Weight sweeps on the mock engine: shared work, free reruns, resume after a kill, failure isolation."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from promptbudget.cli import main as promptbudget_main
from promptbudget.jsonio import read_jsonl
from promptbudget.sweep.cli import main
from promptbudget.sweep.plan import build_parser, plan_sweep
from promptbudget.sweep.runner import Attempt, process_context
from promptbudget.sweep.summary import run_row, run_state

REPO = Path(__file__).resolve().parents[3]
CONFIGS = ["--configs", "0.3,0.7", "0.5,0.5", "0.7,0.3"]
SMALL = ["--task", "GSM8K_DSPy", "--model", "mock", "--max_epochs", "2", "--batch_size", "2",
         "--eval_samples", "4", "--test_samples", "6", "--num_threads", "2"]


def sweep_args(tmp_path: Path, name: str, *extra: str) -> list[str]:
    return [*SMALL, "--output_dir", str(tmp_path / name), "--cache_dir", str(tmp_path / f"{name}-cache"), "--quiet",
            *extra]


@pytest.fixture
def prices(tmp_path: Path) -> str:
    """A price for the mock model, so that costs are not all zero."""
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"models": {"mock/default": {"input": 1.0, "output": 5.0}}}))
    return str(path)


def load(out: Path) -> dict:
    return json.loads((out / "sweep_summary.json").read_text())


def cache_entries(cache: Path) -> int:
    return len(list(cache.glob("??/*.json")))


def without_invocation(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("this invocation:"))


# --- done when: shared work, and a rerun makes no calls ------------------------------------
def test_three_configs_answer_the_initial_test_once_and_a_rerun_calls_nothing(tmp_path, capsys, prices):
    args = sweep_args(tmp_path, "out", *CONFIGS, "--parallel", "3", "--prices", prices, "--yes")
    out, cache = tmp_path / "out", tmp_path / "out-cache"

    assert main(args) == 0
    printed = capsys.readouterr().out
    data = load(out)
    rows = data["rows"]
    assert [r["weights"] for r in rows] == ["0.3/0.7", "0.5/0.5", "0.7/0.3"]
    assert [r["status"] for r in rows] == ["completed"] * 3

    # The three runs ran at once; the initial prompt's 6 test items reached the model once in all.
    initial = [rec for r in rows for rec in read_jsonl(out / r["run_id"] / "calls.jsonl")
               if rec["scope"]["phase"] == "initial test"]
    assert len(initial) == 18
    assert sum(not rec["cached"] for rec in initial) == 6
    assert data["totals"]["by_phase"]["initial test"] == {"calls": 18, "engine_calls": 6, "cache_hits": 12}
    assert "initial test: 6 calls to the model, 12 from the cache" in printed

    # Totals are the sum of the run ledgers; every call that reached the model made one cache entry.
    ledgers = [json.loads((out / r["run_id"] / "summary.json").read_text())["ledger"]["total"] for r in rows]
    totals = data["totals"]
    assert totals["engine_calls"] == sum(t["engine_calls"] for t in ledgers) == cache_entries(cache)
    assert totals["cache_hits"] == sum(t["cached_calls"] for t in ledgers) >= 12
    assert totals["billed_usd"] == pytest.approx(sum(t["billed_usd"] for t in ledgers))
    assert totals["billed_usd"] > 0
    assert data["invocation"]["engine_calls"] == totals["engine_calls"]
    assert data["invocation"]["billed_usd"] == pytest.approx(totals["billed_usd"])
    assert data["invocation"]["cache_hits"] == totals["cache_hits"]

    # The table is printed and written as CSV with the same rows.
    assert "| Weights   | Initial Acc   | Final Acc (95% CI)" in printed
    table = pd.read_csv(out / "sweep_summary.csv")
    assert list(table["weights"]) == ["0.3/0.7", "0.5/0.5", "0.7/0.3"]
    assert list(table["final_accuracy"]) == pytest.approx([r["final_accuracy"] for r in rows])

    # Same command again: nothing runs, no call reaches the model, the same summary is printed.
    entries = cache_entries(cache)
    assert main(args) == 0
    again_printed = capsys.readouterr().out
    again = load(out)
    assert again["invocation"]["runs_started"] == 0 and again["invocation"]["runs_skipped"] == 3
    assert again["invocation"]["engine_calls"] == 0
    assert "this invocation: 0 runs started, 3 finished runs skipped; 0 calls to the model" in again_printed
    assert cache_entries(cache) == entries
    assert (again["rows"], again["aggregates"], again["totals"]) == (rows, data["aggregates"], data["totals"])
    assert without_invocation(again_printed) == without_invocation(printed)


# --- a cap on the whole sweep ---------------------------------------------------------------
def test_the_sweep_cap_bounds_what_all_runs_bill_and_a_higher_cap_finishes_the_same_sweep(tmp_path, capsys, prices):
    # A small max_tokens keeps each call's worst case (what the cap reserves) well under the shares.
    priced = [*CONFIGS, "--prices", prices, "--max_tokens", "1000", "--no_thinking_enabled"]
    # The uncapped reference run bills real (priced) calls: the spending gate wants --yes.
    assert main(sweep_args(tmp_path, "free", *priced, "--yes")) == 0
    full = load(tmp_path / "free")["totals"]["billed_usd"]
    assert full > 0
    capsys.readouterr()

    cap = full / 2
    args = sweep_args(tmp_path, "capped", *priced, "--parallel", "2")
    assert main([*args, "--sweep_max_cost", f"{cap}"]) == 3
    printed = capsys.readouterr().out
    capped = load(tmp_path / "capped")
    billed = [sum(rec["billed_usd"] for rec in read_jsonl(tmp_path / "capped" / r["run_id"] / "calls.jsonl"))
              for r in capped["rows"] if (tmp_path / "capped" / r["run_id"] / "calls.jsonl").exists()]
    assert 0 < sum(billed) <= cap
    assert capped["totals"]["billed_usd"] == pytest.approx(sum(billed))
    statuses = [r["status"] for r in capped["rows"]]
    assert "completed" not in statuses or set(statuses) != {"completed"}
    assert set(statuses) <= {"completed", "stopped", "not started"}
    assert all("--sweep_max_cost" in r["error"] for r in capped["rows"] if r["status"] != "completed")
    assert capped["config"]["sweep_max_cost"] == cap
    assert f"--sweep_max_cost ${cap:.4f}: the runs have billed" in printed

    # A cap the runs have already billed starts nothing and bills nothing.
    unfinished = [r["run_id"] for r in capped["rows"] if r["status"] != "completed"]
    assert main([*args, "--sweep_max_cost", f"{sum(billed) / 2}"]) == 3
    again = load(tmp_path / "capped")
    assert [r["run_id"] for r in again["rows"] if r["status"] == "not started"] == unfinished
    assert again["totals"]["billed_usd"] == pytest.approx(sum(billed))
    assert again["invocation"]["runs_started"] == 0
    assert "not started" in capsys.readouterr().out

    assert main([*args, "--sweep_max_cost", f"{full * 10}"]) == 0
    finished = load(tmp_path / "capped")
    assert [r["status"] for r in finished["rows"]] == ["completed"] * 3
    # Stopping at the cap and resuming bills what the uncapped sweep billed, and ends the same way.
    assert finished["totals"]["billed_usd"] == pytest.approx(full)
    reference = load(tmp_path / "free")["rows"]
    for key in ("final_accuracy", "final_tokens", "initial_accuracy"):
        assert [r[key] for r in finished["rows"]] == [r[key] for r in reference]


# --- done when: kill mid-way, rerun, same summary --------------------------------------------
def test_a_killed_sweep_reruns_to_the_summary_of_an_uninterrupted_one(tmp_path, prices):
    reference = tmp_path / "reference"
    assert main(sweep_args(tmp_path, "reference", *CONFIGS, "--parallel", "1", "--prices", prices, "--yes")) == 0

    killed = tmp_path / "killed"
    args = sweep_args(tmp_path, "killed", *CONFIGS, "--parallel", "1", "--prices", prices, "--yes")
    # The sweep in a process of its own (forked from the warm fork server: no fresh TextGrad import).
    sweep = process_context().Process(target=main, args=(args,))
    sweep.start()
    try:
        interrupted = _wait_for_a_run_mid_way(killed, sweep)
    finally:
        os.kill(sweep.pid, signal.SIGKILL)
        sweep.join()
    assert sweep.exitcode == -signal.SIGKILL
    # The run's process dies with the sweep (its lock frees, and the run is left unfinished).
    assert _lock_frees(killed / "sweep_logs" / f"{interrupted}.lock")
    states = _statuses(killed)
    assert states[interrupted] == "running" and "completed" in states.values()
    assert not (killed / "sweep_summary.json").exists() or load(killed)["totals"]["completed"] < 3

    entries = cache_entries(tmp_path / "killed-cache")
    assert main(args) == 0
    resumed, uninterrupted = load(killed), load(reference)
    assert resumed["rows"] == uninterrupted["rows"]
    assert resumed["aggregates"] == uninterrupted["aggregates"]
    assert resumed["totals"] == uninterrupted["totals"]
    invocation = resumed["invocation"]
    assert invocation["runs_skipped"] == list(states.values()).count("completed")
    assert invocation["runs_started"] == 3 - invocation["runs_skipped"]
    # This invocation counts only the calls it made, not those the killed attempt had paid for.
    assert invocation["engine_calls"] == cache_entries(tmp_path / "killed-cache") - entries


def _statuses(out: Path) -> dict[str, str]:
    return {summary["run_id"]: summary["status"] for summary in _summaries(out)}


def _summaries(out: Path) -> list[dict]:
    found = []
    for path in out.glob("*/summary.json"):
        try:
            found.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            continue
    return found


def _wait_for_a_run_mid_way(out: Path, sweep, timeout: float = 90.0) -> str:
    """The id of a run caught mid-way (past its initial evaluation, before its last step) after another finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert sweep.is_alive(), "the sweep ended before it could be killed"
        summaries = _summaries(out)
        if any(s["status"] == "completed" for s in summaries):
            for s in summaries:
                if s["status"] == "running" and 1 <= s["checkpoint"] < s["total_steps"] + 1:
                    return s["run_id"]
        time.sleep(0.01)
    raise AssertionError("no run was caught mid-way")


def _lock_frees(path: Path, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    with open(path, "a+") as handle:
        while time.monotonic() < deadline:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                time.sleep(0.05)
                continue
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return True
    return False


# --- done when: one config fails, the others complete ----------------------------------------
def test_a_failing_config_is_reported_with_its_error_and_the_others_complete(tmp_path, capsys):
    args = sweep_args(tmp_path, "out", *CONFIGS, "--parallel", "2", "--no_run_validation")
    bad = plan_sweep(build_parser().parse_args(args)).runs[1]
    bad.run_dir.mkdir(parents=True)
    (bad.run_dir / "summary.json").write_text("{ torn")

    assert main(args) == 1
    printed = capsys.readouterr().out
    data = load(tmp_path / "out")
    assert [r["status"] for r in data["rows"]] == ["completed", "failed", "completed"]
    error = data["rows"][1]["error"]
    assert "summary.json: corrupted JSON" in error and "move the run directory away" in error
    assert data["totals"]["failed"] == 1 and data["totals"]["completed"] == 2
    assert data["totals"]["failed_runs"] == [{"weights": "0.5/0.5", "seed": 0, "run_id": bad.run_id,
                                              "status": "failed", "error": error,
                                              "log": f"sweep_logs/{bad.run_id}.log"}]
    assert f"failed: 0.5/0.5 ({bad.run_id}): {error}" in printed
    assert pd.read_csv(tmp_path / "out" / "sweep_summary.csv")["status"].tolist() == ["completed", "failed",
                                                                                      "completed"]
    # Rerun: the finished configs are skipped, the broken one fails again with the same error.
    assert main(args) == 1
    again = load(tmp_path / "out")
    assert again["invocation"]["runs_started"] == 1 and again["invocation"]["runs_skipped"] == 2
    assert again["rows"][1]["error"] == error


def test_a_run_that_failed_on_an_api_error_keeps_the_error_its_summary_records(tmp_path):
    args = sweep_args(tmp_path, "out", "--configs", "0.5,0.5")
    spec = plan_sweep(build_parser().parse_args(args)).runs[0]
    spec.run_dir.mkdir(parents=True)
    api_error = "anthropic/claude-haiku-4-5: 529 overloaded_error after 4 retries"
    (spec.run_dir / "summary.json").write_text(json.dumps({
        "schema": "promptbudget.run/1", "run_id": spec.run_id, "status": "failed", "error": api_error,
        "config": {}, "identity": spec.identity, "task": {"name": "GSM8K_DSPy"}, "checkpoint": 1,
        "prompts": [{"version": 0, "text": "P"}],
        "initial": {"test": {"prompt_version": 0, "summary": {"n": 6, "accuracy": 0.5, "mean_output_tokens": 400.0}}},
        "ledger": {"total": {"calls": 6, "engine_calls": 6, "cached_calls": 0, "billed_usd": 0.01,
                             "cost_usd": 0.01}}}))
    summary, status, error = run_state(spec, Attempt(spec.run_id, 1, None, "error: something else\n"))
    assert (status, error) == ("failed", api_error)
    row = run_row(spec, summary, status, error)
    assert (row.initial_accuracy, row.final_accuracy, row.billed_usd) == (0.5, None, 0.01)
    # A summary that is not a run record counts as no summary, saying why; the attempt's error stands.
    (spec.run_dir / "summary.json").write_text(json.dumps({"run_id": spec.run_id, "status": "completed"}))
    assert spec.saved_state()[1] == (f"{spec.run_dir / 'summary.json'} is unreadable (not a run summary: 'schema' is "
                                     "missing, expected 'promptbudget.run/1')")
    assert not spec.is_complete()
    # A process that died without a summary is failed with what it printed, or how it ended.
    (spec.run_dir / "summary.json").unlink()
    assert run_state(spec, Attempt(spec.run_id, 2, None, "x\nerror: prompt file not found: p.txt\n"))[1:] == \
        ("failed", "prompt file not found: p.txt")
    assert run_state(spec, Attempt(spec.run_id, -signal.SIGKILL, None, ""))[1:] == \
        ("failed", "the run's process was killed by SIGKILL")


# --- repeats, pass-through flags ---------------------------------------------------------------
def test_repeats_give_the_mean_and_spread_across_seeds_and_optimize_flags_pass_through(tmp_path, capsys):
    prompt = "Solve the problem. Keep it brief. The last line must be 'Answer: N'."
    args = sweep_args(tmp_path, "out", "--configs", "0.2,0.8", "0.8,0.2", "--repeats", "2", "--parallel", "2",
                      "--custom_prompt", prompt, "--no_run_validation", "--max_epochs", "1")
    assert main(args) == 0
    printed = capsys.readouterr().out
    data = load(tmp_path / "out")
    assert [(r["weights"], r["seed"]) for r in data["rows"]] == [("0.2/0.8", 0), ("0.2/0.8", 1),
                                                                  ("0.8/0.2", 0), ("0.8/0.2", 1)]
    for row in data["rows"]:
        config = json.loads((tmp_path / "out" / row["run_id"] / "summary.json").read_text())["config"]
        assert (config["custom_prompt"], config["run_validation"], config["max_epochs"]) == (prompt, False, 1)
        assert (config["accuracy_weight"], config["seed"]) == (row["accuracy_weight"], row["seed"])
    for aggregate in data["aggregates"]:
        values = [r["final_accuracy"] for r in data["rows"] if r["weights"] == aggregate["weights"]]
        spread = aggregate["final_accuracy"]
        assert spread["n"] == 2 and aggregate["completed"] == 2
        assert spread["mean"] == pytest.approx(statistics.mean(values))
        assert spread["std"] == pytest.approx(statistics.stdev(values))
        assert (spread["min"], spread["max"]) == (min(values), max(values))
    assert "across 2 seeds (mean ± std [min, max] over completed runs)" in printed
    assert "| Weights   | Seed   | Initial Acc" in printed


# --- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize("config, message", [
    ("0.3;0.7", "is not an accuracy,efficiency pair"),
    ("a,b", "weights must be numbers"),
    ("-0.3,0.7", "must not be negative"),
    ("0.3,-0.7", "must not be negative"),
    ("0.3,0.7,0.1", "is not an accuracy,efficiency pair"),
    ("0,0", "at least one weight must be positive"),
    ("nan,1", "finite"),
])
def test_a_malformed_config_is_rejected_before_anything_runs(tmp_path, capsys, config, message):
    args = sweep_args(tmp_path, "out", "--configs", "0.5,0.5", config)
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("extra, message", [
    (["--configs", "0.5,0.5", "0.50,0.5"], "repeats '0.5,0.5'"),
    (["--configs", "0.5,0.5", "--seed", "3"], "--seed does not apply to a sweep"),
    (["--configs", "0.5,0.5", "--accuracy_weight", "1"], "--accuracy_weight does not apply"),
    (["--configs", "0.5,0.5", "--repeats", "0"], "--repeats must be at least 1"),
    (["--configs", "0.5,0.5", "--parallel", "0"], "--parallel must be at least 1"),
    (["--configs", "0.5,0.5", "--sweep_max_cost", "0"], "--sweep_max_cost must be a positive number"),
    (["--configs", "0.5,0.5", "--sweep_max_cost", "-1"], "--sweep_max_cost must be a positive number"),
    (["--configs", "0.5,0.5", "--sweep_max_cost", "nan"], "--sweep_max_cost must be a positive number"),
    (["--configs", "0.5,0.5", "--batch_size", "0"], "--batch_size must be at least 1"),
    (["--configs", "0.5,0.5", "--prompt_file", "missing.txt"], "prompt file not found"),
    ([], "--configs"),
])
def test_bad_sweep_settings_exit_2_with_nothing_written(tmp_path, capsys, extra, message):
    assert main(sweep_args(tmp_path, "out", *extra)) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_dry_run_lists_the_runs_and_a_ceiling_and_writes_nothing(tmp_path, capsys, prices):
    assert main(sweep_args(tmp_path, "out", *CONFIGS, "--dry_run", "--prices", prices, "--sweep_max_cost", "2")) == 0
    printed = capsys.readouterr().out
    assert printed.count("| new ") == 3 and "no model was called" in printed
    assert "--sweep_max_cost $2.0000: the runs have billed $0.0000 so far; $2.0000 is left" in printed
    assert "ceiling of the runs still to do: $" in printed
    assert list(tmp_path.iterdir()) == [Path(prices)]


def test_the_script_and_the_dispatcher_reach_the_sweep(tmp_path, capsys):
    done = subprocess.run([sys.executable, str(REPO / "run_experiments.py"), "--configs", "0.3;0.7"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "config '0.3;0.7' is not an accuracy,efficiency pair" in done.stderr
    assert promptbudget_main(["sweep", "--configs", "0.3,0.7", "a,b"]) == 2
    assert "config 'a,b': weights must be numbers" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_crashed_is_failed_with_its_error_and_the_sweep_exits_1(tmp_path, capsys, monkeypatch):
    import multiprocessing

    from promptbudget.sweep import runner

    from ..optimize.test_loop import crash_optimizer_calls

    crash_optimizer_calls(monkeypatch)
    # Forked run processes inherit the crashing engine (a fork server would import a fresh one).
    monkeypatch.setattr(runner, "process_context", lambda: multiprocessing.get_context("fork"))
    assert main(sweep_args(tmp_path, "out", "--configs", "0,1")) == 1
    (row,) = load(tmp_path / "out")["rows"]
    assert (row["status"], row["error"]) == ("failed", "RuntimeError: the disk is on fire")
    assert "RuntimeError: the disk is on fire" in capsys.readouterr().out
