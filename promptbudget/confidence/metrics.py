"""Per-item records and the per-cell metrics computed from them.

Calibration and selective-prediction metrics (ECE, Brier, AUROC, risk-coverage, AURC) are
computed over the items whose confidence parsed; items whose confidence did not parse still
count for accuracy, tokens and cost, and are reported as the parse-failure rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..stats import (aurc, auroc, brier_score, expected_calibration_error, proportion, reliability_bins,
                     risk_coverage_curve)

ECE_BINS = 10
BINNING_NOTE = (f"ECE uses {ECE_BINS} equal-width confidence bins over [0, 1] (the last bin closed); ECE, Brier, "
                "AUROC and AURC are computed over the items whose confidence parsed. Parse failures are "
                "counted, not retried, and not replaced by a default confidence.")


@dataclass(frozen=True)
class ConfidenceItem:
    """One item of one cell: the answer's score, the stated confidence, tokens and cost."""

    item_id: str
    correct: bool
    extracted: str | None
    answer_failure: str | None
    confidence: float | None
    """None when the confidence reply did not parse."""
    parse_error: str | None
    confidence_raw: str | None
    """The confidence reply (truncated), kept only when it did not parse."""
    answer_input_tokens: int
    answer_output_tokens: int
    answer_thinking_tokens: int | None
    answer_stop_reason: str
    confidence_input_tokens: int
    confidence_output_tokens: int
    confidence_thinking_tokens: int | None
    confidence_stop_reason: str
    cost_usd: float | None

    @property
    def parsed(self) -> bool:
        return self.confidence is not None

    @property
    def output_tokens(self) -> int:
        return self.answer_output_tokens + self.confidence_output_tokens

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ConfidenceItem":
        return cls(**data)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def cell_metrics(records: Sequence[ConfidenceItem], n_bins: int = ECE_BINS) -> dict[str, Any]:
    """Scalar metrics of one cell (JSON-ready; None where a metric is undefined)."""
    n = len(records)
    parsed = [r for r in records if r.parsed]
    n_parsed = len(parsed)
    acc = proportion([r.correct for r in records])
    conf = [float(r.confidence) for r in parsed]  # type: ignore[arg-type]
    corr = [r.correct for r in parsed]
    costs = [r.cost_usd for r in records]
    cost = None if (not records or any(c is None for c in costs)) else float(sum(costs))  # type: ignore[arg-type]
    return {
        "n": n,
        "correct": acc.successes,
        "accuracy": acc.mean if n else None,
        "accuracy_low": acc.low,
        "accuracy_high": acc.high,
        "n_parsed": n_parsed,
        "parse_failures": n - n_parsed,
        "parse_failure_rate": (n - n_parsed) / n if n else None,
        "accuracy_parsed": (sum(corr) / n_parsed) if n_parsed else None,
        "mean_confidence": _mean(conf),
        "ece": expected_calibration_error(conf, corr, n_bins) if n_parsed else None,
        "brier": brier_score(conf, corr) if n_parsed else None,
        "auroc": auroc(conf, corr) if n_parsed else None,
        "aurc": aurc(conf, corr) if n_parsed else None,
        "mean_answer_tokens": _mean([r.answer_output_tokens for r in records]),
        "mean_answer_thinking_tokens": _mean([r.answer_thinking_tokens or 0 for r in records]),
        "mean_confidence_tokens": _mean([r.confidence_output_tokens for r in records]),
        "mean_confidence_thinking_tokens": _mean([r.confidence_thinking_tokens or 0 for r in records]),
        "mean_output_tokens": _mean([r.output_tokens for r in records]),
        "total_output_tokens": sum(r.output_tokens for r in records),
        "total_input_tokens": sum(r.answer_input_tokens + r.confidence_input_tokens for r in records),
        "answer_truncation_rate": _mean([float(r.answer_stop_reason == "max_tokens") for r in records]),
        "confidence_truncation_rate": _mean([float(r.confidence_stop_reason == "max_tokens") for r in records]),
        "cost_usd": cost,
        "cost_per_item_usd": cost / n if cost is not None and n else None,
    }


def cell_curves(records: Sequence[ConfidenceItem], n_bins: int = ECE_BINS) -> dict[str, Any]:
    """The reliability bins and the risk-coverage curve of one cell (empty without parsed items)."""
    parsed = [r for r in records if r.parsed]
    if not parsed:
        return {"reliability_bins": [], "risk_coverage": []}
    conf = [float(r.confidence) for r in parsed]  # type: ignore[arg-type]
    corr = [r.correct for r in parsed]
    return {
        "reliability_bins": [asdict(b) for b in reliability_bins(conf, corr, n_bins)],
        "risk_coverage": [[c, r] for c, r in risk_coverage_curve(conf, corr)],
    }
