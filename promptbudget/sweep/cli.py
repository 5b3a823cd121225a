"""`python -m promptbudget sweep` (and run_experiments.py): optimize over several weight configurations.

    python run_experiments.py --task GSM8K_DSPy --configs "0.3,0.7" "0.5,0.5" "0.7,0.3" \
        [--repeats K] [--parallel N] [--output_dir results] [any optimize flag]

Everything is checked before anything runs (bad input: exit 2, nothing written). A paid sweep
with neither --max_cost, --sweep_max_cost nor --yes shows the sum of its runs' cost ceilings and
asks first (exits 2 when it cannot ask). Rerunning
the same command skips finished runs and resumes unfinished ones. Exit code: 0 when every run
completed, 1 when one failed, 3 when one stopped at its --max_cost cap.
"""

from __future__ import annotations

import sys
import time

from tabulate import tabulate

from ..cli_support import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_STOPPED, EXIT_USAGE, run_command
from ..records import SweepSummary
from .gate import confirm_sweep, needs_confirmation
from .plan import (NOT_STARTED, SUMMARY_CSV, SUMMARY_JSON, WeightSweepPlan, build_parser, plan_sweep,
                   reject_negative_pairs)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()

    def body() -> int:
        reject_negative_pairs(argv)
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse already printed the problem
            return EXIT_USAGE if exc.code else EXIT_OK
        plan = plan_sweep(args, with_calls=args.dry_run or needs_confirmation(args))
        if plan.dry_run:
            return dry_run(plan)
        refuse_batch_without_the_api(plan)  # a refusal no confirmation could fix comes first
        confirm_sweep(plan, args)
        return run(plan)

    return run_command(body)


def refuse_batch_without_the_api(plan: WeightSweepPlan) -> None:
    """`--batch` on a server without the Batches API is refused once, before any run starts."""
    todo = [spec for spec in plan.runs if not spec.is_complete()]
    if todo:
        from ..batches.options import check_before_spawning

        check_before_spawning(todo[0].config)  # runs asking the same requests share batches


def run(plan: WeightSweepPlan) -> int:
    from .runner import Runner
    from .summary import build_summary, render, write_summary

    started_at = time.time()
    todo = [spec for spec in plan.runs if not spec.is_complete()]
    skipped = len(plan.runs) - len(todo)
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not plan.quiet:
        print(f"sweep: {len(plan.runs)} runs in {plan.output_dir}/ ({skipped} finished, {len(todo)} to run, "
              f"{min(plan.parallel, max(1, len(todo)))} at a time)", file=sys.stderr)
    plan.output_dir.mkdir(parents=True, exist_ok=True)

    attempts = {}
    runner = Runner(plan, on_finished=lambda spec, attempt: finished(spec, attempt))

    def current() -> SweepSummary:
        return build_summary(plan, attempts, skipped=skipped, started_at=started_at,
                             not_started={spec.run_id for spec in runner.not_started})

    def finished(spec, attempt) -> None:
        attempts[spec.run_id] = attempt
        write_summary(plan, current())

    if todo:
        try:
            runner.run(todo, already_done=skipped)
        except KeyboardInterrupt:
            write_summary(plan, current())
            print("interrupted: finished runs are kept and unfinished ones saved at their last step; rerun the "
                  "same command to continue", file=sys.stderr)
            return EXIT_INTERRUPTED
    summary = current()
    write_summary(plan, summary)
    print(render(summary))
    print(f"results: {plan.output_dir / SUMMARY_JSON}, {plan.output_dir / SUMMARY_CSV}")
    for warning in plan.warnings:
        print(f"warning: {warning}")
    statuses = {row.status for row in summary.rows}
    if statuses <= {"completed"}:
        return EXIT_OK
    if statuses <= {"completed", "stopped", NOT_STARTED}:
        return EXIT_STOPPED
    return EXIT_FAILED


def dry_run(plan: WeightSweepPlan) -> int:
    rows, ceiling, priced = [], 0.0, True
    for spec in plan.runs:
        summary, problem = spec.saved_state()
        if summary is None:
            state = "new" if problem is None else f"blocked: {problem}"
        elif summary.status == "completed":
            state = "finished (skipped)"
        else:
            state = f"resume at checkpoint {summary.checkpoint or 0}/{spec.total_steps + 2}"
        calls = sum(row["calls"] for row in spec.planned_calls)
        costs = [row["ceiling_usd"] for row in spec.planned_calls]
        run_priced = all(c is not None for c in costs)
        if state != "finished (skipped)":
            priced = priced and run_priced
            ceiling += sum(c for c in costs if c is not None)
        rows.append([spec.label, spec.seed, spec.run_id, state, calls,
                     f"${sum(costs):.4f}" if run_priced else "unknown price"])
    print(f"dry run of a sweep of {len(plan.runs)} runs in {plan.output_dir}/: no model was called, nothing written")
    print(tabulate(rows, headers=["Weights", "Seed", "Run", "State", "Calls (max)", "Ceiling"], tablefmt="github",
                   disable_numparse=True))
    print(f"ceiling of the runs still to do: {'$%.4f' % ceiling if priced else 'unknown (a model has no price)'} "
          "(every call at max_tokens; the shared cache makes repeated requests free)")
    if plan.sweep_max_cost is not None:
        from .allotment import billed_so_far

        billed = sum(billed_so_far(spec) for spec in plan.runs)
        print(f"--sweep_max_cost ${plan.sweep_max_cost:.4f}: the runs have billed ${billed:.4f} so far; "
              f"${max(0.0, plan.sweep_max_cost - billed):.4f} is left to share among the runs still to do")
    for warning in plan.warnings:
        print(f"warning: {warning}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

