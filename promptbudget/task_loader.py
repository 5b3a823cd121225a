"""Load a task by name, turning a missing or malformed task into bad input (exit 2)."""

from __future__ import annotations

from typing import Any

from .errors import UsageError


def load_task_or_usage_error(name: str) -> Any:
    from tasks import load_task

    try:
        return load_task(name)
    except FileNotFoundError as exc:
        raise UsageError(f"task file not found: {exc.filename or exc}") from None
    except ValueError as exc:  # unknown task names and malformed task files
        raise UsageError(str(exc)) from None
