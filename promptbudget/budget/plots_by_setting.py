"""The notebook's views of a sweep, each its own figure: response time, token usage, cost and
accuracy per dollar against the setting, and the allocation strategy per complexity class.

Accuracy per dollar stands where the notebook plotted tokens per second ("efficiency"): tokens
per second rewards waste, since a setting that thinks longer at the same speed scores higher
while costing more and answering no better.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from ..errors import UsageError
from ..records import BudgetSweepResults
from ..records.budget_sweep import SavedSettingRow
from .allocator import BudgetAllocator, Policy, default_policy
from .classifier import COMPLEXITY_CLASSES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

EFFICIENCY_NOTE = ("Accuracy per dollar replaces the notebook's tokens per second: tokens per second rewards "
                   "waste (thinking longer at the same speed scores higher, costs more, answers no better).")
SCENARIOS = {"normal": (False, False), "time-sensitive": (True, False), "cost-constrained": (False, True),
             "both": (True, True)}
SCENARIO_COLORS = {"normal": "#377eb8", "time-sensitive": "#e41a1c", "cost-constrained": "#4daf4a",
                   "both": "#984ea3"}


def main_rows(results: BudgetSweepResults) -> list[SavedSettingRow]:
    """The measured rows of the split the sweep reports."""
    return results.rows()


def _axis(fig: Figure, results: BudgetSweepResults, rows: list[SavedSettingRow], title: str, y_label: str) -> Axes:
    ax = fig.add_subplot(1, 1, 1)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r.setting for r in rows])
    ax.set_xlabel(f"thinking {results.kind}")
    ax.set_ylabel(y_label)
    ax.set_title(f"{title}: {results.task.name} on {results.engine.model}")
    ax.grid(True, axis="y", alpha=0.3)
    return ax


def message_figure(fig: Figure, text: str) -> Figure:
    """A figure that says why there is nothing to plot."""
    ax = fig.add_subplot(1, 1, 1)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
    return fig


def _floor_zero(ax: Axes, values: list[float], unit: str) -> None:
    """An axis from 0; when every value is 0, a 0..1 axis and a note instead of matplotlib's -0.04..0.04."""
    top = max(values, default=0.0)
    if top <= 0:
        ax.set_ylim(0, 1)
        ax.text(0.5, 0.5, f"every measured value is 0 {unit}", transform=ax.transAxes, ha="center", color="gray")
    else:
        ax.set_ylim(0, top * 1.1)


def response_time_figure(results: BudgetSweepResults) -> Figure:
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    rows = [r for r in main_rows(results) if r.latency_p50_s is not None]
    if not rows:
        return message_figure(fig, "No latencies were measured.")
    ax = _axis(fig, results, rows, "Response time per setting", "seconds per answer")
    idx = list(range(len(rows)))
    p50, p95 = [r.latency_p50_s for r in rows], [r.latency_p95_s for r in rows]
    ax.plot(idx, p50, marker="o", label="p50")
    ax.plot(idx, p95, marker="s", label="p95")
    _floor_zero(ax, p50 + p95, "s (cache hits keep the original latency; the mock engine takes no time)")
    ax.legend(fontsize=8)
    return fig


def token_usage_figure(results: BudgetSweepResults) -> Figure:
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    rows = main_rows(results)
    if not rows:
        return message_figure(fig, "No measurements.")
    ax = _axis(fig, results, rows, "Token usage per setting", "tokens per item (mean)")
    idx = list(range(len(rows)))
    ax.plot(idx, [r.mean_output_tokens for r in rows], marker="o", label="billed output (thinking included)")
    thinking = [r.mean_thinking_tokens for r in rows]
    if any(t is not None for t in thinking):
        ax.plot(idx, [float("nan") if t is None else t for t in thinking], marker="^", label="thinking")
    ax.plot(idx, [r.mean_input_tokens for r in rows], marker="s", label="input")
    _floor_zero(ax, [r.mean_output_tokens for r in rows] + [r.mean_input_tokens for r in rows], "tokens")
    ax.legend(fontsize=8)
    return fig


def cost_by_setting_figure(results: BudgetSweepResults) -> Figure:
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    rows = [r for r in main_rows(results) if r.cost_per_item_usd is not None]
    if results.engine.pricing != "priced" or not rows:
        return message_figure(fig, f"The answer engine is {results.engine.pricing}: no cost to plot "
                             "(token usage is the cost proxy).")
    ax = _axis(fig, results, rows, "Cost per setting", "USD per item")
    values = [r.cost_per_item_usd for r in rows]
    ax.bar(range(len(rows)), values, color="#e41a1c")
    _floor_zero(ax, values, "USD")
    return fig


def accuracy_per_dollar_figure(results: BudgetSweepResults) -> Figure:
    fig = Figure(figsize=(8, 4.8), layout="constrained")
    rows = [r for r in main_rows(results) if r.accuracy_per_dollar is not None]
    if not rows:
        reason = "ungraded prompts" if not results.task.graded else f"{results.engine.pricing} engine"
        return message_figure(fig, f"No accuracy per dollar ({reason}).\n{EFFICIENCY_NOTE}")
    ax = _axis(fig, results, rows, "Accuracy per dollar per setting", "correct answers per USD")
    values = [r.accuracy_per_dollar for r in rows]
    ax.bar(range(len(rows)), values, color="#4daf4a")
    _floor_zero(ax, values, "")
    fig.text(0.01, 0.005, EFFICIENCY_NOTE, fontsize=7, wrap=True)
    return fig


def allocation_table(policy: Policy) -> dict[str, dict[str, int]]:
    """Per scenario, the tier chosen per complexity class (before mapping to a model)."""
    allocator = BudgetAllocator(policy)
    return {scenario: {name: allocator.tier_for(name, time_sensitive=ts, cost_constrained=cc)[0]
                       for name in COMPLEXITY_CLASSES} for scenario, (ts, cc) in SCENARIOS.items()}


def policies_of(results: BudgetSweepResults) -> dict[str, Policy]:
    """The notebook defaults, and the learned policy when the sweep learned one."""
    policies = {"notebook defaults": default_policy()}
    if results.policy is not None:
        try:
            policies["learned"] = Policy.from_dict(results.policy.to_json(), where="the sweep's policy")
        except UsageError:
            pass
    return policies


def allocation_strategy_figure(results: BudgetSweepResults) -> Figure:
    policies = policies_of(results)
    fig = Figure(figsize=(6 * len(policies), 4.8), layout="constrained")
    axes = fig.subplots(1, len(policies), squeeze=False)[0]
    width = 0.2
    for ax, (name, policy) in zip(axes, policies.items()):
        table = allocation_table(policy)
        for offset, (scenario, tiers) in enumerate(table.items()):
            xs = [i + (offset - 1.5) * width for i in range(len(COMPLEXITY_CLASSES))]
            ax.bar(xs, [tiers[c] for c in COMPLEXITY_CLASSES], width=width, label=scenario,
                   color=SCENARIO_COLORS[scenario])
        ax.axhline(1024, color="gray", linestyle="--", linewidth=1)
        ax.set_xticks(range(len(COMPLEXITY_CLASSES)))
        ax.set_xticklabels(COMPLEXITY_CLASSES)
        ax.set_ylabel("thinking budget tier (tokens; 0 = off)")
        learned = ", ".join(policy.learned_classes) or "none"
        ax.set_title(f"{name} (learned classes: {learned})", fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Budget chosen per complexity class and scenario (dashed: the 1,024-token minimum)")
    return fig


FIGURES = {
    "response_time": response_time_figure,
    "token_usage": token_usage_figure,
    "cost_by_setting": cost_by_setting_figure,
    "accuracy_per_dollar": accuracy_per_dollar_figure,
    "allocation_strategy": allocation_strategy_figure,
}
