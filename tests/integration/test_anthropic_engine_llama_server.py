"""The project's `anthropic` engine, unchanged, against llama.cpp's real Messages-API server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from promptbudget.engines import Thinking
from promptbudget.engines.anthropic_engine import AnthropicEngine, RetryPolicy
from promptbudget.errors import EngineError
from promptbudget.ledger import Ledger
from tests.support.llama_server import LlamaServer, find_smollm2_gguf

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
FAST_RETRY = RetryPolicy(max_retries=3, base_delay_s=0.05, max_delay_s=0.2)


def engine_for(server, *, ledger=None, **kwargs):
    return AnthropicEngine("smollm2", api_key="sk-local", base_url=server.base_url, ledger=ledger or Ledger(),
                           retry=FAST_RETRY, **kwargs)


def test_plain_answers_usage_stop_reason_and_truncation(llama_server):
    engine = engine_for(llama_server)
    completion = engine.for_role("answer", max_tokens=64).complete("What is the capital of France?",
                                                                    "Answer in one short sentence.")
    assert completion.text.strip() and completion.stop_reason in ("end_turn", "max_tokens")
    assert completion.usage.input_tokens + completion.usage.cache_read_input_tokens > 5
    assert 0 < completion.usage.output_tokens <= 64
    cut = engine.for_role("answer", max_tokens=4).complete("Write a long poem about the sea.")
    assert cut.stop_reason == "max_tokens" and cut.usage.output_tokens == 4


def test_capability_discovery_falls_back_without_a_models_api(llama_server):
    caps = engine_for(llama_server).capabilities()
    assert caps.source == "generic" and caps.thinking_budget and not caps.thinking_adaptive


def test_thinking_budget_is_passed_through_and_accepted(llama_server):
    engine = engine_for(llama_server)
    completion = engine.for_role("answer", max_tokens=2048, thinking=Thinking.budget(1024)).complete("Say hi.")
    assert completion.usage.output_tokens > 0 and completion.text


def test_streaming_gives_the_same_answer(llama_server):
    plain = engine_for(llama_server).for_role("answer", max_tokens=40).complete("Name three colors.")
    streamed = engine_for(llama_server, stream_above_max_tokens=10).for_role("answer", max_tokens=40).complete(
        "Name three colors.")
    assert streamed.text == plain.text
    assert streamed.usage.output_tokens == plain.usage.output_tokens


def test_count_tokens_matches_the_billed_input(llama_server):
    engine = engine_for(llama_server)
    role = engine.for_role("answer", max_tokens=8)
    request = role.request("How many tokens is this question?", "Be brief.")
    counted = engine.count_input_tokens(request)
    billed = engine.complete(request).usage
    assert counted == billed.input_tokens + billed.cache_read_input_tokens


def test_ledger_totals_equal_the_usage_the_server_reported(llama_server):
    ledger = Ledger()
    role = engine_for(llama_server, ledger=ledger).for_role("answer", max_tokens=16)
    completions = [role.complete(f"Count to {n}.") for n in range(1, 6)]
    totals = ledger.totals()
    assert totals.calls == 5
    assert totals.output_tokens == sum(c.usage.output_tokens for c in completions)
    assert totals.input_tokens == sum(c.usage.input_tokens for c in completions)
    assert totals.cache_read_input_tokens == sum(c.usage.cache_read_input_tokens for c in completions)


KEY = "sk-ant-leakcheck-5f1d0c"


def _cli_env(tmp_path):
    return {**os.environ, "ANTHROPIC_API_KEY": KEY, "PROMPTBUDGET_CACHE_DIR": str(tmp_path / "cache"),
            "PYTHONPATH": str(REPO)}


def _files_holding_the_key(root):
    return [str(p) for p in root.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()]


def test_balanced_prompt_optimization_end_to_end_through_the_anthropic_engine(llama_server, tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "balanced_prompt_optimization.py"), "--task", "BBH_boolean_expressions",
         "--model", "anthropic/smollm2", "--base_url", llama_server.base_url, "--max_epochs", "1",
         "--steps_per_epoch", "1", "--batch_size", "1", "--eval_samples", "2", "--test_samples", "2",
         "--no_thinking_enabled", "--max_tokens", "32", "--optimizer_max_tokens", "48", "--output_dir", str(tmp_path / "results"), "--quiet", "--yes"],
        cwd=tmp_path, env=_cli_env(tmp_path), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    (summary_path,) = (tmp_path / "results").glob("*/summary.json")
    summary = json.loads(summary_path.read_text())
    assert summary["status"] == "completed"
    assert summary["engines"]["answer"] == "anthropic/smollm2"
    assert summary["ledger"]["by_model"]["anthropic/smollm2"]["engine_calls"] > 0
    assert {"answer", "feedback", "optimizer"} <= set(summary["ledger"]["by_role"])
    report = subprocess.run(
        [sys.executable, str(REPO / "analyze_results.py"), "--results_dir", str(tmp_path / "results"),
         "--output", str(tmp_path / "report.html"), "--plots_dir", str(tmp_path / "plots")],
        cwd=tmp_path, env=_cli_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "cache").is_dir() and (tmp_path / "report.html").is_file()
    # Results, call records, the TextGrad log, the request cache, the report and plots: no key anywhere.
    assert _files_holding_the_key(tmp_path) == []
    assert KEY not in result.stdout + result.stderr + report.stdout + report.stderr


def test_budget_sweep_end_to_end_through_the_anthropic_engine(llama_server, tmp_path):
    out = tmp_path / "sweep.json"
    result = subprocess.run(
        [sys.executable, "-m", "promptbudget", "budget-sweep", "--task", "BBH_boolean_expressions",
         "--model", "anthropic/smollm2", "--base_url", llama_server.base_url, "--budgets", "0", "1024",
         "--samples", "2", "--answer_tokens", "64", "--output", str(out), "--quiet"],
        cwd=tmp_path, env=_cli_env(tmp_path), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["schema"].startswith("promptbudget.budget_sweep/")
    assert _files_holding_the_key(tmp_path) == []


def test_killing_the_server_gives_a_connection_error_after_retries(tmp_path, llama_server_binary_path):
    server = LlamaServer(binary=llama_server_binary_path, model=find_smollm2_gguf(), log_path=tmp_path / "log.txt").start()
    try:
        ledger = Ledger()
        engine = engine_for(server, ledger=ledger)
        role = engine.for_role("answer", max_tokens=8)
        assert role.complete("Hello").text is not None
    finally:
        server.stop()
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"APIConnectionError after 3 retries"):
        role.complete("Are you still there?")
    assert time.monotonic() - started < 30
    assert ledger.totals().calls == 1, "a failed call is not recorded and nothing else answered"
