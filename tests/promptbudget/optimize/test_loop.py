"""The training loop on the mock engine: decisions, guardrail, accounting, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.loop import OptimizationRun

from . import golden_runs
from .helpers import REPO, SMALL, only_summary, optimize, write_script

CONCISE = "Be concise: write only the steps you need."


def run(tmp_path, model, **overrides):
    settings = dict(task="GSM8K_DSPy", model=model, max_epochs=2, steps_per_epoch=1, batch_size=2, eval_samples=8, test_samples=8,
                    output_dir=str(tmp_path / "results"), cache_dir=str(tmp_path / "cache"), quiet=True)
    settings.update(overrides)
    return OptimizationRun(OptimizeConfig(**settings)).run()


def test_an_edit_that_cuts_tokens_at_equal_accuracy_is_accepted(tmp_path):
    model = write_script(tmp_path / "s.json", accuracy=0.75, optimizer_edits=[{"append": CONCISE}],
                         prompt_rules=[{"contains": "concise", "token_scale": 0.5}])
    summary = run(tmp_path, model, accuracy_weight=0, efficiency_weight=1, max_epochs=1)
    step = summary.steps[0]
    assert step.focus == "efficiency"
    assert step.decision.accepted, step.decision
    old, new = step.candidate_validation.old, step.candidate_validation.new
    assert new.accuracy == old.accuracy and new.mean_output_tokens < old.mean_output_tokens
    assert summary.prompts[summary.current_version].text.endswith(CONCISE)
    comparison = summary.final.comparison
    assert comparison.accuracy_delta == 0 and comparison.token_reduction_pct > 40


def test_an_edit_that_drops_the_answer_format_is_rejected_by_the_guardrail(tmp_path):
    model = write_script(tmp_path / "s.json", optimizer_edits=[{"append": "Skip the final answer line."}],
                         prompt_rules=[{"contains": "skip the final answer line", "token_scale": 0.3,
                                        "drops_format": True}])
    summary = run(tmp_path, model, accuracy_weight=0, efficiency_weight=1, max_epochs=1)
    decision = summary.steps[0].decision
    assert not decision.accepted and decision.reason.startswith("format:")
    assert summary.current_version == 0
    assert summary.final.test.summary.format_rate == 1.0


def test_the_guardrail_also_holds_without_validation(tmp_path):
    model = write_script(tmp_path / "s.json", optimizer_edits=[{"append": "Skip the final answer line."}],
                         prompt_rules=[{"contains": "skip the final answer line", "drops_format": True}])
    summary = run(tmp_path, model, max_epochs=1, run_validation=False)
    step = summary.steps[0]
    assert not step.decision.accepted and step.decision.reason.startswith("format:")
    assert step.minibatch_gate["new"].answered < step.minibatch_gate["old"].answered
    assert step.candidate_validation is None


def test_malformed_optimizer_output_keeps_the_prompt_and_is_recorded(tmp_path):
    model = write_script(tmp_path / "s.json", optimizer_edits=[{"reply": "I would keep the prompt as it is."}])
    summary = run(tmp_path, model, max_epochs=2)
    assert summary.status == "completed"
    for step in summary.steps:
        assert "IMPROVED_VARIABLE" in step.optimizer_error
        assert not step.decision.accepted
    assert summary.current_version == 0


def test_accuracy_branch_handles_braces_in_questions_and_answers(tmp_path):
    data = tmp_path / "braces.jsonl"
    rows = [{"question": f"Evaluate {{x}} + {i} where {{x}} = 1. Format: {{answer}}", "answer": str(i + 1)}
            for i in range(12)]
    data.write_text("\n".join(json.dumps(r) for r in rows))
    answers = {r["question"]: r["answer"] for r in rows}
    model = write_script(tmp_path / "s.json", answers=answers, accuracy=0.5)
    summary = run(tmp_path, model, task=f"jsonl:{data}::number", accuracy_weight=1, efficiency_weight=0,
                  eval_samples=3, test_samples=3, custom_prompt="Solve it. End with 'Answer: $VALUE'.")
    assert summary.status == "completed"
    assert all(step.focus == "accuracy" for step in summary.steps)
    assert any("correct answer" in loss for step in summary.steps for loss in step.losses)


def test_items_get_their_own_tokens_under_8_threads_and_ledger_totals_match_call_records(tmp_path):
    summary = run(tmp_path, "mock", num_threads=8, test_samples=24, eval_samples=8)
    run_dir = tmp_path / "results" / summary.run_id
    calls = [json.loads(line) for line in (run_dir / "calls.jsonl").read_text().splitlines()]
    initial = {c["scope"]["sample_id"]: c for c in calls if c["scope"].get("phase") == "initial test"}
    items = summary.initial["test"].items
    assert len(items) == 24 and len(initial) == 24
    assert len({i.output_tokens for i in items}) > 5, "tokens should vary by item"
    for item in items:
        assert initial[item.item_id]["usage"]["output_tokens"] == item.output_tokens
    total = summary.ledger.total
    assert total.calls == len(calls)
    assert total.output_tokens == sum(c["usage"]["output_tokens"] for c in calls)
    assert total.input_tokens == sum(c["usage"]["input_tokens"] for c in calls)
    for role, totals in summary.ledger.by_role.items():
        assert totals.calls == sum(c["role"] == role for c in calls)


def test_focus_follows_the_weights_with_the_seeded_rng(tmp_path):
    config = OptimizeConfig(model="mock", accuracy_weight=0.3, efficiency_weight=0.7, max_epochs=1,
                            output_dir=str(tmp_path), cache_dir=str(tmp_path / "c"))
    optimization = OptimizationRun(config)
    draws = [optimization.focus(epoch) for epoch in range(2000)]
    share = draws.count("efficiency") / len(draws)
    assert 0.66 < share < 0.74
    assert draws == [OptimizationRun(config).focus(epoch) for epoch in range(2000)]


def _comparable(summary: dict) -> dict:
    summary = json.loads(json.dumps(summary))
    for key in ("created_at", "updated_at"):
        summary.pop(key)
    return summary


def test_sigkill_mid_epoch_then_resume_matches_an_uninterrupted_run(tmp_path):
    slow = write_script(tmp_path / "slow.json", latency_s=0.05)
    args = ["--model", slow, *SMALL, "--max_epochs", "4", "--output_dir", "results", "--cache_dir", "cache"]
    straight = tmp_path / "straight"
    killed = tmp_path / "killed"
    straight.mkdir()
    killed.mkdir()
    done = optimize(*args, cwd=straight)
    assert done.returncode == 0, done.stderr

    process = subprocess.Popen([sys.executable, str(REPO / "balanced_prompt_optimization.py"), *args],
                               cwd=killed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        summaries = list((killed / "results").glob("*/summary.json"))
        if summaries and json.loads(summaries[0].read_text()).get("checkpoint", 0) >= 3:
            break
        time.sleep(0.05)
    time.sleep(0.3)  # into the next step
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    interrupted = only_summary(killed / "results")
    assert interrupted["status"] == "running" and interrupted["checkpoint"] < interrupted["total_steps"] + 2

    resumed = optimize(*args, "--resume", cwd=killed)
    assert resumed.returncode == 0, resumed.stderr
    assert _comparable(only_summary(killed / "results")) == _comparable(only_summary(straight / "results"))


def test_max_cost_stops_before_the_cap_and_the_run_resumes(tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"models": {"mock": {"input": 1.0, "output": 5.0}}}))
    common = ["--model", "mock", *SMALL, "--output_dir", "results", "--cache_dir", "cache", "--prices", str(prices),
              "--max_tokens", "2000", "--no_thinking_enabled"]
    stopped = optimize(*common, "--max_cost", "0.05", cwd=tmp_path)
    assert stopped.returncode == 3, stopped.stderr
    summary = only_summary(tmp_path / "results")
    assert summary["status"] == "stopped" and "cost cap" in summary["error"]
    assert summary["ledger"]["total"]["billed_usd"] <= 0.05
    finished = optimize(*common, "--max_cost", "10", "--resume", cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    assert only_summary(tmp_path / "results")["status"] == "completed"


def test_a_finished_run_resumed_makes_no_calls(tmp_path):
    args = ["--model", "mock", *SMALL, "--output_dir", "results", "--cache_dir", "cache"]
    assert optimize(*args, cwd=tmp_path).returncode == 0
    calls_before = only_summary(tmp_path / "results")["ledger"]["total"]["calls"]
    again = optimize(*args, "--resume", cwd=tmp_path)
    assert again.returncode == 0
    assert only_summary(tmp_path / "results")["ledger"]["total"]["calls"] == calls_before


def test_a_run_being_written_by_another_process_cannot_be_resumed_alongside(tmp_path):
    import fcntl

    args = ["--model", "mock", *SMALL, "--output_dir", "results", "--cache_dir", "cache"]
    assert optimize(*args, cwd=tmp_path).returncode == 0
    (run_dir,) = [p.parent for p in (tmp_path / "results").glob("*/summary.json")]
    before = (run_dir / "summary.json").read_bytes()
    with open(run_dir / ".lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        second = optimize(*args, "--resume", cwd=tmp_path)
    assert second.returncode == 2
    assert "another process" in second.stderr
    assert (run_dir / "summary.json").read_bytes() == before
    assert optimize(*args, "--resume", cwd=tmp_path).returncode == 0


def test_paid_calls_of_an_unfinished_step_survive_a_resume_that_is_itself_interrupted(tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"models": {"mock": {"input": 1.0, "output": 5.0}}}))
    common = dict(prices=str(prices), max_tokens=2000, thinking_enabled=False)
    straight = run(tmp_path / "straight", "mock", **common)

    stopped = run(tmp_path / "twice", "mock", max_cost=0.032, **common)  # stops one call into step 1
    assert stopped.status == "stopped"
    # The resume opens the run (setting aside the unfinished step's paid calls) and dies at once.
    opened = OptimizationRun(OptimizeConfig(
        task="GSM8K_DSPy", model="mock", max_epochs=2, steps_per_epoch=1, batch_size=2, eval_samples=8,
        test_samples=8, output_dir=str(tmp_path / "twice" / "results"), cache_dir=str(tmp_path / "twice" / "cache"),
        quiet=True, resume=True, **common))
    with opened.store.exclusive():
        assert opened._open() is True
    assert opened.store.load_orphans(), "the stopped step had paid calls to set aside"

    finished = run(tmp_path / "twice", "mock", resume=True, **common)
    assert finished.status == "completed"
    for key in ("calls", "engine_calls", "cached_calls", "output_tokens", "billed_usd"):
        assert getattr(finished.ledger.total, key) == pytest.approx(getattr(straight.ledger.total, key)), key
    assert not (opened.store.dir / "orphans.jsonl").exists()


SIGINT_AS_IN_A_TERMINAL = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"


def test_ctrl_c_saves_the_run_and_says_how_to_resume(tmp_path):
    slow = write_script(tmp_path / "slow.json", latency_s=0.05)
    args = ["--model", slow, *SMALL, "--max_epochs", "4", "--output_dir", "results", "--cache_dir", "cache"]
    # As from a terminal, whatever started this test: a shell's background job (`make test &`)
    # ignores SIGINT, its children inherit that, and the run would go on to exit 0.
    command = [sys.executable, "-c", SIGINT_AS_IN_A_TERMINAL, sys.executable,
               str(REPO / "balanced_prompt_optimization.py"), *args]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        summaries = list((tmp_path / "results").glob("*/summary.json"))
        if summaries and json.loads(summaries[0].read_text()).get("checkpoint", 0) >= 2:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "rerun the same command with --resume" in stderr
    summary = only_summary(tmp_path / "results")
    assert summary["status"] == "interrupted" and summary["checkpoint"] >= 2
    assert optimize(*args, "--resume", cwd=tmp_path).returncode == 0


def crash_optimizer_calls(monkeypatch, message="the disk is on fire"):
    """Make every optimizer (TGD) call raise an exception no part of the loop expects."""
    from promptbudget.engines import mock

    answer = mock.MockEngine._complete

    def complete(self, request):
        if mock.OPTIMIZER_MARKER in (request.system or "") + request.prompt:
            raise RuntimeError(message)
        return answer(self, request)

    monkeypatch.setattr(mock.MockEngine, "_complete", complete)


def test_an_unexpected_exception_is_a_failed_run_with_its_error(tmp_path, monkeypatch):
    crash_optimizer_calls(monkeypatch)
    summary = run(tmp_path, "mock", accuracy_weight=0, efficiency_weight=1, max_epochs=1)
    assert summary.status == "failed"
    assert summary.error == "RuntimeError: the disk is on fire"
    saved = only_summary(tmp_path / "results")
    assert (saved["status"], saved["error"]) == ("failed", "RuntimeError: the disk is on fire")
    events = [json.loads(line) for line in next((tmp_path / "results").glob("*/events.jsonl")).read_text().splitlines()]
    crashed = [e for e in events if e["event"] == "Crashed"]
    assert len(crashed) == 1 and "RuntimeError: the disk is on fire" in crashed[0]["traceback"]
    calls = next((tmp_path / "results").glob("*/calls.jsonl")).read_text().splitlines()
    assert saved["ledger"]["total"]["calls"] == len(calls) > 0  # the paid calls before the crash are kept


def test_samples_above_the_split_size_are_recorded_as_the_size_used_with_a_warning(tmp_path):
    data = tmp_path / "small.jsonl"
    rows = [{"question": f"What is {i} + 1?", "answer": str(i + 1), "split": split}
            for split, count in (("train", 4), ("val", 5), ("test", 7)) for i in range(count)]
    data.write_text("\n".join(json.dumps(r) for r in rows))
    summary = run(tmp_path, "mock", task=f"jsonl:{data}", max_epochs=1, eval_samples=50, test_samples=60)
    assert summary.status == "completed", summary.error
    assert (summary.config.eval_samples, summary.config.test_samples) == (5, 7)
    assert (summary.identity["eval_samples"], summary.identity["test_samples"]) == (5, 7)
    assert summary.initial["test"].summary.n == 7 and len(summary.task.val_ids) == 5
    assert any("--test_samples 60 is more than the 7 test items" in w and "uses all 7" in w
               for w in summary.warnings), summary.warnings
    assert any("--eval_samples 50 is more than the 5 validation items" in w for w in summary.warnings)


def test_the_decisions_and_call_counts_do_not_depend_on_the_thread_count(tmp_path):
    # A shorter prompt that loses accuracy: the minibatch gate passes it (tokens fall) and validation
    # rejects it early, after a number of items that must not depend on --num_threads.
    model = write_script(tmp_path / "s.json", accuracy=0.8, optimizer_edits=[{"append": CONCISE}],
                         prompt_rules=[{"contains": "concise", "token_scale": 0.5, "accuracy_delta": -0.6}])
    summaries = {}
    for threads in (1, 8):
        summaries[threads] = run(tmp_path, model, accuracy_weight=0, efficiency_weight=1, max_epochs=2,
                                 eval_samples=24, num_threads=threads, output_dir=str(tmp_path / f"t{threads}"),
                                 cache_dir=str(tmp_path / f"cache{threads}"))
    one, eight = summaries[1], summaries[8]
    step = one.steps[0]
    assert "stopped after" in step.decision.reason, step.decision  # the early stop did happen
    assert step.candidate_validation.evaluated < 24
    for key in ("run_id", "status", "prompts", "current_version", "validation", "initial", "steps", "final",
                "pareto", "checkpoint"):
        assert getattr(one, key) == getattr(eight, key), key
    assert one.ledger.total == eight.ledger.total
    calls = next((tmp_path / "t8").glob("*/calls.jsonl")).read_text().splitlines()
    assert one.ledger.total.calls == len(calls)


@pytest.mark.parametrize("name", sorted(golden_runs.SCRIPTS))
def test_summary_json_is_what_the_dict_based_loop_wrote(tmp_path, name):
    want = golden_runs.fixture(name)
    assert want["schema"] == "promptbudget.run/1" and list(want)[0] == "schema"
    assert golden_runs.differences(golden_runs.run_summary(name, tmp_path), want) == []


def test_the_golden_comparison_sees_a_changed_value_and_a_moved_key():
    want = golden_runs.fixture("prompt_search")
    changed = json.loads(json.dumps(want))
    changed["steps"][0]["batch"][0]["output_tokens"] += 1
    moved = {key: want[key] for key in [*list(want)[1:], "schema"]}
    assert golden_runs.differences(changed, want) == [
        f".steps[0].batch[0].output_tokens: {changed['steps'][0]['batch'][0]['output_tokens']} != "
        f"{want['steps'][0]['batch'][0]['output_tokens']}"]
    assert golden_runs.differences(moved, want)[0].startswith("(top): keys")
