"""`confidence-split` results (`promptbudget.confidence_split/1`): per (total budget, ratio) cell,
its metrics, reliability bins and risk-coverage curve.

Each part names the fields the report's confidence section and plots read; the rest stays as written.
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from .base import GivenOrderPart, Part, Record
from .numbers import Number

JsonObject = dict[str, Any]


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
