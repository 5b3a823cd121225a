"""The synthetic results agree with what the product's own code computes from the same calls."""

from __future__ import annotations

import json
import math

import pytest

from promptbudget.ledger import CallRecord, Ledger
from promptbudget.optimize.acceptance import ToleranceRule, format_guard, minibatch_gate
from promptbudget.optimize.evaluate import ItemResult, summarize
from promptbudget.optimize.loop import compare
from promptbudget.optimize.store import RunStore
from promptbudget.records.run import SavedStats
from promptbudget.report.load import load_results
from tests.support.synthetic_results import write_synthetic_results


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    paths = write_synthetic_results(root, runs=5, epochs=8, eval_samples=12, test_samples=15)
    return root, [json.loads(p.read_text()) for p in paths], paths


def _items(record):
    return [ItemResult.model_validate(i) for i in record["items"]]


def test_the_ledger_is_the_total_of_the_calls_written_to_calls_jsonl(written):
    _, summaries, paths = written
    for summary, path in zip(summaries, paths):
        records = [CallRecord.from_dict(json.loads(line)) for line in (path.parent / "calls.jsonl").read_text().splitlines()]
        assert len(records) == summary["ledger"]["total"]["calls"] > 0
        assert Ledger(records=records).summary()["by_role"] == summary["ledger"]["by_role"]


def test_every_answer_call_is_an_item_of_some_evaluation(written):
    _, summaries, _ = written
    for s in summaries:
        evaluations = [r["summary"] for r in s["validation"].values()] + [s["initial"]["test"]["summary"]]
        if s["current_version"]:
            evaluations.append(s["final"]["test"]["summary"])
        for step in s["steps"]:
            evaluations += [step["batch_summary"], step["minibatch_gate"]["new"]]
        assert sum(e["n"] for e in evaluations) == s["ledger"]["by_role"]["answer"]["calls"]
        assert math.isclose(sum(e["cost_usd"] for e in evaluations), s["ledger"]["by_role"]["answer"]["cost_usd"],
                            rel_tol=1e-9)


def test_summaries_and_comparison_are_what_the_real_functions_give(written):
    _, summaries, _ = written
    for s in summaries:
        for record in [*s["validation"].values(), s["initial"]["test"], s["final"]["test"]]:
            assert record["summary"] == summarize(_items(record)).to_json()
        assert s["final"]["comparison"] == compare(_items(s["initial"]["test"]), _items(s["final"]["test"])).to_json()


def test_every_decision_is_the_one_the_loop_rules_make(written):
    _, summaries, _ = written
    decided = 0
    for s in summaries:
        rule = ToleranceRule(s["config"]["accuracy_tolerance"], s["config"]["token_tolerance"])
        for step in s["steps"]:
            gate = {side: SavedStats.model_validate(stats) for side, stats in step["minibatch_gate"].items()}
            focus = step["focus"]
            rejection = format_guard(gate["old"], gate["new"]) or minibatch_gate(focus, gate["old"], gate["new"])
            if rejection is not None:
                assert step["decision"]["reason"].startswith(rejection.reason)
                assert step["decision"]["accepted"] is False
                continue
            old, new = (SavedStats.model_validate(step["candidate_validation"][side]) for side in ("old", "new"))
            expected = format_guard(old, new) or rule.decide(focus, old, new)
            assert step["decision"] == expected.to_dict()
            decided += 1
    assert decided > 0


def test_accepted_and_rejected_steps_both_occur(written):
    _, summaries, _ = written
    outcomes = {step["decision"]["accepted"] for s in summaries for step in s["steps"]}
    assert outcomes == {True, False}


def test_runs_load_as_trusted_summaries_with_the_real_run_ids(written):
    root, summaries, paths = written
    for summary, path in zip(summaries, paths):
        assert RunStore(path.parent).load().run_id == summary["run_id"] == path.parent.name
    loaded = load_results(root)
    assert sorted(r.run_id for r in loaded.runs) == sorted(s["run_id"] for s in summaries)
    assert not [w for w in loaded.warnings if "summary.json" in w]


def test_the_same_arguments_write_the_same_runs(tmp_path):
    first = write_synthetic_results(tmp_path / "a", runs=2, epochs=3, eval_samples=6, test_samples=6, sweep=False)
    second = write_synthetic_results(tmp_path / "b", runs=2, epochs=3, eval_samples=6, test_samples=6, sweep=False)
    for a, b in zip(first, second):
        left, right = json.loads(a.read_text()), json.loads(b.read_text())
        for key in ("run_id", "prompts", "steps", "validation", "final", "pareto"):
            assert left[key] == right[key]


def test_the_sweep_rows_name_every_run_and_one_failure(written):
    root, summaries, _ = written
    rows = json.loads((root / "sweep_summary.json").read_text())["rows"]
    assert [r["run_id"] for r in rows[:-1]] == [s["run_id"] for s in summaries]
    assert [r["billed_usd"] for r in rows[:-1]] == [s["ledger"]["total"]["billed_usd"] for s in summaries]
    assert rows[-1]["status"] == "failed" and rows[-1]["n_test"] is None
