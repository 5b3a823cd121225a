"""Thinking settings: a budget (0 = thinking off) or an effort level ("off" allowed), parsed and ordered."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..engines.types import EFFORT_LEVELS, MIN_THINKING_BUDGET, Thinking
from ..errors import UsageError

EFFORT_TIERS = {"low": 1024, "medium": 2048, "high": 4096, "xhigh": 8192, "max": 16384}
"""The budget tier each effort level stands for (an ordering device, not a token equivalence)."""


@dataclass(frozen=True)
class Setting:
    """One point of a sweep: `kind` "budget" with an int value, or "effort" with a level or "off"."""

    kind: str
    value: int | str

    @property
    def label(self) -> str:
        return str(self.value)

    @property
    def tier(self) -> int:
        """Budget tokens, or the effort's tier; 0 means thinking off."""
        if self.kind == "budget":
            return int(self.value)
        return 0 if self.value == "off" else EFFORT_TIERS[str(self.value)]

    @property
    def thinking_on(self) -> bool:
        return self.tier > 0

    def thinking(self) -> Thinking:
        """The thinking mode this setting asks a model for (natively)."""
        if self.kind == "budget":
            return Thinking.budget(int(self.value)) if self.value else Thinking.off()
        return Thinking.off() if self.value == "off" else Thinking.adaptive(str(self.value))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "tier": self.tier}

    @classmethod
    def parse(cls, kind: str, label: Any) -> "Setting":
        """Read a setting from a label; raises UsageError when it is not valid."""
        if kind == "budget":
            budget = parse_budget(label)
            return cls("budget", budget)
        if kind == "effort":
            if label not in ("off", *EFFORT_LEVELS):
                raise UsageError(f"unknown effort level {label!r}; choose from off, {', '.join(EFFORT_LEVELS)}")
            return cls("effort", label)
        raise UsageError(f"unknown setting kind {kind!r}; expected 'budget' or 'effort'")


def parse_budget(value: Any) -> int:
    """A thinking budget: 0 (thinking off) or an integer >= 1024. Raises UsageError otherwise."""
    if isinstance(value, bool):
        raise UsageError(f"thinking budget {value!r} is not an integer")
    if isinstance(value, int):
        budget = value
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        budget = int(value.strip())
    else:
        raise UsageError(f"thinking budget {value!r} is not an integer number of tokens")
    if budget < 0:
        raise UsageError(f"thinking budget {budget} is negative; use 0 for thinking off")
    if 0 < budget < MIN_THINKING_BUDGET:
        raise UsageError(f"thinking budget {budget} is below the minimum of {MIN_THINKING_BUDGET} tokens; "
                         "use 0 for thinking off")
    return budget


def parse_budget_list(values: list[Any]) -> list[Setting]:
    """Validated budgets, duplicates dropped, in ascending order."""
    if not values:
        raise UsageError("--budgets needs at least one budget")
    budgets = sorted({parse_budget(v) for v in values})
    return [Setting("budget", b) for b in budgets]


def parse_effort_list(values: list[Any]) -> list[Setting]:
    """Validated effort levels ("off" allowed), duplicates dropped, lowest first."""
    if not values:
        raise UsageError("--efforts needs at least one level")
    settings = {Setting.parse("effort", v) for v in values}
    return sorted(settings, key=lambda s: s.tier)


def tier_to_effort(tier: int, levels: tuple[str, ...] | list[str]) -> str:
    """The offered effort level nearest to a budget tier (log scale; ties go to the lower level)."""
    offered = [level for level in EFFORT_LEVELS if level in levels]
    if not offered:
        raise ValueError("no effort levels offered")
    target = math.log2(max(tier, 1))
    return min(offered, key=lambda level: (abs(math.log2(EFFORT_TIERS[level]) - target), EFFORT_TIERS[level]))

