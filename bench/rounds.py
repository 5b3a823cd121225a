"""Two sides measured in alternating rounds, so machine load falls on both alike.

Round i runs side A then side B when i is even, B then A when it is odd; a figure is the
median over rounds, so one slow round (another process taking the CPU) does not move it.
"""

from __future__ import annotations

import statistics
from typing import Callable, Sequence


def alternate(rounds: int, side_a: Callable[[], float], side_b: Callable[[], float]) -> tuple[list[float], list[float]]:
    """Each side's measurement from `rounds` rounds, the order swapped every round."""
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    a_values: list[float] = []
    b_values: list[float] = []
    for index in range(rounds):
        if index % 2 == 0:
            a_values.append(side_a())
            b_values.append(side_b())
        else:
            b_values.append(side_b())
            a_values.append(side_a())
    return a_values, b_values


def median_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of the per-round ratios (each round's two sides ran back to back)."""
    if len(numerators) != len(denominators) or not numerators:
        raise ValueError("median_ratio needs two equally long, non-empty sequences")
    return statistics.median(n / d for n, d in zip(numerators, denominators))
