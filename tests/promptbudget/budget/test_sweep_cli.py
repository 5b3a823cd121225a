from __future__ import annotations

import json
from pathlib import Path

import pytest

from promptbudget.budget import sweep_cli
from promptbudget.budget.allocator import POLICY_SCHEMA
from promptbudget.budget.setting_sweep import SWEEP_SCHEMA, SweepConfig, plan_settings
from promptbudget.cli import main as cli_main
from promptbudget.engines.capabilities import BUILTIN_CAPABILITIES, Capabilities
from promptbudget.engines.mock import MockEngine
from promptbudget.errors import UsageError
from promptbudget.ledger import Ledger

from .conftest import question, write_task


def sweep(tmp_path: Path, *args: str) -> tuple[int, dict | None]:
    output = tmp_path / "out" / "sweep.json"
    code = sweep_cli.main([*args, "--output", str(output), "--no_cache", "--quiet", "--num_threads", "2"])
    return code, (json.loads(output.read_text()) if output.exists() else None)


def test_saturating_medium_items_learn_2048_and_allocate_prints_it(tmp_path, capsys):
    task, model = write_task(tmp_path, n=60, kinds=("plain",))
    code, results = sweep(tmp_path, "--task", task, "--model", model, "--budgets", "0", "1024", "2048", "4096", "8192",
                          "--learn_split", "val", "--split", "test", "--samples", "30")
    assert code == 0
    assert results["classifier"]["counts"]["medium"] == 60
    policy_path = tmp_path / "out" / "sweep.policy.json"
    policy = json.loads(policy_path.read_text())
    assert policy["schema"] == POLICY_SCHEMA
    assert policy["classes"]["medium"]["setting"] == "2048" and policy["classes"]["medium"]["learned"]
    assert policy["source"]["split"] == "val"
    capsys.readouterr()
    assert cli_main(["allocate", "--prompt", question(999, "plain"), "--model", model,
                     "--policy", str(policy_path), "--no_cache"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["complexity"] == "medium"
    assert decision["thinking_mode"] == "budget" and decision["budget_tokens"] == 2048
    assert decision["policy"] == "learned" and "learned from 30 items" in decision["reason"]
    assert decision["classification"]["model"].startswith("mock/")


def test_results_file_has_every_measure(tmp_path, paid_prices):
    task, model = write_task(tmp_path, n=24, kinds=("easy", "plain", "hard"))
    code, results = sweep(tmp_path, "--task", task, "--model", model, "--budgets", "0", "1024", "4096",
                          "--samples", "12", "--prices", paid_prices, "--min_class_items", "4")
    assert code == 0
    assert results["schema"] == SWEEP_SCHEMA and results["status"] == "completed"
    assert results["kind"] == "budget" and results["engine"]["enforcement"] == "simulated"
    assert [s["label"] for s in results["settings"]] == ["0", "1024", "4096"]
    assert [s["max_tokens"] for s in results["settings"]] == [2048, 1024 + 2048, 4096 + 2048]
    assert len(results["records"]) == 3 * 12
    record = results["records"][0]
    for key in ("id", "split", "complexity", "setting", "correct", "output_tokens", "thinking_tokens",
                "stop_reason", "latency_s", "cost_usd"):
        assert key in record
    rows = {r["setting"]: r for r in results["summary"]["test"]}
    for row in rows.values():
        assert row["n"] == 12
        assert row["accuracy_low"] <= row["accuracy"] <= row["accuracy_high"]
        assert row["latency_p50_s"] <= row["latency_p95_s"]
        # cost is exact: the sum of the records' costs, which follow the price override
        records = [r for r in results["records"] if r["setting"] == row["setting"]]
        expected = sum((r["input_tokens"] * 1 + r["output_tokens"] * 5) / 1e6 for r in records)
        assert row["cost_usd"] == pytest.approx(expected)
        assert row["accuracy_per_dollar"] == pytest.approx(row["correct"] / expected)
        if row["correct"]:
            assert row["tokens_per_correct"] == pytest.approx(row["total_output_tokens"] / row["correct"])
    assert rows["0"]["mean_thinking_tokens"] is None and rows["0"]["budget_use"] is None
    assert 0 < rows["1024"]["mean_thinking_tokens"] <= 1024
    assert rows["1024"]["budget_use"] == pytest.approx(rows["1024"]["mean_thinking_tokens"] / 1024)
    assert results["engine"]["pricing"] == "priced"
    # every class seen has its own table, and the classifier is in the ledger under its role
    assert set(results["by_class"]["test"]) == {"simple", "medium", "complex"}
    assert results["ledger"]["by_role"]["classifier"]["calls"] == 12
    assert results["ledger"]["by_role"]["answer"]["calls"] == 36
    assert any(s["name"] == "oracle" for s in results["allocator_evaluation"]["strategies"])
    assert results["allocator_evaluation"]["held_out"] is False


def test_free_engine_reports_no_accuracy_per_dollar(tmp_path, capsys):
    task, model = write_task(tmp_path, n=8)
    code, results = sweep(tmp_path, "--task", task, "--model", model, "--budgets", "0", "1024", "--samples", "4")
    assert code == 0
    assert results["engine"]["pricing"] == "free"
    assert all(r["accuracy_per_dollar"] is None for r in results["summary"]["test"])
    assert "n/a (free engine)" in capsys.readouterr().out


def test_effort_sweep(tmp_path):
    task, model = write_task(tmp_path, n=8)
    code, results = sweep(tmp_path, "--task", task, "--model", model, "--efforts", "high", "off", "low",
                          "--samples", "4")
    assert code == 0
    assert results["kind"] == "effort"
    assert [s["label"] for s in results["settings"]] == ["off", "low", "high"]
    assert results["settings"][1]["thinking"] == {"mode": "adaptive", "budget_tokens": None, "effort": "low"}
    assert {r["effort"] for r in results["records"]} == {None, "low", "high"}


def test_prompts_without_answers_report_accuracy_as_na(tmp_path):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt": "What is the capital of France?"}\n{"prompt": "Design a city."}\n',
                       encoding="utf-8")
    code, results = sweep(tmp_path, "--prompts", str(prompts), "--model", "mock", "--budgets", "0", "2048")
    assert code == 0
    assert results["task"]["graded"] is False
    assert all(r["correct"] is None for r in results["records"])
    assert all(r["accuracy"] is None and r["n"] == 2 for r in results["summary"]["test"])
    assert results["policy"] is None and results["allocator_evaluation"] is None
    assert not (tmp_path / "out" / "sweep.policy.json").exists()


@pytest.mark.parametrize("budgets, message", [
    (["-5"], "negative"), (["0", "512"], "below the minimum"), (["1024.5"], "not an integer"),
    (["abc"], "not an integer"), (["200000"], "over mock/"),
])
def test_invalid_budgets_exit_2_and_write_nothing(tmp_path, capsys, budgets, message):
    task, model = write_task(tmp_path, n=4)
    code, results = sweep(tmp_path, "--task", task, "--model", model, "--budgets", *budgets)
    assert code == 2 and results is None
    assert not (tmp_path / "out").exists()
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err


@pytest.mark.parametrize("args, message", [
    (["--efforts", "extreme"], "unknown effort"),
    (["--budgets", "0", "--efforts", "low"], "not both"),
    (["--learn_split", "test"], "two different splits"),
    (["--margin", "2"], "--margin"),
    (["--samples", "0"], "--samples"),
])
def test_other_bad_flags_exit_2(tmp_path, capsys, args, message):
    task, model = write_task(tmp_path, n=4)
    code, results = sweep(tmp_path, "--task", task, "--model", model, *args)
    assert code == 2 and results is None
    assert message in capsys.readouterr().err


def test_bad_source_files_exit_2(tmp_path, capsys):
    code, _ = sweep(tmp_path, "--task", f"jsonl:{tmp_path / 'missing.jsonl'}", "--model", "mock")
    assert code == 2 and "not found" in capsys.readouterr().err
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text('{"prompt": "a", "answer": "1"}\n{"prompt": "b"}\n', encoding="utf-8")
    code, _ = sweep(tmp_path, "--prompts", str(mixed), "--model", "mock")
    assert code == 2 and "every line or no line" in capsys.readouterr().err
    code, _ = sweep(tmp_path, "--prompts", str(mixed), "--task", "BBH_navigate", "--model", "mock")
    assert code == 2 and "exactly one of --task or --prompts" in capsys.readouterr().err


class _CapsMock(MockEngine):
    def __init__(self, caps: Capabilities):
        super().__init__(ledger=Ledger())
        self._caps = caps

    def capabilities(self) -> Capabilities:
        return self._caps


def test_a_model_that_cannot_think_gets_a_max_tokens_cap():
    engine = _CapsMock(Capabilities(thinking_budget=False, thinking_adaptive=False, max_tokens=4096))
    engine.engine_name = "local"
    warnings: list[str] = []
    kind, enforcement, planned = plan_settings(SweepConfig(task="t"), engine, engine.capabilities(), warnings)
    assert (kind, enforcement) == ("budget", "max_tokens cap")
    # default budgets that do not fit the 4096-token output limit are left out, with a warning
    assert [p.setting.value for p in planned] == [0, 1024, 2048]
    assert [p.max_tokens for p in planned] == [2048, 3072, 4096]
    assert all(p.thinking.mode == "off" for p in planned)
    assert any("cannot think" in w for w in warnings) and any("left out" in w for w in warnings)
    with pytest.raises(UsageError, match="over .* limit of 4096"):
        plan_settings(SweepConfig(task="t", budgets=("4096",)), engine, engine.capabilities(), [])


def test_adaptive_only_models_sweep_efforts():
    caps = BUILTIN_CAPABILITIES["claude-opus-4-7"]
    engine = _CapsMock(caps)
    engine.engine_name = "anthropic"
    warnings: list[str] = []
    kind, enforcement, planned = plan_settings(SweepConfig(task="t"), engine, caps, warnings)
    assert (kind, enforcement) == ("effort", "adaptive effort")
    assert [p.setting.label for p in planned] == ["off", "low", "medium", "high", "xhigh", "max"]
    assert "only takes adaptive thinking" in warnings[0]
    with pytest.raises(UsageError, match="--efforts"):
        plan_settings(SweepConfig(task="t", budgets=("0", "2048")), engine, caps, [])
    budget_only = _CapsMock(BUILTIN_CAPABILITIES["claude-sonnet-4-5"])
    with pytest.raises(UsageError, match="no adaptive thinking"):
        plan_settings(SweepConfig(task="t", efforts=("low",)), budget_only, budget_only.capabilities(), [])


def test_dispatcher_reaches_both_commands(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(["budget-sweep", "--help"])
    assert exc.value.code == 0 and "--budgets" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli_main(["allocate", "--help"])
    assert "--time_sensitive" in capsys.readouterr().out


def test_the_cost_cap_stops_the_sweep_and_keeps_what_was_measured(tmp_path, paid_prices, capsys):
    task, model = write_task(tmp_path, n=8)
    code, results = sweep(tmp_path, "--task", task, "--model", model, "--budgets", "0", "1024", "--samples", "4",
                          "--prices", paid_prices, "--max_cost", "0.012")
    assert code == 3
    assert results["status"] == "stopped" and "--max_cost" in results["error"]
    assert results["policy"] is None and not (tmp_path / "out" / "sweep.policy.json").exists()
    # the classifier calls and the thinking-off answers fit under the cap; the 1024 answers did not
    assert {r["setting"] for r in results["records"]} == {"0"}
    assert results["ledger"]["total"]["billed_usd"] <= 0.012
    # every answer that was paid for is in the records, with its latency from the ledger
    assert len(results["records"]) == results["ledger"]["by_role"]["answer"]["calls"] > 0
    assert all(r["latency_s"] is not None and r["cached"] is False for r in results["records"])
    assert len(results["classifier"]["items"]) == 4


def test_a_rerun_is_served_from_the_cache_with_the_same_measurements(tmp_path, paid_prices):
    task, model = write_task(tmp_path, n=8)
    args = ["--task", task, "--model", model, "--budgets", "0", "2048", "--samples", "4", "--prices", paid_prices,
            "--cache_dir", str(tmp_path / "cache"), "--quiet"]
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert sweep_cli.main([*args, "--output", str(first)]) == 0
    assert sweep_cli.main([*args, "--output", str(second)]) == 0
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert not any(r["cached"] for r in a["records"]) and all(r["cached"] for r in b["records"])
    strip = lambda rows: [{k: v for k, v in r.items() if k != "cached"} for r in rows]  # noqa: E731
    assert strip(a["summary"]["test"]) == strip(b["summary"]["test"])
    assert b["ledger"]["total"]["billed_usd"] == 0 and a["ledger"]["total"]["billed_usd"] > 0
