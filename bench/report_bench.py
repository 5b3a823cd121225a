"""Report benchmark: seconds to render the HTML report of 50 runs x 20 epochs (goal: <= 3 s).

Synthetic results in the real `promptbudget.run/1` shape (30 validation and 100 test items
per evaluation, a validated candidate every epoch) are written to a temporary directory; the
timed part is what `analyze_results.py --no_plots` does, cold (the first report in the
process): import the report modules, load and parse every file, build every section's context,
compile and render the Jinja templates and write the HTML atomically. Writing the synthetic
results is not timed, nor are the PNG plots (`report_pngs_seconds` times those separately).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from promptbudget.report.options import ReportOptions
from tests.support.synthetic_results import write_synthetic_results

GOAL_SECONDS = 3.0


def report_seconds(runs: int = 50, epochs: int = 20) -> float:
    """Seconds for one cold report of `runs` x `epochs`: the report modules' import, template
    compilation, load + context + render + atomic write of the HTML."""
    with tempfile.TemporaryDirectory(prefix="promptbudget-report-bench-") as tmp:
        root = Path(tmp) / "results"
        write_synthetic_results(root, runs=runs, epochs=epochs)
        options = ReportOptions(results_dir=root, output=Path(tmp) / "report.html", plots_dir=None)
        start = time.perf_counter()
        from promptbudget.report.render import build_report

        build_report(options)
        return time.perf_counter() - start


def report_seconds_50x20() -> float:
    """Seconds to render the report of 50 runs x 20 epochs of synthetic results (HTML only)."""
    return report_seconds(50, 20)


def report_pngs_seconds(runs: int = 50, epochs: int = 20) -> float:
    """Seconds to write the report's PNG plots for the same results (reported separately)."""
    from promptbudget.report.load import load_results
    from promptbudget.report.plots import save_all

    with tempfile.TemporaryDirectory(prefix="promptbudget-report-bench-") as tmp:
        root = Path(tmp) / "results"
        write_synthetic_results(root, runs=runs, epochs=epochs)
        options = ReportOptions(results_dir=root, output=Path(tmp) / "report.html", plots_dir=Path(tmp) / "plots")
        results = load_results(root)
        start = time.perf_counter()
        save_all(results, options, Path(tmp) / "plots")
        return time.perf_counter() - start


if __name__ == "__main__":
    seconds = report_seconds_50x20()
    print(f"report_seconds_50x20: {seconds:.3f} s (goal <= {GOAL_SECONDS:.0f} s)")
    print(f"report_pngs_seconds_50x20: {report_pngs_seconds():.3f} s (not part of the goal)")
