"""The spending gate: a paid run with neither --max_cost nor --yes shows its ceiling and asks first."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from ..errors import UsageError
from .estimate import ceiling_plan, ceiling_usd

if TYPE_CHECKING:
    from .loop import OptimizationRun


def is_paid(run: OptimizationRun) -> bool:
    """True when an engine of the run bills (or may bill: its price is unknown)."""
    plan = run.plan
    for role_engine in (plan.answer, plan.feedback, plan.optimizer):
        price = role_engine.engine.price()
        if price is None or price.input or price.output:
            return True
    return False


def confirm_spending(run: OptimizationRun, *, stdin: TextIO | None = None, ask: Callable[[str], str] | None = None) -> None:
    """Return when the run may go ahead; UsageError (exit 2, nothing written) when it may not."""
    config = run.config
    if config.dry_run or config.max_cost is not None or getattr(config, "yes", False) or not is_paid(run):
        return
    ceiling = ceiling_usd(ceiling_plan(run))
    estimate = "an unknown amount (a model has no price)" if ceiling is None else f"at most ${ceiling:.2f}"
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        raise UsageError(f"this run bills real calls and can cost {estimate} (the --dry_run ceiling); pass "
                         "--max_cost USD to cap it or --yes to run without a cap")
    reply = (ask or input)(f"this run can cost {estimate} (every call at its worst case; see --dry_run). "
                           "Go ahead? [y/N] ")
    if reply.strip().lower() not in ("y", "yes"):
        raise UsageError("not confirmed; nothing was called. Pass --max_cost USD to cap the run, or --yes")
