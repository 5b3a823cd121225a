"""A fake Anthropic server with the Batches API and a real AnthropicEngine pointed at it."""

from __future__ import annotations

import pytest

from promptbudget.batches.api import PollPolicy
from promptbudget.batches.rate import load_batch_rate
from promptbudget.batches.session import BatchSession, Job
from promptbudget.batches.state import BatchStateStore
from promptbudget.cache import RequestCache
from promptbudget.engines.anthropic_engine import AnthropicEngine, RetryPolicy
from promptbudget.engines.types import Request
from promptbudget.ledger import Ledger
from promptbudget.pricing import load_prices
from tests.support.fake_anthropic import FakeAnthropicServer, Reply
from tests.support.fake_batches import BatchSettings

MODEL = "claude-haiku-4-5"
FAST_POLL = PollPolicy(first_s=0.01, factor=1.5, max_s=0.05)
PRICES = {MODEL: {"input": 1.0, "output": 5.0}}


def responder(body: dict) -> Reply:
    question = body["messages"][0]["content"]
    return Reply(text=f"Answer: {len(question)}", output_tokens=10 + len(question) % 7)


def make_engine(server: FakeAnthropicServer, cache_dir, ledger: Ledger | None = None) -> AnthropicEngine:
    return AnthropicEngine(MODEL, api_key="test-key", base_url=server.base_url, ledger=ledger or Ledger(),
                           cache=RequestCache(cache_dir), prices=load_prices(),
                           retry=RetryPolicy(max_retries=2, base_delay_s=0.001, max_delay_s=0.002))


def make_session(engine: AnthropicEngine, **kwargs) -> BatchSession:
    store = BatchStateStore(engine.cache.directory / "batches")
    return BatchSession(engine, rate=load_batch_rate(), store=store, poll=FAST_POLL, **kwargs)


def jobs(n: int, max_tokens: int = 64) -> list[Job]:
    return [Job(Request(prompt=f"question {i}" + "?" * (i % 5), system="Be brief.", max_tokens=max_tokens),
                "answer", {"phase": "test", "sample_id": f"q{i}"}) for i in range(n)]


@pytest.fixture
def make_server():
    servers = []

    def start(**settings) -> FakeAnthropicServer:
        serve = settings.pop("serve_batches_api", True)
        server = FakeAnthropicServer(responder=responder, batches=BatchSettings(**settings),
                                     serve_batches_api=serve).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
