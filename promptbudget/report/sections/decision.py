"""The joint prompt + thinking search: every validated (prompt, setting) pair against its billed
tokens with the run's Pareto front, and the path each run took through both dimensions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...records.run import SavedLadderTry, SavedMove, SavedStats, SavedStep
from .. import charts
from ..analysis import Measured, task_slug
from ..load import LoadedResults, Run
from ..options import ReportOptions

EXCERPT = 80


def uses_ladder(run: Run) -> bool:
    """A joint search: more than one thinking setting (a prompt-only run records a one-rung ladder)."""
    return len(run.record.ladder or []) > 1 and bool(run.record.pair_validation)


def setting_label(run: Run, rung: int | None) -> str:
    ladder = run.record.ladder or []
    if isinstance(rung, int) and 0 <= rung < len(ladder):
        label = ladder[rung].label
        return f"rung {rung}" if label is None else label
    return "—" if rung is None else f"rung {rung}"


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT - 1] + "…"


def front_keys(run: Run) -> set[tuple[int, int]]:
    pairs = run.record.pareto.pairs if run.record.pareto is not None else []
    return {(int(p["version"]), int(p["rung"])) for p in pairs}


@dataclass(frozen=True)
class PairPoint(Measured):
    """One complete validation of a (prompt version, thinking setting) pair."""

    key: str
    """Its key in `pair_validation`, "<version>|<rung>"."""
    version: int
    rung: int
    setting: str
    summary: SavedStats
    on_front: bool
    prompt: str
    """An excerpt of the prompt's text."""


def pairs(run: Run) -> list[PairPoint]:
    """The run's complete pair evaluations, as recorded in `pair_validation`, cheapest first."""
    on_front = front_keys(run)
    out = [PairPoint(key, record.prompt_version, record.rung, setting_label(run, record.rung), record.summary,
                     (record.prompt_version, record.rung) in on_front, excerpt(run.prompt_text(record.prompt_version)))
           for key, record in (run.record.pair_validation or {}).items()
           if record.summary.n and record.complete is not False and record.rung is not None]
    return sorted(out, key=lambda p: (p.tokens, -p.accuracy, p.version, p.rung))


@dataclass(frozen=True)
class PathRow:
    """One move of the search: a step's prompt or thinking move, or a pair the ladder stage tried."""

    stage: str
    """"step" or "ladder stage"."""
    step: int | None
    epoch: int | None
    focus: str | None
    kind: str
    """"prompt" or "thinking"."""
    version: int
    candidate: int | None
    from_rung: int | None
    to_rung: int | None
    from_setting: str
    to_setting: str
    accepted: bool
    why: str
    reason: str


def _step_row(run: Run, s: SavedStep) -> PathRow:
    move = s.move or SavedMove(kind="prompt", from_rung=s.rung, to_rung=s.rung)
    from_rung = move.from_rung if "from_rung" in move.model_fields_set else s.rung
    to_rung = move.to_rung if "to_rung" in move.model_fields_set else s.rung
    return PathRow("step", s.index, s.epoch, s.focus, move.kind, s.prompt_version, s.candidate_version,
                   from_rung, to_rung, setting_label(run, from_rung), setting_label(run, to_rung),
                   bool(s.decision and s.decision.accepted), move.why, s.decision.reason if s.decision else "")


def _tried_row(run: Run, t: SavedLadderTry) -> PathRow:
    against = t.against or [None, None]
    why = (f"prompt v{t.version} at {t.setting} against v{against[0]} at {setting_label(run, against[1])} "
           f"({t.evaluated} of {t.of} items)")
    return PathRow("ladder stage", None, None, None, "thinking", t.version, t.version, against[1], t.rung,
                   setting_label(run, against[1]), setting_label(run, t.rung),
                   bool(t.decision and t.decision.accepted), why, t.decision.reason if t.decision else "")


def path(run: Run) -> list[PathRow]:
    """Each step's move (prompt or thinking, from and to rung) and its decision, then the ladder stage's tries."""
    stage = run.record.ladder_stage
    return ([_step_row(run, s) for s in run.steps]
            + [_tried_row(run, t) for t in (stage.tried if stage is not None else [])])


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def pair_tip(p: PairPoint) -> list[str]:
    s = p.summary
    return [f"prompt v{p.version} · {p.setting}",
            f"validation accuracy {s.accuracy:.3f} [{_or(s.accuracy_low, 0):.3f}, "
            f"{_or(s.accuracy_high, 1):.3f}], n={p.n}",
            f"mean billed output tokens {s.mean_output_tokens:.1f}", p.prompt] + (
        ["on the Pareto front"] if p.on_front else [])


def pairs_chart(run: Run, points: list[PairPoint]) -> charts.Chart:
    """One series per thinking setting, front pairs ringed and joined."""
    by_rung: dict[int, charts.Series] = {}
    for p in points:
        series = by_rung.setdefault(p.rung, {"name": p.setting, "color": charts.color(p.rung), "points": []})
        series["points"].append(charts.point(p.tokens, p.accuracy, pair_tip(p), ring=p.on_front or None))
    front = [p for p in points if p.on_front]
    front_line: charts.Series = {"name": "Pareto front", "color": charts.FRONT_COLOR, "line": True, "markers": False,
                                 "dash": True, "width": 1.5,
                                 "points": [charts.point(p.tokens, p.accuracy, pair_tip(p)) for p in front]}
    title = f"(prompt, thinking setting) pairs of {run.label}"
    return charts.xy_chart(title, "mean billed output tokens per item (thinking included)", "validation accuracy",
                           [front_line, *[by_rung[r] for r in sorted(by_rung)]])


def figure_name(run: Run, several: bool) -> str:
    """`decision_front`, or with several ladder runs `decision_front_<run label>` (also the PNG's name)."""
    return f"decision_front_{task_slug(run.label)}" if several else "decision_front"


class DecisionSection:
    id = "decision"
    title = "Prompt + thinking search"
    template = "sections/decision.html.j2"

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None:
        runs = [r for r in results.runs if uses_ladder(r)]
        if not runs:
            return None
        several = len(runs) > 1
        out = []
        for run in runs:
            points = pairs(run)
            out.append({"run": run, "name": figure_name(run, several), "pairs": points,
                        "chart": pairs_chart(run, points) if points else None, "path": path(run),
                        "front": sum(p.on_front for p in points),
                        "chosen": run.record.ladder_stage.chosen if run.record.ladder_stage else None})
        return {"runs": out}

    def save_pngs(self, results: LoadedResults, plots_dir: Path) -> list[Path]:
        from ..plots import xy_png

        built = self.build(results, ReportOptions(results_dir=results.results_dir))
        if not built:
            return []
        return [xy_png(r["chart"], Path(plots_dir) / f"{r['name']}.png") for r in built["runs"] if r["chart"]]
