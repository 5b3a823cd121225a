"""The Claude engine through the real `anthropic` SDK against a loopback fake server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from promptbudget.cache import RequestCache
from promptbudget.engines import EngineOptions, Thinking, create_engine
from promptbudget.engines.anthropic_engine import AnthropicEngine, RetryPolicy
from promptbudget.errors import EngineError, UsageError
from promptbudget.ledger import Ledger, call_scope
from tests.support.fake_anthropic import FakeAnthropicServer, Faults, Reply

NO_WAIT = RetryPolicy(max_retries=20, base_delay_s=0.0, max_delay_s=0.0)
MODEL = "claude-sonnet-4-5-20250929"


def make_engine(server, model=MODEL, *, ledger=None, cache=None, retry=NO_WAIT):
    return AnthropicEngine(model, api_key="sk-test-secret", base_url=server.base_url, retry=retry,
                           ledger=ledger or Ledger(), cache=cache)


def test_answer_is_the_concatenation_of_text_blocks_after_thinking():
    reply = Reply(text="Answer: 7", thinking="let me think", input_tokens=11, output_tokens=40, thinking_tokens=30)
    with FakeAnthropicServer(responder=lambda body: reply) as server:
        engine = make_engine(server)
        completion = engine.for_role("answer", max_tokens=4096, thinking=Thinking.budget(2048)).complete("q?", "sys")
        sent = server.requests[0]["body"]
    assert completion.text == "Answer: 7"
    assert completion.thinking_text == "let me think"
    assert (completion.usage.input_tokens, completion.usage.output_tokens, completion.usage.thinking_tokens) == (11, 40, 30)
    assert completion.stop_reason == "end_turn"
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert sent["system"] == "sys"
    assert "temperature" not in sent and "top_p" not in sent


def test_adaptive_thinking_sends_effort_and_off_sends_disabled():
    with FakeAnthropicServer() as server:
        engine = make_engine(server, "claude-sonnet-4-6")
        engine.for_role("answer", max_tokens=8000, thinking=Thinking.adaptive("low")).complete("q")
        engine.for_role("answer", max_tokens=100).complete("q2")
        bodies = [r["body"] for r in server.requests]
    assert bodies[0]["thinking"] == {"type": "adaptive"} and bodies[0]["output_config"] == {"effort": "low"}
    assert bodies[1]["thinking"] == {"type": "disabled"}


def test_max_tokens_truncation_is_reported():
    with FakeAnthropicServer(responder=lambda body: Reply(text="partial", stop_reason="max_tokens")) as server:
        completion = make_engine(server).for_role("answer", max_tokens=5).complete("q")
    assert completion.truncated


def test_large_max_tokens_streams():
    with FakeAnthropicServer(responder=lambda body: Reply(text="streamed", output_tokens=9)) as server:
        engine = make_engine(server)
        completion = engine.for_role("answer", max_tokens=30000, thinking=Thinking.budget(20000)).complete("q")
        body = server.requests[0]["body"]
    assert body.get("stream") is True
    assert completion.text == "streamed" and completion.usage.output_tokens == 9


def test_bad_request_fails_at_once_with_the_api_message():
    with FakeAnthropicServer() as server:
        engine = make_engine(server)
        request = engine.for_role("answer", max_tokens=4096, thinking=Thinking.budget(2048)).request("q")
        bad = type(request)(prompt="q", max_tokens=1000, thinking=Thinking.budget(2000))  # skips validation
        with pytest.raises(EngineError, match=r"400.*budget_tokens"):
            engine.complete(bad)
        assert len(server.requests) == 1, "a 400 must not be retried"


@pytest.mark.parametrize("kind", ["429", "529", "500", "drop"])
def test_transient_faults_are_retried_and_counted(kind):
    with FakeAnthropicServer(faults=Faults(script=(kind, kind, None), retry_after_s=0.0)) as server:
        ledger = Ledger()
        completion = make_engine(server, ledger=ledger).for_role("answer", max_tokens=100).complete("q")
    assert completion.retries == 2
    assert ledger.records()[0].retries == 2
    assert ledger.totals().calls == 1


def test_retry_after_header_is_honoured():
    policy = RetryPolicy()
    assert policy.delay(0, 3.5) == 3.5
    assert policy.delay(5, None) <= policy.max_delay_s


def test_gives_up_after_max_retries_without_hanging():
    with FakeAnthropicServer(faults=Faults(rate=1.0, kinds=("529",))) as server:
        engine = make_engine(server, retry=RetryPolicy(max_retries=3, base_delay_s=0, max_delay_s=0))
        with pytest.raises(EngineError, match="OverloadedError after 3 retries"):
            engine.for_role("answer", max_tokens=100).complete("q")
        assert len(server.requests) == 4


def test_fault_storm_200_calls_at_concurrency_8_accounts_exactly():
    """20% of replies are 429/529/500 or dropped connections; every call completes and the
    ledger equals what the server sent, with no call counted twice."""
    faults = Faults(rate=0.2, kinds=("429", "529", "500", "drop"), retry_after_s=0.0, seed=7)
    with FakeAnthropicServer(faults=faults, responder=lambda body: Reply(
            text="Answer: 1", thinking="t", thinking_tokens=len(body["messages"][0]["content"]))) as server:
        ledger = Ledger()
        engine = make_engine(server, ledger=ledger)
        role = engine.for_role("answer", max_tokens=4096, thinking=Thinking.budget(1024))

        def call(i):
            with call_scope(sample_id=f"item-{i}"):
                return role.complete(f"question number {i} " + "x" * (i % 17))

        with ThreadPoolExecutor(8) as pool:
            completions = list(pool.map(call, range(200)))
        sent = server.total_sent_usage()
        faulted = sum(server.fault_counts.values())
    totals = ledger.totals()
    assert len(completions) == 200 and totals.calls == 200
    assert faulted > 0 and totals.retries == faulted
    assert sent["calls"] == 200
    assert totals.input_tokens == sent["input_tokens"]
    assert totals.output_tokens == sent["output_tokens"]
    assert totals.thinking_tokens == sent["thinking_tokens"]
    by_sample = {r.scope["sample_id"]: r for r in ledger.records()}
    assert len(by_sample) == 200
    for i, completion in enumerate(completions):
        assert by_sample[f"item-{i}"].usage == completion.usage


def test_missing_api_key_names_the_variable(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(UsageError, match="ANTHROPIC_API_KEY"):
        create_engine(MODEL, EngineOptions(ledger=Ledger()))


@pytest.mark.parametrize("thinking,max_tokens,message", [
    (Thinking.budget(512), 4096, "below the minimum of 1024"),
    (Thinking.budget(4096), 4096, "must be less than max_tokens"),
    (Thinking.adaptive("high"), 8000, "does not support adaptive thinking"),
])
def test_invalid_thinking_fails_before_any_call(thinking, max_tokens, message):
    with FakeAnthropicServer() as server:
        engine = make_engine(server)
        with pytest.raises(UsageError, match=message):
            engine.for_role("answer", max_tokens=max_tokens, thinking=thinking)
        assert server.requests == []


def test_capabilities_come_from_the_models_api_and_fall_back_to_the_builtin_table():
    with FakeAnthropicServer() as server:
        caps = make_engine(server, "claude-sonnet-5").capabilities()
    assert caps.source == "models_api" and not caps.thinking_budget and caps.thinking_adaptive
    with FakeAnthropicServer(serve_models_api=False) as server:
        engine = make_engine(server, "claude-opus-4-7")
        caps = engine.capabilities()
        with pytest.raises(UsageError, match="does not accept a manual thinking budget"):
            engine.for_role("answer", max_tokens=8000, thinking=Thinking.budget(2048))
        generic = make_engine(server, "some-local-model").capabilities()
    assert caps.source == "builtin" and not caps.thinking_budget
    assert generic.source == "generic"


def test_capabilities_are_cached_on_disk(tmp_path):
    with FakeAnthropicServer() as server:
        base_url = server.base_url
        first = AnthropicEngine(MODEL, api_key="k", base_url=base_url, capabilities_dir=tmp_path)
        first.capabilities()
    # The server is gone: only the on-disk copy can say the capabilities came from the Models API.
    second = AnthropicEngine(MODEL, api_key="k", base_url=base_url, capabilities_dir=tmp_path)
    assert second.capabilities().source == "models_api"


def test_cache_hit_returns_original_usage_marked_cached_and_holds_no_key(tmp_path):
    cache = RequestCache(tmp_path / "cache")
    prices_model = "claude-sonnet-4-5-20250929"
    with FakeAnthropicServer(responder=lambda body: Reply(text="Answer: 3", input_tokens=100, output_tokens=50)) as server:
        ledger = Ledger()
        engine = make_engine(server, prices_model, ledger=ledger, cache=cache)
        role = engine.for_role("answer", max_tokens=100)
        first = role.complete("q")
        second = role.complete("q")
        third = engine.complete(role.request("q", sample_index=1))
        assert len(server.requests) == 2
    assert not first.cached and second.cached and not third.cached
    assert second.usage == first.usage
    records = ledger.records()
    assert records[1].cost_usd == pytest.approx(records[0].cost_usd) and records[1].billed_usd == 0
    assert records[0].cost_usd == pytest.approx((100 * 3 + 50 * 15) / 1e6)
    stored = "".join(p.read_text() for p in (tmp_path / "cache").rglob("*.json"))
    assert "sk-test-secret" not in stored and "Answer: 3" in stored


def test_count_tokens_for_dry_runs():
    with FakeAnthropicServer() as server:
        engine = make_engine(server)
        request = engine.for_role("answer", max_tokens=100).request("how many tokens is this?", "sys")
        counted = engine.count_input_tokens(request)
        assert server.count_tokens_requests and counted > 0


# --- lifecycle and prices (issue 17) ---------------------------------------------------------

def test_a_model_the_models_api_calls_retired_is_refused_before_any_call():
    models = {"claude-haiku-4-5": {"lifecycle": "retired", "retires_at": "2026-10-01T00:00:00Z"}}
    with FakeAnthropicServer(models=models) as server:
        engine = make_engine(server, "claude-haiku-4-5")
        with pytest.raises(UsageError, match=r"retired \(end of life 2026-10-01, per the Models API\).*--model claude-haiku-"):
            engine.for_role("answer", max_tokens=100)
        assert server.requests == []


def test_a_deprecated_model_warns_once_with_its_end_of_life_and_a_replacement():
    from promptbudget.engines.anthropic_engine import ModelLifecycleWarning

    with FakeAnthropicServer() as server:
        engine = make_engine(server, "claude-opus-4-5")
        with pytest.warns(ModelLifecycleWarning, match=r"deprecated and reaches end of life on 2027-01-22.*--model claude-opus-4-7"):
            engine.for_role("answer", max_tokens=100)
        engine.for_role("answer", max_tokens=200)  # discovered once: no second warning path to take


def test_the_models_api_lifecycle_wins_over_an_sdk_date():
    # The SDK's end-of-life date for sonnet 4.5 has passed, but this server's Models API says deprecated.
    with FakeAnthropicServer(models={MODEL: {"lifecycle": "deprecated"}}) as server:
        with pytest.warns(UserWarning, match="deprecated"):
            caps = make_engine(server).capabilities()
    assert caps.lifecycle == "deprecated"


def test_an_unpriced_model_reports_its_cost_as_unknown():
    with FakeAnthropicServer(models={"claude-opus-4-8": {"max_tokens": 128000}}) as server:
        ledger = Ledger()
        engine = make_engine(server, "claude-opus-4-8", ledger=ledger)
        assert engine.price() is None
        engine.for_role("answer", max_tokens=100).complete("q")
    record = ledger.records()[0]
    assert record.cost_usd is None and ledger.totals().unpriced_calls == 1


def test_a_4_6_model_defaults_to_adaptive_thinking_from_the_models_api_too():
    with FakeAnthropicServer() as server:
        caps = make_engine(server, "claude-opus-4-6").capabilities()
    assert caps.source == "models_api" and caps.thinking_budget and caps.budget_deprecated
    assert caps.default_thinking().mode == "adaptive"


def test_the_sdk_takes_an_httpx2_mock_transport():
    """anthropic 2.14 and 2.15 both build on httpx2: a MockTransport stands in for the network."""
    import anthropic
    import httpx2

    seen = []

    def handler(request):
        seen.append((request.method, request.url.path))
        if request.url.path.startswith("/v1/models/"):
            return httpx2.Response(404, json={"type": "error", "error": {"type": "not_found_error", "message": "no"}})
        return httpx2.Response(200, json={
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-4-7",
            "content": [{"type": "text", "text": "Answer: 3"}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 9, "output_tokens": 4}})

    client = anthropic.Anthropic(api_key="sk-test", base_url="http://mock.invalid", max_retries=0,
                                 http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    ledger = Ledger()
    engine = AnthropicEngine("claude-opus-4-7", client=client, retry=NO_WAIT, ledger=ledger)
    completion = engine.for_role("answer", max_tokens=100).complete("q")
    assert completion.text == "Answer: 3" and (completion.usage.input_tokens, completion.usage.output_tokens) == (9, 4)
    assert ("POST", "/v1/messages") in seen and ledger.totals().output_tokens == 4
