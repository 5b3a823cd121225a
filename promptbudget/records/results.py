"""The other files the tool writes and reads back: the optimize sweep's summary and the
recommendation (budget-sweep and confidence-split results: `budget_sweep.py`, `confidence_split.py`).

Each names the fields its readers rely on; blocks only passed through stay plain JSON objects.
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from .base import Part, Record
from .numbers import Number
from .run import SavedStats

JsonObject = dict[str, Any]


class SavedSweepRow(Part):
    """One optimize run of a sweep: its settings, its test results and what it cost (None: not known,
    the run has no summary, no final test or no ledger yet)."""

    run_id: str
    status: str
    weights: Optional[str] = None
    """The weighting's label, "0.5/0.5"."""
    accuracy_weight: Optional[Number] = None
    efficiency_weight: Optional[Number] = None
    seed: Optional[int] = None
    error: Optional[str] = None
    final_accuracy: Optional[Number] = None
    final_tokens: Optional[Number] = None
    checkpoint: Optional[int] = None
    total_checkpoints: Optional[int] = None
    n_test: Optional[int] = None
    initial_accuracy: Optional[Number] = None
    initial_accuracy_low: Optional[Number] = None
    initial_accuracy_high: Optional[Number] = None
    final_accuracy_low: Optional[Number] = None
    final_accuracy_high: Optional[Number] = None
    accuracy_delta: Optional[Number] = None
    mcnemar_p: Optional[Number] = None
    initial_tokens: Optional[Number] = None
    """Mean billed output tokens per test answer, before and after."""
    token_reduction: Optional[Number] = None
    token_reduction_pct: Optional[Number] = None
    token_change_low: Optional[Number] = None
    """The bootstrap 95% CI of the per-item change in output tokens."""
    token_change_high: Optional[Number] = None
    calls: Optional[int] = None
    engine_calls: Optional[int] = None
    cache_hits: Optional[int] = None
    billed_usd: Optional[Number] = None
    cost_usd: Optional[Number] = None
    """The run's calls at list price, cache hits included."""


class SavedSpread(Part):
    """A metric across a weighting's completed seeds (n 0: none completed; std None: fewer than two)."""

    n: int
    mean: Optional[Number] = None
    std: Optional[Number] = None
    min: Optional[Number] = None
    max: Optional[Number] = None


class SavedSweepAggregate(Part):
    """One weighting of the sweep across its seeds."""

    weights: str
    accuracy_weight: Number
    efficiency_weight: Number
    runs: int
    completed: int
    billed_usd: Optional[Number] = None
    cost_usd: Optional[Number] = None
    final_accuracy: SavedSpread
    accuracy_delta: SavedSpread
    final_tokens: SavedSpread
    token_reduction_pct: SavedSpread


class SavedPhaseCalls(Part):
    calls: int
    engine_calls: int
    cache_hits: int


class SavedFailedRun(Part):
    """A run of the sweep that did not complete, and where its log is."""

    weights: str
    seed: int
    run_id: str
    status: str
    error: Optional[str] = None
    log: str


class SavedSweepTotals(Part):
    """The whole sweep, from the run ledgers (None: no run has a ledger yet)."""

    runs: int
    completed: int
    failed: int
    stopped: int
    not_started: int
    other: int
    calls: Optional[int] = None
    engine_calls: Optional[int] = None
    cache_hits: Optional[int] = None
    billed_usd: Optional[Number] = None
    cost_usd: Optional[Number] = None
    runs_without_ledger: list[str] = []
    by_phase: dict[str, SavedPhaseCalls] = {}
    """Calls by phase across the runs ("validation" counts every prompt version's)."""
    failed_runs: list[SavedFailedRun] = []


class SavedSweepInvocation(Part):
    """What this invocation of the sweep did (from its runs' reports)."""

    started_at: Number
    finished_at: Number
    runs_started: int
    runs_skipped: int
    engine_calls: int
    cache_hits: int
    billed_usd: Number
    unreported_runs: list[str] = []
    """Runs whose process died before reporting: their calls are not counted here."""


class SavedSweepOptimizeConfig(Part):
    """The optimize settings every run of the sweep shares."""

    task: Optional[str] = None


class SavedWeighting(Part):
    weights: str
    accuracy_weight: Number
    efficiency_weight: Number


class SavedSweepConfig(Part):
    """The sweep's settings: its weightings, seeds, parallelism, cap and the shared optimize settings."""

    task: Optional[str] = None
    optimize: Optional[SavedSweepOptimizeConfig] = None
    configs: list[SavedWeighting] = []
    repeats: Optional[int] = None
    seeds: list[int] = []
    parallel: Optional[int] = None
    sweep_max_cost: Optional[Number] = None


class SweepSummary(Record):
    """`sweep_summary.json` (`sweep/summary.py`). A file written without aggregates, totals or
    invocation (by an older build) still reads; the sweep always writes them."""

    KIND: ClassVar[str] = "sweep"
    TITLE: ClassVar[str] = "sweep summary"
    FIX: ClassVar[str] = "rerun the same sweep command to write it again"

    promptbudget_version: Optional[str] = None
    updated_at: Optional[float] = None
    config: SavedSweepConfig
    rows: list[SavedSweepRow]
    aggregates: list[SavedSweepAggregate] = []
    totals: Optional[SavedSweepTotals] = None
    invocation: Optional[SavedSweepInvocation] = None


class SweepRunReport(Record):
    """`sweep_logs/<run>.invocation.json`: what one run's process did in this invocation of the sweep
    (calls that reached a model and calls from the cache, not those its ledger replays from an earlier
    attempt)."""

    KIND: ClassVar[str] = "sweep-invocation"
    TITLE: ClassVar[str] = "sweep run's invocation report"
    FIX: ClassVar[str] = "rerun the same sweep command (the run's own ledger still counts its calls)"

    run_id: str
    exit_code: int
    started_at: Number
    finished_at: Number
    calls: int
    engine_calls: int
    cache_hits: int
    billed_usd: Number
    unpriced_calls: int


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
