"""The engine layer against the bare SDK, both against the loopback fake server."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import anthropic

from promptbudget.engines.anthropic_engine import AnthropicEngine, RetryPolicy
from promptbudget.ledger import Ledger, call_scope
from tests.support.fake_anthropic import FakeAnthropicServer

MODEL = "claude-sonnet-4-5-20250929"


def engine_overhead_ms_median(calls: int = 300) -> dict[str, float]:
    """Median per-call time through AnthropicEngine minus the bare SDK, interleaved call by call."""
    with FakeAnthropicServer() as server:
        client = anthropic.Anthropic(api_key="bench", base_url=server.base_url, max_retries=0)
        engine = AnthropicEngine(MODEL, api_key="bench", base_url=server.base_url, ledger=Ledger(),
                                 retry=RetryPolicy(max_retries=0))
        role = engine.for_role("answer", max_tokens=256)
        params = engine._params(role.request("warm up"))
        sdk, ours = [], []
        for i in range(calls + 20):
            prompt = f"question {i}"
            params["messages"] = [{"role": "user", "content": prompt}]
            start = time.perf_counter()
            client.messages.create(**params)
            middle = time.perf_counter()
            with call_scope(sample_id=str(i)):
                role.complete(prompt)
            end = time.perf_counter()
            if i >= 20:
                sdk.append(middle - start)
                ours.append(end - middle)
        client.close()
        engine.close()
    return {
        "engine_overhead_ms_median": (statistics.median(ours) - statistics.median(sdk)) * 1000,
        "sdk_call_ms_median": statistics.median(sdk) * 1000,
    }


def throughput_fraction_of_ideal_c8(calls: int = 120, latency_s: float = 0.2) -> dict[str, float]:
    """Calls per second at concurrency 8 against a 200 ms server, over the ideal 8 / 0.2."""
    with FakeAnthropicServer(latency_s=latency_s) as server:
        engine = AnthropicEngine(MODEL, api_key="bench", base_url=server.base_url, ledger=Ledger(),
                                 retry=RetryPolicy(max_retries=0))
        role = engine.for_role("answer", max_tokens=256)
        role.complete("warm up")
        start = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: role.complete(f"q{i}"), range(calls)))
        elapsed = time.perf_counter() - start
        engine.close()
    rate = calls / elapsed
    return {"throughput_fraction_of_ideal_c8": rate / (8 / latency_s), "throughput_calls_per_s_c8": rate}
