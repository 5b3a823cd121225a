"""`python -m promptbudget report` (and analyze_results.py): the HTML report and PNG plots."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ..cli_support import EXIT_FAILED, EXIT_OK, run_command
from ..errors import UsageError
from ..flags import add_flag, new_parser
from .options import DEFAULT_MARGIN, DEFAULT_MIN_SAMPLES, ReportOptions


def build_parser() -> argparse.ArgumentParser:
    parser = new_parser(
        "analyze_results.py",
        "Render a self-contained HTML report (interactive charts, works offline) and PNG plots from saved results.")
    parser.add_argument("--results_dir", default="results", help="where the results are (searched recursively)")
    add_flag(parser, "task", help="report only this task (default: every task found)")
    add_flag(parser, "output", default="analysis_report.html", help="the HTML file to write")
    parser.add_argument("--plots_dir", default="plots", help="where the PNG plots go")
    parser.add_argument("--no_plots", action="store_true", help="write no PNG plots")
    parser.add_argument("--margin", type=float, default=DEFAULT_MARGIN,
                        help="accuracy (absolute, 0-1) a recommendation may give up against the most accurate "
                             "prompt")
    parser.add_argument("--min_samples", type=int, default=DEFAULT_MIN_SAMPLES,
                        help="flag comparisons on fewer items than this")
    return parser


def options_from(args: argparse.Namespace) -> ReportOptions:
    if not math.isfinite(args.margin) or not 0 <= args.margin <= 1:
        raise UsageError(f"--margin must be between 0 and 1 (got {args.margin})")
    if args.min_samples < 1:
        raise UsageError(f"--min_samples must be at least 1 (got {args.min_samples})")
    output = Path(args.output)
    if output.is_dir():
        raise UsageError(f"--output {output} is a directory; give a file name such as {output / 'report.html'}")
    _check_parent(output, "--output")
    plots_dir = None if args.no_plots else Path(args.plots_dir)
    if plots_dir is not None:
        if plots_dir.exists() and not plots_dir.is_dir():
            raise UsageError(f"--plots_dir {plots_dir} is a file, not a directory; give a directory (or --no_plots)")
        _check_parent(plots_dir, "--plots_dir")
    return ReportOptions(results_dir=Path(args.results_dir), task=args.task, output=output,
                         plots_dir=plots_dir, margin=args.margin, min_samples=args.min_samples)


def _check_parent(path: Path, flag: str) -> None:
    """A path under an existing file cannot be created: say so before anything is written."""
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{flag} {path}: {parent} is a file, not a directory")
            return


def run(options: ReportOptions) -> int:
    from .render import build_report

    try:
        report, plots = build_report(options)
    except OSError as exc:  # a full disk, no permission: say which file, no traceback
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot write the report{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"report: {options.output} ({len(report.sections)} sections, "
          f"{len(report.results.runs)} runs)")
    if plots:
        print(f"plots: {len(plots)} PNG files in {options.plots_dir}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: run(options_from(args)))


if __name__ == "__main__":
    sys.exit(main())
