"""PNG versions of the main plots (matplotlib, Agg backend), written to the plots directory.

The trade-off, token-distribution and cost plots are drawn from the same chart specs as the
HTML charts, so the two always agree. Plug-in sections add theirs through `save_pngs`.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .analysis import Point, task_slug, tradeoffs  # noqa: E402
from .charts import Chart  # noqa: E402
from .load import LoadedResults  # noqa: E402
from .options import ReportOptions  # noqa: E402
from .sections import Section  # noqa: E402
from .sections.cost import CostSection  # noqa: E402
from .sections.runs import trajectory  # noqa: E402
from .sections.tokens import token_points  # noqa: E402
from .sections.tradeoff import TradeoffSection  # noqa: E402

MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle": "^", "star": "*", "cross": "x"}
DPI = 110


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    os.replace(tmp, path)
    return path


def _legend(ax: Axes, handles: int) -> None:
    if not ax.get_legend_handles_labels()[0]:
        return
    if handles <= 14:
        ax.legend(fontsize=8, loc="best")
    else:
        ax.legend(fontsize=6, ncol=2, loc="center left", bbox_to_anchor=(1.01, 0.5))


def xy_png(spec: Chart, path: Path) -> Path:
    """Draw an xy chart spec (see `charts.py`) as a PNG."""
    fig, ax = plt.subplots(figsize=(8, 5))
    for band in spec.get("bands") or []:
        ax.axvspan(band["x0"], band["x1"], color=band.get("color", "#eee"), alpha=0.5, lw=0)
    count = 0
    for s in spec["series"]:
        pts = [p for p in s.get("points") or [] if p.get("x") is not None and p.get("y") is not None]
        if not pts:
            continue
        xs, ys = [p["x"] for p in pts], [p["y"] for p in pts]
        color = s.get("color")
        if s.get("line"):
            ax.plot(xs, ys, color=color, lw=s.get("width", 2), ls="--" if s.get("dash") else "-",
                    label=s["name"], drawstyle="default")
            count += 1
        if s.get("markers", True) or any(p.get("symbol") for p in pts):
            ax.scatter(xs, ys, c=[p.get("color", color) for p in pts],
                       marker=MARKERS.get(s.get("symbol", "circle"), "o"),
                       s=(s.get("size", 4) * 2.2) ** 2 / 2, label=None if s.get("line") else s["name"], zorder=3)
            count += 0 if s.get("line") else 1
            rings = [p for p in pts if p.get("ring")]
            if rings:
                ax.scatter([p["x"] for p in rings], [p["y"] for p in rings], facecolors="none", edgecolors="#111",
                           s=160, linewidths=1.2, zorder=4)
    if spec.get("x_log"):
        ax.set_xscale("log")
    if spec.get("y_min") is not None or spec.get("y_max") is not None:
        lo, hi = ax.get_ylim()
        ax.set_ylim(min(lo, spec.get("y_min", lo)), max(hi, spec.get("y_max", hi)))
    ax.set_xlabel(spec.get("x_label", ""))
    ax.set_ylabel(spec.get("y_label", ""))
    ax.set_title(spec.get("title", ""), fontsize=11)
    ax.grid(alpha=0.3)
    _legend(ax, count)
    return _save(fig, path)


def bar_png(spec: Chart, path: Path) -> Path:
    cats = spec["categories"]
    fig, ax = plt.subplots(figsize=(max(8, 0.22 * len(cats) + 3), 5))
    base = [0.0] * len(cats)
    for s in spec["series"]:
        values = [float(v or 0) for v in s["values"]]
        if not any(values):
            continue
        ax.bar(range(len(cats)), values, bottom=base, color=s.get("color"), label=s["name"])
        base = [b + v for b, v in zip(base, values)]
    ax.set_xticks(range(len(cats)))
    ax.set_xticklabels(cats, rotation=60, ha="right", fontsize=7 if len(cats) > 20 else 9)
    ax.set_ylabel(spec.get("y_label", ""))
    ax.set_title(spec.get("title", ""), fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    return _save(fig, path)


def token_boxplot_png(points: list[Point], basis: str, path: Path, task: str | None = None) -> Path | None:
    """Per-prompt token distributions: boxes to the quartiles, whiskers to p1/p99, every outlier drawn,
    the mean as a diamond and p90/p99 as ticks, on a log axis."""
    if not points:
        return None
    data = [[max(1.0, float(i.output_tokens)) for i in p.items] for p in points]
    fig, ax = plt.subplots(figsize=(max(8, 0.35 * len(points) + 3), 5.5))
    ax.boxplot(data, whis=(1, 99), showmeans=True, meanprops={"marker": "D", "markerfacecolor": "#E69F00",
                                                               "markeredgecolor": "#333", "markersize": 4},
               flierprops={"marker": ".", "markersize": 3, "alpha": 0.6})
    labelled: set[str] = set()
    for i, p in enumerate(points, start=1):
        stats = p.token_stats() or {}
        for key, color in (("p90", "#009E73"), ("p99", "#D55E00")):
            if stats.get(key):
                ax.plot([i - 0.3, i + 0.3], [max(1.0, stats[key])] * 2, color=color, lw=1.5,
                        label=key if key not in labelled else None)
                labelled.add(key)
    ax.set_yscale("log")
    ax.set_xticks(range(1, len(points) + 1))
    ax.set_xticklabels([p.label for p in points], rotation=60, ha="right", fontsize=7 if len(points) > 20 else 9)
    ax.set_ylabel("billed output tokens per item (log)")
    ax.set_title(f"Token distributions per prompt ({basis}{'; ' + task if task else ''}); whiskers p1-p99, "
                 "dots beyond", fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    if labelled:
        ax.legend(fontsize=8, loc="upper right")
    return _save(fig, path)


def trajectories_png(results: LoadedResults, path: Path) -> Path | None:
    runs = [r for r in results.runs if r.steps]
    if not runs:
        return None
    drawn = [(run, traj) for run in runs if (traj := trajectory(run))["charts"]]
    if not drawn:
        return None
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 8), sharex=True)
    # Up to 10 runs: a colour each. More: a colour per weighting (its seeds share it).
    by_weights = len(drawn) > 10
    groups = list(dict.fromkeys(run.weights for run, _ in drawn))
    labelled: set[str] = set()
    for index, (run, traj) in enumerate(drawn):
        key = groups.index(run.weights) if by_weights else index
        color = f"C{key % 10}"
        label = f"weights {run.weights[0]:g}/{run.weights[1]:g}" if by_weights else run.label
        for ax, spec in ((top, traj["charts"][0]), (bottom, traj["charts"][1])):
            # Empty series are left out of a chart: a run may have no validated candidate at all.
            current = next((s["points"] for s in spec["series"] if s.get("line")), [])
            cands = next((s["points"] for s in spec["series"] if not s.get("line")), [])
            show = ax is top and label not in labelled
            if show:
                labelled.add(label)
            ax.plot([p["x"] for p in current], [p["y"] for p in current], color=color, lw=1.5,
                    alpha=0.6 if by_weights else 1.0, label=label if show else None)
            kept = [p for p in cands if p.get("symbol") == "circle"]
            reverted = [p for p in cands if p.get("symbol") == "cross"]
            ax.scatter([p["x"] for p in kept], [p["y"] for p in kept], color=color, marker="o", s=18, zorder=3)
            ax.scatter([p["x"] for p in reverted], [p["y"] for p in reverted], color=color, marker="x", s=18,
                       alpha=0.6, zorder=3)
    top.set_ylabel("validation accuracy")
    bottom.set_ylabel("mean billed output tokens")
    bottom.set_xlabel("optimization step (0 = initial prompt); o accepted, x reverted")
    top.set_title("Per-run trajectories: the prompt in use after each step", fontsize=11)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(top, len(labelled))
    return _save(fig, path)


def save_all(results: LoadedResults, options: ReportOptions, plots_dir: Path,
             sections: list[Section] | None = None) -> list[Path]:
    """Write every PNG; returns the paths written."""
    written: list[Path] = []
    trade = TradeoffSection().build(results, options)
    if trade:
        for figure in trade["figures"]:
            written.append(xy_png(figure["chart"], plots_dir / f"{figure['name']}.png"))
    made = trajectories_png(results, plots_dir / "trajectories.png")
    if made is not None:
        written.append(made)
    groups = tradeoffs(results, options.margin, options.min_samples)
    several = len([g for g in groups if token_points(g, results)]) > 1
    for shared in groups:
        name = f"token_distributions_{task_slug(shared.task)}.png" if several else "token_distributions.png"
        made = token_boxplot_png(token_points(shared, results), shared.basis, plots_dir / name,
                                 shared.task if several else None)
        if made is not None:
            written.append(made)
    cost = CostSection().build(results, options)
    if cost:
        written.append(bar_png(cost["chart"], plots_dir / "cost_by_role.png"))
    for section in sections or []:
        save = getattr(section, "save_pngs", None)
        if callable(save):
            written.extend(save(results, plots_dir))
    return written
