"""The local engine against raw llama-cpp-python on the same prompt and model."""

from __future__ import annotations

import os
import statistics
import time

from promptbudget.engines import Request
from promptbudget.engines.local import THREADS_ENV, LocalEngine, llama_threads
from promptbudget.ledger import Ledger

from .rounds import alternate, median_ratio

PROMPT = "Explain step by step how to compute 17 times 23, then give the result."
SYSTEM = "You are a careful math tutor."


def local_tokens_per_s_ratio(rounds: int = 9, max_tokens: int = 64, threads: int = 1) -> dict[str, float]:
    """Tokens/s through LocalEngine over raw `Llama.create_completion`, rounds alternating
    which side goes first; the figure is the median of the per-round ratios.

    Both sides share one model on `threads` llama.cpp threads (one by default): with two, one
    busy core stalls the threads spinning for each other (a 48-token answer took 58-92 s instead
    of 5 s at load 15), and such a stall in one side of a round moves that round's ratio."""
    os.environ.setdefault(THREADS_ENV, str(threads))
    engine = LocalEngine(ledger=Ledger())
    request = Request(PROMPT, system=SYSTEM, max_tokens=max_tokens)
    prompt, stops = engine.format_prompt(request)
    llama = engine.backend
    llama.create_completion(prompt, max_tokens=8, temperature=0.0, stop=stops)  # warm up

    def raw() -> float:
        start = time.perf_counter()
        out = llama.create_completion(prompt, max_tokens=max_tokens, temperature=0.0, stop=stops)
        return out["usage"]["completion_tokens"] / (time.perf_counter() - start)

    def ours() -> float:
        start = time.perf_counter()
        completion = engine.complete(Request(PROMPT, system=SYSTEM, max_tokens=max_tokens))
        return completion.usage.output_tokens / (time.perf_counter() - start)

    engine_rates, raw_rates = alternate(rounds, ours, raw)
    return {
        "local_tokens_per_s_ratio": median_ratio(engine_rates, raw_rates),
        "local_raw_tokens_per_s": statistics.median(raw_rates),
        "local_rounds": rounds,
        "local_threads": llama_threads(),
    }
