"""The other files the tool writes and reads back: the optimize sweep's summary, the
recommendation, budget-sweep and confidence-split results.

Each names the fields its readers rely on; blocks only passed through stay plain JSON objects.
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from .base import GivenOrderPart, Part, Record
from .ledger import SavedLedger
from .numbers import Number
from .policy import ClassEntry
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


class BudgetSweepTask(Part):
    name: str
    split: str
    graded: bool = True
    learn_split: Optional[str] = None


class BudgetSweepEngine(Part):
    model: str
    pricing: str
    """"priced", "free" or "unpriced"."""
    enforcement: Optional[str] = None
    enforcement_note: Optional[str] = None


class SavedBudgetSweepFlags(Part):
    """The budget-sweep command's flags (`budget/setting_sweep/config.py`); readers need the model spec."""

    model: str


class SavedBudgetClassifier(Part):
    model: str
    counts: dict[str, int]
    """Items per complexity class."""
    unparsed: int = 0


class SavedBudgetSetting(Part):
    label: str


class SavedSettingRow(Part):
    """One setting measured on one split, or one complexity class of it (`setting_sweep/results.py`)."""

    setting: str
    tier: int
    budget_tokens: Optional[int] = None
    max_tokens: int
    n: int = 0
    accuracy: Optional[Number] = None
    accuracy_low: Optional[Number] = None
    accuracy_high: Optional[Number] = None
    mean_output_tokens: Optional[Number] = None
    mean_input_tokens: Optional[Number] = None
    mean_thinking_tokens: Optional[Number] = None
    budget_use: Optional[Number] = None
    truncation_rate: Optional[Number] = None
    latency_p50_s: Optional[Number] = None
    latency_p95_s: Optional[Number] = None
    cost_usd: Optional[Number] = None
    cost_per_item_usd: Optional[Number] = None
    tokens_per_correct: Optional[Number] = None
    accuracy_per_dollar: Optional[Number] = None


class SavedSweepPolicy(Part):
    """The policy a sweep learned (`Policy.to_dict()`, the policy file without its schema)."""

    rule: Optional[str] = None
    margin: Optional[Number] = None
    classes: dict[str, ClassEntry]


class SavedStrategy(Part):
    """A fixed setting, the allocator or the oracle, scored on the evaluated items (`budget/evaluation.py`)."""

    name: str
    kind: str
    n: int
    accuracy: Optional[Number] = None
    accuracy_low: Optional[Number] = None
    accuracy_high: Optional[Number] = None
    mean_output_tokens: Optional[Number] = None
    tokens_per_correct: Optional[Number] = None
    classifier_cost_usd: Optional[Number] = None
    total_cost_usd: Optional[Number] = None
    cost_per_item_usd: Optional[Number] = None
    accuracy_per_dollar: Optional[Number] = None
    choices: dict[str, int] = {}


class SavedAllocatorEvaluation(Part):
    split: str
    held_out: bool
    n: int
    strategies: list[SavedStrategy] = []
    notes: list[str] = []


class SavedCaseStudyRow(Part):
    role: str
    setting: str
    measured: bool = False
    correct: Optional[bool] = None
    output_tokens: Optional[int] = None
    thinking_tokens: Optional[int] = None
    latency_s: Optional[Number] = None
    cost_usd: Optional[Number] = None


class SavedCaseStudy(Part):
    """`--case_study`: one prompt at the settings a policy recommends around it (`budget/case_study.py`)."""

    complexity: Optional[str] = None
    policy: Optional[str] = None
    item: Optional[str] = None
    rows: list[SavedCaseStudyRow] = []
    recommendation: str = ""


class SavedSweepAnswer(Part):
    """One item of a split answered at one setting (`budget/outcomes.py` SweepRecord)."""

    id: str
    split: str
    setting: str
    complexity: str
    correct: Optional[bool] = None
    extracted: Optional[str] = None
    response: Optional[str] = None
    thinking: Optional[str] = None
    output_tokens: int
    thinking_tokens: Optional[int] = None
    latency_s: Optional[Number] = None
    stop_reason: Optional[str] = None


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
    config: SavedBudgetSweepFlags
    task: BudgetSweepTask
    engine: BudgetSweepEngine
    classifier: Optional[SavedBudgetClassifier] = None
    kind: str
    """"budget" or "effort"."""
    settings: list[SavedBudgetSetting]
    splits: dict[str, list[str]] = {}
    questions: dict[str, str] = {}
    metrics: Optional[dict[str, str]] = None
    """Each measure's definition."""
    summary: dict[str, list[SavedSettingRow]]
    by_class: dict[str, dict[str, list[SavedSettingRow]]] = {}
    policy: Optional[SavedSweepPolicy] = None
    policy_file: Optional[str] = None
    allocator_evaluation: Optional[SavedAllocatorEvaluation] = None
    case_study: Optional[SavedCaseStudy] = None
    records: list[SavedSweepAnswer] = []
    ledger: Optional[SavedLedger] = None
    warnings: list[str] = []

    def rows(self, split: str | None = None) -> list[SavedSettingRow]:
        """The measured rows of `split` (the reported split by default)."""
        return [r for r in self.summary.get(split or self.task.split, []) if r.n]

    def class_rows(self) -> dict[str, list[SavedSettingRow]]:
        """The reported split's rows per complexity class."""
        return self.by_class.get(self.task.split, {})


class SavedConfidenceMetrics(GivenOrderPart):
    """A cell's scalar metrics (`confidence/metrics.py` cell_metrics); None where undefined."""

    n: int = 0
    n_parsed: int = 0
    parse_failures: int = 0
    accuracy: Optional[Number] = None
    ece: Optional[Number] = None
    brier: Optional[Number] = None
    auroc: Optional[Number] = None
    aurc: Optional[Number] = None
    parse_failure_rate: Optional[Number] = None
    mean_output_tokens: Optional[Number] = None
    cost_usd: Optional[Number] = None

    def value(self, metric: str) -> Optional[Number]:
        """A metric by name (a heatmap's), None when it is missing or not a number."""
        value = getattr(self, metric, None)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class SavedReliabilityBin(GivenOrderPart):
    low: Number
    high: Number
    count: int
    accuracy: Optional[Number] = None
    mean_confidence: Optional[Number] = None


class ConfidenceCell(Part):
    cell_id: str
    total_budget: int
    ratio: Number
    answer_budget: int
    confidence_budget: int
    enforcement: str
    complete: bool = True
    metrics: SavedConfidenceMetrics
    reliability_bins: list[SavedReliabilityBin] = []
    risk_coverage: list[list[Number]] = []
    """(coverage, risk) points, most confident first."""
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
