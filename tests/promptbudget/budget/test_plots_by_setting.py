"""The notebook's views per setting, and the allocation strategy per scenario."""

from __future__ import annotations

import pytest

from promptbudget.budget import plots, sweep_cli
from promptbudget.budget.plots_by_setting import (EFFICIENCY_NOTE, accuracy_per_dollar_figure, allocation_table,
                                                  response_time_figure)
from promptbudget.budget.report_section import allocation_strategy_table
from promptbudget.budget.allocator import default_policy
from promptbudget.records import BudgetSweepResults, read_record

from .conftest import write_task


@pytest.fixture
def results(tmp_path, paid_prices):
    task, model = write_task(tmp_path, n=40, kinds=("easy", "plain", "hard"))
    output = tmp_path / "sweep.json"
    assert sweep_cli.main(["--task", task, "--model", model, "--budgets", "0", "1024", "2048", "4096", "--samples",
                           "20", "--min_class_items", "5", "--prices", paid_prices, "--output", str(output),
                           "--no_cache", "--quiet"]) == 0
    return read_record(output, BudgetSweepResults)


def test_zero_latencies_get_an_axis_from_0_not_minus_0_04(results):
    assert all(r.latency_p95_s == 0 for r in results.summary["test"])  # the mock takes no time
    ax = response_time_figure(results).axes[0]
    assert ax.get_ylim() == (0.0, 1.0)
    assert any("every measured value is 0" in t.get_text() for t in ax.texts)
    data = results.to_json()
    for row in data["summary"]["test"]:
        row["latency_p50_s"], row["latency_p95_s"] = 1.0, 2.5
    low, high = response_time_figure(BudgetSweepResults.model_validate(data)).axes[0].get_ylim()
    assert low == 0.0 and high == pytest.approx(2.75)


def test_accuracy_per_dollar_is_plotted_from_the_rows_with_the_reason_it_replaces_tokens_per_second(results):
    figure = accuracy_per_dollar_figure(results)
    bars = [p.get_height() for p in figure.axes[0].patches]
    assert bars == pytest.approx([r.accuracy_per_dollar for r in results.summary["test"]])
    assert EFFICIENCY_NOTE in [t.get_text() for t in figure.texts] and "rewards waste" in EFFICIENCY_NOTE


def test_each_notebook_view_is_its_own_figure_and_png(results, tmp_path):
    for name in ("response_time", "token_usage", "cost_by_setting", "accuracy_per_dollar", "allocation_strategy"):
        assert name in plots.FIGURE_NAMES
    token_axes = plots.budget_sweep_figures(results)["token_usage"].axes[0]
    output_line = token_axes.get_lines()[0]
    assert list(output_line.get_ydata()) == pytest.approx([r.mean_output_tokens for r in results.summary["test"]])
    paths = plots.save_pngs(results, tmp_path / "plots")
    assert all(p.name.startswith(f"budget_{name}_") for name, p in paths.items())


def test_allocation_strategy_per_scenario_for_the_default_and_the_learned_policy(results):
    table = allocation_table(default_policy())
    assert table["normal"] == {"simple": 0, "medium": 2048, "complex": 4096, "very_complex": 8192}
    assert table["time-sensitive"] == {"simple": 0, "medium": 0, "complex": 2048, "very_complex": 4096}
    assert table["cost-constrained"] == {"simple": 0, "medium": 1024, "complex": 2048, "very_complex": 4096}
    assert table["both"] == {"simple": 0, "medium": 0, "complex": 1024, "very_complex": 2048}
    rows = allocation_strategy_table(results)["rows"]
    assert {r[0] for r in rows} == {"notebook defaults", "learned"} and len(rows) == 8
    learned_normal = next(r for r in rows if r[:2] == ["learned", "normal"])
    policy = results.policy.classes
    assert learned_normal[2:] == [("off" if policy[c].tier == 0 else str(policy[c].tier))
                                  for c in ("simple", "medium", "complex", "very_complex")]


def test_the_html_section_charts_each_view_from_the_rows(results):
    from promptbudget.budget.report_section import context
    from promptbudget.report.sections.plugin import CHART_ADAPTERS, normalize

    part = normalize(context(results), CHART_ADAPTERS["budget"])
    by_title = {c["title"]: c for c in part["charts"]}
    for title in ("Response time per setting (p50)", "Token usage per setting", "Cost per setting",
                  "Accuracy per dollar per setting"):
        assert title in by_title
    per_dollar = by_title["Accuracy per dollar per setting"]
    assert per_dollar["series"][0]["values"] == pytest.approx([r.accuracy_per_dollar
                                                               for r in results.summary["test"]])
    assert "rewards waste" in per_dollar["caption"]


def test_an_all_zero_html_chart_says_so(results):
    from promptbudget.budget.report_section import context
    from promptbudget.report.sections.plugin import CHART_ADAPTERS, normalize

    part = normalize(context(results), CHART_ADAPTERS["budget"])
    latency = next(c for c in part["charts"] if c["title"] == "Response time per setting (p50)")
    assert latency["caption"].endswith("every measured value is 0 s")  # the mock engine takes no time
