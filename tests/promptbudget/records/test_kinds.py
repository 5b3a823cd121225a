"""Every record kind: the files the old code wrote still load, and a record round-trips unchanged."""

from __future__ import annotations

import json

import pytest

from promptbudget.budget.classifier import COMPLEXITY_CLASSES
from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.loop import OptimizationRun
from promptbudget.optimize.records import new_summary
from promptbudget.records import RecordError, ResumableRun, RunSummary, read_record, validate_record, write_record
from promptbudget.records.policy import COMPLEXITY_CLASSES as POLICY_CLASSES

from .conftest import FIXTURES, KINDS, fixture_data


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_file_written_by_the_old_code_loads_as_its_record(name):
    kind = KINDS[name]
    record = read_record(FIXTURES / name, kind)
    assert record.schema_id == kind.schema_name() == fixture_data(name)["schema"]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_record_written_and_read_back_is_the_same_json(name, tmp_path):
    kind = KINDS[name]
    record = read_record(FIXTURES / name, kind)
    path = tmp_path / name
    write_record(path, record)
    written = json.loads(path.read_text("utf-8"))
    assert written == fixture_data(name)
    assert list(written) == list(fixture_data(name))  # same keys in the same order: schema first
    assert read_record(path, kind) == record


def test_the_old_run_summary_can_be_resumed():
    record = read_record(FIXTURES / "run_summary.json", ResumableRun)
    assert record.steps and record.steps[0].decision is not None
    assert record.prompts[record.current_version].text
    assert isinstance(record.final.comparison.accuracy_delta, float)


def test_fields_a_reader_relies_on_are_typed():
    run = read_record(FIXTURES / "run_summary.json", RunSummary)
    item = run.steps[0].batch[0]
    assert isinstance(item.output_tokens, int) and isinstance(item.correct, bool)
    assert run.validation["0"].summary.n == len(run.validation["0"].items)


def test_the_run_record_names_every_key_the_loop_writes(tmp_path):
    declared = ["schema", *[name for name in ResumableRun.model_fields if name != "schema_id"]]
    config = OptimizeConfig(model="mock", max_epochs=1, output_dir=str(tmp_path / "out"),
                            cache_dir=str(tmp_path / "cache"), quiet=True)
    run = OptimizationRun(config)
    started = new_summary(run.plan, run.config)
    assert list(started.to_json()) == declared and started.model_extra == {}
    assert set(fixture_data("run_summary.json")) == set(declared)


def test_the_policy_record_knows_the_classifier_s_complexity_classes():
    assert POLICY_CLASSES == COMPLEXITY_CLASSES


def test_build_sets_the_schema_and_validates():
    policy = fixture_data("budget_policy.json")
    fields = {k: v for k, v in policy.items() if k != "schema"}
    built = KINDS["budget_policy.json"].build(**fields)
    assert built.to_json() == policy


def test_a_step_s_candidate_validation_and_the_mcnemar_test_are_typed():
    run = read_record(FIXTURES / "run_summary.json", RunSummary)
    validation = run.steps[0].candidate_validation
    assert validation.new.n == validation.evaluated and isinstance(validation.old.accuracy, float)
    assert isinstance(run.final.comparison.mcnemar.p_value, float)
    data = fixture_data("run_summary.json")
    data["steps"][0]["candidate_validation"]["old"] = "0.5"
    with pytest.raises(RecordError, match=r"steps\[0\].candidate_validation: 'old' must be an object"):
        validate_record(data, RunSummary, where="summary.json")
