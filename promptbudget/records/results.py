"""The other files the tool writes and reads back: the optimize sweep's summary, the
recommendation, budget-sweep and confidence-split results.

Each names the fields its readers rely on; blocks only passed through stay plain JSON objects.
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from .base import Part, Record
from .numbers import Number
from .run import SavedStats

JsonObject = dict[str, Any]


class SweepRow(Part):
    """One optimize run of a sweep (see `sweep/summary.py` for every key)."""

    run_id: str
    status: str
    weights: Optional[str] = None
    """The weighting's label, "0.5/0.5"."""
    accuracy_weight: Optional[Number] = None
    efficiency_weight: Optional[Number] = None
    seed: Optional[Any] = None
    error: Optional[str] = None
    final_accuracy: Optional[float] = None
    final_tokens: Optional[float] = None


class SavedSweepOptimizeConfig(Part):
    """The optimize settings every run of the sweep shares."""

    task: Optional[str] = None


class SavedSweepConfig(Part):
    task: Optional[str] = None
    optimize: Optional[SavedSweepOptimizeConfig] = None


class SweepSummary(Record):
    KIND: ClassVar[str] = "sweep"
    TITLE: ClassVar[str] = "sweep summary"
    FIX: ClassVar[str] = "rerun the same sweep command to write it again"

    promptbudget_version: Optional[str] = None
    updated_at: Optional[float] = None
    config: SavedSweepConfig
    rows: list[SweepRow]
    aggregates: list[JsonObject] = []
    totals: JsonObject = {}
    invocation: JsonObject = {}


class RecommendationMetrics(Part):
    test: SavedStats
    validation: Optional[SavedStats] = None
    comparison_with_start: Optional[JsonObject] = None
    mean_input_tokens: Optional[float] = None


class Recommendation(Record):
    """`recommendation.json`: the prompt and thinking setting a run recommends."""

    KIND: ClassVar[str] = "recommendation"
    TITLE: ClassVar[str] = "recommendation"
    FIX: ClassVar[str] = "write it again with `promptbudget export`"

    run_id: str
    run_dir: str
    task: str
    engine: str
    model: str
    prompt_version: int
    system: str
    thinking: JsonObject
    thinking_setting: str
    max_tokens: int
    create_params: JsonObject
    metrics: RecommendationMetrics
    cost_per_1000_requests: Optional[dict[str, float]] = None
    warnings: list[str] = []
    sweep: Optional[JsonObject] = None


class BudgetSweepTask(Part):
    name: str
    split: str
    graded: bool = True


class BudgetSweepEngine(Part):
    model: str
    pricing: str
    enforcement: Optional[str] = None


class BudgetSweepResults(Record):
    """`budget-sweep` results (`budget/setting_sweep/results.py`)."""

    KIND: ClassVar[str] = "budget_sweep"
    TITLE: ClassVar[str] = "budget-sweep result"
    FIX: ClassVar[str] = "run `promptbudget budget-sweep` again to write it"

    version: Optional[str] = None
    created_at: Optional[float] = None
    elapsed_s: Optional[float] = None
    status: str
    error: Optional[str] = None
    config: JsonObject
    task: BudgetSweepTask
    engine: BudgetSweepEngine
    classifier: Optional[JsonObject] = None
    kind: str
    settings: list[JsonObject]
    splits: dict[str, list[str]] = {}
    questions: dict[str, str] = {}
    metrics: Any = None
    summary: dict[str, list[JsonObject]]
    by_class: dict[str, dict[str, list[JsonObject]]] = {}
    policy: Optional[JsonObject] = None
    policy_file: Optional[str] = None
    allocator_evaluation: Optional[JsonObject] = None
    records: list[JsonObject] = []
    ledger: Optional[JsonObject] = None
    warnings: list[str] = []


class ConfidenceCell(Part):
    cell_id: str
    total_budget: int
    ratio: float
    answer_budget: int
    confidence_budget: int
    enforcement: str
    complete: bool = True
    metrics: JsonObject
    items: list[JsonObject] = []


class ConfidenceTask(Part):
    name: str
    split: str
    n_items: int
    item_ids: list[str] = []


class ConfidenceModel(Part):
    model_string: str
    thinking_style: str
    spec: Optional[str] = None
    engine: Optional[str] = None


class ConfidenceSplitResults(Record):
    """`confidence-split` results (`confidence/runner.py`)."""

    KIND: ClassVar[str] = "confidence_split"
    TITLE: ClassVar[str] = "confidence-split result"
    FIX: ClassVar[str] = "run `promptbudget confidence-split` again to write it"

    version: Optional[str] = None
    created_at: Optional[str] = None
    status: str
    error: Optional[str] = None
    config: JsonObject
    task: ConfidenceTask
    model: ConfidenceModel
    prompts: Optional[JsonObject] = None
    calibration: Optional[JsonObject] = None
    warnings: list[str] = []
    cells: list[ConfidenceCell]
    ledger: Optional[JsonObject] = None
