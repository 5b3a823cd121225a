"""The value types shared by the whole package: items, scores and tasks, and the two roles
answering code reads them through (`Grader`, `ItemSource`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Optional, Protocol

if TYPE_CHECKING:
    from .scoring import Scorer

Failure = Literal["no_answer", "wrong_answer"]
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class Item:
    """One question with its gold answer (already normalized for its scorer's kind)."""

    id: str
    question: str
    answer: str


@dataclass(frozen=True)
class Score:
    """The verdict on one response.

    ``extracted`` is the normalized final answer found in the response (None when there is
    none); ``failure`` is None when correct, else "no_answer" or "wrong_answer".
    """

    correct: bool
    extracted: Optional[str]
    failure: Optional[Failure]


class Grader(Protocol):
    """What answering code asks of a scorer: a `Scorer`, or one that grades nothing (ungraded prompts)."""

    @property
    def name(self) -> str: ...

    def score(self, response: str, gold: str, *, truncated: bool = False) -> Score: ...

    def has_answer(self, response: str, *, truncated: bool = False) -> bool: ...

    def extract(self, response: str, *, truncated: bool = False) -> Optional[str]: ...


class ItemSource(Protocol):
    """What answering code reads of a task: a `Task`, or budget-sweep's `--prompts` set."""

    @property
    def name(self) -> str: ...

    @property
    def instruction(self) -> str: ...

    @property
    def scorer(self) -> Grader: ...

    def split(self, name: str) -> list[Item]: ...

    def format_question(self, item: Item) -> str: ...


@dataclass
class Task:
    """A benchmark: its three splits, the default starting system prompt and its scorer."""

    name: str
    train: list[Item]
    val: list[Item]
    test: list[Item]
    instruction: str
    scorer: "Scorer"

    def split(self, name: str) -> list[Item]:
        """The items of split ``name`` ("train", "val" or "test")."""
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; expected one of {', '.join(SPLITS)}")
        return getattr(self, name)

    def format_question(self, item: Item) -> str:
        """The user message sent to the model for ``item`` (the question text as is)."""
        return format_question(item)


def format_question(item: Item) -> str:
    """The user message sent to the model for ``item``: its question text, unchanged."""
    return item.question
