"""The `openai` engine, through the real `openai` SDK, against llama-server's OpenAI-compatible endpoint."""

from __future__ import annotations

import httpx2
import pytest

from promptbudget.engines import EngineOptions, Thinking, create_engine
from promptbudget.errors import UsageError
from promptbudget.ledger import Ledger

pytestmark = pytest.mark.integration


def served_model(server) -> str:
    listing = httpx2.get(f"{server.base_url}/v1/models", timeout=30).json()
    return listing["data"][0]["id"]


def engine_for(server, model=None, ledger=None):
    spec = f"openai/{model or served_model(server)}"
    return create_engine(spec, EngineOptions(ledger=ledger or Ledger(), base_url=server.base_url))


def test_answers_are_billed_from_the_servers_usage_and_cost_nothing(llama_server):
    ledger = Ledger()
    engine = engine_for(llama_server, ledger=ledger)
    role = engine.for_role("answer", max_tokens=32)
    completions = [role.complete(f"What is {n} + {n}?", "Answer briefly.") for n in (1, 2, 3)]
    for completion in completions:
        assert completion.text.strip() and 0 < completion.usage.output_tokens <= 32
        assert completion.usage.input_tokens + completion.usage.cache_read_input_tokens > 5
    totals = ledger.totals()
    assert totals.calls == 3 and totals.output_tokens == sum(c.usage.output_tokens for c in completions)
    assert totals.billed_usd == 0.0 and totals.unpriced_calls == 0


def test_truncation_is_reported_as_max_tokens(llama_server):
    cut = engine_for(llama_server).for_role("answer", max_tokens=4).complete("Write a long poem about the sea.")
    assert cut.stop_reason == "max_tokens" and cut.usage.output_tokens == 4


def test_smollm2_has_no_thinking_control_so_a_budget_is_bad_input(llama_server):
    engine = engine_for(llama_server)
    assert engine.capabilities().source == "openai:none"  # SmolLM2's template has no enable_thinking
    with pytest.raises(UsageError, match="does not accept a manual thinking budget"):
        engine.for_role("answer", max_tokens=2048, thinking=Thinking.budget(1024))


def test_a_model_the_server_does_not_list_is_refused_before_any_call(llama_server):
    with pytest.raises(UsageError, match=r"does not serve model 'no-such-model'; it serves"):
        engine_for(llama_server, model="no-such-model").for_role("answer", max_tokens=8)
