"""`python -m promptbudget optimize` (and balanced_prompt_optimization.py)."""

from __future__ import annotations

import sys
from typing import Any

from tabulate import tabulate

from ..cli_support import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_STOPPED, run_command
from ..batches.rate import load_batch_rate
from ..ledger import spend_text
from ..records.run import RunSummary, SavedStats
from ..runtime import Runtime
from .config import OptimizeConfig, build_parser
from .display import ProgressDisplay
from .confirm import confirm_spending
from .estimate import ceiling_plan
from .loop import OptimizationRun
from .pilot import check_pilot_size, pilot_report, run_pilot
from .recommendation import BEST_PROMPT, RECOMMENDATION, final_lines, recommendation


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: run(OptimizeConfig.from_args(args)))


def run(config: OptimizeConfig) -> int:
    config.validate()
    runtime = Runtime(config.runtime())
    try:
        display = None if config.quiet or config.dry_run else ProgressDisplay(runtime.ledger)
        optimization = OptimizationRun(config, events=display, runtime=runtime)
        if config.dry_run:
            if config.pilot is not None:
                check_pilot_size(optimization)
            print(dry_run_report(optimization))
            if config.pilot is not None:
                print(pilot_report(run_pilot(optimization)))
            return EXIT_OK
        confirm_spending(optimization)
        try:
            summary = optimization.run()
        except KeyboardInterrupt:
            if optimization.store.exists():
                print(f"interrupted: the run is saved at its last completed step in {optimization.store.dir}; "
                      "rerun the same command with --resume to continue", file=sys.stderr)
                return EXIT_INTERRUPTED
            raise
    finally:
        runtime.close()
    print(result_table(summary))
    print(f"results: {optimization.store.summary_path}")
    if summary.status == "completed":
        print(final_lines(recommendation(summary, optimization.store.dir)))
        print(f"prompt: {optimization.store.dir / BEST_PROMPT} (use it as --prompt_file); "
              f"parameters: {optimization.store.dir / RECOMMENDATION}")
    return {"completed": EXIT_OK, "stopped": EXIT_STOPPED}.get(summary.status, EXIT_FAILED)


def planned_calls(run: OptimizationRun) -> list[dict[str, Any]]:
    """Every call the run can make, by phase, at its worst case (see estimate.py), with what it
    would cost where --batch (and --batch_validation) send that phase through Message Batches."""
    batched = batched_phases(run.config)
    multiplier = load_batch_rate(run.config.prices).multiplier
    rows = []
    for row in ceiling_plan(run):
        planned = row.to_dict()
        ceiling = planned["ceiling_usd"]
        planned["batch_ceiling_usd"] = None if ceiling is None else ceiling * (
            multiplier if row.phase in batched else 1.0)
        rows.append(planned)
    return rows


def batched_phases(config: OptimizeConfig) -> set[str]:
    """The phases --batch (and --batch_validation) send through Message Batches."""
    phases = {"initial test", "initial validation", "final test"}
    return phases | {"candidate validation"} if config.batch_validation else phases


def dry_run_report(run: OptimizationRun) -> str:
    rows = planned_calls(run)
    def usd(value: float | None) -> str:
        return "unknown price" if value is None else f"${value:.4f}"

    table = tabulate([[r["phase"], r["role"], r["engine"], r["calls"], r["max_input_tokens"], r["max_output_tokens"],
                       usd(r["ceiling_usd"]), usd(r["batch_ceiling_usd"])] for r in rows],
                     headers=["Phase", "Role", "Engine", "Calls (max)", "Input tok/call", "Output tok/call",
                              "Ceiling", "Ceiling with --batch"])
    total_calls = sum(r["calls"] for r in rows)
    priced = [r["ceiling_usd"] for r in rows if r["ceiling_usd"] is not None]
    known = len(priced) == len(rows)
    ceiling = f"${sum(priced):.4f}" if known else "unknown (a model has no price)"
    batch_ceiling = f"${sum(r['batch_ceiling_usd'] for r in rows):.4f}" if known else "unknown"
    called = "only the pilot below calls the model" if run.config.pilot else "no model was called"
    lines = [f"dry run of {run.plan.run_id}: {called}", table,
             f"total: at most {total_calls} calls, cost ceiling {ceiling} synchronously, {batch_ceiling} with "
             f"{'--batch --batch_validation' if run.config.batch_validation else '--batch'} (an upper bound: "
             "every step makes a candidate, every call writes its max_tokens; cache hits would cost nothing)"]
    lines += [f"warning: {w}" for w in run.plan.warnings]
    return "\n".join(lines)


def _stats_row(label: str, stats: SavedStats) -> list[object]:
    return [label, f"{stats.accuracy:.3f} [{stats.accuracy_low:.3f}, {stats.accuracy_high:.3f}]",
            f"{stats.mean_output_tokens:.1f}", f"{stats.median_output_tokens:.1f}", f"{stats.p90_output_tokens:.1f}",
            stats.n]


def result_table(summary: RunSummary) -> str:
    initial = summary.initial["test"].summary if summary.initial else None
    final = summary.final
    lines = [f"run {summary.run_id}: {summary.status}" + (f" ({summary.error})" if summary.error else "")]
    if initial:
        rows = [_stats_row("initial", initial)] + ([_stats_row("final", final.test.summary)] if final else [])
        lines.append(tabulate(rows, headers=["Prompt", "Accuracy (95% CI)", "Mean tokens", "Median", "p90", "n"]))
    if final:
        comparison = final.comparison
        lines.append(f"accuracy change {comparison.accuracy_delta:+.3f} (McNemar p={comparison.mcnemar.p_value:.3f}); "
                     f"token reduction {comparison.token_reduction:.1f} ({comparison.token_reduction_pct:.1f}%), "
                     f"95% CI of the per-item change [{comparison.token_diff_bootstrap['low']:.1f}, "
                     f"{comparison.token_diff_bootstrap['high']:.1f}]")
    ledger = summary.ledger
    if ledger is not None and ledger.total is not None:
        lines.append(f"calls {ledger.total.calls} ({ledger.total.cached_calls} from cache), "
                     f"{spend_text(ledger.to_json())}")
    for warning in summary.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
