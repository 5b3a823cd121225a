from __future__ import annotations

import json

import pytest
from matplotlib.figure import Figure

from promptbudget.budget import plots, report_section, sweep_cli
from promptbudget.errors import UsageError
from promptbudget.records import BudgetSweepResults, read_record

from .conftest import write_task


@pytest.fixture
def results(tmp_path, paid_prices):
    task, model = write_task(tmp_path, n=40, kinds=("easy", "plain", "hard"))
    output = tmp_path / "sweep.json"
    code = sweep_cli.main(["--task", task, "--model", model, "--budgets", "0", "1024", "2048", "4096",
                           "--learn_split", "val", "--samples", "20", "--min_class_items", "5", "--prices", paid_prices,
                           "--output", str(output), "--no_cache", "--quiet"])
    assert code == 0
    return read_record(output, BudgetSweepResults)


def test_figures_and_pngs(results, tmp_path):
    figures = plots.budget_sweep_figures(results)
    assert list(figures) == list(plots.FIGURE_NAMES)
    assert all(isinstance(f, Figure) for f in figures.values())
    accuracy_axes = figures["accuracy_vs_budget"].axes[0]
    assert accuracy_axes.get_xscale() == "log"
    assert [t.get_text() for t in accuracy_axes.get_xticklabels()] == ["off", "1,024", "2,048", "4,096"]
    paths = plots.save_pngs(results, tmp_path / "plots")
    assert set(paths) == set(plots.FIGURE_NAMES)
    for path in paths.values():
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_context_is_plain_data_for_a_template(results):
    context = report_section.context(results)
    json.dumps(context)  # plain data only
    table = context["settings_table"]
    assert len(table["rows"]) == 4 and all(len(r) == len(table["columns"]) for r in table["rows"])
    assert table["rows"][0][0] == "0"
    assert context["learn_settings_table"] is not None
    assert context["policy"]["rows"][1][0] == "medium" and "non-inferior" in context["policy"]["rule"]
    allocator = context["allocator"]
    assert allocator["held_out"] is True
    assert [r[0] for r in allocator["rows"]][-1] == "oracle"
    series = context["series"]
    assert [p["setting"] for p in series["accuracy_vs_budget"]["points"]] == ["0", "1024", "2048", "4096"]
    assert series["cost_vs_accuracy"]["pareto"] and series["cost_vs_accuracy"]["x_label"].startswith("cost")
    assert set(context["plots"]) == set(plots.FIGURE_NAMES)
    assert context["pricing"] == "priced" and context["enforcement"] == "simulated"


def test_ungraded_and_free_sweeps_still_render(tmp_path):
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"prompt": "hello"}\n{"prompt": "world"}\n', encoding="utf-8")
    output = tmp_path / "s.json"
    assert sweep_cli.main(["--prompts", str(prompts), "--model", "mock", "--budgets", "0", "1024",
                           "--output", str(output), "--no_cache", "--quiet"]) == 0
    results = read_record(output, BudgetSweepResults)
    context = report_section.context(results)
    assert context["allocator"] is None and context["policy"] is None
    assert context["settings_table"]["rows"][0][2] == "n/a"
    assert context["series"]["cost_vs_accuracy"]["x_label"].startswith("billed output tokens")
    paths = plots.save_pngs(results, tmp_path / "plots")
    assert all(p.stat().st_size > 1000 for p in paths.values())


def test_context_rejects_other_files():
    with pytest.raises(UsageError, match="not a budget-sweep result"):
        report_section.context({"schema": "promptbudget.run/1"})


def test_a_case_study_reads_as_a_typed_record_into_its_table(tmp_path, paid_prices):
    task, model = write_task(tmp_path, n=4, kinds=("hard",))
    out = tmp_path / "case.json"
    assert sweep_cli.main(["--task", task, "--model", model, "--case_study", "--output", str(out), "--quiet",
                           "--no_cache", "--prices", paid_prices]) == 0
    results = read_record(out, BudgetSweepResults)
    study = results.case_study
    assert study is not None and study.complexity == "complex"
    context = report_section.context(results)
    assert context["title"].startswith("Thinking budgets case study: ")
    table = context["case_study_table"]
    assert [row[:2] for row in table["rows"]] == [["half", "2048"], ["recommended", "4096"], ["double", "8192"]]
    for row, measured in zip(table["rows"], study.rows):
        assert row[3] == str(measured.output_tokens) and row[6] == f"${measured.cost_usd:.4f}"
    assert table["notes"] == [f"Recommendation: {study.recommendation}"]
    assert context["spent_usd"] == results.ledger.total.billed_usd > 0
