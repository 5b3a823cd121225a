"""Resume, the report, export and the policy loader read through the one path: the same damage
gets the same message in each."""

from __future__ import annotations

import json

import pytest

from promptbudget.budget.policy import Policy
from promptbudget.errors import UsageError
from promptbudget.optimize.recommendation import load_run_summary
from promptbudget.optimize.store import RunStore
from promptbudget.records import BudgetPolicy, RecordError, RunSummary, read_record
from promptbudget.report.load import load_results
from tests.promptbudget.optimize.helpers import SMALL, optimize

from .conftest import fixture_data

DAMAGED = "steps[0].batch[1]: 'output_tokens' must be a whole number (got \"12\")"


def _damage(run_dir):
    data = fixture_data("run_summary.json")
    data["steps"][0]["batch"][1]["output_tokens"] = "12"
    (run_dir / "summary.json").write_text(json.dumps(data))
    return f"{DAMAGED}; {RunSummary.FIX}"


def test_a_damaged_field_reads_the_same_in_resume_report_and_export(run_dir):
    expected = _damage(run_dir)
    path = run_dir / "summary.json"
    with pytest.raises(UsageError) as resumed:
        RunStore(run_dir).load()
    assert str(resumed.value).endswith(f"{path}: {expected}")
    assert str(resumed.value).startswith("cannot be resumed by this version (which reads promptbudget.run/1)")

    loaded = load_results(run_dir.parent)
    assert loaded.runs == []
    assert loaded.warnings == [f"GSM8K_DSPy_run/summary.json: {expected}; skipped"]

    with pytest.raises(RecordError) as exported:
        load_run_summary(run_dir)
    assert str(exported.value) == f"{path}: {expected}"


def test_the_report_reads_a_good_file_as_its_typed_record(run_dir):
    (run,) = load_results(run_dir.parent).runs
    assert isinstance(run.doc.record, RunSummary)
    assert run.doc.record.run_id == run.run_id and run.doc.record.to_json() == fixture_data("run_summary.json")


def test_the_policy_loader_raises_the_record_error(tmp_path):
    data = fixture_data("budget_policy.json")
    data["classes"]["complex"]["learned"] = "yes"
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data))
    with pytest.raises(RecordError) as direct:
        read_record(path, BudgetPolicy, shown_as=f"policy file {path}")
    with pytest.raises(RecordError) as loaded:
        Policy.load(path)
    assert str(loaded.value) == str(direct.value)
    assert str(loaded.value) == (f"policy file {path}: classes.complex: 'learned' must be true or false (got "
                                 f"\"yes\"); {BudgetPolicy.FIX}")
    with pytest.raises(RecordError, match="classes.complex: 'learned' must be true or false"):
        Policy.from_dict(data, where="the sweep's policy")


def test_a_saved_policy_is_the_record_it_was_built_from(tmp_path):
    policy = Policy.from_dict(fixture_data("budget_policy.json"))
    path = tmp_path / "policy.json"
    policy.save(path)
    assert json.loads(path.read_text()) == policy.to_record().to_json() == fixture_data("budget_policy.json")


def test_resuming_a_damaged_run_exits_2_and_leaves_it_alone(tmp_path):
    assert optimize("--model", "mock", *SMALL, "--output_dir", "results", "--cache_dir", "cache",
                    cwd=tmp_path).returncode == 0
    (path,) = (tmp_path / "results").glob("*/summary.json")
    damaged = {k: v for k, v in json.loads(path.read_text()).items() if k != "prompts"}
    path.write_text(json.dumps(damaged))
    result = optimize("--model", "mock", *SMALL, "--output_dir", "results", "--cache_dir", "cache", "--resume",
                      cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot be resumed by this version" in result.stderr and "'prompts' is missing" in result.stderr
    assert json.loads(path.read_text()) == damaged


def test_the_run_store_refuses_to_write_a_malformed_summary(run_dir):
    before = (run_dir / "summary.json").read_text()
    summary = fixture_data("run_summary.json")
    summary["steps"][0]["decision"]["accepted"] = "yes"
    with pytest.raises(RecordError, match=r"steps\[0\].decision: 'accepted' must be true or false"):
        RunStore(run_dir).save(summary)
    assert (run_dir / "summary.json").read_text() == before
