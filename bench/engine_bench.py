"""The engine layer against the bare SDK, both against the loopback fake server."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import anthropic

from promptbudget.engines.anthropic_engine import AnthropicEngine, RetryPolicy
from promptbudget.ledger import Ledger, call_scope
from tests.support.fake_anthropic import FakeAnthropicServer

from .fake_server_process import fake_server_process
from .rounds import alternate, median_ratio

MODEL = "claude-sonnet-4-5-20250929"
CONCURRENCY = 8


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


def throughput_fraction_of_ideal_c8(rounds: int = 6, calls_per_round: int = 40,
                                    latency_s: float = 0.2) -> dict[str, float]:
    """Calls per second through AnthropicEngine at concurrency 8 against a 200 ms server, over
    the ideal 8 / 0.2, with the bare SDK measured in alternating rounds on the same pool.

    The server runs in a child process, as a real API does: in ours its request handling would
    take the GIL from the client threads. Each figure is a median over rounds."""
    ideal = CONCURRENCY / latency_s
    with fake_server_process(latency_s) as base_url:
        client = anthropic.Anthropic(api_key="bench", base_url=base_url, max_retries=0)
        engine = AnthropicEngine(MODEL, api_key="bench", base_url=base_url, ledger=Ledger(),
                                 retry=RetryPolicy(max_retries=0))
        role = engine.for_role("answer", max_tokens=256)
        params = engine._params(role.request("warm up"))

        def sdk_call(i: int) -> None:
            client.messages.create(**{**params, "messages": [{"role": "user", "content": f"q{i}"}]})

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            def rate(call: Callable[[int], object]) -> float:
                start = time.perf_counter()
                list(pool.map(call, range(calls_per_round)))
                return calls_per_round / (time.perf_counter() - start)

            rate(lambda i: role.complete(f"warm up {i}"))  # one connection per thread, both sides
            rate(sdk_call)
            ours, sdk = alternate(rounds, lambda: rate(lambda i: role.complete(f"q{i}")), lambda: rate(sdk_call))
        client.close()
        engine.close()
    return {
        "throughput_fraction_of_ideal_c8": statistics.median(ours) / ideal,
        "throughput_calls_per_s_c8": statistics.median(ours),
        "sdk_throughput_fraction_of_ideal_c8": statistics.median(sdk) / ideal,
        "throughput_ratio_vs_sdk_c8": median_ratio(ours, sdk),
    }
