"""The confidence-split record types what the report's confidence section and plots read."""

from __future__ import annotations

import math

import pytest

from promptbudget.records import ConfidenceSplitResults, RecordError, validate_record
from promptbudget.records.confidence_split import SavedConfidenceMetrics

from .conftest import fixture_data


def test_the_fixture_reads_typed_and_writes_back_unchanged():
    data = fixture_data("confidence_split.json")
    record = validate_record(data, ConfidenceSplitResults, where="confidence_split.json")
    assert record.to_json() == data
    cell, raw = record.cells[0], data["cells"][0]
    assert list(cell.metrics.to_json()) == list(raw["metrics"])  # the file's key order, extras kept
    assert [b.to_json() for b in cell.reliability_bins] == raw["reliability_bins"]


def test_a_metric_by_name_is_a_number_or_none():
    metrics = SavedConfidenceMetrics.model_validate({"n": 2, "ece": 0.25, "brier": None, "note": "text"})
    assert metrics.value("ece") == 0.25 and metrics.value("brier") is None
    assert metrics.value("note") is None and metrics.value("no_such_metric") is None
    assert math.isnan(SavedConfidenceMetrics.model_validate({"aurc": math.nan}).value("aurc"))


def test_a_ratio_written_as_text_names_the_field():
    data = fixture_data("confidence_split.json")
    data["cells"][0]["ratio"] = "0.5"
    with pytest.raises(RecordError, match=r"cells\[0\]: .ratio. must be a number"):
        validate_record(data, ConfidenceSplitResults, where="confidence_split.json")
