"""An optimize run's `summary.json` (`promptbudget.run/1`) as typed records.

`RunSummary` is what any reader needs (the report, export); `ResumableRun` adds what a resume
needs to continue the run. Blocks the tool writes but only passes through (config, identity,
the ledger) stay plain JSON objects.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Optional

from pydantic import Field, model_validator

from .base import Part, Record
from .ledger import SavedLedger
from .numbers import Number
from .run_setup import SavedConfig, SavedEngines, SavedRung, SavedTask

JsonObject = dict[str, Any]


class SavedItem(Part):
    """One item answered by one prompt (`ItemResult.to_dict()`)."""

    item_id: str
    correct: bool
    extracted: Optional[str] = None
    failure: Optional[str] = None
    has_answer: bool = False
    input_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: Optional[int] = None
    stop_reason: str = ""
    cost_usd: Optional[float] = None


class SavedStats(Part):
    """`experiment.answering.summarize()`: only `n` when nothing was evaluated."""

    n: int
    accuracy: Optional[float] = None
    accuracy_low: Optional[float] = None
    accuracy_high: Optional[float] = None
    correct: Optional[int] = None
    mean_output_tokens: Optional[float] = None
    median_output_tokens: Optional[float] = None
    p90_output_tokens: Optional[float] = None
    max_output_tokens: Optional[float] = None
    total_output_tokens: Optional[float] = None
    mean_thinking_tokens: Optional[float] = None
    format_rate: Optional[float] = None
    answered: Optional[int] = None
    truncation_rate: Optional[float] = None
    cost_usd: Optional[float] = None


class SavedEvaluation(Part):
    prompt_version: int
    summary: SavedStats
    items: list[SavedItem] = []
    complete: Optional[bool] = None
    """Validation records only: False when an early rejection stopped the evaluation."""
    rung: Optional[int] = None


class SavedPromptVersion(Part):
    version: int
    text: str
    parent: Optional[int] = None
    step: Optional[int] = None
    accepted: bool = True


class SavedDecision(Part):
    accepted: bool
    reason: str


class SavedMove(Part):
    kind: Literal["thinking", "prompt"]
    from_rung: Optional[int] = None
    to_rung: Optional[int] = None
    why: str = ""


class SavedCandidateValidation(Part):
    """A candidate against the current prompt on the validation subset (`evaluated` of `of` items)."""

    old: Optional[SavedStats] = None
    new: Optional[SavedStats] = None
    evaluated: Optional[int] = None
    of: Optional[int] = None


class SavedStep(Part):
    index: int
    epoch: int
    step: int
    focus: str
    """"accuracy" or "efficiency"."""
    prompt_version: int
    batch_ids: list[str] = []
    batch: list[SavedItem] = []
    batch_summary: Optional[SavedStats] = None
    losses: list[str] = []
    feedback: list[str] = []
    optimizer_error: Optional[str] = None
    candidate_version: Optional[int] = None
    minibatch_gate: Optional[dict[str, SavedStats]] = None
    """{"old": ..., "new": ...} on the training batch."""
    candidate_validation: Optional[SavedCandidateValidation] = None
    decision: Optional[SavedDecision] = None
    rung: Optional[int] = None
    move: Optional[SavedMove] = None


class SavedMcNemar(Part):
    b: Optional[int] = None
    c: Optional[int] = None
    p_value: Optional[Number] = None


class SavedComparison(Part):
    """Initial vs final prompt on the same test items."""

    n: int
    accuracy_delta: float
    mcnemar: SavedMcNemar
    token_reduction: float
    token_reduction_pct: float
    token_diff_bootstrap: dict[str, float]


class SavedFinal(Part):
    test: SavedEvaluation
    comparison: Optional[SavedComparison] = None
    rung: Optional[int] = None
    thinking: Optional[JsonObject] = None
    max_tokens: Optional[int] = None


class SavedPareto(Part):
    basis: str
    versions: list[int] = []
    front: list[int] = []
    pairs: list[dict[str, int]] = []


class SavedLadderTry(Part):
    """A (prompt, thinking setting) pair the ladder stage tried against the incumbent pair."""

    version: int
    rung: int
    setting: Optional[str] = None
    against: list[Optional[int]] = [None, None]
    """The incumbent [version, rung]."""
    evaluated: Optional[int] = None
    of: Optional[int] = None
    summary: Optional[SavedStats] = None
    decision: Optional[SavedDecision] = None


class SavedPairChoice(Part):
    version: Optional[int] = None
    rung: Optional[int] = None
    setting: Optional[str] = None


class SavedLadderStage(Part):
    front_versions: list[int] = []
    tried: list[SavedLadderTry] = []
    chosen: Optional[SavedPairChoice] = None


class RunSummary(Record):
    """What every reader of a run needs; the rest is typed where present."""

    KIND: ClassVar[str] = "run"
    TITLE: ClassVar[str] = "run summary"
    FIX: ClassVar[str] = "repair the field, or move the run directory away and run it again"

    promptbudget_version: Optional[str] = None
    run_id: str
    status: str = "unknown"
    """"running", "completed", "stopped" (cost cap), "failed" or "interrupted"."""
    error: Optional[str] = None
    created_at: Optional[float] = None
    updated_at: Optional[float] = None
    config: SavedConfig
    identity: Optional[JsonObject] = None
    task: SavedTask
    engines: Optional[SavedEngines] = None
    warnings: list[str] = []
    total_steps: Optional[int] = None
    checkpoint: Optional[int] = None
    """Completed checkpoints: 1 initial evaluation, one per step, 1 final evaluation."""
    prompts: list[SavedPromptVersion] = Field(min_length=1)
    current_version: Optional[int] = None
    validation: dict[str, SavedEvaluation] = {}
    """Validation at the starting rung, by prompt version."""
    ladder: Optional[list[SavedRung]] = None
    start_rung: Optional[int] = None
    current_rung: Optional[int] = None
    pair_validation: Optional[dict[str, SavedEvaluation]] = None
    """Validation of every evaluated pair, by "<version>|<rung>"."""
    ladder_stage: Optional[SavedLadderStage] = None
    initial: Optional[dict[str, SavedEvaluation]] = None
    steps: list[SavedStep] = []
    final: Optional[SavedFinal] = None
    pareto: Optional[SavedPareto] = None
    ledger: Optional[SavedLedger] = None

    @model_validator(mode="after")
    def _current_version_names_a_prompt(self) -> "RunSummary":
        if self.current_version is not None and not 0 <= self.current_version < len(self.prompts):
            raise ValueError(f"'current_version' {self.current_version} names no prompt "
                             f"(the run has {len(self.prompts)})")
        return self


class ResumableRun(RunSummary):
    """A run summary with everything a resume continues from."""

    status: str
    identity: JsonObject
    total_steps: int
    checkpoint: int
    current_version: int
    validation: dict[str, SavedEvaluation]
    steps: list[SavedStep]
