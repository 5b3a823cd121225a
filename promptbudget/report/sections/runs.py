"""The sweep summary table and the per-run trajectories."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath
from typing import Any

from ...stats import min_samples_warning, token_summary
from .. import charts
from ..load import LoadedResults, Run, task_of
from ..options import ReportOptions


def _weights_text(row: dict[str, Any]) -> str:
    weights = row.get("weights")
    if isinstance(weights, dict):
        acc, eff = weights.get("accuracy", weights.get("accuracy_weight")), weights.get(
            "efficiency", weights.get("efficiency_weight"))
    elif isinstance(weights, (list, tuple)) and len(weights) == 2:
        acc, eff = weights
    else:
        acc, eff = row.get("accuracy_weight"), row.get("efficiency_weight")
    try:
        return f"{float(acc):g}/{float(eff):g}"
    except (TypeError, ValueError):
        return "?"


def _row_run_id(row: dict[str, Any]) -> str | None:
    if row.get("run_id"):
        return str(row["run_id"])
    if row.get("run_dir"):
        return PurePath(str(row["run_dir"])).name
    return None


def _file_name(doc: Any, results: LoadedResults) -> str:
    try:
        return str(doc.path.relative_to(results.results_dir))
    except ValueError:
        return str(doc.path)


def sweep_note(run_status: str, run_error: Any, sweep_status: str, sweep_error: Any) -> str | None:
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
        rows = doc.data.get("rows") or doc.data.get("runs") or []
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict):
                continue
            if results.task is not None and task_of(row) not in (None, results.task):
                continue
            out.append({"weights": _weights_text(row), "seed": row.get("seed"), "status": str(row.get("status") or "?"),
                        "error": row.get("error"), "run_id": _row_run_id(row), "file": _file_name(doc, results)})
    return out


def run_row(run: Run, min_samples: int) -> dict[str, Any]:
    initial = (run.initial_test or {}).get("summary")
    final = (run.final_test or {}).get("summary")
    comparison = run.comparison or {}
    total = (run.ledger.get("total") or {})
    decisions = [s.get("decision") or {} for s in run.steps]
    n_test = (initial or {}).get("n") or None
    warning = min_samples_warning(n_test, min_n=min_samples) if initial else None
    boot = comparison.get("token_diff_bootstrap") or {}
    return {
        "run": run, "label": run.label, "run_id": run.run_id, "task": run.task, "model": run.model,
        "status": run.status, "error": run.data.get("error"),
        "steps": len(run.steps), "total_steps": run.data.get("total_steps"),
        "accepted": sum(bool(d.get("accepted")) for d in decisions),
        "initial": initial, "final": final, "final_version": run.current_version,
        "accuracy_delta": comparison.get("accuracy_delta"),
        "p_value": (comparison.get("mcnemar") or {}).get("p_value"),
        "initial_tokens": (initial or {}).get("mean_output_tokens"),
        "final_tokens": (final or {}).get("mean_output_tokens"),
        "token_reduction": comparison.get("token_reduction"),
        "token_change_pct": (-comparison["token_reduction_pct"]
                             if comparison.get("token_reduction_pct") is not None else None),
        "diff_low": boot.get("low"), "diff_high": boot.get("high"),
        "cost": total.get("cost_usd"), "billed": total.get("billed_usd"),
        "unpriced": total.get("unpriced_calls") or 0, "n_test": n_test, "warning": warning, "sweep_note": None,
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


def _outcome(accepted: bool, version: Any, cand: dict[str, Any], gate: dict[str, Any]) -> str:
    if accepted:
        return "accepted"
    if version is None:
        return "no candidate"
    if not cand:
        return "rejected at gate" if gate else "rejected"
    return "reverted"


def _trajectory_charts(run: Run, acc_current: list, tok_current: list, acc_cand: list, tok_cand: list,
                       bands: list) -> list[dict[str, Any]]:
    def series(current: list, cand: list) -> list[dict[str, Any]]:
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


def trajectory(run: Run) -> dict[str, Any]:
    validation = run.validation
    start = (validation.get(0) or {}).get("summary")
    current = start
    acc_current, tok_current, acc_cand, tok_cand, bands, rows = [], [], [], [], [], []
    if start:
        tip = ["initial prompt (v0)", f"accuracy {start['accuracy']:.3f} (n={start['n']})",
               f"mean tokens {start['mean_output_tokens']:.1f}"]
        acc_current.append(charts.point(0, start["accuracy"], tip, symbol="star", size=6))
        tok_current.append(charts.point(0, start["mean_output_tokens"], tip, symbol="star", size=6))
    for step in run.steps:
        x = int(step.get("index", len(rows))) + 1
        focus = str(step.get("focus") or "?")
        decision = step.get("decision") or {}
        accepted = bool(decision.get("accepted"))
        cand = step.get("candidate_validation") or {}
        old, new = cand.get("old"), cand.get("new")
        gate = step.get("minibatch_gate") or {}
        version = step.get("candidate_version")
        partial = (cand.get("evaluated") is not None and cand.get("of") is not None
                   and cand["evaluated"] < cand["of"])
        outcome = _outcome(accepted, version, cand, gate)
        bands.append({"x0": x - 0.5, "x1": x + 0.5, "color": charts.FOCUS_BANDS.get(focus, "#eee")})
        if new and new.get("n"):
            items = (f"{cand['evaluated']} of {cand['of']} validation items (stopped early: no remaining item "
                     "could change the decision)" if partial else f"n={new['n']}")
            tip = [f"step {x} (epoch {int(step.get('epoch', x - 1)) + 1}), focus: {focus}",
                   f"candidate v{version}: accuracy {new['accuracy']:.3f} [{new['accuracy_low']:.3f}, "
                   f"{new['accuracy_high']:.3f}], {items}",
                   f"mean tokens {new['mean_output_tokens']:.1f}", f"{outcome}: {decision.get('reason', '')}"]
            style = ({"symbol": "circle", "color": "#1a7f37", "size": 5.5} if accepted
                     else {"symbol": "cross", "color": "#c62828", "size": 4.5})
            acc_cand.append(charts.point(x, new["accuracy"], tip, **style))
            tok_cand.append(charts.point(x, new["mean_output_tokens"], tip, **style))
        if accepted and new:
            current = new
        elif old and old.get("n"):
            current = old
        if current and current.get("n"):
            tip = [f"after step {x}: current prompt", f"accuracy {current['accuracy']:.3f}",
                   f"mean tokens {current['mean_output_tokens']:.1f}"]
            acc_current.append(charts.point(x, current["accuracy"], tip, size=3))
            tok_current.append(charts.point(x, current["mean_output_tokens"], tip, size=3))
        batch = step.get("batch_summary") or {}
        rows.append({"x": x, "epoch": int(step.get("epoch", x - 1)) + 1, "focus": focus, "batch": batch,
                     "version": version, "old": old, "new": new, "partial": partial,
                     "evaluated": cand.get("evaluated"), "of": cand.get("of"),
                     "gate_old": gate.get("old"), "gate_new": gate.get("new"), "outcome": outcome,
                     "reason": decision.get("reason", ""), "optimizer_error": step.get("optimizer_error"),
                     "feedback": [str(f) for f in step.get("feedback") or []]})

    chart_list = (_trajectory_charts(run, acc_current, tok_current, acc_cand, tok_cand, bands)
                  if validation and (acc_current or acc_cand) else [])  # no validation: no per-step numbers
    return {"rows": rows, "charts": chart_list, "validated": bool(validation),
            "validation_enabled": run.validation_enabled}


def _versions(run: Run) -> list[dict[str, Any]]:
    front = set((run.data.get("pareto") or {}).get("front") or [])
    out = []
    for version, record in sorted(run.validation.items()):
        values = [float(i.get("output_tokens") or 0) for i in record.get("items") or []]
        p99 = token_summary(values).p99 if values else None
        prompt = next((p for p in run.prompts if p.get("version") == version), {})
        out.append({"version": version, "summary": record["summary"], "p99": p99, "on_front": version in front,
                    "current": version == run.current_version, "accepted": bool(prompt.get("accepted")),
                    "parent": prompt.get("parent")})
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
            val_n = next(iter(run.validation.values()), {}).get("summary", {}).get("n") if run.validation else None
            if val_n is not None:
                note = min_samples_warning(val_n, min_n=options.min_samples)
                if note and not any("eval_samples" in w for w in warnings):
                    warnings.append(f"Accept/revert decisions rest on {val_n} validation items. {note}")
            runs.append({"run": run, "row": run_row(run, options.min_samples), "trajectory": trajectory(run),
                         "versions": _versions(run), "warnings": warnings, "open": index == 0,
                         "thinking": (run.data.get("engines") or {}).get("thinking")})
        return {"runs": runs}
