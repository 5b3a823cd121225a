"""Reading back what a run's process reported."""

from __future__ import annotations

import json

import pytest

from promptbudget.records import write_record
from promptbudget.records.results import SweepRunReport
from promptbudget.sweep.plan import build_parser, plan_sweep
from promptbudget.sweep.runner import Runner, log_path, report_path
from promptbudget.sweep.summary import build_summary


@pytest.fixture
def plan(tmp_path):
    args = ["--task", "GSM8K_DSPy", "--model", "mock", "--configs", "0.5,0.5", "--quiet",
            "--output_dir", str(tmp_path / "out"), "--cache_dir", str(tmp_path / "cache")]
    plan = plan_sweep(build_parser().parse_args(args))
    plan.logs_dir.mkdir(parents=True)
    log_path(plan, plan.runs[0]).write_text("error: the disk is full\n")
    return plan


def test_a_report_the_run_wrote_is_counted(plan):
    spec = plan.runs[0]
    write_record(report_path(plan, spec), SweepRunReport.build(
        run_id=spec.run_id, exit_code=0, started_at=1.0, finished_at=2.0, calls=5, engine_calls=3, cache_hits=2,
        billed_usd=0.25, unpriced_calls=0))
    attempt = Runner(plan, on_finished=lambda *_: None)._collect(spec, 0, 0)
    assert attempt.report is not None and attempt.report.engine_calls == 3
    invocation = build_summary(plan, {spec.run_id: attempt}, skipped=0, started_at=0.0).invocation
    assert (invocation.engine_calls, invocation.cache_hits, invocation.billed_usd) == (3, 2, 0.25)
    assert invocation.unreported_runs == []


@pytest.mark.parametrize("text", ['{"schema": "promptbudget.sweep-invocation/1", "engine_calls": "3"}', '{"engine',
                                  "[]"])
def test_a_damaged_report_counts_the_run_as_unreported_instead_of_crashing_the_summary(plan, text):
    spec = plan.runs[0]
    report_path(plan, spec).write_text(text)
    attempt = Runner(plan, on_finished=lambda *_: None)._collect(spec, 1, 0)
    assert attempt.report is None and attempt.error_text() == "the disk is full"
    invocation = build_summary(plan, {spec.run_id: attempt}, skipped=0, started_at=0.0).invocation
    assert (invocation.runs_started, invocation.engine_calls, invocation.unreported_runs) == (1, 0, [spec.run_id])
    assert json.loads(json.dumps(invocation.to_json()))["unreported_runs"] == [spec.run_id]
