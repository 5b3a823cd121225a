"""The report on results the real commands write (mock engine), in the states they leave behind:
several tasks, runs that differ only in settings, a run stopped before validation, a killed run,
plug-in files whose plots share names. Each test pins down a bug the report once had."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import pytest

from promptbudget.budget.plots import FIGURE_NAMES

from promptbudget.engines.local import SMALL_MODEL_WARNING
from promptbudget.report import fmt
from promptbudget.records.run import SavedItem, SavedStats
from promptbudget.report.analysis import Point
from promptbudget.report.load import load_results
from promptbudget.report.render import build_report, render
from promptbudget.report.sections.plugin import normalize
from tests.support.synthetic_results import write_synthetic_results

from .conftest import chart_specs, options

SMALL = ["--model", "mock", "--max_epochs", "2", "--steps_per_epoch", "1", "--batch_size", "2",
         "--eval_samples", "6", "--test_samples", "8", "--num_threads", "1", "--quiet"]


def optimize(out: Path, cache: Path, *extra: str, task: str = "GSM8K_DSPy") -> int:
    from promptbudget.optimize.cli import main

    return main(["--task", task, *SMALL, "--output_dir", str(out), "--cache_dir", str(cache), *extra])


@pytest.fixture(scope="module")
def mock_runs(tmp_path_factory) -> Path:
    """Real optimize runs on the mock engine: GSM8K_DSPy three ways (thinking on, thinking off, no
    validation; same weights and seed), and BBH_navigate."""
    root = tmp_path_factory.mktemp("mock") / "results"
    cache = root.parent / "cache"
    assert optimize(root, cache) == 0
    assert optimize(root, cache, "--no_thinking_enabled") == 0
    assert optimize(root, cache, "--no_run_validation") == 0
    assert optimize(root, cache, task="BBH_navigate") == 0
    return root


def _copy(src: Path, dst: Path, only: str | None = None) -> Path:
    dst.mkdir(parents=True)
    for run in sorted(src.iterdir()):
        if only is None or only in run.name:
            shutil.copytree(run, dst / run.name)
    return dst


def _section(report, section_id):
    return next(s for s in report.sections if s.id == section_id)


# --- bug: prompts of different tasks were compared with each other -------------------------------
def test_each_task_is_compared_only_with_prompts_of_the_same_task(mock_runs, tmp_path):
    opts = options(mock_runs, tmp_path, plots_dir=tmp_path / "plots")
    report, pngs = build_report(opts)
    task_of = {run.run_id: run.task for run in report.results.runs}
    groups = _section(report, "recommendations").context["groups"]
    assert [g["task"] for g in groups] == ["BBH_navigate", "GSM8K_DSPy"]
    for group in groups:
        picked = [pick.point for pick in group["picks"] if pick.point is not None]
        assert picked and all({run.task for run in point.runs} == {group["task"]} for point in picked)
    # The trade-off charts hold one task's prompts each, and say which task.
    figures = _section(report, "tradeoff").context["figures"]
    assert sorted((f["task"], f["name"]) for f in figures) == [
        ("BBH_navigate", "tradeoff_test_BBH_navigate"), ("BBH_navigate", "tradeoff_validation_BBH_navigate"),
        ("GSM8K_DSPy", "tradeoff_test_GSM8K_DSPy"), ("GSM8K_DSPy", "tradeoff_validation_GSM8K_DSPy")]
    for figure in figures:
        assert figure["task"] in figure["caption"]
        points = [p for s in figure["chart"]["series"] if s["name"] != "Pareto front" for p in s["points"]]
        assert len(points) == figure["count"]
    for group in _section(report, "tokens").context["groups"]:
        assert all({task_of[r.run_id] for r in row["point"].runs} == {group["task"]} for row in group["rows"])
    names = {p.name for p in pngs}
    assert {"tradeoff_test_BBH_navigate.png", "tradeoff_test_GSM8K_DSPy.png", "token_distributions_BBH_navigate.png",
            "token_distributions_GSM8K_DSPy.png"} <= names
    assert "Task BBH_navigate" in report.html and "Task GSM8K_DSPy" in report.html
    assert _section(report, "summary").context["several_tasks"] is True


def test_one_task_keeps_the_plain_figure_names(mock_runs, tmp_path):
    root = _copy(mock_runs, tmp_path / "gsm", only="GSM8K_DSPy")
    report, pngs = build_report(options(root, tmp_path, plots_dir=tmp_path / "plots"))
    # The mock runs search the thinking setting too (the default), so the decision front is drawn.
    assert sorted(p.name for p in pngs) == ["cost_by_role.png", "decision_front.png", "token_distributions.png",
                                            "tradeoff_test.png", "tradeoff_validation.png", "trajectories.png"]
    assert "Task GSM8K_DSPy" not in report.html


# --- bug: runs with the same weights and seed but other settings looked identical ---------------------
def test_runs_with_the_same_weights_and_seed_get_distinct_labels(mock_runs, tmp_path):
    root = _copy(mock_runs, tmp_path / "gsm", only="GSM8K_DSPy")
    report = render(load_results(root), options(root, tmp_path))
    labels = [run.label for run in report.results.runs]
    assert len(set(labels)) == len(labels) == 3, labels
    assert any("thinking off" in label for label in labels)
    assert any("no validation" in label for label in labels)
    cost = next(c for c in chart_specs(report.html) if c["kind"] == "bar")
    assert len(set(cost["categories"])) == 3
    rows = _section(report, "summary").context["rows"]
    assert len({row["label"] for row in rows}) == 3
    # A run that nothing shown tells apart gets its run id's hash.
    with_copy = _copy(mock_runs, tmp_path / "two", only="BBH_navigate")
    run_dir = next(with_copy.iterdir())
    data = json.loads((run_dir / "summary.json").read_text())
    data["run_id"] = data["run_id"][:-8] + "00000000"
    data["config"]["custom_prompt"] = "Other words. Answer: X"
    (with_copy / "other").mkdir()
    (with_copy / "other" / "summary.json").write_text(json.dumps(data))
    labels = sorted(run.label for run in load_results(with_copy).runs)
    assert len(set(labels)) == 2 and any(label.endswith("#00000000") for label in labels), labels


# --- bug: a validated run stopped before validation was said to run without validation ------------
def test_a_run_stopped_before_validation_is_not_called_a_run_without_validation(mock_runs, tmp_path):
    root = _copy(mock_runs, tmp_path / "r", only="GSM8K_DSPy")
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"models": {"mock": {"input": 1.0, "output": 5.0}}}))
    # A price and a tight --max_cost: the cap stops it during the initial test evaluation (exit 3).
    assert optimize(root, tmp_path / "cache", "--prices", str(prices), "--max_tokens", "2000", "--thinking_budget",
                    "1024", "--max_cost", "0.02", "--no_cache", "--seed", "3") == 3
    report = render(load_results(root), options(root, tmp_path))
    runs = {e["run"].config.seed: e for e in _section(report, "runs").context["runs"]}
    stopped = runs[3]
    assert stopped["run"].status == "stopped" and not stopped["run"].validation
    assert stopped["trajectory"]["validation_enabled"] is True
    parts = re.split(r'<details class="run" id="run-\d+"', report.html)[1:]  # one per run
    stopped_html = next(p for p in parts if stopped["run"].run_id in p.split("</summary>", 1)[-1][:400])
    assert "Run without validation" not in stopped_html
    assert "No complete validation evaluation yet" in stopped_html
    unvalidated = next(p for p in parts if "no validation" in p.split("</summary>", 1)[0])
    assert "Run without validation" in unvalidated
    # No test evaluation: its item count is a dash, not 0.
    row = next(r for r in _section(report, "summary").context["rows"] if r["run_id"] == stopped["run"].run_id)
    assert row["n_test"] is None


# --- bug: a killed run's spend stopped at its last completed step -----------------------------------
def test_a_killed_run_counts_its_spend_up_to_the_last_call(mock_runs, tmp_path):
    root = _copy(mock_runs, tmp_path / "r", only="BBH_navigate")
    run_dir = next(root.iterdir())
    data = json.loads((run_dir / "summary.json").read_text())
    calls = [json.loads(line) for line in (run_dir / "calls.jsonl").read_text().splitlines()]
    assert len(calls) == data["ledger"]["total"]["calls"] > 10
    # Killed: the summary still says running and its ledger is as of an earlier checkpoint.
    data["status"] = "running"
    data["ledger"] = {"total": {"calls": 5, "cost_usd": 0.0}, "by_role": {"answer": {"calls": 5}}}
    (run_dir / "summary.json").write_text(json.dumps(data))
    # A resume set two paid calls aside (one since re-entered in calls.jsonl), and the kill tore a line.
    orphan = dict(calls[0], timestamp=1.0, cache_key="k-orphan")
    (run_dir / "orphans.jsonl").write_text(json.dumps(orphan) + "\n" + json.dumps(calls[1]) + "\n")
    with open(run_dir / "calls.jsonl", "a") as handle:
        handle.write('{"seq": 99, "role": "ans')
    results = load_results(root)
    (run,) = results.runs
    assert run.ledger.total.calls == len(calls) + 1
    assert run.ledger.by_role["answer"].calls == sum(c["role"] == "answer" for c in calls) + 1
    assert run.ledger.total.output_tokens == sum(c["usage"]["output_tokens"] for c in calls + [orphan])
    report = render(results, options(root, tmp_path))
    cost = _section(report, "cost").context
    assert cost["grand"]["calls"] == len(calls) + 1 and cost["live"] == [run.label]
    assert "so far" in report.html
    # Unreadable call records: the summary's totals, with a warning naming the file.
    lines = (run_dir / "calls.jsonl").read_text().splitlines()
    (run_dir / "calls.jsonl").write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n")
    results = load_results(root)
    assert results.runs[0].ledger.total.calls == 5
    assert any("call records cannot be read" in w and run_dir.name in w for w in results.warnings)


def test_a_finished_run_keeps_its_summary_ledger(mock_runs, tmp_path):
    root = _copy(mock_runs, tmp_path / "r", only="BBH_navigate")
    run_dir = next(root.iterdir())
    (run_dir / "calls.jsonl").write_text("")  # even with no call records
    (run,) = load_results(root).runs
    assert run.live_ledger is None and run.ledger.total.calls > 10


# --- bug: plug-in files whose plots have the same names overwrote each other's PNGs -------------------
def test_plugin_pngs_of_several_files_with_the_same_names_are_all_kept(tmp_path, capsys):
    from promptbudget.cli import main

    root = tmp_path / "results"
    for name in ("a", "b"):
        assert main(["budget-sweep", "--task", "BBH_object_counting", "--model", "mock", "--samples", "4",
                     "--budgets", "0", "1024", "--quiet", "--no_policy", "--cache_dir", str(tmp_path / "cache"),
                     "--output", str(root / f"{name}.json")]) == 0
    capsys.readouterr()
    plots = tmp_path / "plots"
    report, pngs = build_report(options(root, tmp_path, plots_dir=plots))
    assert len(pngs) == len(set(pngs)) == 2 * len(FIGURE_NAMES)
    assert sorted(p.name for p in plots.iterdir()) == sorted(p.name for p in pngs)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    assert sum(p.name.endswith("_b.png") for p in pngs) == len(FIGURE_NAMES)  # the second file's carry its name
    parts = _section(report, "budget").context["parts"]
    assert [len(part["images"]) for part in parts] == [len(FIGURE_NAMES)] * 2


def test_dollar_facts_of_a_plugin_are_money():
    part = normalize({"title": "t", "spent_usd": 0.7173, "n_items": 20})
    assert ("Spent (USD)", "$0.7173") in part["facts"]
    assert ("N items", 20) in part["facts"]


# --- smaller things shown wrong ---------------------------------------------------------------------
def test_zero_is_never_shown_with_a_minus_sign():
    assert fmt.pct(-0.0) == "+0.0%" and fmt.pct(-0.04) == "+0.0%" and fmt.pct(-0.06) == "-0.1%"
    assert fmt.signed(-0.0) == "+0.000" and fmt.signed(-0.0004) == "+0.000" and fmt.signed(-0.0006) == "-0.001"
    assert fmt.signed(-0.0, 1) == "+0.0"


def test_unchanged_run_shows_no_negative_zero(mock_runs, tmp_path):
    root = _copy(mock_runs, tmp_path / "r", only="GSM8K_DSPy")
    for path in root.glob("*/summary.json"):
        data = json.loads(path.read_text())
        if data["final"]["comparison"]["token_reduction_pct"] == 0:
            break
    else:  # make one: the final prompt is the initial one
        data["final"]["comparison"]["token_reduction_pct"] = 0.0
        path.write_text(json.dumps(data))
    html = render(load_results(root), options(root, tmp_path)).html
    assert "-0.0%" not in html and "+0.0%" in html


def test_cost_chart_caption_keeps_usd_in_capitals(small_results, tmp_path):
    html = render(load_results(small_results), options(small_results, tmp_path)).html
    assert "Cost (USD) by role and run" in html and "(usd)" not in html


def test_the_sweeps_cap_suffix_is_not_a_note_of_its_own():
    from promptbudget.report.sections.runs import sweep_note

    error = "cost cap reached: the next call could cost up to $0.0101; spent $0.0172 of the --max_cost cap $0.0500"
    assert sweep_note("stopped", error, "stopped", error + " (its share of --sweep_max_cost $0.3)") is None
    assert sweep_note("completed", None, "completed", None) is None
    assert sweep_note("stopped", error, "not started", "nothing left").startswith("sweep recorded not started")
    assert sweep_note("failed", "a", "failed", "b") == "sweep recorded failed: b"


def test_the_tiny_model_warning_reaches_the_recommendations(tmp_path):
    root = tmp_path / "results"
    paths = write_synthetic_results(root, runs=2, epochs=2, sweep=False)
    for path in paths:
        data = json.loads(path.read_text())
        data["warnings"].append(SMALL_MODEL_WARNING)
        path.write_text(json.dumps(data))
    report = render(load_results(root), options(root, tmp_path))
    (group,) = _section(report, "recommendations").context["groups"]
    assert SMALL_MODEL_WARNING in group["warnings"]


def test_a_margin_below_zero_accuracy_is_not_shown_as_a_negative_floor(tmp_path):
    root = tmp_path / "results"
    paths = write_synthetic_results(root, runs=2, epochs=2, sweep=False)
    for path in paths:
        data = json.loads(path.read_text())
        for record in (data["initial"]["test"], data["final"]["test"]):
            for item in record["items"]:
                item["correct"] = False
            record["summary"].update(accuracy=0.0, accuracy_low=0.0, correct=0)
        path.write_text(json.dumps(data))
    report = render(load_results(root), options(root, tmp_path))
    (group,) = _section(report, "recommendations").context["groups"]
    cheap = next(p for p in group["picks"] if p.kind == "cheapest_within_margin")
    assert "-0.020" not in cheap.explanation and "within 0.020 of zero" in cheap.explanation


def test_token_boxplot_without_tails_draws_no_empty_legend(tmp_path):
    from promptbudget.report.plots import token_boxplot_png

    items = [SavedItem(item_id=str(i), correct=True, output_tokens=0) for i in range(5)]
    point = Point("k", "test", 0, "p", SavedStats(n=5, accuracy=1.0, mean_output_tokens=0.0), items)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        written = token_boxplot_png([point], "test", tmp_path / "t.png")
    assert written is not None and written.read_bytes().startswith(b"\x89PNG")


def test_token_curves_stay_on_the_log_axis_when_an_item_is_billed_nothing(small_results, tmp_path):
    path = sorted(small_results.glob("*/summary.json"))[0]
    data = json.loads(path.read_text())
    data["initial"]["test"]["items"][0]["output_tokens"] = 0
    path.write_text(json.dumps(data))
    html = render(load_results(small_results), options(small_results, tmp_path)).html
    ecdf = next(c for c in chart_specs(html) if c["title"].startswith("Distribution of billed"))
    assert ecdf["x_log"] and min(p["x"] for s in ecdf["series"] for p in s["points"]) >= 1
