"""The sweep summary record names every key the sweep writes, and types them strictly."""

from __future__ import annotations

import pytest

from promptbudget.records import RecordError, SweepSummary, validate_record
from promptbudget.records.base import Part
from promptbudget.sweep.plan import build_parser, plan_sweep
from promptbudget.sweep.summary import build_summary

from .conftest import fixture_data

PASSED_THROUGH = {"optimize"}
"""The one block the sweep copies without reading: every optimize setting of its runs."""


def unnamed_keys(part: Part, path: str = "") -> list[str]:
    """Keys of `part` and the parts inside it that its model does not name."""
    found = [f"{path}.{key}" for key in part.model_extra or {}]
    for name in part.model_fields_set:
        if name in PASSED_THROUGH:
            continue
        value = getattr(part, name)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
        for key, item in [(None, value), *items]:
            if isinstance(item, Part):
                found += unnamed_keys(item, f"{path}.{name}" + ("" if key is None else f"[{key}]"))
    return found


def test_every_key_of_a_sweep_summary_written_by_the_old_code_is_named():
    record = validate_record(fixture_data("sweep_summary.json"), SweepSummary, where="sweep_summary.json")
    assert record.totals is not None and record.totals.by_phase and record.invocation is not None
    assert unnamed_keys(record) == []


def test_every_key_of_a_summary_the_sweep_builds_is_named(tmp_path):
    args = ["--task", "GSM8K_DSPy", "--model", "mock", "--configs", "0.3,0.7", "0.7,0.3", "--repeats", "2",
            "--output_dir", str(tmp_path / "out"), "--cache_dir", str(tmp_path / "cache"), "--quiet"]
    plan = plan_sweep(build_parser().parse_args(args))
    summary = build_summary(plan, {}, skipped=0, started_at=0.0)
    assert len(summary.rows) == 4 and len(summary.totals.failed_runs) == 4
    assert unnamed_keys(summary) == []
    assert SweepSummary.model_validate(summary.to_json()) == summary


@pytest.mark.parametrize(("where", "value", "field"), [
    ("rows", "3", "rows[0].calls"),
    ("aggregates", True, "aggregates[0].runs"),
    ("totals", 1.5, "totals.failed"),
])
def test_a_count_written_as_something_else_is_refused_naming_the_field(where, value, field):
    data = fixture_data("sweep_summary.json")
    block = data[where][0] if isinstance(data[where], list) else data[where]
    block[field.rsplit(".", 1)[1]] = value
    with pytest.raises(RecordError) as caught:
        validate_record(data, SweepSummary, where="sweep_summary.json")
    assert caught.value.field == field
