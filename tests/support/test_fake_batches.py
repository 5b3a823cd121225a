"""The fake server's Message Batches endpoints, through the real anthropic SDK."""

from __future__ import annotations

import time

import anthropic
import pytest

from tests.support.fake_anthropic import FakeAnthropicServer
from tests.support.fake_batches import BATCH_DISCOUNT, BatchSettings

MODEL = "claude-haiku-4-5"


def entry(i: int, **params) -> dict:
    return {"custom_id": f"r{i}", "params": {"model": MODEL, "max_tokens": 64,
                                              "messages": [{"role": "user", "content": f"q{i}"}], **params}}


def client_for(server: FakeAnthropicServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="test-key", base_url=server.base_url, max_retries=0, timeout=10)


def wait_ended(client, batch_id: str):
    for _ in range(400):
        batch = client.messages.batches.retrieve(batch_id)
        if batch.processing_status == "ended":
            return batch
        time.sleep(0.01)
    raise AssertionError("batch never ended")


def test_create_retrieve_results_and_half_price_billing():
    with FakeAnthropicServer(batches=BatchSettings(processing_delay_s=0.2)) as server:
        client = client_for(server)
        batch = client.messages.batches.create(requests=[entry(i) for i in range(6)])
        assert batch.processing_status == "in_progress" and batch.request_counts.processing == 6
        assert batch.results_url is None
        with pytest.raises(anthropic.AnthropicError):
            list(client.messages.batches.results(batch.id))
        ended = wait_ended(client, batch.id)
        assert ended.request_counts.succeeded == 6 and ended.ended_at is not None
        results = list(client.messages.batches.results(batch.id))
        assert sorted(r.custom_id for r in results) == [f"r{i}" for i in range(6)]
        assert {r.result.type for r in results} == {"succeeded"}
        tokens = sum(r.result.message.usage.input_tokens + 5 * r.result.message.usage.output_tokens for r in results)
        assert server.batches.billed_usd({MODEL: {"input": 1, "output": 5}}) == pytest.approx(
            BATCH_DISCOUNT * tokens / 1e6)
        assert server.total_sent_usage()["calls"] == 0  # batch work is not synchronous traffic


def test_errors_expiry_and_invalid_params_are_per_request_and_unbilled():
    fates = {"r0": "errored", "r1": "expired"}
    settings = BatchSettings(outcome=lambda cid, params: fates.get(cid, "succeeded"))
    with FakeAnthropicServer(batches=settings) as server:
        client = client_for(server)
        bad = entry(2, thinking={"type": "enabled", "budget_tokens": 10})
        batch = client.messages.batches.create(requests=[entry(0), entry(1), bad, entry(3)])
        counts = wait_ended(client, batch.id).request_counts
        assert (counts.succeeded, counts.errored, counts.expired) == (1, 2, 1)
        by_id = {r.custom_id: r.result for r in client.messages.batches.results(batch.id)}
        assert by_id["r0"].error.error.type == "api_error"
        assert by_id["r2"].error.error.type == "invalid_request_error"
        assert by_id["r1"].type == "expired" and by_id["r3"].type == "succeeded"
        assert [b["custom_id"] for b in server.batches.billed] == ["r3"]


def test_seeded_error_and_expiry_rates():
    with FakeAnthropicServer(batches=BatchSettings(error_rate=0.1, expire_rate=0.1, seed=3)) as server:
        client = client_for(server)
        batch = client.messages.batches.create(requests=[entry(i) for i in range(400)])
        counts = wait_ended(client, batch.id).request_counts
        assert 20 <= counts.errored <= 60 and 20 <= counts.expired <= 60
        assert counts.succeeded == len(server.batches.billed) == 400 - counts.errored - counts.expired


def test_cancel_list_and_limits():
    with FakeAnthropicServer(batches=BatchSettings(processing_delay_s=30, max_requests=5, max_bytes=2000)) as server:
        client = client_for(server)
        first = client.messages.batches.create(requests=[entry(i) for i in range(3)])
        second = client.messages.batches.create(requests=[entry(i) for i in range(2)])
        assert [b.id for b in client.messages.batches.list(limit=5)] == [second.id, first.id]
        canceled = client.messages.batches.cancel(first.id)
        assert canceled.processing_status == "ended" and canceled.request_counts.canceled == 3
        assert server.batches.billed == []
        with pytest.raises(anthropic.BadRequestError, match="at most 5"):
            client.messages.batches.create(requests=[entry(i) for i in range(6)])
        with pytest.raises(anthropic.BadRequestError, match="not unique"):
            client.messages.batches.create(requests=[entry(1), entry(1)])
        with pytest.raises(anthropic.APIStatusError) as too_large:
            client.messages.batches.create(requests=[entry(i, system="x" * 500) for i in range(5)])
        assert too_large.value.status_code == 413
        with pytest.raises(anthropic.NotFoundError):
            client.messages.batches.retrieve("msgbatch_nope")


def test_a_server_without_the_batches_api_answers_404():
    with FakeAnthropicServer(serve_batches_api=False) as server:
        with pytest.raises(anthropic.NotFoundError):
            client_for(server).messages.batches.list(limit=1)
