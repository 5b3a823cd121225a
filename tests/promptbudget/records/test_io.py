"""read_record's one error: the file, the field, what is wrong and the fix, for each way a file is bad."""

from __future__ import annotations

import json

import pytest

from promptbudget.errors import UsageError
from promptbudget.records import (BudgetPolicy, RecordError, ResumableRun, RunSummary, read_record,
                                  validate_record)

from .conftest import fixture_data


def _error(tmp_path, content, kind=RunSummary) -> RecordError:
    path = tmp_path / "summary.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(RecordError) as caught:
        read_record(path, kind, shown_as="summary.json")
    return caught.value


def _damaged(damage, kind=ResumableRun) -> RecordError:
    data = fixture_data("run_summary.json")
    damage(data)
    with pytest.raises(RecordError) as caught:
        validate_record(data, kind, where="run/summary.json")
    return caught.value


def test_a_record_error_is_a_usage_error_naming_file_problem_and_fix():
    error = _damaged(lambda s: s.pop("steps"))
    assert isinstance(error, UsageError)  # the CLI exits 2
    assert str(error) == f"run/summary.json: 'steps' is missing; {ResumableRun.FIX}"
    assert (error.where, error.field, error.fix) == ("run/summary.json", "steps", ResumableRun.FIX)


@pytest.mark.parametrize("content, problem", [
    ("", "empty file"),
    ('{"schema": "promptbudget.run/1", "run_id": ', "truncated JSON (not valid JSON"),
    ('{"schema": "promptbudget.run/1", "run_id": }', "corrupted JSON (not valid JSON: Expecting value at line 1"),
    (b'{"run_id": "\xff"}', "not UTF-8 text (byte 12)"),
    ("[1, 2]", "not a run summary: a run summary is a JSON object"),
    ('{"run_id": "x"}', "not a run summary: 'schema' is missing, expected 'promptbudget.run/1'"),
    ('{"schema": "promptbudget.sweep/1"}', "not a run summary: schema is \"promptbudget.sweep/1\", expected "
                                           "'promptbudget.run/1'"),
    ('{"schema": "promptbudget.run/2"}', "schema promptbudget.run/2 was written by a newer promptbudget; this "
                                         "version reads promptbudget.run/1"),
    ('{"schema": "promptbudget.run/0"}', "schema promptbudget.run/0 is an older format this version no longer "
                                         "reads (it reads promptbudget.run/1)"),
])
def test_each_unreadable_file_is_named_with_what_is_wrong(tmp_path, content, problem):
    error = _error(tmp_path, content)
    assert str(error).startswith("summary.json: ") and problem in error.problem, str(error)


def test_a_missing_file_and_a_directory_are_named(tmp_path):
    with pytest.raises(RecordError, match="nowhere.json: not found; check the path"):
        read_record(tmp_path / "nowhere.json", RunSummary, shown_as="nowhere.json")
    with pytest.raises(RecordError, match="is a directory, not a file"):
        read_record(tmp_path, RunSummary)


@pytest.mark.parametrize("damage, field, problem", [
    (lambda s: s.update(checkpoint="3"), "checkpoint", "'checkpoint' must be a whole number (got \"3\")"),
    (lambda s: s.update(checkpoint=True), "checkpoint", "'checkpoint' must be a whole number (got true)"),
    (lambda s: s.update(prompts=[]), "prompts", "'prompts' list should have at least 1 item"),
    (lambda s: s["steps"][0]["batch"][1].update(output_tokens=1.5), "steps[0].batch[1].output_tokens",
     "steps[0].batch[1]: 'output_tokens' must be a whole number (got 1.5)"),
    (lambda s: s["steps"][0]["decision"].pop("accepted"), "steps[0].decision.accepted",
     "steps[0].decision: 'accepted' is missing"),
    (lambda s: s["steps"][0]["move"].update(kind="both"), "steps[0].move.kind",
     "steps[0].move: 'kind' must be 'thinking' or 'prompt' (got \"both\")"),
    (lambda s: s["validation"]["0"].update(summary=[]), "validation.0.summary",
     "validation.0: 'summary' must be an object (got [])"),
    (lambda s: s["prompts"][0].update(text=None), "prompts[0].text", "prompts[0]: 'text' must be a string"),
    (lambda s: s.update(current_version=99), "(the whole file)", "'current_version' 99 names no prompt"),
])
def test_a_damaged_field_is_named_by_its_path(damage, field, problem):
    error = _damaged(damage)
    assert error.field == field and problem in error.problem, str(error)


def test_several_problems_name_the_first_and_count_the_rest():
    error = _damaged(lambda s: s.update(checkpoint="3", total_steps="2", status=None))
    assert error.problem.endswith("(and 2 more problems)"), str(error)


def test_what_a_reader_does_not_need_is_not_required_but_a_resume_needs_it():
    data = fixture_data("run_summary.json")
    for key in ("checkpoint", "steps", "identity"):
        del data[key]
    assert validate_record(data, RunSummary, where="x").run_id == data["run_id"]
    with pytest.raises(RecordError, match="'identity' is missing"):
        validate_record(data, ResumableRun, where="x")


def test_fields_this_build_does_not_know_are_kept():
    data = fixture_data("run_summary.json")
    data["added_by_a_later_release"] = {"a": 1}
    data["steps"][0]["note"] = "kept"
    assert validate_record(data, ResumableRun, where="x").to_json() == data


def test_policy_fields_get_the_same_kind_of_message(tmp_path):
    data = fixture_data("budget_policy.json")
    data["classes"]["medium"]["n"] = -2
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RecordError) as caught:
        read_record(path, BudgetPolicy)
    assert caught.value.problem == "classes.medium: 'n' must be a whole number >= 0 (got -2)"
    assert caught.value.fix == BudgetPolicy.FIX


def test_a_whole_float_count_reads_as_an_int():
    data = fixture_data("budget_policy.json")
    data["classes"]["medium"]["n"] = 3.0
    assert validate_record(data, BudgetPolicy, where="x").classes["medium"].n == 3
