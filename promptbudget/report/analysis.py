"""The numbers behind the report's choices: prompt points, the Pareto front, recommendations.

A *point* is one prompt measured on one item set: accuracy (with its Wilson CI) against mean
billed output tokens (thinking included). The same prompt measured on the same items with the
same answer model in several runs (the initial prompt of a sweep, typically) is one point.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from ..records.run import SavedEvaluation, SavedItem, SavedStats
from ..experiment.slugs import slug
from ..stats import (cheapest_within_margin, knee_point, mcnemar_exact, min_samples_warning,
                     paired_bootstrap_diff, pareto_front, token_summary)
from .load import LoadedResults, Run


class Measured:
    """A point measured on an item subset: accuracy, mean billed output tokens and n from its `summary`."""

    summary: SavedStats

    @property
    def accuracy(self) -> float:
        return float(self.summary.accuracy)  # a point has both (see _add)

    @property
    def tokens(self) -> float:
        return float(self.summary.mean_output_tokens)

    @property
    def n(self) -> int:
        return self.summary.n


@dataclass
class Point(Measured):
    key: str
    basis: str  # "validation" or "test"
    version: int
    text: str
    summary: SavedStats
    items: list[SavedItem]
    runs: list[Run] = field(default_factory=list)

    @property
    def is_initial(self) -> bool:
        return self.version == 0

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.item_id for i in self.items)

    @property
    def label(self) -> str:
        if self.is_initial:
            # runs share one initial point per basis, so the first run's label tells the points apart
            others = len(self.runs) - 1
            if not self.runs:
                return "initial prompt"
            return f"initial prompt ({self.runs[0].label}" + (f" and {others} more run{'s' if others > 1 else ''})"
                                                             if others else ")")
        return f"{self.runs[0].label} v{self.version}"

    @property
    def cost_per_item(self) -> float | None:
        cost = self.summary.cost_usd
        return cost / self.n if cost is not None and self.n else None

    def token_stats(self) -> dict[str, float] | None:
        values = [float(i.output_tokens) for i in self.items]
        if not values:
            return None
        ts = token_summary(values)
        return {"n": ts.n, "mean": ts.mean, "median": ts.median, "p90": ts.p90, "p99": ts.p99, "max": ts.max,
                "tail_ratio": ts.p99 / ts.median if ts.median else None}


def _key(run: Run, text: str, ids: tuple[str, ...], basis: str) -> str:
    engines, thinking = run.record.engines, run.thinking
    material = {"text": text, "ids": ids, "basis": basis, "model": run.model,
                "thinking": thinking.model_dump(mode="json", exclude_unset=True) if thinking is not None else None,
                "max_tokens": engines.max_tokens if engines is not None else None}
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _add(points: dict[str, Point], run: Run, basis: str, version: int, record: SavedEvaluation) -> None:
    summary = record.summary
    if not summary.n or summary.accuracy is None or summary.mean_output_tokens is None:
        return
    items = record.items
    text = run.prompt_text(version)
    key = _key(run, text, tuple(i.item_id for i in items), basis)
    if key in points:
        if run not in points[key].runs:
            points[key].runs.append(run)
        return
    points[key] = Point(key, basis, version, text, summary, items, [run])


def validation_points(runs: list[Run]) -> list[Point]:
    """Every validated prompt version of every run."""
    points: dict[str, Point] = {}
    for run in runs:
        for version, record in sorted(run.validation.items()):
            _add(points, run, "validation", version, record)
    return list(points.values())


def test_points(runs: list[Run]) -> list[Point]:
    """Each run's initial and final prompt on its held-out test items."""
    points: dict[str, Point] = {}
    for run in runs:
        if run.initial_test:
            _add(points, run, "test", 0, run.initial_test)
        if run.final_test:
            _add(points, run, "test", run.final_test.prompt_version, run.final_test)
    return list(points.values())


def front_of(points: list[Point]) -> list[int]:
    return pareto_front([(p.accuracy, p.tokens) for p in points])


def item_set_warning(points: list[Point], what: str) -> str | None:
    sets = {frozenset(p.item_ids) for p in points if p.items}
    if len(sets) > 1:
        return (f"These {what} points were measured on {len(sets)} different item sets (different seeds or sample "
                "sizes): differences between them mix prompt effects with item difficulty.")
    return None


@dataclass
class Paired:
    """Another prompt against the most accurate one on the same items (other minus best)."""

    n: int
    accuracy_delta: float
    p_value: float
    token_delta: float
    token_low: float
    token_high: float
    token_pct: float | None
    noise: bool = False
    """Its accuracy is inside the best's interval and the paired test finds no difference."""


@dataclass
class Pick:
    kind: str  # "best", "cheapest_within_margin", "knee"
    title: str
    point: Point | None
    explanation: str
    vs_best: Paired | None = None
    warnings: list[str] = field(default_factory=list)


def paired(best: Point, other: Point) -> Paired | None:
    """Paired comparison of two points measured on the same items (other minus best)."""
    if not best.items or best.item_ids != other.item_ids:
        return None
    by_id = {i.item_id: i for i in other.items}
    a = [i.correct for i in best.items]
    b = [by_id[i.item_id].correct for i in best.items]
    ta = [float(i.output_tokens) for i in best.items]
    tb = [float(by_id[i.item_id].output_tokens) for i in best.items]
    test = mcnemar_exact(a, b)
    boot = paired_bootstrap_diff(ta, tb, n_resamples=1000)
    return Paired(n=len(a), accuracy_delta=other.accuracy - best.accuracy, p_value=test.p_value,
                  token_delta=boot.mean_diff, token_low=boot.low, token_high=boot.high,
                  token_pct=(other.tokens - best.tokens) / best.tokens * 100 if best.tokens else None)


def recommendations(points: list[Point], margin: float, min_samples: int) -> list[Pick]:
    if not points:
        return []
    coords = [(p.accuracy, p.tokens) for p in points]
    best_index = min(range(len(points)), key=lambda i: (-points[i].accuracy, points[i].tokens, i))
    best = points[best_index]
    picks = [Pick("best", "Most accurate", best,
                  f"Highest accuracy of the {len(points)} prompts compared (ties go to fewer tokens).")]
    cheap = points[cheapest_within_margin(coords, margin)]
    floor = best.accuracy - margin
    picks.append(Pick("cheapest_within_margin", f"Cheapest within {margin * 100:.1f} points of the best", cheap,
                      f"Fewest mean billed output tokens among prompts whose accuracy is at least "
                      f"{best.accuracy:.3f} - {margin:.3f} = {floor:.3f}." if floor > 0 else
                      f"Fewest mean billed output tokens of all {len(points)} prompts: the best accuracy, "
                      f"{best.accuracy:.3f}, is within {margin:.3f} of zero."))
    front = front_of(points)
    knee = knee_point(coords, front)
    if knee is None:
        picks.append(Pick("knee", "Knee of the Pareto front", None,
                          f"No knee: the front has {len(front)} point{'s' if len(front) != 1 else ''} "
                          "(a knee needs 3 or more that do not lie on a line). Use the cheapest-within-margin "
                          "pick instead."))
    else:
        picks.append(Pick("knee", "Knee of the Pareto front", points[knee],
                          f"The point of the {len(front)}-point front farthest from the line joining its cheapest "
                          "and most accurate ends: past it, accuracy costs many more tokens per point gained."))
    for pick in picks:
        if pick.point is None:
            continue
        warning = min_samples_warning(pick.point.n, min_n=min_samples)
        if warning:
            pick.warnings.append(warning)
        if pick.point is not best:
            pick.vs_best = paired(best, pick.point)
            if pick.vs_best is None:
                pick.warnings.append("Measured on other items than the most accurate prompt: no paired comparison.")
            else:
                lo, hi = best.summary.accuracy_low, best.summary.accuracy_high
                if lo is not None and hi is not None and lo <= pick.point.accuracy <= hi and pick.vs_best.p_value >= 0.05:
                    pick.vs_best.noise = True
    return picks


@dataclass
class Tradeoff:
    """The points and picks of one task: prompts are compared only with prompts of the same task."""

    task: str
    validation: list[Point]
    test: list[Point]
    basis: str
    picks: list[Pick]

    @property
    def chosen(self) -> list[Point]:
        return self.test if self.basis == "test" else self.validation


def tradeoffs(results: LoadedResults, margin: float, min_samples: int) -> list[Tradeoff]:
    """Points and recommendations per task (in the order of the report's runs), computed once per
    report and shared by the sections. A prompt is never compared with one of another task: their
    accuracies and token counts measure different things."""
    key = f"tradeoffs:{margin}:{min_samples}"
    if key not in results.cache:
        by_task: dict[str, list[Run]] = {}
        for run in results.runs:
            by_task.setdefault(run.task, []).append(run)
        groups = []
        for task, runs in by_task.items():
            val, test = validation_points(runs), test_points(runs)
            basis = "test" if test else "validation"
            groups.append(Tradeoff(task, val, test, basis, recommendations(test or val, margin, min_samples)))
        results.cache[key] = groups
    return results.cache[key]


def task_slug(task: str) -> str:
    """A file-name-safe form of a task name (custom tasks are named by their path), whole."""
    return slug(task, limit=None, shorten=False, strip="-.", fallback="task")
