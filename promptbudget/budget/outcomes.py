"""The shapes of what budget-sweep and allocate measure: one answer at one setting.

A sweep writes a `SweepRecord` per item and setting (the `records` of its results file); allocate
appends a `HistoryOutcome` per answered prompt to its history. Both are an `Outcome`, which is
all a policy is learned from (`policy.learn_policy`) and strategies are compared on
(`evaluation.evaluate_allocator`). They are JSON objects, written and read back as such.
"""

from __future__ import annotations

from typing import TypedDict

from ..engines.types import ThinkingJson


class Outcome(TypedDict):
    """One item (or prompt) answered at one setting."""

    id: str
    complexity: str
    setting: str
    correct: bool | None
    """None when the answer is not graded."""
    input_tokens: int
    output_tokens: int
    """Billed output tokens, thinking included."""
    latency_s: float | None
    cost_usd: float | None


class SweepRecord(Outcome):
    """One budget-sweep record: an item of a split answered at one planned setting."""

    split: str
    budget_tokens: int | None
    effort: str | None
    max_tokens: int
    has_answer: bool
    extracted: str | None
    thinking_tokens: int | None
    stop_reason: str
    cached: bool | None
    response: str | None
    thinking: str | None
    """The thinking text (a summary where the API returns one)."""


class _HistoryOutcomeFields(Outcome):
    prompt_sha256: str
    """The only trace of the prompt a history keeps."""


class HistoryOutcome(_HistoryOutcomeFields, total=False):
    """An `outcome` line of a budget history; lines written before a field existed lack it."""

    type: str
    at: float
    thinking: ThinkingJson
    thinking_tokens: int | None
    stop_reason: str
    cached: bool


class AnsweredOutcome(HistoryOutcome, total=False):
    """What `allocate --answer` prints: the recorded outcome and the response text."""

    response: str


class ClassifierCost(TypedDict):
    """What classifying one item cost (added to an allocator's cost in the evaluation)."""

    cost_usd: float | None
    input_tokens: int
    output_tokens: int


class HistoryVerdict(TypedDict):
    """A `verdict` line of a budget history: a later judgement of an outcome."""

    type: str
    id: str
    correct: bool
    at: float
