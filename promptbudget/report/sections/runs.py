"""The sweep summary table and the per-run trajectories."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ...records import SweepSummary
from ...records.ledger import SavedTotals
from ...records.results import SavedSweepRow
from ...records.run import SavedCandidateValidation, SavedStats, SavedStep
from ...stats import min_samples_warning, token_summary
from .. import charts
from ..load import Document, LoadedResults, Run
from ..options import ReportOptions


def _weights_text(row: SavedSweepRow) -> str:
    if row.accuracy_weight is None or row.efficiency_weight is None:
        return "?"
    return f"{row.accuracy_weight:g}/{row.efficiency_weight:g}"


def _file_name(doc: Document[SweepSummary], results: LoadedResults) -> str:
    try:
        return str(doc.path.relative_to(results.results_dir))
    except ValueError:
        return str(doc.path)


def sweep_note(run_status: str, run_error: str | None, sweep_status: str, sweep_error: str | None) -> str | None:
    """What the sweep summary recorded about a run when it says more than the run's own summary: another
    status, or an error that is not the run's own (the sweep adds its cap's name to a cost-cap stop)."""
    if sweep_status == run_status:
        if not sweep_error or (run_error and str(sweep_error).startswith(str(run_error))):
            return None
    return f"sweep recorded {sweep_status}" + (f": {sweep_error}" if sweep_error else "")


def sweep_rows(results: LoadedResults) -> list[dict[str, Any]]:
    """Rows of every sweep summary, as (weights, seed, status, error, run_id, file) dicts."""
    out = []
    for doc in results.documents("sweep"):
        summary: SweepSummary = doc.record
        for row in summary.rows:
            out.append({"weights": _weights_text(row), "seed": row.seed, "status": row.status or "?",
                        "error": row.error, "run_id": row.run_id, "file": _file_name(doc, results)})
    return out


def run_row(run: Run, min_samples: int) -> dict[str, Any]:
    initial = run.initial_test.summary if run.initial_test is not None else None
    final = run.final_test.summary if run.final_test is not None else None
    comparison = run.comparison
    total = run.ledger.total or SavedTotals()
    n_test = (initial.n if initial is not None else None) or None
    warning = min_samples_warning(n_test, min_n=min_samples) if initial else None
    boot = comparison.token_diff_bootstrap if comparison is not None else {}
    return {
        "run": run, "label": run.label, "run_id": run.run_id, "task": run.task, "model": run.model,
        "status": run.status, "error": run.record.error,
        "steps": len(run.steps), "total_steps": run.record.total_steps,
        "accepted": sum(bool(s.decision and s.decision.accepted) for s in run.steps),
        "initial": initial, "final": final, "final_version": run.current_version,
        "accuracy_delta": comparison.accuracy_delta if comparison else None,
        "p_value": comparison.mcnemar.p_value if comparison else None,
        "initial_tokens": initial.mean_output_tokens if initial else None,
        "final_tokens": final.mean_output_tokens if final else None,
        "token_reduction": comparison.token_reduction if comparison else None,
        "token_change_pct": -comparison.token_reduction_pct if comparison else None,
        "diff_low": boot.get("low"), "diff_high": boot.get("high"),
        "cost": total.cost_usd, "billed": total.billed_usd,
        "unpriced": total.unpriced_calls, "n_test": n_test, "warning": warning, "sweep_note": None,
        "live_cost": run.live_ledger is not None,
    }


class SummarySection:
    id = "summary"
    title = "Sweep summary"
    template = "sections/summary.html.j2"

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None:
        if not results.runs and not results.documents("sweep"):
            return None
        rows = [run_row(run, options.min_samples) for run in results.runs]
        by_id = {row["run_id"]: row for row in rows}
        orphans = []
        for srow in sweep_rows(results):
            row = by_id.get(srow["run_id"] or "")
            if row is None:
                orphans.append(srow)
            else:
                row["sweep_note"] = sweep_note(row["status"], row["error"], srow["status"], srow["error"])
        statuses = Counter(row["status"] for row in rows) + Counter(row["status"] for row in orphans)
        small = [row for row in rows if row["warning"]]
        sweeps = results.documents("sweep")
        return {"title": "Sweep summary" if sweeps else "Run summary",
                "rows": rows, "orphans": orphans, "several_models": len({r["model"] for r in rows}) > 1,
                "several_tasks": len({r["task"] for r in rows}) > 1, "statuses": sorted(statuses.items()),
                "small_n": small, "min_samples": options.min_samples,
                "live_cost": any(row["live_cost"] for row in rows),
                "sweep_files": [_file_name(doc, results) for doc in sweeps]}


def _outcome(accepted: bool, version: int | None, cand: SavedCandidateValidation | None,
             gate: dict[str, SavedStats] | None) -> str:
    if accepted:
        return "accepted"
    if version is None:
        return "no candidate"
    if not cand:
        return "rejected at gate" if gate else "rejected"
    return "reverted"


Points = list[charts.ChartPoint]


def _trajectory_charts(run: Run, acc_current: Points, tok_current: Points, acc_cand: Points, tok_cand: Points,
                       bands: list[charts.Band]) -> list[charts.Chart]:
    def series(current: Points, cand: Points) -> list[charts.Series]:
        return [{"name": "current prompt", "color": "#2a5bd7", "line": True, "points": current},
                {"name": "candidates (\u25cf accepted, \u2715 reverted)", "color": "#555555", "points": cand}]

    label = "validation "
    span = {"x_min": -0.5, "x_max": len(run.steps) + 0.5}
    return [
        charts.xy_chart(f"{run.label}: {label}accuracy by step", "optimization step (0 = initial prompt)",
                        f"{label}accuracy", series(acc_current, acc_cand), bands=bands, y_min=0, y_max=1, **span),
        charts.xy_chart(f"{run.label}: {label}mean billed output tokens by step",
                        "optimization step (0 = initial prompt)", "mean output tokens",
                        series(tok_current, tok_cand), bands=bands, y_min=0, **span),
    ]


@dataclass(frozen=True)
class StepRow:
    """One step as the steps table shows it: its batch, gate, validation, and decision."""

    x: int
    """The step's position on the trajectory charts (0 is the initial prompt)."""
    epoch: int
    focus: str
    batch: SavedStats | None
    version: int | None
    """The candidate's prompt version (None: the optimizer proposed none)."""
    old: SavedStats | None
    new: SavedStats | None
    partial: bool
    """The candidate's validation stopped early."""
    evaluated: int | None
    of: int | None
    gate_old: SavedStats | None
    gate_new: SavedStats | None
    accepted: bool
    outcome: str
    reason: str
    optimizer_error: str | None
    feedback: list[str]


def _step_row(step: SavedStep) -> StepRow:
    cand, gate, decision = step.candidate_validation, step.minibatch_gate or {}, step.decision
    accepted = bool(decision and decision.accepted)
    partial = (cand is not None and cand.evaluated is not None and cand.of is not None
               and cand.evaluated < cand.of)
    return StepRow(x=step.index + 1, epoch=step.epoch + 1, focus=step.focus or "?", batch=step.batch_summary,
                   version=step.candidate_version, old=cand.old if cand else None, new=cand.new if cand else None,
                   partial=partial, evaluated=cand.evaluated if cand else None, of=cand.of if cand else None,
                   gate_old=gate.get("old"), gate_new=gate.get("new"), accepted=accepted,
                   outcome=_outcome(accepted, step.candidate_version, cand, step.minibatch_gate),
                   reason=decision.reason if decision else "", optimizer_error=step.optimizer_error,
                   feedback=list(step.feedback))


def _candidate_tip(row: StepRow, new: SavedStats) -> list[str]:
    items = (f"{row.evaluated} of {row.of} validation items (stopped early: no remaining item "
             "could change the decision)" if row.partial else f"n={new.n}")
    return [f"step {row.x} (epoch {row.epoch}), focus: {row.focus}",
            f"candidate v{row.version}: accuracy {new.accuracy:.3f} [{new.accuracy_low:.3f}, "
            f"{new.accuracy_high:.3f}], {items}",
            f"mean tokens {new.mean_output_tokens:.1f}", f"{row.outcome}: {row.reason}"]


def trajectory(run: Run) -> dict[str, Any]:
    validation = run.validation
    start = validation[0].summary if 0 in validation else None
    current = start
    acc_current: Points = []
    tok_current: Points = []
    acc_cand: Points = []
    tok_cand: Points = []
    bands: list[charts.Band] = []
    rows: list[StepRow] = []
    if start:
        tip = ["initial prompt (v0)", f"accuracy {start.accuracy:.3f} (n={start.n})",
               f"mean tokens {start.mean_output_tokens:.1f}"]
        acc_current.append(charts.point(0, start.accuracy, tip, symbol="star", size=6))
        tok_current.append(charts.point(0, start.mean_output_tokens, tip, symbol="star", size=6))
    for step in run.steps:
        row = _step_row(step)
        x, old, new = row.x, row.old, row.new
        bands.append({"x0": x - 0.5, "x1": x + 0.5, "color": charts.FOCUS_BANDS.get(row.focus, "#eee")})
        if new is not None and new.n:
            style = ({"symbol": "circle", "color": "#1a7f37", "size": 5.5} if row.accepted
                     else {"symbol": "cross", "color": "#c62828", "size": 4.5})
            acc_cand.append(charts.point(x, new.accuracy, _candidate_tip(row, new), **style))
            tok_cand.append(charts.point(x, new.mean_output_tokens, _candidate_tip(row, new), **style))
        if row.accepted and new is not None:
            current = new
        elif old is not None and old.n:
            current = old
        if current is not None and current.n:
            tip = [f"after step {x}: current prompt", f"accuracy {current.accuracy:.3f}",
                   f"mean tokens {current.mean_output_tokens:.1f}"]
            acc_current.append(charts.point(x, current.accuracy, tip, size=3))
            tok_current.append(charts.point(x, current.mean_output_tokens, tip, size=3))
        rows.append(row)

    chart_list = (_trajectory_charts(run, acc_current, tok_current, acc_cand, tok_cand, bands)
                  if validation and (acc_current or acc_cand) else [])  # no validation: no per-step numbers
    return {"rows": rows, "charts": chart_list, "validated": bool(validation),
            "validation_enabled": run.validation_enabled}


def _versions(run: Run) -> list[dict[str, Any]]:
    front = set(run.record.pareto.front if run.record.pareto is not None else [])
    out = []
    for version, record in sorted(run.validation.items()):
        values = [float(i.output_tokens) for i in record.items]
        p99 = token_summary(values).p99 if values else None
        prompt = next((p for p in run.prompts if p.version == version), None)
        out.append({"version": version, "summary": record.summary, "p99": p99, "on_front": version in front,
                    "current": version == run.current_version, "accepted": bool(prompt and prompt.accepted),
                    "parent": prompt.parent if prompt else None})
    return out


class RunsSection:
    id = "runs"
    title = "Runs: trajectories and decisions"
    template = "sections/runs.html.j2"

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None:
        if not results.runs:
            return None
        runs = []
        for index, run in enumerate(results.runs):
            warnings = list(run.warnings)
            val_n = next(iter(run.validation.values())).summary.n if run.validation else None
            if val_n is not None:
                note = min_samples_warning(val_n, min_n=options.min_samples)
                if note and not any("eval_samples" in w for w in warnings):
                    warnings.append(f"Accept/revert decisions rest on {val_n} validation items. {note}")
            runs.append({"run": run, "row": run_row(run, options.min_samples), "trajectory": trajectory(run),
                         "versions": _versions(run), "warnings": warnings, "open": index == 0,
                         "thinking": run.thinking})
        return {"runs": runs}
