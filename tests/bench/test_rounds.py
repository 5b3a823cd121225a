"""Alternating rounds: the order swaps every round, and one outlier round does not move a median."""

from __future__ import annotations

import pytest

from bench.rounds import alternate, median_ratio


def test_sides_alternate_which_goes_first():
    order: list[str] = []
    values = iter(range(100))

    def side(name: str):
        def measure() -> float:
            order.append(name)
            return float(next(values))
        return measure

    a, b = alternate(4, side("a"), side("b"))
    assert order == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert a == [0.0, 3.0, 4.0, 7.0] and b == [1.0, 2.0, 5.0, 6.0]


def test_median_ratio_pairs_rounds_and_ignores_one_slow_round():
    ours = [99.0, 98.0, 30.0, 97.0, 99.0]  # round 3: the machine was busy for both sides
    raw = [100.0, 100.0, 31.0, 100.0, 100.0]
    assert median_ratio(ours, raw) == pytest.approx(0.98)
    # medians taken separately would pair unrelated rounds
    assert median_ratio([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]) == 0.5


@pytest.mark.parametrize("rounds", [0, -1])
def test_alternate_needs_a_round(rounds):
    with pytest.raises(ValueError, match="at least 1"):
        alternate(rounds, lambda: 1.0, lambda: 1.0)


def test_median_ratio_needs_matching_sequences():
    with pytest.raises(ValueError):
        median_ratio([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        median_ratio([], [])
