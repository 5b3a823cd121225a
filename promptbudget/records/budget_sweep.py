"""`budget-sweep` results (`promptbudget.budget_sweep/1`): each setting measured per split and
complexity class, the policy learned, the allocator's evaluation and every answer.

Each part names the fields the report's budget section and plots read; the rest stays as written.
"""

from __future__ import annotations

from typing import ClassVar, Optional

from .base import Part, Record
from .ledger import SavedLedger
from .numbers import Number
from .policy import ClassEntry


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
