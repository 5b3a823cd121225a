"""A budget policy file (`promptbudget.budget_policy/1`): a thinking setting per complexity class."""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Literal, Optional

from pydantic import AfterValidator, BeforeValidator, model_validator

from .base import Part, Record

COMPLEXITY_CLASSES = ("simple", "medium", "complex", "very_complex")


def _whole_float(value: Any) -> Any:
    """3.0 is the whole number 3 (a JSON writer may say either); 3.5 stays a float and is refused."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    return value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError("must be a whole number >= 0")
    return value


def _fraction(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError("must be a number between 0 and 1")
    return value


def _none_is(default: Any) -> BeforeValidator:
    return BeforeValidator(lambda value: default if value is None else value)


Count = Annotated[int, BeforeValidator(_whole_float), AfterValidator(_not_negative)]


class ClassEntry(Part):
    setting: Any
    """A budget in tokens ("2048", 0, "off") or an effort level, parsed with the policy's kind."""
    tier: Optional[Any] = None
    learned: bool = False
    n: Annotated[Count, _none_is(0)] = 0
    reason: str = ""
    evidence: list[dict[str, Any]] = []


class BudgetPolicy(Record):
    KIND: ClassVar[str] = "budget_policy"
    TITLE: ClassVar[str] = "budget policy"
    FIX: ClassVar[str] = "learn one again with `promptbudget budget-sweep`, or fix the field"

    created_at: Annotated[Optional[float], _none_is(0.0)] = 0.0
    kind: Literal["budget", "effort"]
    rule: Optional[str] = None
    margin: Optional[Annotated[float, AfterValidator(_fraction)]] = None
    confidence: Optional[float] = None
    min_items: Annotated[Optional[Count], _none_is(None)] = None
    source: Annotated[dict[str, Any], _none_is({})] = {}
    defaults: Optional[dict[str, Any]] = None
    adjustments: Optional[dict[str, Any]] = None
    classes: dict[str, ClassEntry]

    @model_validator(mode="after")
    def _known_classes(self) -> "BudgetPolicy":
        unknown = set(self.classes) - set(COMPLEXITY_CLASSES)
        if unknown:
            raise ValueError(f"unknown complexity classes {sorted(unknown)} in 'classes'; "
                             f"known: {', '.join(COMPLEXITY_CLASSES)}")
        if self.created_at is not None and not math.isfinite(self.created_at):
            raise ValueError("'created_at' must be a number (seconds since the epoch)")
        return self
