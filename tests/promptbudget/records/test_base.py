"""`Part.but`: the one way code builds the next value of a frozen record."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from promptbudget.records import ResumableRun, RunSummary
from promptbudget.records.run import SavedEvaluation, SavedStats, SavedStep

from .conftest import fixture_data


def run_summary(**fields):
    return ResumableRun.build(run_id="r", status="running", config={}, identity={}, task={"name": "t"},
                              total_steps=1, checkpoint=0, prompts=[{"version": 0, "text": "P"}], current_version=0,
                              validation={}, steps=[], **fields)


def test_but_validates_the_change_where_it_is_made():
    run = run_summary()
    with pytest.raises(ValidationError, match="checkpoint"):
        run.but(checkpoint="1")  # strict: a count written as text is refused, not coerced
    with pytest.raises(ValidationError, match="names no prompt"):
        run.but(current_version=3)  # the record's own checks run too
    assert run.but(checkpoint=1).checkpoint == 1 and run.checkpoint == 0  # a new value; the old one is unchanged


def test_a_record_cannot_be_changed_in_place():
    run = run_summary()
    with pytest.raises(ValidationError, match="frozen"):
        run.checkpoint = 1


def test_but_keeps_unset_fields_out_of_the_json_and_adds_the_changed_ones():
    evaluation = SavedEvaluation(prompt_version=0, summary=SavedStats(n=0))
    assert list(evaluation.to_json()) == ["prompt_version", "summary"]
    done = evaluation.but(complete=True, rung=2)
    assert done.to_json() == {"prompt_version": 0, "summary": {"n": 0}, "complete": True, "rung": 2}


def test_but_keeps_the_schema_first_and_fields_a_newer_build_wrote():
    run = run_summary(from_the_future={"kept": True})
    later = run.but(status="completed")
    assert list(later.to_json())[0] == "schema" and later.to_json()["from_the_future"] == {"kept": True}
    assert isinstance(later, ResumableRun) and isinstance(later, RunSummary)


def test_nested_parts_are_validated_as_they_are_given():
    step = SavedStep(index=0, epoch=0, step=0, focus="accuracy", prompt_version=0)
    with pytest.raises(ValidationError, match="kind"):
        step.but(move={"kind": "sideways"})
    assert step.but(move={"kind": "thinking", "to_rung": 1}).move.to_rung == 1


def test_a_run_s_config_is_written_back_in_the_order_it_was_written():
    # SavedConfig names a few of the config's keys; without GivenOrderPart they would move to the front.
    written = fixture_data("run_summary.json")
    run = RunSummary.model_validate(written)
    assert list(run.to_json()["config"]) == list(written["config"])
    assert list(run.but(status="completed").to_json()["config"]) == list(written["config"])
    assert list(run.but(config=written["config"]).to_json()["config"]) == list(written["config"])
