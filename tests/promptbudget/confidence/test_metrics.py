"""Per-cell aggregation: hand-computed values; parse failures excluded from calibration but counted."""

from __future__ import annotations

import pytest

from promptbudget.confidence.metrics import ConfidenceItem, cell_curves, cell_metrics

approx = pytest.approx


def record(item_id: str, correct: bool, confidence: float | None, *, cost: float | None = 0.001,
           answer_tokens: int = 100, confidence_tokens: int = 10, answer_stop: str = "end_turn") -> ConfidenceItem:
    return ConfidenceItem(
        item_id=item_id, correct=correct, extracted="x", answer_failure=None if correct else "wrong_answer",
        confidence=confidence, parse_error=None if confidence is not None else "no 'Confidence:' line",
        confidence_raw=None if confidence is not None else "I am not sure.",
        answer_input_tokens=50, answer_output_tokens=answer_tokens, answer_thinking_tokens=None,
        answer_stop_reason=answer_stop, confidence_input_tokens=80, confidence_output_tokens=confidence_tokens,
        confidence_thinking_tokens=None, confidence_stop_reason="end_turn", cost_usd=cost)


# Five items; item c's confidence did not parse.
#   id  correct  confidence
#   a   1        0.9
#   b   0        0.8
#   c   1        (parse failure)
#   d   0        0.3
#   e   1        0.6
RECORDS = [record("a", True, 0.9), record("b", False, 0.8), record("c", True, None, answer_stop="max_tokens"),
           record("d", False, 0.3), record("e", True, 0.6)]


def test_counts_and_accuracy_include_parse_failures() -> None:
    m = cell_metrics(RECORDS)
    assert m["n"] == 5 and m["correct"] == 3
    assert m["accuracy"] == approx(0.6)  # 3/5: the unparsed item still counts for accuracy
    assert m["n_parsed"] == 4 and m["parse_failures"] == 1
    assert m["parse_failure_rate"] == approx(0.2)
    assert m["accuracy_parsed"] == approx(0.5)  # a, e right of a, b, d, e
    assert m["mean_confidence"] == approx((0.9 + 0.8 + 0.3 + 0.6) / 4)
    assert m["answer_truncation_rate"] == approx(0.2)


def test_calibration_metrics_by_hand_over_parsed_items_only() -> None:
    m = cell_metrics(RECORDS)
    # ECE, 10 equal-width bins: 0.9 -> [0.9,1] acc 1: |1-0.9| = 0.1; 0.8 -> [0.8,0.9) acc 0: 0.8;
    # 0.3 -> [0.3,0.4) acc 0: 0.3; 0.6 -> [0.6,0.7) acc 1: 0.4. Each bin weight 1/4:
    # ECE = (0.1 + 0.8 + 0.3 + 0.4) / 4 = 0.4
    assert m["ece"] == approx(0.4)
    # Brier = ((0.9-1)^2 + (0.8-0)^2 + (0.3-0)^2 + (0.6-1)^2) / 4 = (0.01+0.64+0.09+0.16)/4 = 0.225
    assert m["brier"] == approx(0.225)
    # AUROC: positives {0.9, 0.6}, negatives {0.8, 0.3}; pairs won: 0.9>0.8, 0.9>0.3, 0.6>0.3 -> 3/4
    assert m["auroc"] == approx(0.75)
    # By confidence 0.9(R) 0.8(W) 0.6(R) 0.3(W): risk(k) = 0, 1/2, 1/3, 2/4; AURC = mean = 0.3333...
    assert m["aurc"] == approx((0 + 0.5 + 1 / 3 + 0.5) / 4)
    curves = cell_curves(RECORDS)
    assert curves["risk_coverage"] == [[0.25, 0.0], [0.5, 0.5], [0.75, approx(1 / 3)], [1.0, 0.5]]
    bins = curves["reliability_bins"]
    assert len(bins) == 10 and sum(b["count"] for b in bins) == 4  # the parse failure is in no bin
    assert bins[9] == {"low": 0.9, "high": 1.0, "count": 1, "mean_confidence": 0.9, "accuracy": 1.0}
    assert bins[0]["count"] == 0 and bins[0]["accuracy"] is None


def test_parse_failure_is_not_treated_as_half() -> None:
    defaulted = [r if r.confidence is not None else record(r.item_id, r.correct, 0.5) for r in RECORDS]
    m, d = cell_metrics(RECORDS), cell_metrics(defaulted)
    # With the seed's 0.5 default the Brier would be (0.9 + 0.25) / 5 = 0.23 over 5 items.
    assert d["brier"] == approx(0.23) and d["parse_failures"] == 0
    assert m["brier"] == approx(0.225) and m["parse_failures"] == 1


def test_tokens_and_cost() -> None:
    records = [record("a", True, 0.9, cost=0.002, answer_tokens=120, confidence_tokens=30),
               record("b", False, 0.2, cost=0.001, answer_tokens=80, confidence_tokens=10)]
    m = cell_metrics(records)
    assert m["cost_usd"] == approx(0.003) and m["cost_per_item_usd"] == approx(0.0015)
    assert m["mean_answer_tokens"] == approx(100) and m["mean_confidence_tokens"] == approx(20)
    assert m["mean_output_tokens"] == approx(120) and m["total_output_tokens"] == 240
    assert m["total_input_tokens"] == 2 * (50 + 80)
    unpriced = cell_metrics([records[0], record("c", True, 0.5, cost=None)])
    assert unpriced["cost_usd"] is None and unpriced["cost_per_item_usd"] is None


def test_one_class_only_has_no_auroc() -> None:
    m = cell_metrics([record("a", True, 0.9), record("b", True, 0.7)])
    assert m["auroc"] is None
    assert m["ece"] == approx((0.1 + 0.3) / 2)  # bins [0.9,1]: |1-0.9|; [0.7,0.8): |1-0.7|
    assert m["aurc"] == approx(0.0)


def test_all_parse_failures_leave_calibration_undefined() -> None:
    m = cell_metrics([record("a", True, None), record("b", False, None)])
    assert m["n"] == 2 and m["accuracy"] == approx(0.5)
    assert m["n_parsed"] == 0 and m["parse_failure_rate"] == 1.0
    assert all(m[k] is None for k in ("ece", "brier", "auroc", "aurc", "accuracy_parsed", "mean_confidence"))
    assert cell_curves([record("a", True, None)]) == {"reliability_bins": [], "risk_coverage": []}


def test_empty_cell() -> None:
    m = cell_metrics([])
    assert m["n"] == 0 and m["accuracy"] is None and m["parse_failure_rate"] is None and m["cost_usd"] is None


def test_item_record_round_trips() -> None:
    assert ConfidenceItem.from_dict(RECORDS[2].to_dict()) == RECORDS[2]
    assert RECORDS[2].output_tokens == 110 and not RECORDS[2].parsed
