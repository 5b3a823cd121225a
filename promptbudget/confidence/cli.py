"""`python -m promptbudget confidence-split`: split a thinking budget between answering and self-assessment."""

from __future__ import annotations

import argparse
import sys

from tabulate import tabulate

from ..cli_support import (EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_STOPPED, EXIT_USAGE, interrupted_message,
                           run_command)
from ..experiment.constants import DEFAULT_MODEL, SPLITS
from ..jsonio import write_json_atomic
from ..records import ConfidenceSplitResults
from ..flags import add_flag, add_measurement_tail, new_parser
from .metrics import BINNING_NOTE
from .policy import DEFAULT_MIN_ANSWER_TOKENS, DEFAULT_OUTPUT_ALLOWANCE
from .runner import DEFAULT_RATIOS, SplitConfig, run_split



def build_parser() -> argparse.ArgumentParser:
    parser = new_parser(
        "python -m promptbudget confidence-split",
        "Split a total thinking budget B between answering (B x ratio) and judging the answer's correctness "
        "(B x (1 - ratio)); report accuracy, calibration (ECE over 10 equal-width bins, Brier), AUROC, "
        "risk-coverage/AURC, confidence parse failures and cost per cell.")
    add_flag(parser, "task", default="GSM8K_DSPy")
    parser.add_argument("--total_budget", type=int, nargs="+", required=True, metavar="TOKENS",
                        help="one or more total thinking budgets in tokens (e.g. 200 2048 4096)")
    parser.add_argument("--ratios", type=float, nargs="+", default=list(DEFAULT_RATIOS), metavar="R",
                        help="answer shares of the budget, each in [0, 1]")
    add_flag(parser, "samples", default=30, help="items per cell (the same items in every cell)")
    parser.add_argument("--split", default="test", choices=SPLITS, help="task split to draw items from")
    add_flag(parser, "seed", default=0, help="seed of the item subset")
    add_flag(parser, "system_prompt", help="system prompt of the answer stage (default: the task's instruction)")
    parser.add_argument("--output_allowance", type=int, default=DEFAULT_OUTPUT_ALLOWANCE,
                        help="visible output tokens per stage on top of the thinking budget, for models that think")
    parser.add_argument("--min_answer_tokens", type=int, default=DEFAULT_MIN_ANSWER_TOKENS,
                        help="smallest max_tokens cap of a stage on models that do not think")
    parser.add_argument("--report_dir", default=None,
                        help="also write a standalone HTML page and PNG plots to this folder")
    add_measurement_tail(parser, default_model=DEFAULT_MODEL,
                         output_help="result JSON (default: results/confidence_split_<task>_<model>.json)",
                         batch_what="every cell's answers in one set of batches, then every confidence call in "
                                    "another: two waits in all")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a malformed flag (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return run_command(lambda: run(SplitConfig.from_flags(args, tuples=("total_budget", "ratios"))))


def interrupted(config: SplitConfig) -> str:
    return interrupted_message(config.output_path(), cached=config.runtime().cache_path() is not None)


def run(config: SplitConfig) -> int:
    try:
        results = run_split(config)
    except KeyboardInterrupt:
        print(interrupted(config), file=sys.stderr)
        return EXIT_INTERRUPTED
    path = config.output_path()
    write_json_atomic(path, results)
    record = ConfidenceSplitResults.model_validate(results)
    print(result_table(record))
    print(f"results: {path}")
    if config.report_dir:
        from .report_section import write_report

        page, pngs = write_report(record, config.report_dir)
        print(f"report: {page} ({len(pngs)} PNG plots in {pngs[0].parent if pngs else config.report_dir})")
    return {"completed": EXIT_OK, "stopped": EXIT_STOPPED}.get(record.status, EXIT_FAILED)


def result_table(results: ConfidenceSplitResults) -> str:
    from .report_section import TABLE_COLUMNS, table_rows

    task, model = results.task, results.model
    lines = [f"confidence-split: {task.name} ({task.split}, {task.n_items} items per cell) on "
             f"{model.model_string}; thinking: {model.thinking_style}; status {results.status}"
             + (f" ({results.error})" if results.error else ""),
             tabulate(table_rows(results), headers=TABLE_COLUMNS),
             BINNING_NOTE]
    ledger = results.ledger or {}
    total = ledger.get("total") or {}
    by_role = ledger.get("by_role") or {}
    if total:
        roles = ", ".join(f"{role} {t['calls']}" for role, t in sorted(by_role.items()))
        lines.append(f"calls {total['calls']} ({roles}; {total['cached_calls']} from cache), "
                     f"spent ${total['billed_usd']:.4f}")
    lines += [f"warning: {w}" for w in results.warnings]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
