"""The joint prompt + thinking search: every validated (prompt, setting) pair against its billed
tokens with the run's Pareto front, and the path each run took through both dimensions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import charts
from ..analysis import task_slug
from ..load import LoadedResults, Run
from ..options import ReportOptions

EXCERPT = 80


def uses_ladder(run: Run) -> bool:
    """A joint search: more than one thinking setting (a prompt-only run records a one-rung ladder)."""
    return len(run.data.get("ladder") or []) > 1 and bool(run.data.get("pair_validation"))


def setting_label(run: Run, rung: Any) -> str:
    ladder = run.data.get("ladder") or []
    if isinstance(rung, int) and 0 <= rung < len(ladder):
        return str(ladder[rung].get("label", f"rung {rung}"))
    return "—" if rung is None else f"rung {rung}"


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT - 1] + "…"


def front_keys(run: Run) -> set[tuple[int, int]]:
    pairs = (run.data.get("pareto") or {}).get("pairs") or []
    return {(int(p["version"]), int(p["rung"])) for p in pairs}


def pairs(run: Run) -> list[dict[str, Any]]:
    """The run's complete pair evaluations, as recorded in `pair_validation`, cheapest first."""
    on_front = front_keys(run)
    out = []
    for key, record in (run.data.get("pair_validation") or {}).items():
        summary = (record or {}).get("summary") or {}
        if not summary.get("n") or record.get("complete", True) is False:
            continue
        version, rung = int(record["prompt_version"]), int(record["rung"])
        out.append({"key": key, "version": version, "rung": rung, "setting": setting_label(run, rung),
                    "accuracy": float(summary["accuracy"]), "tokens": float(summary["mean_output_tokens"]),
                    "n": int(summary["n"]), "summary": summary, "on_front": (version, rung) in on_front,
                    "prompt": excerpt(run.prompt_text(version))})
    return sorted(out, key=lambda p: (p["tokens"], -p["accuracy"], p["version"], p["rung"]))


def path(run: Run) -> list[dict[str, Any]]:
    """Each step's move (prompt or thinking, from and to rung) and its decision, then the ladder stage's tries."""
    rows = []
    for s in run.steps:
        move = s.get("move") or {}
        decision = s.get("decision") or {}
        rows.append({"stage": "step", "step": s.get("index"), "epoch": s.get("epoch"), "focus": s.get("focus"),
                     "kind": move.get("kind", "prompt"), "version": s.get("prompt_version"),
                     "candidate": s.get("candidate_version"),
                     "from_rung": move.get("from_rung", s.get("rung")), "to_rung": move.get("to_rung", s.get("rung")),
                     "from": setting_label(run, move.get("from_rung", s.get("rung"))),
                     "to": setting_label(run, move.get("to_rung", s.get("rung"))),
                     "accepted": bool(decision.get("accepted")), "why": move.get("why", ""),
                     "reason": decision.get("reason", "")})
    stage = run.data.get("ladder_stage") or {}
    for t in stage.get("tried") or []:
        against = t.get("against") or [None, None]
        decision = t.get("decision") or {}
        rows.append({"stage": "ladder stage", "step": None, "epoch": None, "focus": None, "kind": "thinking",
                     "version": t.get("version"), "candidate": t.get("version"),
                     "from_rung": against[1], "to_rung": t.get("rung"),
                     "from": setting_label(run, against[1]), "to": setting_label(run, t.get("rung")),
                     "accepted": bool(decision.get("accepted")),
                     "why": f"prompt v{t.get('version')} at {t.get('setting')} against v{against[0]} at "
                            f"{setting_label(run, against[1])} ({t.get('evaluated')} of {t.get('of')} items)",
                     "reason": decision.get("reason", "")})
    return rows


def pair_tip(p: dict[str, Any]) -> list[str]:
    s = p["summary"]
    return [f"prompt v{p['version']} · {p['setting']}",
            f"validation accuracy {s['accuracy']:.3f} [{s.get('accuracy_low', 0):.3f}, "
            f"{s.get('accuracy_high', 1):.3f}], n={p['n']}",
            f"mean billed output tokens {s['mean_output_tokens']:.1f}", p["prompt"]] + (
        ["on the Pareto front"] if p["on_front"] else [])


def pairs_chart(run: Run, points: list[dict[str, Any]]) -> dict[str, Any]:
    """One series per thinking setting, front pairs ringed and joined."""
    by_rung: dict[int, dict[str, Any]] = {}
    for p in points:
        series = by_rung.setdefault(p["rung"], {"name": p["setting"], "color": charts.color(p["rung"]), "points": []})
        series["points"].append(charts.point(p["tokens"], p["accuracy"], pair_tip(p), ring=p["on_front"] or None))
    front = [p for p in points if p["on_front"]]
    front_line = {"name": "Pareto front", "color": charts.FRONT_COLOR, "line": True, "markers": False,
                  "dash": True, "width": 1.5,
                  "points": [charts.point(p["tokens"], p["accuracy"], pair_tip(p)) for p in front]}
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
                        "front": sum(p["on_front"] for p in points),
                        "chosen": (run.data.get("ladder_stage") or {}).get("chosen")})
        return {"runs": out}

    def save_pngs(self, results: LoadedResults, plots_dir: Path) -> list[Path]:
        from ..plots import xy_png

        built = self.build(results, ReportOptions(results_dir=results.results_dir))
        if not built:
            return []
        return [xy_png(r["chart"], Path(plots_dir) / f"{r['name']}.png") for r in built["runs"] if r["chart"]]
