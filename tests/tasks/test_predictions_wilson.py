"""One Wilson interval: tasks.predictions computes it and promptbudget.stats gives the same numbers."""

from __future__ import annotations

from promptbudget.stats import wilson_interval as stats_wilson
from tasks.predictions import wilson_interval


def test_stats_and_predictions_agree_exactly_at_95_percent():
    for total in range(0, 60):
        for successes in range(total + 1):
            assert stats_wilson(successes, total) == wilson_interval(successes, total)


def test_edges_are_exact():
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_a_known_value():
    low, high = wilson_interval(8, 10)
    assert round(low, 4) == 0.4902 and round(high, 4) == 0.9433
