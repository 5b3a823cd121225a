"""The OpenAI-compatible engine through the real `openai` SDK, on a mock HTTP transport."""

from __future__ import annotations

import json

import httpx2
import pytest

from promptbudget.engines import EngineOptions, Thinking, create_engine
from promptbudget.engines.anthropic_engine import RetryPolicy
from promptbudget.engines.openai_engine import OpenAIEngine, is_local_url, normalize_base_url
from promptbudget.errors import EngineError, UsageError
from promptbudget.ledger import Ledger
from promptbudget.pricing import Price, PriceTable

QWEN_TEMPLATE = "{%- if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>{% endif %}"


class FakeServer:
    """Answers /v1/models, /props and /v1/chat/completions; records every chat request."""

    def __init__(self, models=("qwen3-4b",), template="", status=200, usage=None, faults=()):
        self.models, self.template, self.status = list(models), template, status
        self.usage = usage or {"prompt_tokens": 30, "completion_tokens": 80,
                               "completion_tokens_details": {"reasoning_tokens": 50},
                               "prompt_tokens_details": {"cached_tokens": 10}}
        self.faults = list(faults)
        self.chats: list[dict] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if path == "/v1/models":
            return httpx2.Response(200, json={"object": "list", "data": [{"id": m, "object": "model"} for m in self.models]})
        if path == "/props":
            return httpx2.Response(200, json={"chat_template": self.template})
        body = json.loads(request.content)
        self.chats.append(body)
        if self.faults:
            return httpx2.Response(self.faults.pop(0), json={"error": {"message": "busy"}})
        if body["model"] not in self.models:
            return httpx2.Response(404, json={"error": {"message": f"model {body['model']} not found"}})
        return httpx2.Response(200, json={
            "id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "length" if body["max_tokens"] < 10 else "stop",
                         "message": {"role": "assistant", "content": "Answer: 4", "reasoning_content": "2+2"}}],
            "usage": {**self.usage, "total_tokens": 0}})


def make(server: FakeServer, model="qwen3-4b", *, control=None, ledger=None, prices=None, base="http://127.0.0.1:8000"):
    return OpenAIEngine(model, base_url=base, api_key="sk-local", thinking_control=control, ledger=ledger or Ledger(),
                        prices=prices, retry=RetryPolicy(max_retries=3, base_delay_s=0.0, max_delay_s=0.0),
                        http_client=httpx2.Client(transport=httpx2.MockTransport(server)))


def test_billed_tokens_come_from_usage_with_reasoning_tokens():
    server = FakeServer()
    ledger = Ledger()
    completion = make(server, ledger=ledger).for_role("answer", max_tokens=100).complete("2+2?", "Be brief.")
    assert completion.text == "Answer: 4" and completion.thinking_text == "2+2"
    usage = completion.usage
    assert (usage.input_tokens, usage.cache_read_input_tokens, usage.output_tokens, usage.thinking_tokens) == (20, 10, 80, 50)
    assert completion.stop_reason == "end_turn"
    assert server.chats[0]["messages"] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}]
    assert server.chats[0]["temperature"] == 0.0 and server.chats[0]["max_tokens"] == 100
    assert ledger.records()[0].cost_usd == 0.0  # a local base_url is free by default


def test_a_qwen3_template_is_discovered_and_thinking_maps_to_enable_thinking():
    server = FakeServer(template=QWEN_TEMPLATE)
    engine = make(server)
    assert engine.capabilities().source == "openai:enable_thinking"
    engine.for_role("answer", max_tokens=2048, thinking=Thinking.budget(1024)).complete("q")
    engine.for_role("answer", max_tokens=2048).complete("q")
    assert [c["chat_template_kwargs"] for c in server.chats] == [{"enable_thinking": True}, {"enable_thinking": False}]
    assert server.chats[0]["max_tokens"] == 2048


def test_a_declared_reasoning_effort_server_gets_the_effort_and_refuses_a_budget():
    server = FakeServer()
    engine = make(server, control="reasoning_effort")
    engine.for_role("answer", max_tokens=4000, thinking=Thinking.adaptive("low")).complete("q")
    assert server.chats[0]["reasoning_effort"] == "low"
    with pytest.raises(UsageError, match="does not accept a manual thinking budget; use --effort"):
        engine.for_role("answer", max_tokens=4000, thinking=Thinking.budget(2048))
    with pytest.raises(UsageError, match="does not offer effort 'max'"):
        engine.for_role("answer", max_tokens=4000, thinking=Thinking.adaptive("max"))


def test_without_a_known_thinking_control_a_thinking_setting_is_bad_input():
    engine = make(FakeServer())
    assert engine.capabilities().source == "openai:none"
    with pytest.raises(UsageError, match="use --no_thinking_enabled"):
        engine.for_role("answer", max_tokens=4000, thinking=Thinking.budget(2048))


def test_a_model_the_server_does_not_serve_is_refused_at_plan_time():
    server = FakeServer(models=("llama-3-8b",))
    with pytest.raises(UsageError, match=r"does not serve model 'qwen3-4b'; it serves llama-3-8b \(use --model openai/llama-3-8b\)"):
        make(server).for_role("answer", max_tokens=100)
    assert server.chats == []


def test_transient_errors_are_retried_and_a_400_is_not():
    server = FakeServer(faults=[503, 429])
    completion = make(server).for_role("answer", max_tokens=100).complete("q")
    assert completion.retries == 2 and len(server.chats) == 3
    bad = FakeServer(faults=[400])
    with pytest.raises(EngineError, match="rejected the request \\(400\\)"):
        make(bad).for_role("answer", max_tokens=100).complete("q")
    assert len(bad.chats) == 1


def test_prices_remote_servers_are_unknown_unless_given(monkeypatch):
    remote = make(FakeServer(), base="https://api.example.com/v1")
    assert remote.price() is None
    priced = PriceTable({"openai/qwen3-4b": Price(0.2, 0.6)}, "2026-12-01", "test")
    assert make(FakeServer(), base="https://api.example.com/v1", prices=priced).price() == Price(0.2, 0.6)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(UsageError, match="not a local server: set OPENAI_API_KEY"):
        create_engine("openai/qwen3-4b", EngineOptions(base_url="https://api.example.com/v1"))
    with pytest.raises(UsageError, match="needs the server's address: pass --base_url"):
        create_engine("openai/qwen3-4b", EngineOptions())
    monkeypatch.setenv("PROMPTBUDGET_OPENAI_THINKING", "budget")
    with pytest.raises(UsageError, match="PROMPTBUDGET_OPENAI_THINKING='budget' is not a thinking control"):
        create_engine("openai/qwen3-4b", EngineOptions(base_url="http://127.0.0.1:9"))


@pytest.mark.parametrize("url, local", [("http://127.0.0.1:8000/v1", True), ("http://localhost:11434", True),
                                        ("http://10.0.0.5:8000/v1", True), ("https://api.openai.com/v1", False),
                                        ("http://gpu-box.local:8000", True)])
def test_local_urls(url, local):
    assert is_local_url(url) is local


def test_base_urls_get_the_v1_path_when_bare():
    assert normalize_base_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1"
    assert normalize_base_url("http://127.0.0.1:8080/v1/") == "http://127.0.0.1:8080/v1"
