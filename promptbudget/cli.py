"""`python -m promptbudget <command>`: the one CLI over the library."""

from __future__ import annotations

import importlib
import sys

# Each command lives in its own module, imported only when chosen.
COMMANDS = {
    "optimize": "promptbudget.optimize.cli",
    "sweep": "promptbudget.sweep.cli",
    "report": "promptbudget.report.cli",
    "budget-sweep": "promptbudget.budget.sweep_cli",
    "allocate": "promptbudget.budget.allocate_cli",
    "confidence-split": "promptbudget.confidence.cli",
    "export": "promptbudget.export",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m promptbudget {" + ",".join(COMMANDS) + "} [options]\n\n"
              "  optimize          optimize a system prompt for accuracy and billed tokens (TextGrad)\n"
              "  sweep             run optimize over several weight configurations\n"
              "  report            render the HTML report and PNG plots from saved results\n"
              "  budget-sweep      measure accuracy, tokens and cost across thinking budgets\n"
              "  allocate          choose a thinking budget for a prompt\n"
              "  confidence-split  split a thinking budget between answering and self-assessment\n"
              "  export            print a finished run's recommendation for the anthropic SDK")
        return 0 if argv else 2
    if argv[0] == "--version":
        from . import __version__

        print(f"promptbudget {__version__}")
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"error: unknown command {command!r}; choose one of {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(COMMANDS[command])
    except ModuleNotFoundError as exc:
        print(f"error: the {command} command is not available in this build ({exc.name})", file=sys.stderr)
        return 2
    return module.main(rest)
