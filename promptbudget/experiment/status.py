"""How the exception that ends a run maps to the status the run's results record."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import BudgetExceeded

STOPPED = "stopped"
FAILED = "failed"
COMPLETED = "completed"


def ending_status(exc: BaseException, *, cap_prefix: str = "cost cap reached: ") -> tuple[str, str]:
    """("stopped", why) when the --max_cost cap ended the run, else ("failed", the error)."""
    if isinstance(exc, BudgetExceeded):
        return STOPPED, f"{cap_prefix}{exc}"
    return FAILED, str(exc)


def overall_status(endings: Sequence[tuple[str, str]]) -> tuple[str, str | None]:
    """The status of a run whose parallel workers ended as `endings`: a failure outranks a stop."""
    if not endings:
        return COMPLETED, None
    failed = [ending for ending in endings if ending[0] == FAILED]
    return failed[0] if failed else endings[0]
