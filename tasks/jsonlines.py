"""One line of a JSONL file as a JSON object, or the caller's error naming what is wrong with it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def json_object(line: str, fail: Callable[[str], Exception], *, parse_constant: Callable[[str], Any] | None = None,
                invalid_hint: str = "") -> dict[str, Any]:
    """`line` parsed; `fail(problem)` is raised for invalid JSON (problem ends with `invalid_hint`)
    and for JSON that is not an object. `parse_constant` sees NaN/Infinity/-Infinity as json.loads does."""
    try:
        record = json.loads(line, parse_constant=parse_constant)
    except json.JSONDecodeError as error:
        raise fail(f"invalid JSON ({error.msg}){invalid_hint}") from None
    if not isinstance(record, dict):
        raise fail("expected a JSON object")
    return record
