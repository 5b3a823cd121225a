"""The sweep summary (`promptbudget.sweep/1`): built only from the runs' saved summaries and ledgers,
so rerunning a finished sweep prints the same table.

Keys of sweep_summary.json (the `SweepSummary` record of records/results.py types every one but the
optimize settings, which it passes through):
  rows        one per run (config x seed): weights, seed, run_id, status, error, test accuracy before/after
              with 95% Wilson CIs, accuracy_delta and its McNemar p, mean billed output tokens
              before/after, token_reduction (+ % and the bootstrap CI of the per-item change), and the
              run's ledger: calls, engine_calls, cache_hits, billed_usd, cost_usd (list value)
  aggregates  one per config: runs, completed, billed_usd, cost_usd, and n/mean/std/min/max across completed seeds
              of final_accuracy, accuracy_delta, final_tokens, token_reduction_pct
  totals      the whole sweep from the run ledgers: runs by status (a run --sweep_max_cost had nothing left
              for is "not started"), calls, engine_calls, cache_hits,
              billed_usd, cost_usd, by_phase (from calls.jsonl), failed_runs (with error and log)
  invocation  this invocation only: runs started and skipped, engine calls, cache hits, billed USD
  config      the sweep's configs, repeats, seeds, parallel and every optimize setting
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter

import pandas as pd
from tabulate import tabulate

from .. import __version__
from ..jsonio import read_jsonl
from ..records import RunSummary, SweepSummary, write_record
from ..records.results import (SavedFailedRun, SavedPhaseCalls, SavedSpread, SavedSweepAggregate,
                               SavedSweepInvocation, SavedSweepRow, SavedSweepTotals)
from .plan import LOGS_DIR, NOT_STARTED, SUMMARY_CSV, SUMMARY_JSON, RunSpec, WeightSweepPlan, weights_label
from .runner import Attempt

SWEEP_SCHEMA = SweepSummary.schema_name()
SPREAD_METRICS = ("final_accuracy", "accuracy_delta", "final_tokens", "token_reduction_pct")
OK_EXIT = (0, 3)  # completed, stopped by the cost cap
CSV_COLUMNS = ("weights", "accuracy_weight", "efficiency_weight", "seed", "run_id", "status", "error", "checkpoint",
               "total_checkpoints", "n_test", "initial_accuracy", "initial_accuracy_low", "initial_accuracy_high",
               "final_accuracy", "final_accuracy_low", "final_accuracy_high", "accuracy_delta", "mcnemar_p",
               "initial_tokens", "final_tokens", "token_reduction", "token_reduction_pct", "token_change_low",
               "token_change_high", "calls", "engine_calls", "cache_hits", "billed_usd", "cost_usd")


def run_state(spec: RunSpec, attempt: Attempt | None) -> tuple[RunSummary | None, str, str | None]:
    """(saved summary, status, error) of one run, after this invocation's attempt at it (if any)."""
    summary, problem = spec.saved_state()
    if attempt is None:
        if summary is None:
            return None, "pending", problem
        return summary, summary.status, summary.error
    if summary is None:
        return None, "failed", attempt.error_text()
    status, error = summary.status, summary.error
    if attempt.exit_code not in OK_EXIT and status not in ("failed", "stopped", "interrupted"):
        status, error = "failed", attempt.error_text()
    return summary, status, error


def run_row(spec: RunSpec, summary: RunSummary | None, status: str, error: str | None) -> SavedSweepRow:
    """One row of the sweep summary (and its CSV): the run's settings, its test results and what it cost."""
    initial = summary.initial["test"].summary if summary and summary.initial else None
    final = summary.final.test.summary if summary and summary.final else None
    comparison = summary.final.comparison if summary and summary.final else None
    total = summary.ledger.total if summary and summary.ledger else None
    return SavedSweepRow(
        weights=spec.label,
        accuracy_weight=spec.accuracy_weight,
        efficiency_weight=spec.efficiency_weight,
        seed=spec.seed,
        run_id=spec.run_id,
        status=status,
        error=error,
        checkpoint=summary.checkpoint if summary else None,
        total_checkpoints=spec.total_steps + 2,
        n_test=initial.n if initial else None,
        initial_accuracy=initial.accuracy if initial else None,
        initial_accuracy_low=initial.accuracy_low if initial else None,
        initial_accuracy_high=initial.accuracy_high if initial else None,
        final_accuracy=final.accuracy if final else None,
        final_accuracy_low=final.accuracy_low if final else None,
        final_accuracy_high=final.accuracy_high if final else None,
        accuracy_delta=comparison.accuracy_delta if comparison else None,
        mcnemar_p=comparison.mcnemar.p_value if comparison else None,
        initial_tokens=initial.mean_output_tokens if initial else None,
        final_tokens=final.mean_output_tokens if final else None,
        token_reduction=comparison.token_reduction if comparison else None,
        token_reduction_pct=comparison.token_reduction_pct if comparison else None,
        token_change_low=comparison.token_diff_bootstrap.get("low") if comparison else None,
        token_change_high=comparison.token_diff_bootstrap.get("high") if comparison else None,
        calls=total.calls if total else None,
        engine_calls=total.engine_calls if total else None,
        cache_hits=total.cached_calls if total else None,
        billed_usd=total.billed_usd if total else None,
        cost_usd=total.cost_usd if total else None,
    )


def build_summary(plan: WeightSweepPlan, attempts: dict[str, Attempt], *, skipped: int, started_at: float,
                  not_started: set[str] = frozenset()) -> SweepSummary:
    rows, failed = [], []
    for spec in plan.runs:
        summary, status, error = run_state(spec, attempts.get(spec.run_id))
        if spec.run_id in not_started:
            status, error = NOT_STARTED, (f"--sweep_max_cost ${plan.sweep_max_cost:g} had nothing left for this "
                                          "run; rerun with a higher cap to continue")
        elif status == "stopped" and plan.sweep_max_cost is not None and error:
            error = f"{error} (its share of --sweep_max_cost ${plan.sweep_max_cost:g})"
        rows.append(run_row(spec, summary, status, error))
        if status != "completed":
            failed.append(SavedFailedRun(weights=spec.label, seed=spec.seed, run_id=spec.run_id, status=status,
                                         error=error, log=f"{LOGS_DIR}/{spec.run_id}.log"))
    frame = rows_frame(rows)
    return SweepSummary.build(
        promptbudget_version=__version__,
        updated_at=time.time(),
        config=plan.describe(),
        rows=rows,
        aggregates=_aggregates(plan, frame),
        totals=_totals(frame).but(by_phase=_by_phase(plan), failed_runs=failed),
        invocation=_invocation(attempts, skipped=skipped, started_at=started_at),
    )


def rows_frame(rows: list[SavedSweepRow]) -> pd.DataFrame:
    """The rows as a table, columns in the CSV's order."""
    return pd.DataFrame([row.to_json() for row in rows], columns=list(CSV_COLUMNS))


def _aggregates(plan: WeightSweepPlan, frame: pd.DataFrame) -> list[SavedSweepAggregate]:
    done = frame[frame["status"] == "completed"]
    metrics = list(SPREAD_METRICS)
    stats = done[["weights", *metrics]].astype({m: float for m in metrics}) \
        .groupby("weights", sort=False).agg(["count", "mean", "std", "min", "max"])
    aggregates = []
    for accuracy, efficiency in plan.configs:
        label = weights_label(accuracy, efficiency)
        runs = frame[frame["weights"] == label]
        spreads = {metric: _spread_of(stats.loc[label, metric]) if label in stats.index else SavedSpread(
            n=0, mean=None, std=None, min=None, max=None) for metric in metrics}
        aggregates.append(SavedSweepAggregate(
            weights=label, accuracy_weight=accuracy, efficiency_weight=efficiency,
            runs=int(len(runs)), completed=int((runs["status"] == "completed").sum()),
            billed_usd=_number(runs["billed_usd"].astype(float).sum(min_count=1)),
            cost_usd=_number(runs["cost_usd"].astype(float).sum(min_count=1)), **spreads))
    return aggregates


def _spread_of(row: pd.Series) -> SavedSpread:
    return SavedSpread(n=int(row["count"]), mean=_number(row["mean"]), std=_number(row["std"]),
                       min=_number(row["min"]), max=_number(row["max"]))


def _totals(frame: pd.DataFrame) -> SavedSweepTotals:
    counts = frame["status"].value_counts()

    def total(column: str, kind: type[int] | type[float]) -> int | float | None:
        value = frame[column].astype(float).sum(min_count=1)
        return None if _number(value) is None else (round(float(value), 10) if kind is float else int(value))

    return SavedSweepTotals(
        runs=int(len(frame)),
        completed=int(counts.get("completed", 0)),
        failed=int(counts.get("failed", 0)),
        stopped=int(counts.get("stopped", 0)),
        not_started=int(counts.get(NOT_STARTED, 0)),
        other=int(len(frame) - sum(counts.get(s, 0) for s in ("completed", "failed", "stopped", NOT_STARTED))),
        calls=total("calls", int),
        engine_calls=total("engine_calls", int),
        cache_hits=total("cache_hits", int),
        billed_usd=total("billed_usd", float),
        cost_usd=total("cost_usd", float),
        runs_without_ledger=[r for r, c in zip(frame["run_id"], frame["calls"]) if _number(c) is None],
    )


def _by_phase(plan: WeightSweepPlan) -> dict[str, SavedPhaseCalls]:
    """Calls by phase across the sweep's runs (validation of any prompt version counts as one phase)."""
    phases: dict[str, Counter[str]] = {}
    for spec in plan.runs:
        path = spec.run_dir / "calls.jsonl"
        if not path.exists():
            continue
        for record in read_jsonl(path):
            phase = re.sub(r"^validation v\d+$", "validation", str(record.get("scope", {}).get("phase", "other")))
            counts = phases.setdefault(phase, Counter())
            counts["calls"] += 1
            counts["cache_hits" if record.get("cached") else "engine_calls"] += 1
    return {phase: SavedPhaseCalls(calls=c["calls"], engine_calls=c["engine_calls"], cache_hits=c["cache_hits"])
            for phase, c in sorted(phases.items())}


def _invocation(attempts: dict[str, Attempt], *, skipped: int, started_at: float) -> SavedSweepInvocation:
    reports = [a.report for a in attempts.values() if a.report is not None]
    return SavedSweepInvocation(
        started_at=started_at,
        finished_at=time.time(),
        runs_started=len(attempts),
        runs_skipped=skipped,
        engine_calls=sum(r.engine_calls for r in reports),
        cache_hits=sum(r.cache_hits for r in reports),
        billed_usd=round(sum(r.billed_usd for r in reports), 10),
        unreported_runs=sorted(run_id for run_id, a in attempts.items() if a.report is None),
    )


def write_summary(plan: WeightSweepPlan, summary: SweepSummary) -> None:
    """sweep_summary.json, and its rows as CSV."""
    write_record(plan.output_dir / SUMMARY_JSON, summary)
    tmp = plan.output_dir / f".{SUMMARY_CSV}.tmp"
    rows_frame(summary.rows).to_csv(tmp, index=False)
    tmp.replace(plan.output_dir / SUMMARY_CSV)


# --- the terminal table -------------------------------------------------------------------
TABLE_HEADERS = ["Weights", "Initial Acc", "Final Acc (95% CI)", "Improvement (McNemar p)", "Initial Tokens",
                 "Final Tokens", "Reduction", "% Reduction", "Cost"]


def render(summary: SweepSummary) -> str:
    totals, invocation = summary.totals, summary.invocation
    if totals is None or invocation is None:
        raise ValueError("render() takes a summary from build_summary (one with totals and invocation)")
    repeats = summary.config.repeats or 1
    headers = TABLE_HEADERS[:1] + (["Seed"] if repeats > 1 else []) + TABLE_HEADERS[1:]
    table = [_table_row(row, with_seed=repeats > 1) for row in summary.rows]
    lines = [tabulate(table, headers=headers, tablefmt="github", disable_numparse=True)]
    lines.append("Final Acc: test accuracy with its 95% Wilson CI; Improvement: change on the same test items (McNemar p); "
                 "tokens: mean billed output tokens per answer; Cost: the run's calls at list price, cache hits "
                 "included (what it costs on its own, whichever run reached a shared request first; the sweep's "
                 "actual bill is below)")
    if repeats > 1:
        lines += ["", f"across {repeats} seeds (mean ± std [min, max] over completed runs)",
                  tabulate([_aggregate_row(a) for a in summary.aggregates],
                           headers=["Weights", "Runs", "Final Acc", "Δ", "Final Tokens", "Reduction %", "Cost"],
                           tablefmt="github", disable_numparse=True)]
    for failure in totals.failed_runs:
        seed = f" seed {failure.seed}" if repeats > 1 else ""
        lines.append(f"{failure.status}: {failure.weights}{seed} ({failure.run_id}): "
                     f"{failure.error or 'no error recorded'} [log: {failure.log}]")
    lines.append(f"whole sweep: {totals.runs} runs ({totals.completed} completed, {totals.failed} failed"
                 f"{', ' + str(totals.stopped) + ' stopped' if totals.stopped else ''}"
                 f"{', ' + str(totals.not_started) + ' not started' if totals.not_started else ''}); "
                 f"{_int(totals.calls)} calls: {_int(totals.engine_calls)} to the model, "
                 f"{_int(totals.cache_hits)} from the cache; billed {_usd(totals.billed_usd)}")
    cap = summary.config.sweep_max_cost
    if cap is not None:
        lines.append(f"--sweep_max_cost {_usd(cap)}: the runs have billed {_usd(totals.billed_usd)} of it")
    initial = totals.by_phase.get("initial test")
    if initial:
        lines.append(f"initial test: {initial.engine_calls} calls to the model, {initial.cache_hits} "
                     f"from the cache (shared by runs with the same seed)")
    lines.append(f"this invocation: {invocation.runs_started} runs started, {invocation.runs_skipped} "
                 f"finished runs skipped; {invocation.engine_calls} calls to the model, "
                 f"{invocation.cache_hits} from the cache; billed {_usd(invocation.billed_usd)}"
                 + (f" (not counted: {', '.join(invocation.unreported_runs)} died before reporting)"
                    if invocation.unreported_runs else ""))
    return "\n".join(lines)


def _table_row(row: SavedSweepRow, *, with_seed: bool) -> list[str]:
    done = row.status == "completed"
    cells = [row.weights or "?"] + ([str(row.seed)] if with_seed else [])
    cells.append(_fixed(row.initial_accuracy, 3))
    if done:
        cells += [f"{row.final_accuracy:.3f} [{row.final_accuracy_low:.3f}, {row.final_accuracy_high:.3f}]",
                  f"{row.accuracy_delta:+.3f} (p={row.mcnemar_p:.2f})"]
    else:
        cells += [row.status, "-"]
    cells.append(_fixed(row.initial_tokens, 1))
    if done:
        cells += [f"{row.final_tokens:.1f}", f"{row.token_reduction:.1f}", f"{row.token_reduction_pct:.1f}%"]
    else:
        cells += ["-", "-", "-"]
    cells.append(_usd(row.cost_usd))
    return cells


def _aggregate_row(entry: SavedSweepAggregate) -> list[str]:
    return [entry.weights, f"{entry.completed}/{entry.runs}",
            _spread(entry.final_accuracy, 3), _spread(entry.accuracy_delta, 3, signed=True),
            _spread(entry.final_tokens, 1), _spread(entry.token_reduction_pct, 1),
            _usd(entry.cost_usd)]


def _spread(stats: SavedSpread, digits: int, *, signed: bool = False) -> str:
    if not stats.n:
        return "-"
    sign = "+" if signed else ""
    std = f" ± {stats.std:.{digits}f}" if stats.std is not None else ""
    return f"{stats.mean:{sign}.{digits}f}{std} [{stats.min:{sign}.{digits}f}, {stats.max:{sign}.{digits}f}]"


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _fixed(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _int(value: int | None) -> str:
    return "unknown" if value is None else str(value)


def _usd(value: float | None) -> str:
    return "-" if value is None else f"${value:.4f}"
