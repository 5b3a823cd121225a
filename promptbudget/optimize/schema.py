"""The run summary the optimize loop builds and updates in memory (`summary.json`, schema
`promptbudget.run/1`), as TypedDicts.

JSON is the source of truth: the typed record of the file is `promptbudget.records.run`, which
every read and every save goes through (`optimize/store.py`); these say what the loop's working
copy holds.
"""

from __future__ import annotations

from typing import Any, Optional, TypedDict

from ..experiment.answering import EvaluationStats

RUN_SCHEMA = "promptbudget.run/1"
__all__ = ["RUN_SCHEMA", "Comparison", "DecisionRecord", "EvaluationRecord", "EvaluationStats", "ItemRecord",
           "MoveRecord", "ParetoRecord", "PromptVersion", "RunDocument", "StepRecord"]


class ItemRecord(TypedDict):
    """One item answered by one prompt (`ItemResult.to_dict()`)."""

    item_id: str
    correct: bool
    extracted: Optional[str]
    failure: Optional[str]
    has_answer: bool
    input_tokens: int
    output_tokens: int
    thinking_tokens: Optional[int]
    stop_reason: str
    cost_usd: Optional[float]


class EvaluationRecord(TypedDict, total=False):
    prompt_version: int
    summary: EvaluationStats
    items: list[ItemRecord]
    complete: bool
    """Validation records only: False when an early rejection stopped the evaluation."""


class PromptVersion(TypedDict):
    version: int
    text: str
    parent: Optional[int]
    step: Optional[int]
    accepted: bool


class DecisionRecord(TypedDict):
    accepted: bool
    reason: str


class MoveRecord(TypedDict):
    kind: str
    """"thinking" or "prompt"."""
    from_rung: int
    to_rung: int
    why: str


class StepRecord(TypedDict, total=False):
    index: int
    epoch: int
    step: int
    focus: str
    """"accuracy" or "efficiency"."""
    prompt_version: int
    batch_ids: list[str]
    batch: list[ItemRecord]
    batch_summary: EvaluationStats
    losses: list[str]
    feedback: list[str]
    optimizer_error: Optional[str]
    candidate_version: Optional[int]
    minibatch_gate: Optional[dict[str, EvaluationStats]]
    """{"old": ..., "new": ...} on the training batch."""
    candidate_validation: Optional[dict[str, Any]]
    """{"old": stats, "new": stats, "evaluated": n, "of": total} on the validation subset."""
    decision: DecisionRecord
    rung: int
    """Ladder rung the step started at."""
    move: MoveRecord


class Comparison(TypedDict):
    """Initial vs final prompt on the same test items."""

    n: int
    accuracy_delta: float
    mcnemar: dict[str, Any]
    token_reduction: float
    token_reduction_pct: float
    token_diff_bootstrap: dict[str, float]


class ParetoRecord(TypedDict):
    basis: str
    versions: list[int]
    front: list[int]
    pairs: list[dict[str, int]]
    """The validation front over (prompt version, rung) pairs."""


class RunDocument(TypedDict):
    schema: str
    promptbudget_version: str
    run_id: str
    status: str
    """"running", "completed", "stopped" (cost cap), "failed" or "interrupted"."""
    error: Optional[str]
    created_at: float
    updated_at: float
    config: dict[str, Any]
    identity: dict[str, Any]
    task: dict[str, Any]
    engines: dict[str, Any]
    warnings: list[str]
    total_steps: int
    checkpoint: int
    """Completed checkpoints: 1 initial evaluation, one per step, 1 final evaluation."""
    prompts: list[PromptVersion]
    current_version: int
    validation: dict[str, EvaluationRecord]
    """Validation at the starting rung, by prompt version."""
    ladder: list[dict[str, Any]]
    """Rungs of thinking settings, cheapest first ({"label", "thinking", "max_tokens"})."""
    start_rung: int
    current_rung: int
    pair_validation: dict[str, EvaluationRecord]
    """Validation of every evaluated pair, by "<version>|<rung>"."""
    ladder_stage: Optional[dict[str, Any]]
    """Joint search only: the front prompts across the ladder, and the pair chosen."""
    initial: Optional[dict[str, EvaluationRecord]]
    steps: list[StepRecord]
    final: Optional[dict[str, Any]]
    """{"test": EvaluationRecord, "comparison": Comparison, "rung", "thinking", "max_tokens"}."""
    pareto: Optional[ParetoRecord]
    ledger: Optional[dict[str, Any]]
