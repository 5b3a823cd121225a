"""A number type that keeps a JSON number as written, so a record written back is the file it read."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainValidator


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number")
    return value


Number = Annotated[int | float, PlainValidator(_number)]
"""A JSON number: 0 stays 0 and 0.5 stays 0.5 (a strict `float` field would write 0 back as 0.0)."""
