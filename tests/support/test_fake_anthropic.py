"""The fake server, exercised through the real anthropic SDK."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import anthropic
import httpx
import pytest

from tests.support.fake_anthropic import (
    FakeAnthropicServer,
    Faults,
    Reply,
    estimate_input_tokens,
)

MODEL = "claude-haiku-4-5"
MSGS = [{"role": "user", "content": "What is six times seven?"}]
THINK = {"type": "enabled", "budget_tokens": 1024}


def client_for(server: FakeAnthropicServer, max_retries: int = 0) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="test-key", base_url=server.base_url, max_retries=max_retries, timeout=10)


@pytest.fixture
def server():
    with FakeAnthropicServer() as s:
        yield s


def test_non_streaming_text_and_usage():
    reply = Reply(text="hello there", input_tokens=11, output_tokens=7,
                  cache_read_input_tokens=3, cache_creation_input_tokens=2)
    with FakeAnthropicServer(responder=lambda body: reply) as server:
        msg = client_for(server).messages.create(model=MODEL, max_tokens=64, messages=MSGS)
    assert msg.type == "message" and msg.role == "assistant" and msg.model == MODEL
    assert msg.id.startswith("msg_")
    assert [b.type for b in msg.content] == ["text"]
    assert msg.content[0].text == "hello there"
    assert msg.stop_reason == "end_turn" and msg.stop_sequence is None
    u = msg.usage
    assert (u.input_tokens, u.output_tokens) == (11, 7)
    assert (u.cache_read_input_tokens, u.cache_creation_input_tokens) == (3, 2)
    assert u.service_tier == "standard"
    assert u.output_tokens_details is None
    assert server.sent_usage == [u.model_dump(exclude_none=True)]

    (rec,) = server.requests
    assert rec["body"]["model"] == MODEL and rec["body"]["max_tokens"] == 64
    assert rec["had_api_key"] is True
    assert "authorization" not in rec["headers"] and "x-api-key" not in rec["headers"]
    assert "test-key" not in repr(server.requests)
    assert rec["fault"] is None and rec["retry_count"] == 0


def test_computed_usage_defaults(server):
    msg = client_for(server).messages.create(model=MODEL, max_tokens=64, messages=MSGS)
    assert msg.content[0].text == "Answer: 42"
    assert msg.usage.input_tokens == estimate_input_tokens({"messages": MSGS}) > 0
    assert msg.usage.output_tokens >= 1


def test_thinking_block_then_text(server):
    msg = client_for(server).messages.create(model=MODEL, max_tokens=2048, messages=MSGS, thinking=THINK)
    assert [b.type for b in msg.content] == ["thinking", "text"]
    th, text = msg.content
    assert th.thinking and th.signature
    assert text.text == "Answer: 42"
    details = msg.usage.output_tokens_details
    assert details is not None and details.thinking_tokens >= 1
    # output_tokens is the billed total and includes the thinking tokens
    assert msg.usage.output_tokens > details.thinking_tokens


def test_explicit_thinking_tokens_and_omitted_details():
    replies = iter([
        Reply(thinking="short summary", thinking_tokens=900, text="x"),
        Reply(thinking="short summary", thinking_tokens=900, output_tokens=950, omit_output_tokens_details=True),
    ])
    with FakeAnthropicServer(responder=lambda body: next(replies)) as server:
        c = client_for(server)
        a = c.messages.create(model=MODEL, max_tokens=2048, messages=MSGS, thinking=THINK)
        b = c.messages.create(model=MODEL, max_tokens=2048, messages=MSGS, thinking=THINK)
    assert a.usage.output_tokens_details.thinking_tokens == 900
    assert a.usage.output_tokens == 901  # "x" is one token, plus the thinking
    assert b.usage.output_tokens == 950 and b.usage.output_tokens_details is None


def test_streaming_matches_non_streaming():
    reply = Reply(thinking="Let me think step by step about six times seven. " * 3,
                  text="The answer is 42, as computed above.", thinking_tokens=500, output_tokens=520,
                  input_tokens=33, cache_read_input_tokens=5, stop_reason="max_tokens")
    with FakeAnthropicServer(responder=lambda body: reply) as server:
        c = client_for(server)
        plain = c.messages.create(model=MODEL, max_tokens=2048, messages=MSGS, thinking=THINK)
        with c.messages.stream(model=MODEL, max_tokens=2048, messages=MSGS, thinking=THINK) as stream:
            streamed = stream.get_final_message()
        events = [e.type for e in c.messages.create(model=MODEL, max_tokens=2048, messages=MSGS,
                                                    thinking=THINK, stream=True)]
        assert server.requests[1]["body"]["stream"] is True
        assert len(server.sent_usage) == 3
    # signatures are per message (opaque), everything else must match
    assert [b.model_dump(exclude={"signature"}) for b in streamed.content] == \
        [b.model_dump(exclude={"signature"}) for b in plain.content]
    assert streamed.content[0].signature
    assert streamed.usage.model_dump() == plain.usage.model_dump()
    assert streamed.stop_reason == plain.stop_reason == "max_tokens"
    assert streamed.usage.output_tokens_details.thinking_tokens == 500
    assert events[:3] == ["message_start", "content_block_start", "content_block_delta"]
    assert events[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert events.count("content_block_start") == 2 and events.count("content_block_stop") == 2


def test_count_tokens_matches_input_tokens(server):
    c = client_for(server)
    system = "You are terse."
    counted = c.messages.count_tokens(model=MODEL, messages=MSGS, system=system)
    msg = c.messages.create(model=MODEL, max_tokens=64, messages=MSGS, system=system)
    assert counted.input_tokens == msg.usage.input_tokens
    assert len(server.count_tokens_requests) == 1 and len(server.requests) == 1


def test_models_retrieve(server):
    c = client_for(server)
    info = c.models.retrieve("claude-sonnet-4-5")
    assert info.id == "claude-sonnet-4-5" and info.type == "model" and info.lifecycle == "active"
    assert info.max_tokens == 64000
    assert info.capabilities.thinking.types.enabled.supported is True
    newer = c.models.retrieve("claude-opus-4-7")
    assert newer.capabilities.thinking.types.enabled.supported is False
    assert newer.capabilities.thinking.types.adaptive.supported is True
    assert newer.capabilities.effort.xhigh.supported is True
    with pytest.raises(anthropic.NotFoundError):
        c.models.retrieve("claude-nonexistent")
    # a model whose capabilities reject manual budgets gets a 400 for one
    with pytest.raises(anthropic.BadRequestError):
        c.messages.create(model="claude-opus-4-7", max_tokens=2048, messages=MSGS, thinking=THINK)


def test_models_custom_table_and_disabled():
    models = {"my-model": {"display_name": "Mine", "max_tokens": 8192,
                           "capabilities": {"thinking": {"types": {"adaptive": {"supported": True}}}}}}
    with FakeAnthropicServer(models=models) as server:
        info = client_for(server).models.retrieve("my-model")
    assert (info.display_name, info.max_tokens) == ("Mine", 8192)
    assert info.capabilities.thinking.types.adaptive.supported is True
    assert info.capabilities.thinking.types.enabled.supported is True  # deep-merged default

    with FakeAnthropicServer(serve_models_api=False) as server:
        c = client_for(server)
        with pytest.raises(anthropic.NotFoundError) as ei:
            c.models.retrieve("claude-sonnet-4-5")
        assert ei.value.type == "not_found_error"
        assert c.messages.create(model=MODEL, max_tokens=64, messages=MSGS).content[0].text == "Answer: 42"


def test_bad_requests(server):
    c = client_for(server, max_retries=2)
    with pytest.raises(anthropic.BadRequestError) as ei:
        c.messages.create(model=MODEL, max_tokens=2048, messages=MSGS,
                          thinking={"type": "enabled", "budget_tokens": 512})
    assert ei.value.status_code == 400 and ei.value.type == "invalid_request_error"
    assert "budget_tokens" in ei.value.api_message and "1024" in ei.value.api_message
    assert len(server.requests) == 1  # 400 is not retried

    with pytest.raises(anthropic.BadRequestError, match="max_tokens"):
        c.messages.create(model=MODEL, max_tokens=1024, messages=MSGS, thinking=THINK)
    with pytest.raises(anthropic.BadRequestError, match="temperature"):
        c.messages.create(model=MODEL, max_tokens=2048, messages=MSGS, thinking=THINK,
                          extra_body={"temperature": 0})
    # temperature without thinking is fine
    c.messages.create(model=MODEL, max_tokens=64, messages=MSGS, extra_body={"temperature": 0})

    for missing in ("model", "max_tokens", "messages"):
        body = {"model": MODEL, "max_tokens": 64, "messages": MSGS}
        del body[missing]
        r = httpx.post(server.base_url + "/v1/messages", json=body)
        assert r.status_code == 400
        assert r.json()["type"] == "error"
        assert r.json()["error"] == {"type": "invalid_request_error", "message": f"{missing}: Field required"}
    assert server.sent_usage and all(r["had_api_key"] is False for r in server.requests[-3:])


def test_rate_limit_fault_no_retry():
    with FakeAnthropicServer(faults=Faults(rate=1.0, kinds=("429",), retry_after_s=7)) as server:
        with pytest.raises(anthropic.RateLimitError) as ei:
            client_for(server, max_retries=0).messages.create(model=MODEL, max_tokens=64, messages=MSGS)
        assert ei.value.response.headers["retry-after"] == "7"
        assert ei.value.type == "rate_limit_error"
        assert server.fault_counts == {"429": 1}
        assert server.sent_usage == [] and server.requests[0]["fault"] == "429"


def test_overloaded_and_server_error_classes():
    with FakeAnthropicServer(faults=Faults(script=("529", "500"))) as server:
        c = client_for(server, max_retries=0)
        with pytest.raises(anthropic.OverloadedError) as ei:
            c.messages.create(model=MODEL, max_tokens=64, messages=MSGS)
        assert isinstance(ei.value, anthropic.InternalServerError)
        assert ei.value.status_code == 529 and ei.value.type == "overloaded_error"
        assert "retry-after" in ei.value.response.headers
        with pytest.raises(anthropic.InternalServerError) as ei:
            c.messages.create(model=MODEL, max_tokens=64, messages=MSGS)
        assert ei.value.status_code == 500 and ei.value.type == "api_error"
        assert c.messages.create(model=MODEL, max_tokens=64, messages=MSGS).content[0].text == "Answer: 42"


def test_drop_raises_connection_error():
    with FakeAnthropicServer(faults=Faults(rate=1.0, kinds=("drop",))) as server:
        with pytest.raises(anthropic.APIConnectionError):
            client_for(server, max_retries=0).messages.create(model=MODEL, max_tokens=64, messages=MSGS)
        with pytest.raises(anthropic.APIConnectionError):
            with client_for(server).messages.stream(model=MODEL, max_tokens=64, messages=MSGS) as s:
                s.get_final_message()
        assert server.fault_counts["drop"] == 2 and server.sent_usage == []


def test_sdk_retries_a_dropped_connection():
    # No response means no retry-after: the SDK sleeps its own backoff (~0.4-0.5 s) once.
    with FakeAnthropicServer(faults=Faults(script=("drop",))) as server:
        msg = client_for(server, max_retries=1).messages.create(model=MODEL, max_tokens=64, messages=MSGS)
        assert msg.content[0].text == "Answer: 42"
        assert [r["fault"] for r in server.requests] == ["drop", None]
        assert [r["retry_count"] for r in server.requests] == [0, 1]
        assert len(server.sent_usage) == 1


def _fault_sequence(seed: int) -> list:
    with FakeAnthropicServer(faults=Faults(rate=0.5, kinds=("429", "500"), seed=seed)) as server:
        c = client_for(server, max_retries=0)
        for _ in range(12):
            try:
                c.messages.create(model=MODEL, max_tokens=64, messages=MSGS)
            except anthropic.APIStatusError:
                pass
        return [r["fault"] for r in server.requests]


def test_faults_are_reproducible():
    a, b = _fault_sequence(3), _fault_sequence(3)
    assert a == b and any(a) and not all(a)
    assert _fault_sequence(4) != a


def test_sent_usage_equals_usage_received_under_faults():
    faults = Faults(rate=0.3, kinds=("429", "529", "slow"), retry_after_s=0.001, slow_s=0.01, seed=1)
    counter = iter(range(1000))
    lock = threading.Lock()

    def responder(body):
        with lock:
            i = next(counter)
        return Reply(text="a" * (4 * (i + 1)), thinking="hmm" if i % 2 else None,
                     cache_read_input_tokens=i, cache_creation_input_tokens=1)

    with FakeAnthropicServer(faults=faults, responder=responder) as server:
        c = client_for(server, max_retries=10)
        received = [c.messages.create(model=MODEL, max_tokens=2048, messages=MSGS,
                                      thinking=THINK if i % 3 == 0 else {"type": "disabled"}).usage
                    for i in range(20)]
        total = server.total_sent_usage()
        counts = server.fault_counts
        n_requests = len(server.requests)
    retried = counts["429"] + counts["529"]
    assert retried > 0 and n_requests == 20 + retried
    assert total["calls"] == 20
    for key in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
        assert total[key] == sum(getattr(u, key) for u in received), key
    assert total["thinking_tokens"] == sum(
        u.output_tokens_details.thinking_tokens for u in received if u.output_tokens_details)


def test_latency_runs_requests_concurrently():
    with FakeAnthropicServer(latency_s=0.2) as server:
        c = client_for(server)
        t0 = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: c.messages.create(model=MODEL, max_tokens=64, messages=MSGS), range(16)))
        elapsed = time.monotonic() - t0
        assert len(server.sent_usage) == 16
    assert 0.4 <= elapsed < 1.2  # two waves of 8, not 16 sequential calls (3.2 s)


def test_stop_releases_port():
    server = FakeAnthropicServer().start()
    url = server.base_url
    client_for(server).messages.create(model=MODEL, max_tokens=64, messages=MSGS)
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.post(url + "/v1/messages", json={}, timeout=2)
