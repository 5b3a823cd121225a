"""bench/report_bench.py: the timing function renders a report and returns its seconds.

Tests are never timed: whether the 50 x 20 report meets its goal is the benchmark's verdict
(`python -m bench`), not a test's.
"""

from __future__ import annotations

import math

from bench.report_bench import report_seconds


def test_report_seconds_small_renders_and_returns_seconds():
    seconds = report_seconds(runs=2, epochs=2)
    assert isinstance(seconds, float) and math.isfinite(seconds) and seconds > 0
