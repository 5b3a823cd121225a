"""The fixed subset of a split every setting of a run is measured on."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def fixed_subset(items: Sequence[T], size: int, seed: str) -> list[T]:
    """`size` items chosen by `seed`, kept in split order; all of them when there are no more."""
    if size >= len(items):
        return list(items)
    chosen = sorted(random.Random(seed).sample(range(len(items)), size))
    return [items[i] for i in chosen]
