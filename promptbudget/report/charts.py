"""Chart specs: plain dicts that the report's chart script (static/charts.js) draws.

An xy chart: `{"kind": "xy", "title", "x_label", "y_label", "x_log", "y_min", "y_max",
"series": [{"name", "color", "line", "markers", "symbol", "dash", "size",
"points": [{"x", "y", "tip": [str], "symbol", "color", "ring", "size"}]}],
"bands": [{"x0", "x1", "color"}]}`. A bar chart: `{"kind": "bar", "title", "y_label", "unit",
"categories": [str], "series": [{"name", "color", "values": [float]}]}` (stacked).
Every string is shown as text, never parsed as markup.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Any, TypedDict

# Okabe-Ito, then a few more distinguishable colours.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#7570B3", "#66A61E", "#A6761D", "#E7298A"]
FRONT_COLOR = "#111111"
INITIAL_COLOR = "#C62828"
ROLE_COLORS = {"answer": "#0072B2", "feedback": "#E69F00", "optimizer": "#009E73", "judge": "#CC79A7"}
FOCUS_BANDS = {"accuracy": "#dbe8fb", "efficiency": "#fdebd3"}


class ChartPoint(TypedDict, total=False):
    x: float | None
    y: float | None
    tip: list[str]
    symbol: str
    color: str
    ring: bool
    size: float


class Series(TypedDict, total=False):
    name: str
    color: str
    line: bool
    markers: bool
    symbol: str
    dash: bool
    size: float
    width: float
    points: list[ChartPoint]
    values: list[float]
    """A bar chart's series: one value per category."""


class Band(TypedDict):
    x0: float
    x1: float
    color: str


class Chart(TypedDict, total=False):
    kind: str
    """"xy" or "bar"."""
    title: str
    caption: str
    x_label: str
    y_label: str
    x_log: bool
    x_min: float
    x_max: float
    y_min: float
    y_max: float
    unit: str
    categories: list[str]
    series: list[Series]
    bands: list[Band]


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def clean(value: float) -> float | None:
    """JSON-safe numbers: NaN and infinities become None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def point(x: float, y: float, tip: list[str] | None = None, **extra: Any) -> ChartPoint:
    """A point; `extra` sets its other ChartPoint fields (None leaves one out)."""
    data: ChartPoint = {"x": clean(float(x)), "y": clean(float(y))}
    if tip:
        data["tip"] = [str(t) for t in tip]
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


def xy_chart(title: str, x_label: str, y_label: str, series: list[Series], **options: Any) -> Chart:
    """An xy chart; `options` sets its other Chart fields (None leaves one out)."""
    spec: Chart = {"kind": "xy", "title": title, "x_label": x_label, "y_label": y_label,
            "series": [s for s in series if s.get("points")]}
    spec.update({k: v for k, v in options.items() if v is not None})
    return spec


def bar_chart(title: str, y_label: str, categories: list[str], series: list[Series], unit: str = "") -> Chart:
    return {"kind": "bar", "title": title, "y_label": y_label, "unit": unit, "categories": categories,
            "series": series}


def ecdf_points(values: list[float]) -> list[ChartPoint]:
    """Step points of the empirical CDF: the share of items at or below each token count."""
    ordered = sorted(values)
    n = len(ordered)
    points = []
    for i, v in enumerate(ordered):
        if i + 1 < n and ordered[i + 1] == v:
            continue
        points.append(point(v, bisect_left(ordered, v) / n))
        points.append(point(v, (i + 1) / n))
    return points
