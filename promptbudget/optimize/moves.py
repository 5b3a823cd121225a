"""Thinking moves: when a step changes the thinking setting instead of editing the prompt.

A step whose index is even makes a thinking move when one is open; otherwise (and on odd
steps) it edits the prompt with TextGrad. A move is open when the ladder has an untried rung
in the focus's direction for the current prompt:

* efficiency focus: the middle one of the cheaper rungs not yet tried with this prompt (a
  bisection: an accepted move halves the rest, a rejected one leaves the richer half), leaving
  out the rungs whose cut would cut no answer's thinking (it saves nothing) or that the
  thinking-cut bound rejects before any call (cuts.py);
* accuracy focus: the next richer rung, only when the training batch had wrong or truncated
  answers (a richer setting cannot fix what is already right), and not yet tried with this prompt.

The candidate (same prompt, new rung) then passes the same format guard, minibatch gate,
validation and acceptance rule as a prompt edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..experiment.answering import Scored
from ..records.run import SavedMove
from .ladder import Rung


@dataclass(frozen=True)
class ThinkingMove:
    target: int
    why: str


class MadeMove(Protocol):
    """What `tried_rungs` reads of a step: a run's `SavedStep`, or a simulated step."""

    @property
    def prompt_version(self) -> int: ...

    @property
    def move(self) -> SavedMove | None: ...


def tried_rungs(steps: Iterable[MadeMove], version: int) -> set[int]:
    """Rungs a thinking move already tried with this prompt version (from the step records)."""
    return {step.move.to_rung for step in steps
            if step.move is not None and step.move.kind == "thinking" and step.prompt_version == version
            and step.move.to_rung is not None}


def propose(index: int, focus: str, rungs: Sequence[Rung], current: int, batch: Sequence[Scored],
            tried: set[int]) -> ThinkingMove | None:
    """The thinking move step `index` makes, or None for a prompt edit."""
    if index % 2 or len(rungs) < 2:
        return None
    if focus == "efficiency":
        cheaper = [i for i in range(current) if i not in tried]
        if not cheaper:
            return None
        target = cheaper[len(cheaper) // 2]
        return ThinkingMove(target, f"efficiency focus: try the cheaper setting {rungs[target].label} "
                                    f"(from {rungs[current].label}), halfway down the untried rungs")
    wrong = [r for r in batch if not r.correct]
    target = current + 1
    if not wrong or target >= len(rungs) or target in tried:
        return None
    truncated = sum(r.stop_reason == "max_tokens" for r in wrong)
    return ThinkingMove(target, f"accuracy focus: {len(wrong)} of {len(batch)} training answers were wrong "
                                f"({truncated} truncated); try the richer setting {rungs[target].label}")
