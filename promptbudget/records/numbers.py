"""Number types that keep a JSON number as written, so a record written back is the file it read."""

from __future__ import annotations

from typing import Union

Number = Union[int, float]
"""A JSON number: 0 stays 0 and 0.5 stays 0.5 (a `float` field would write 0 back as 0.0)."""
