"""Figures of a confidence-split result: reliability diagrams, heatmaps, risk-coverage curves.

Figures are built with `matplotlib.figure.Figure` (no pyplot, no global state; PNGs are
rendered by the Agg canvas), so this is safe in threads and in headless runs.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from ..records import ConfidenceSplitResults
from ..records.confidence_split import ConfidenceCell

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# metric key, label, better ("higher" or "lower"), number format
HEATMAP_METRICS = (
    ("accuracy", "Accuracy", "higher", "{:.2f}"),
    ("ece", "ECE (10 equal-width bins)", "lower", "{:.3f}"),
    ("brier", "Brier score", "lower", "{:.3f}"),
    ("auroc", "AUROC of confidence for correctness", "higher", "{:.2f}"),
    ("aurc", "AURC (area under risk-coverage)", "lower", "{:.3f}"),
    ("parse_failure_rate", "Confidence parse-failure rate", "lower", "{:.2f}"),
    ("cost_usd", "Cost (USD)", "lower", "${:.4f}"),
    ("mean_output_tokens", "Output tokens per item (both stages)", "lower", "{:.0f}"),
)


def _axes(results: ConfidenceSplitResults) -> tuple[list[int], list[float]]:
    totals = sorted({c.total_budget for c in results.cells})
    ratios = sorted({c.ratio for c in results.cells})
    return totals, ratios


def _cell(results: ConfidenceSplitResults, total: int, ratio: float) -> ConfidenceCell | None:
    for cell in results.cells:
        if cell.total_budget == total and cell.ratio == ratio:
            return cell
    return None


def _title(results: ConfidenceSplitResults) -> str:
    return f"{results.task.name} on {results.model.model_string} (n={results.task.n_items})"


def _new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def heatmap_matrix(results: ConfidenceSplitResults, metric: str) -> list[list[float | None]]:
    """Rows: total budgets (ascending); columns: ratios (ascending)."""
    totals, ratios = _axes(results)
    rows = []
    for total in totals:
        row = []
        for ratio in ratios:
            cell = _cell(results, total, ratio)
            value = None if cell is None else cell.metrics.value(metric)
            row.append(None if value is None or (isinstance(value, float) and math.isnan(value)) else value)
        rows.append(row)
    return rows


def heatmap_figure(results: ConfidenceSplitResults, metric: str, label: str, better: str, fmt: str) -> Figure:
    import numpy as np

    totals, ratios = _axes(results)
    matrix = heatmap_matrix(results, metric)
    data = np.ma.masked_invalid(np.array([[math.nan if v is None else float(v) for v in row] for row in matrix],
                                         dtype=float))
    figure = _new_figure(max(4.5, 2.0 + 1.1 * len(ratios)), max(3.0, 1.6 + 0.6 * len(totals)))
    ax = figure.add_subplot()
    cmap = "viridis" if better == "higher" else "viridis_r"
    image = ax.imshow(data, cmap=cmap, aspect="auto", origin="lower")
    if data.count():
        figure.colorbar(image, ax=ax, label=f"{better} is better")
    ax.set_xticks(range(len(ratios)), [f"{r:g}" for r in ratios])
    ax.set_yticks(range(len(totals)), [str(t) for t in totals])
    ax.set_xlabel("answer share of the budget (ratio)")
    ax.set_ylabel("total thinking budget (tokens)")
    ax.set_title(f"{label}\n{_title(results)}", fontsize=9)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(j, i, "n/a" if value is None else fmt.format(value), ha="center", va="center", fontsize=8,
                    color="black", bbox={"facecolor": "white", "alpha": 0.6, "linewidth": 0, "pad": 1})
    return figure


def reliability_figure(results: ConfidenceSplitResults, total: int) -> Figure:
    _, ratios = _axes(results)
    figure = _new_figure(2.6 * len(ratios) + 0.4, 3.0)
    axes = figure.subplots(1, len(ratios), squeeze=False)[0]
    for ax, ratio in zip(axes, ratios):
        cell = _cell(results, total, ratio)
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("stated confidence")
        if ratio == ratios[0]:
            ax.set_ylabel("accuracy in bin")
        if cell is None:
            continue
        m = cell.metrics
        ece = "n/a" if m.ece is None else f"{m.ece:.3f}"
        ax.set_title(f"ratio {ratio:g} ({cell.answer_budget}/{cell.confidence_budget} tok)\n"
                     f"ECE {ece}, parsed {m.n_parsed}/{m.n}", fontsize=8)
        bins = [b for b in cell.reliability_bins if b.count]
        if not bins:
            ax.text(0.5, 0.5, "no parsed\nconfidences", ha="center", va="center", fontsize=9)
            continue
        ax.bar([(b.low + b.high) / 2 for b in bins], [b.accuracy for b in bins],
               width=[b.high - b.low for b in bins], edgecolor="black", alpha=0.7, label="accuracy")
        ax.plot([b.mean_confidence for b in bins], [b.accuracy for b in bins], "o", color="crimson",
                markersize=3, label="mean confidence")
        for b in bins:
            ax.text((b.low + b.high) / 2, min(0.95, (b.accuracy or 0) + 0.03), str(b.count),
                    ha="center", fontsize=6)
    figure.suptitle(f"Reliability, total budget {total} (10 equal-width bins; counts above bars)\n{_title(results)}",
                    fontsize=9)
    return figure


def risk_coverage_figure(results: ConfidenceSplitResults, total: int) -> Figure:
    _, ratios = _axes(results)
    figure = _new_figure(5.5, 3.8)
    ax = figure.add_subplot()
    drawn = 0
    for ratio in ratios:
        cell = _cell(results, total, ratio)
        if cell is None or not cell.risk_coverage:
            continue
        points = cell.risk_coverage
        aurc = cell.metrics.aurc
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3,
                label=f"ratio {ratio:g}" + ("" if aurc is None else f" (AURC {aurc:.3f})"))
        drawn += 1
    if not drawn:
        ax.text(0.5, 0.5, "no parsed confidences", ha="center", va="center", transform=ax.transAxes)
    else:
        ax.legend(fontsize=7)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("coverage (most confident first)")
    ax.set_ylabel("risk (error rate among accepted)")
    ax.set_title(f"Risk-coverage, total budget {total}\n{_title(results)}", fontsize=9)
    return figure


def figures(results: ConfidenceSplitResults) -> dict[str, Figure]:
    """Every figure of one result, by name (names are file-name safe)."""
    totals, _ = _axes(results)
    out: dict[str, Figure] = {}
    for metric, label, better, fmt in HEATMAP_METRICS:
        out[f"heatmap_{metric}"] = heatmap_figure(results, metric, label, better, fmt)
    for total in totals:
        out[f"reliability_total{total}"] = reliability_figure(results, total)
        out[f"risk_coverage_total{total}"] = risk_coverage_figure(results, total)
    return out


def file_suffix(results: ConfidenceSplitResults) -> str:
    """`<task>_<model>`, safe in a file name."""
    text = f"{results.task.name}_{results.model.model_string}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text.replace("jsonl:", ""))[-80:]


def file_prefix(results: ConfidenceSplitResults) -> str:
    """The standalone page's name: `confidence_split_<task>_<model>`."""
    return f"confidence_split_{file_suffix(results)}"


def png_name(results: ConfidenceSplitResults, name: str) -> str:
    """`confidence_<figure>_<task>_<model>.png`: the pattern of the budget and main report PNGs."""
    return f"confidence_{name}_{file_suffix(results)}.png"


def figure_name(results: ConfidenceSplitResults, path: Path) -> str:
    """The figure a PNG written by `save_pngs` shows."""
    return path.stem[len("confidence_"):-(len(file_suffix(results)) + 1)]


def save_pngs(results: ConfidenceSplitResults, plots_dir: str | Path) -> list[Path]:
    """Write every figure as `<plots_dir>/confidence_<figure>_<task>_<model>.png`; returns the paths."""
    plots_dir = Path(plots_dir)
    plots_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, figure in figures(results).items():
        path = plots_dir / png_name(results, name)
        figure.savefig(path, format="png")
        paths.append(path)
    return paths
