"""Accuracy against billed tokens for every prompt, with the Pareto front and the initial prompt."""

from __future__ import annotations

from typing import Any

from .. import charts
from ..analysis import Point, front_of, item_set_warning, task_slug, tradeoffs
from ..load import LoadedResults, Run
from ..options import ReportOptions


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def point_tip(p: Point, extra: list[str] | None = None) -> list[str]:
    s = p.summary
    lines = [f"{p.basis}: accuracy {p.accuracy:.3f} [{_or(s.accuracy_low, 0):.3f}, "
             f"{_or(s.accuracy_high, 1):.3f}], n={p.n}",
             f"mean tokens {p.tokens:.1f}, median {_or(s.median_output_tokens, 0):.0f}, "
             f"p90 {_or(s.p90_output_tokens, 0):.0f}"]
    runs = ", ".join(r.label for r in p.runs[:4]) + (f" +{len(p.runs) - 4} more" if len(p.runs) > 4 else "")
    lines.append(f"prompt v{p.version} of run {runs}")
    return lines + (extra or [])


def config_label(run: Run, with_model: bool) -> str:
    """Series name: the weighting (seeds of one weighting share a colour), and the model if they differ."""
    acc, eff = run.weights
    return f"weights {acc:g}/{eff:g}" + (f" · {run.model}" if with_model else "")


def tradeoff_chart(points: list[Point], title: str, basis: str, picks: dict[str, str] | None = None) -> charts.Chart:
    """One series per weighting (its runs' prompt versions), the initial prompt(s) starred, the front drawn and ringed."""
    picks = picks or {}
    several_models = len({r.model for p in points for r in p.runs}) > 1
    front = front_of(points)
    on_front = {points[i].key for i in front}
    run_order: dict[str, int] = {}
    series: dict[str, charts.Series] = {}
    initial: charts.Series = {"name": "initial prompt", "color": charts.INITIAL_COLOR, "symbol": "star", "size": 6, "points": []}
    for p in points:
        extra = (["on the Pareto front"] if p.key in on_front else []) + ([picks[p.key]] if p.key in picks else [])
        pt = charts.point(p.tokens, p.accuracy, [p.label] + point_tip(p, extra), ring=p.key in on_front or None)
        if p.is_initial:
            initial["points"].append(pt)
            continue
        group = config_label(p.runs[0], several_models)
        if group not in series:
            run_order[group] = len(run_order)
            series[group] = {"name": group, "color": charts.color(run_order[group]), "points": []}
        series[group]["points"].append(pt)
    front_line: charts.Series = {"name": "Pareto front", "color": charts.FRONT_COLOR, "line": True, "markers": False,
                  "dash": True, "width": 1.5,
                  "points": [charts.point(points[i].tokens, points[i].accuracy, [points[i].label] + point_tip(points[i]))
                             for i in front]}
    return charts.xy_chart(title, "mean billed output tokens per item (thinking included)", f"{basis} accuracy",
                           [front_line, *series.values(), initial])


def figure_name(kind: str, task: str, several_tasks: bool) -> str:
    """`tradeoff_test`, or with several tasks `tradeoff_test_<task>` (also the PNG's file name)."""
    return f"tradeoff_{kind}_{task_slug(task)}" if several_tasks else f"tradeoff_{kind}"


FIGURE_TEXT = {
    "validation": ("Every validated prompt version",
                   "Validation items decided which candidates were kept, so these numbers are optimistic for the "
                   "winners. Ringed points form the Pareto front (no other prompt is both more accurate and "
                   "cheaper); the star is the initial prompt."),
    "test": ("Held-out test: initial and final prompt of each run",
             "Measured once, after optimization, on items no decision saw: the numbers to ship by. The "
             "recommendations use these points."),
}
"""Caption and note of the validation and the test figure."""


class TradeoffSection:
    id = "tradeoff"
    title = "Accuracy vs billed tokens"
    template = "sections/tradeoff.html.j2"

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None:
        groups = [g for g in tradeoffs(results, options.margin, options.min_samples) if g.validation or g.test]
        if not groups:
            return None
        several = len(groups) > 1
        figures = []
        for shared in groups:
            pick_names: dict[str, str] = {}
            for pick in shared.picks:
                if pick.point is not None:
                    pick_names[pick.point.key] = (pick_names.get(pick.point.key, "") + " " + pick.title).strip()
            on_task = f" ({shared.task})" if several else ""
            for basis, points in (("validation", shared.validation), ("test", shared.test)):
                if points:
                    caption, note = FIGURE_TEXT[basis]
                    figures.append({
                        "name": figure_name(basis, shared.task, several), "task": shared.task,
                        "chart": tradeoff_chart(points, caption + on_task, basis,
                                                pick_names if shared.basis == basis else None),
                        "caption": caption + on_task, "note": note, "warning": item_set_warning(points, basis),
                        "count": len(points), "front": len(front_of(points))})
        return {"figures": figures, "several_tasks": several}
