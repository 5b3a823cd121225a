"""Smoke tests: the real ``anthropic`` SDK against a local llama-server.

These pin down what llama-server's Anthropic Messages API really returns, so
the Claude engine's integration tests can rely on it.
"""

from __future__ import annotations

import anthropic
import httpx
import pytest

from tests.support.llama_server import LlamaServer

pytestmark = pytest.mark.integration

MODEL = "claude-local-test"  # llama-server ignores the requested model name
LONG_PROMPT = "Write a long essay about the history of the Roman Empire."


@pytest.fixture(scope="module")
def client(llama_server: LlamaServer) -> anthropic.Anthropic:
    # llama-server may close a kept-alive connection just as the SDK reuses it
    # ("Server disconnected without sending a response"); the SDK's own retry of
    # connection errors covers that, as it does for real users.
    return anthropic.Anthropic(api_key="sk-local", base_url=llama_server.base_url, max_retries=2, timeout=60)


def _text(message) -> str:
    return "".join(b.text for b in message.content if b.type == "text")


def test_plain_create(client: anthropic.Anthropic) -> None:
    msg = client.messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "Say hello."}]
    )
    assert msg.type == "message"
    assert msg.role == "assistant"
    assert msg.content and all(b.type == "text" for b in msg.content)
    assert _text(msg).strip()
    assert msg.stop_reason in ("end_turn", "max_tokens")
    assert msg.usage.input_tokens > 0
    assert 0 < msg.usage.output_tokens <= 64
    # llama-server reports prompt-cache hits separately; never cache writes.
    assert msg.usage.cache_read_input_tokens is not None
    assert msg.usage.cache_creation_input_tokens is None
    # The response names the served GGUF, not the requested model.
    assert msg.model.endswith(".gguf")


def test_max_tokens_cut(client: anthropic.Anthropic) -> None:
    msg = client.messages.create(
        model=MODEL, max_tokens=5, messages=[{"role": "user", "content": LONG_PROMPT}]
    )
    assert msg.stop_reason == "max_tokens"
    assert msg.usage.output_tokens == 5
    assert _text(msg)


def test_usage_input_matches_count_tokens(client: anthropic.Anthropic) -> None:
    request = dict(
        model=MODEL,
        system="You are terse.",
        messages=[{"role": "user", "content": "Name three prime numbers."}],
    )
    counted = client.messages.count_tokens(**request).input_tokens
    first = client.messages.create(max_tokens=8, **request)
    second = client.messages.create(max_tokens=8, **request)
    for msg in (first, second):
        assert msg.usage.input_tokens + (msg.usage.cache_read_input_tokens or 0) == counted
    # The repeated prompt is served from the prompt cache: only the uncached
    # remainder (at least one token) is reported as input_tokens.
    assert second.usage.cache_read_input_tokens > 0
    assert second.usage.input_tokens >= 1


def test_streaming(client: anthropic.Anthropic) -> None:
    chunks: list[str] = []
    event_types: list[str] = []
    with client.messages.stream(
        model=MODEL, max_tokens=24, messages=[{"role": "user", "content": LONG_PROMPT}]
    ) as stream:
        for event in stream:
            event_types.append(event.type)
            if event.type == "text":
                chunks.append(event.text)
        final = stream.get_final_message()
    assert event_types[0] == "message_start"
    assert event_types[-1] == "message_stop"
    assert "message_delta" in event_types
    assert len(chunks) > 1  # really streamed, token by token
    assert "".join(chunks) == _text(final)
    assert final.stop_reason == "max_tokens"
    assert final.usage.output_tokens == 24
    assert final.usage.input_tokens > 0


def test_count_tokens(client: anthropic.Anthropic) -> None:
    messages = [{"role": "user", "content": "Is the sky blue?"}]
    short = client.messages.count_tokens(model=MODEL, system="Answer yes or no.", messages=messages)
    longer = client.messages.count_tokens(
        model=MODEL, system="Answer yes or no. Be polite and explain nothing else.", messages=messages
    )
    assert short.input_tokens > 0
    assert longer.input_tokens > short.input_tokens


def test_system_prompt(client: anthropic.Anthropic) -> None:
    for system in ("You are a pirate.", [{"type": "text", "text": "You are a pirate."}]):
        msg = client.messages.create(
            model=MODEL, max_tokens=16, system=system, messages=[{"role": "user", "content": "Who are you?"}]
        )
        assert _text(msg).strip()
        assert msg.usage.input_tokens > 0


def test_thinking_is_accepted_and_ignored(client: anthropic.Anthropic) -> None:
    msg = client.messages.create(
        model=MODEL,
        max_tokens=2048,
        thinking={"type": "enabled", "budget_tokens": 1024},
        messages=[{"role": "user", "content": "What is 2+2?"}],
    )
    # SmolLM2's template has no reasoning support: no thinking blocks.
    assert [b.type for b in msg.content] == ["text"]
    assert msg.stop_reason in ("end_turn", "max_tokens")
    assert msg.usage.output_tokens > 0


def test_stop_sequence(client: anthropic.Anthropic) -> None:
    msg = client.messages.create(
        model=MODEL,
        max_tokens=64,
        stop_sequences=["."],
        messages=[{"role": "user", "content": "Tell me about the sun."}],
    )
    # Unlike Anthropic ("stop_sequence"), llama-server reports end_turn.
    assert msg.stop_reason == "end_turn"
    assert msg.stop_sequence == "."
    assert "." not in _text(msg)


def test_context_overflow_is_400(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        client.messages.create(
            model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "word " * 3000}]
        )
    assert info.value.status_code == 400
    assert info.value.body["error"]["type"] == "exceed_context_size_error"


def test_models_endpoints(client: anthropic.Anthropic, llama_server: LlamaServer) -> None:
    page = client.models.list()
    ids = [m.id for m in page.data]
    assert len(ids) == 1 and ids[0].endswith(".gguf")
    raw = httpx.get(f"{llama_server.base_url}/v1/models", timeout=10).json()
    assert raw["object"] == "list" and raw["data"][0]["object"] == "model"
    # No per-model endpoint: models.retrieve() is a 404.
    with pytest.raises(anthropic.NotFoundError):
        client.models.retrieve(MODEL)
    with pytest.raises(anthropic.NotFoundError):
        client.models.retrieve(ids[0].rsplit("/", 1)[-1])


def test_api_key_enforced_when_configured(llama_server: LlamaServer, tmp_path) -> None:
    # A second, short-lived server (the shared one has no API key).
    with LlamaServer(
        binary=llama_server.binary,
        model=llama_server.model,
        extra_args=["--api-key", "sk-secret"],
        log_path=tmp_path / "auth.log",
    ) as server:
        good = anthropic.Anthropic(api_key="sk-secret", base_url=server.base_url, max_retries=2)
        msg = good.messages.create(model=MODEL, max_tokens=4, messages=[{"role": "user", "content": "Hi"}])
        assert msg.usage.output_tokens > 0
        bad = anthropic.Anthropic(api_key="sk-wrong", base_url=server.base_url, max_retries=2)
        with pytest.raises(anthropic.AuthenticationError):
            bad.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "Hi"}])
        # The x-api-key header (Anthropic's classic scheme) is accepted too.
        r = httpx.post(
            f"{server.base_url}/v1/messages/count_tokens",
            headers={"x-api-key": "sk-secret", "anthropic-version": "2023-06-01"},
            json={"model": MODEL, "messages": [{"role": "user", "content": "Hi"}]},
            timeout=30,
        )
        assert r.status_code == 200 and r.json()["input_tokens"] > 0
        assert httpx.get(f"{server.base_url}/health", timeout=10).status_code == 200  # public
