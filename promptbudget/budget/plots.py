"""Figures of a budget sweep, from its results dict alone (pure functions, no pyplot state).

`budget_sweep_figures(results)` returns matplotlib Figures by name; `save_pngs(results, dir)`
writes them as PNGs. Figures are built with `matplotlib.figure.Figure` and rendered by the
Agg canvas, so nothing depends on the interactive backend or on global pyplot state.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..experiment.slugs import slug
from ..records import BudgetSweepResults
from ..records.budget_sweep import SavedSettingRow, SavedStrategy
from ..stats import pareto_front
from .plots_by_setting import FIGURES, main_rows, message_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FIGURE_NAMES = ("accuracy_vs_budget", "cost_vs_accuracy", "budget_use", *FIGURES, "allocator_comparison")
CLASS_COLORS = {"simple": "#4daf4a", "medium": "#377eb8", "complex": "#ff7f00", "very_complex": "#e41a1c"}
OFF_POSITION = 512
"""Where thinking off (budget 0) sits on the log-2 budget axis, labelled "off"."""


def x_positions(results: BudgetSweepResults, rows: list[SavedSettingRow]) -> tuple[list[float], list[str], bool]:
    """(x values, tick labels, log axis?) for the settings of `rows`."""
    if results.kind == "budget":
        return ([float(r.tier) if r.tier > 0 else float(OFF_POSITION) for r in rows],
                ["off" if r.tier == 0 else f"{r.tier:,}" for r in rows], True)
    labels = [s.label for s in results.settings]
    return [float(labels.index(r.setting)) for r in rows], [r.setting for r in rows], False


def cost_axis(results: BudgetSweepResults) -> tuple[str, str]:
    """(row field, axis label) of the cost axis: dollars when priced, billed output tokens otherwise."""
    if results.engine.pricing == "priced":
        return "cost_per_item_usd", "cost per item (USD)"
    return "mean_output_tokens", "billed output tokens per item (free engine: tokens stand in for cost)"


def cost_of(row: SavedSettingRow, key: str) -> float | None:
    """The row's value on the cost axis named by `cost_axis`."""
    value = getattr(row, key)
    return None if value is None else float(value)


def pareto_labels(rows: list[SavedSettingRow], key: str) -> list[str]:
    graded = [r for r in rows if r.accuracy is not None and getattr(r, key) is not None]
    front = pareto_front([(r.accuracy, float(getattr(r, key))) for r in graded])
    return [graded[i].setting for i in front]


def _title(results: BudgetSweepResults) -> str:
    return f"{results.task.name} on {results.engine.model}"


def _setup_x(ax: Axes, xs: list[float], labels: list[str], log: bool) -> None:
    if log:
        ax.set_xscale("log", base=2)
        ax.set_xlabel("thinking budget (tokens, log scale)")
    else:
        ax.set_xlabel("effort level")
    ax.set_xticks(xs)
    ax.set_xticklabels(labels)
    ax.minorticks_off()


def _finish_accuracy_axis(ax: Axes, title: str) -> None:
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)


def _error_bars(rows: list[SavedSettingRow] | list[SavedStrategy]) -> tuple[list[float], list[list[float]]]:
    """Accuracies and their (below, above) 95% interval widths."""
    acc = [r.accuracy for r in rows]
    return acc, [[a - r.accuracy_low for a, r in zip(acc, rows)], [r.accuracy_high - a for a, r in zip(acc, rows)]]


def accuracy_figure(results: BudgetSweepResults) -> Figure:
    fig = Figure(figsize=(8, 5), layout="constrained")
    rows = [r for r in main_rows(results) if r.accuracy is not None]
    if not rows:
        return message_figure(fig, "No graded answers: accuracy is n/a for this sweep.")
    ax = fig.add_subplot(1, 1, 1)
    xs, labels, log = x_positions(results, rows)
    acc, err = _error_bars(rows)
    ax.errorbar(xs, acc, yerr=err, marker="o", color="black", capsize=4, linewidth=2,
                label=f"all items (n={rows[0].n}, 95% CI)")
    for name, class_rows in results.class_rows().items():
        class_rows = [r for r in class_rows if r.accuracy is not None and r.n]
        if not class_rows:
            continue
        cx, _, _ = x_positions(results, class_rows)
        ax.plot(cx, [r.accuracy for r in class_rows], marker=".", linestyle="--",
                color=CLASS_COLORS.get(name), label=f"{name} (n={class_rows[0].n})")
    _setup_x(ax, xs, labels, log)
    _finish_accuracy_axis(ax, f"Accuracy vs thinking {results.kind}: {_title(results)}")
    return fig


def cost_figure(results: BudgetSweepResults) -> Figure:
    fig = Figure(figsize=(8, 5), layout="constrained")
    key, label = cost_axis(results)
    rows = [r for r in main_rows(results) if r.accuracy is not None and cost_of(r, key) is not None]
    if not rows:
        return message_figure(fig, "No graded answers with a cost: nothing to plot.")
    ax = fig.add_subplot(1, 1, 1)
    xs = [cost_of(r, key) for r in rows]
    acc, err = _error_bars(rows)
    ax.errorbar(xs, acc, yerr=err, fmt="o", color="#377eb8", capsize=4, label="setting (95% CI)")
    labels: dict[tuple[float, float], list[str]] = {}
    for x, a, r in zip(xs, acc, rows):
        labels.setdefault((x, a), []).append(r.setting)  # identical points share one label
    for (x, a), names in labels.items():
        ax.annotate(", ".join(names), (x, a), textcoords="offset points", xytext=(5, 5), fontsize=8)
    front = pareto_labels(rows, key)
    front_rows = sorted((r for r in rows if r.setting in front), key=lambda r: cost_of(r, key))
    ax.step([cost_of(r, key) for r in front_rows], [r.accuracy for r in front_rows], where="post",
            color="#e41a1c", linewidth=1.5, label="Pareto front")
    ax.set_xlabel(label)
    _finish_accuracy_axis(ax, f"Cost vs accuracy: {_title(results)}")
    return fig


def budget_use_figure(results: BudgetSweepResults) -> Figure:
    """Thinking tokens against the budget, and the truncation rate (latency has its own figure)."""
    fig = Figure(figsize=(10, 4.5), layout="constrained")
    rows = main_rows(results)
    if not rows:
        return message_figure(fig, "No measurements.")
    names = [r.setting for r in rows]
    idx = list(range(len(rows)))
    ax1, ax2 = fig.subplots(1, 2)
    thinking = [r.mean_thinking_tokens for r in rows]
    if any(t is not None for t in thinking):
        ax1.bar(idx, [t or 0 for t in thinking], color="#984ea3", label="mean thinking tokens")
        budgets = [r.budget_tokens for r in rows]
        ax1.scatter([i for i, b in zip(idx, budgets) if b], [b for b in budgets if b], marker="_", s=600,
                    color="black", label="budget")
        ax1.set_title("Thinking tokens against the budget")
    else:
        ax1.bar(idx, [r.mean_output_tokens for r in rows], color="#984ea3", label="mean billed output tokens")
        ax1.scatter(idx, [r.max_tokens for r in rows], marker="_", s=600, color="black", label="max_tokens cap")
        ax1.set_title("Output tokens against the cap (no thinking reported)")
    ax1.set_yscale("symlog", linthresh=100)
    ax1.set_ylabel("tokens")
    ax1.legend(fontsize=8)
    ax2.bar(idx, [r.truncation_rate for r in rows], color="#ff7f00")
    ax2.set_ylim(0, 1)
    ax2.set_title("Truncation rate (stop_reason max_tokens)")
    for ax in (ax1, ax2):
        ax.set_xticks(idx)
        ax.set_xticklabels(names, rotation=30)
        ax.set_xlabel(results.kind)
        ax.grid(True, axis="y", alpha=0.3)
    fig.suptitle(f"Budget use: {_title(results)} (enforcement: {results.engine.enforcement})")
    return fig


def allocator_figure(results: BudgetSweepResults) -> Figure:
    fig = Figure(figsize=(12, 5), layout="constrained")
    evaluation = results.allocator_evaluation
    if evaluation is None or not evaluation.n:
        return message_figure(fig, "No allocator evaluation (ungraded prompts, or the sweep stopped early).")
    strategies = evaluation.strategies
    names = [s.name for s in strategies]
    colors = ["#bbbbbb" if s.kind == "fixed" else ("#377eb8" if s.kind == "allocator" else "#4daf4a")
              for s in strategies]
    idx = list(range(len(strategies)))
    ax1, ax2 = fig.subplots(1, 2)
    acc, err = _error_bars(strategies)
    ax1.barh(idx, acc, xerr=err, color=colors, capsize=3)
    ax1.set_xlim(0, 1)
    ax1.set_xlabel("accuracy (95% CI)")
    ax1.set_yticks(idx)
    ax1.set_yticklabels(names)
    ax1.invert_yaxis()
    priced = results.engine.pricing == "priced"
    values = [(s.cost_per_item_usd if priced else s.mean_output_tokens) or 0 for s in strategies]
    ax2.barh(idx, values, color=colors)
    ax2.set_xlabel("cost per item (USD, classifier included)" if priced else "billed output tokens per item")
    ax2.set_yticks(idx)
    ax2.set_yticklabels([])
    ax2.invert_yaxis()
    for ax in (ax1, ax2):
        ax.grid(True, axis="x", alpha=0.3)
    kind = "held-out" if evaluation.held_out else "in-sample"
    fig.suptitle(f"Allocator vs fixed {results.kind}s vs oracle ({kind}, split {evaluation.split}, "
                 f"n={evaluation.n}): {_title(results)}")
    return fig


def budget_sweep_figures(results: BudgetSweepResults) -> dict[str, Figure]:
    """Every figure of a sweep by name (see FIGURE_NAMES)."""
    return {
        "accuracy_vs_budget": accuracy_figure(results),
        "cost_vs_accuracy": cost_figure(results),
        "budget_use": budget_use_figure(results),
        **{name: make(results) for name, make in FIGURES.items()},
        "allocator_comparison": allocator_figure(results),
    }


def png_name(results: BudgetSweepResults, name: str) -> str:
    """`budget_<figure>_<task>_<model>.png`: figure first, then what it is about, like the report's own PNGs."""
    return f"budget_{name}_{slug(results.task.name)}_{slug(results.config.model)}.png"


def save_pngs(results: BudgetSweepResults, plots_dir: str | Path) -> dict[str, Path]:
    """Write every figure as a PNG in `plots_dir`; returns the paths by figure name."""
    directory = Path(plots_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, fig in budget_sweep_figures(results).items():
        path = directory / png_name(results, name)
        FigureCanvasAgg(fig)
        fig.savefig(path, dpi=110)
        paths[name] = path
    return paths

