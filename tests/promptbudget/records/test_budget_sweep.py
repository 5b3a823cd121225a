"""The budget-sweep record types what the report's budget section and plots read."""

from __future__ import annotations

import pytest

from promptbudget.records import BudgetSweepResults, RecordError, validate_record
from promptbudget.records.budget_sweep import SavedAllocatorEvaluation, SavedSettingRow, SavedSweepAnswer

from .conftest import fixture_data


def test_the_fixture_reads_typed_and_writes_back_unchanged():
    data = fixture_data("budget_sweep.json")
    record = validate_record(data, BudgetSweepResults, where="budget_sweep.json")
    assert record.to_json() == data
    rows = record.rows()
    assert rows and all(isinstance(r, SavedSettingRow) and r.n for r in rows)
    assert [r.setting for r in rows] == [r["setting"] for r in data["summary"][data["task"]["split"]] if r.get("n")]
    assert all(isinstance(a, SavedSweepAnswer) for a in record.records)
    assert record.allocator_evaluation is None or isinstance(record.allocator_evaluation, SavedAllocatorEvaluation)
    assert record.class_rows() == record.by_class.get(record.task.split, {})


def test_a_count_written_as_text_names_the_field():
    data = fixture_data("budget_sweep.json")
    split = data["task"]["split"]
    data["summary"][split][0]["n"] = "3"
    with pytest.raises(RecordError, match=rf"summary\.{split}\[0\]: .n. must be a whole number"):
        validate_record(data, BudgetSweepResults, where="budget_sweep.json")


def test_a_row_measured_on_no_items_reads_without_its_measures():
    row = SavedSettingRow.model_validate({"setting": "0", "tier": 0, "max_tokens": 64, "n": 0})
    assert row.accuracy is None and row.mean_output_tokens is None
