"""Billed output tokens per prompt as distributions: the tails, not only the means (per task)."""

from __future__ import annotations

from typing import Any

from .. import charts
from ..analysis import Point, Tradeoff, tradeoffs
from ..load import LoadedResults
from ..options import ReportOptions


def token_points(shared: Tradeoff, results: LoadedResults) -> list[Point]:
    """The initial prompts and each run's final prompt, with their per-item numbers, initial first."""
    finals = {(run.run_id, run.current_version) for run in results.runs}
    points = [p for p in shared.chosen
              if p.items and (p.is_initial or any((r.run_id, p.version) in finals for r in p.runs))]
    return sorted(points, key=lambda p: (not p.is_initial, p.label))


class TokensSection:
    id = "tokens"
    title = "Token distributions"
    template = "sections/tokens.html.j2"

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None:
        groups = []
        for shared in tradeoffs(results, options.margin, options.min_samples):
            points = token_points(shared, results)
            one_initial = sum(p.is_initial for p in points) == 1
            rows, series = [], []
            for index, p in enumerate(points):
                stats = p.token_stats()
                if stats is None:
                    continue
                rows.append({"point": p, "stats": stats, "truncation": p.summary.truncation_rate})
                # On the log axis 0 cannot be drawn: an item billed 0 tokens is at or below 1 token, so the
                # curve from 1 up is still exact (the PNG's boxes clamp the same way).
                values = [max(1.0, float(i.output_tokens)) for i in p.items]
                # One initial prompt is drawn red; several get colours of their own, like the rest.
                color = (charts.INITIAL_COLOR if p.is_initial and one_initial
                         else charts.color(index - 1 if one_initial else index))
                series.append({"name": p.label, "line": True, "markers": False, "color": color,
                               "width": 2.5 if p.is_initial else 1.5, "points": charts.ecdf_points(values)})
            if not rows:
                continue
            chart = charts.xy_chart(f"Distribution of billed output tokens per item ({shared.basis})",
                                    "billed output tokens per item (log scale)", "share of items at or below",
                                    series, x_log=True, y_min=0, y_max=1)
            groups.append({"task": shared.task, "rows": rows, "chart": chart, "basis": shared.basis})
        if not groups:
            return None
        return {"groups": groups, "several_tasks": len(groups) > 1}
