"""The sweep's spending gate: a paid sweep with neither --max_cost, --sweep_max_cost nor --yes shows
the sum of its runs' cost ceilings and asks before it starts; when it cannot ask (no terminal) it
exits 2 with that sum. Its runs' processes never ask: the sweep asks once, for all of them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from ..errors import UsageError
from .plan import WeightSweepPlan


def needs_confirmation(args: argparse.Namespace) -> bool:
    """True when nothing caps or pre-approves the spend (the planned calls are then needed to ask)."""
    return not (args.dry_run or args.yes or args.max_cost is not None or args.sweep_max_cost is not None)


def confirm_sweep(plan: WeightSweepPlan, args: argparse.Namespace, *, stdin: TextIO | None = None,
                  ask: Callable[[str], str] | None = None) -> None:
    """Return when the sweep may go ahead; UsageError (exit 2, nothing written) when it may not."""
    if not needs_confirmation(args):
        return
    todo = [spec for spec in plan.runs if not spec.is_complete()]
    costs = [row["ceiling_usd"] for spec in todo for row in spec.planned_calls]
    if not any(cost is None or cost > 0 for cost in costs):
        return  # free engines only (or nothing left to run)
    known = all(cost is not None for cost in costs)
    estimate = f"at most ${sum(costs):.2f}" if known else "an unknown amount (a model has no price)"
    what = f"{len(todo)} run{'s' if len(todo) != 1 else ''}"
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        raise UsageError(f"this sweep bills real calls: its {what} can cost {estimate} (the sum of their --dry_run "
                         "ceilings); pass --max_cost USD (per run) or --sweep_max_cost USD to cap it, or --yes to "
                         "run without a cap")
    reply = (ask or input)(f"this sweep's {what} can cost {estimate} (every call at its worst case; see --dry_run). "
                           "Go ahead? [y/N] ")
    if reply.strip().lower() not in ("y", "yes"):
        raise UsageError("not confirmed; nothing was called. Pass --max_cost USD or --sweep_max_cost USD to cap the "
                         "sweep, or --yes")
