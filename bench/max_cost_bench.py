"""How much of a --max_cost cap 8 threads get to use, against the loopback fake server.

Each call thinks with a 16k budget (max_tokens 20,096, so its worst case is about $0.30 on
Sonnet 4.5) and bills 3,000 output tokens. The work asked for bills far more than the cap
uncapped. A run may stop only when nothing is in flight and the next worst case does not fit,
so it should bill at least (cap - one worst case); the ratio billed / (cap - worst) says how
close it gets (goal >= 0.9), and it must never bill above the cap.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from promptbudget.engines.anthropic_engine import AnthropicEngine, RetryPolicy
from promptbudget.engines.types import Thinking
from promptbudget.errors import BudgetExceeded
from promptbudget.ledger import Ledger, call_scope
from tests.support.fake_anthropic import FakeAnthropicServer, Reply

MODEL = "claude-sonnet-4-5-20250929"
THINKING_BUDGET = 16_000
BILLED_OUTPUT_TOKENS = 3_000


def _responder(body: dict) -> Reply:
    return Reply(text="Answer: 42", thinking="Working it out. " * 40, output_tokens=BILLED_OUTPUT_TOKENS,
                 thinking_tokens=BILLED_OUTPUT_TOKENS - 8)


def capped_run(cap_usd: float = 1.0, calls: int = 64, threads: int = 8, latency_s: float = 0.02) -> dict[str, float]:
    """Ask for `calls` answers on `threads` threads under a cap; what was billed, by the server and the ledger."""
    with FakeAnthropicServer(latency_s=latency_s, responder=_responder) as server:
        ledger = Ledger(max_cost=cap_usd)
        engine = AnthropicEngine(MODEL, api_key="bench", base_url=server.base_url, ledger=ledger,
                                 retry=RetryPolicy(max_retries=0))
        answer = engine.for_role("answer", thinking=Thinking.budget(THINKING_BUDGET))
        prompts = [f"Question {i}: what is {i} + {i}?" for i in range(calls)]
        worst = max(engine.worst_case_cost(answer.request(p)) or 0.0 for p in prompts)

        def ask(i: int) -> bool:
            try:
                with call_scope(sample_id=str(i)):
                    answer.complete(prompts[i])
                return True
            except BudgetExceeded:
                return False

        with ThreadPoolExecutor(threads) as pool:
            made = sum(pool.map(ask, range(calls)))
        engine.close()
        served = server.total_sent_usage()
    price = engine.price()
    server_billed = (served["input_tokens"] * price.input + served["output_tokens"] * price.output) / 1_000_000
    return {"cap_usd": cap_usd, "worst_case_usd": worst, "calls_made": made, "calls_served": served["calls"],
            "ledger_billed_usd": ledger.spent_usd, "server_billed_usd": server_billed,
            "uncapped_usd": calls * server_billed / max(1, served["calls"])}


def max_cost_fill_ratio_c8(cap_usd: float = 1.0, calls: int = 64) -> dict[str, float]:
    run = capped_run(cap_usd, calls)
    return {"max_cost_fill_ratio_c8": run["server_billed_usd"] / (run["cap_usd"] - run["worst_case_usd"]),
            "max_cost_billed_usd_c8": run["server_billed_usd"],
            "max_cost_billed_within_cap_c8": run["server_billed_usd"] <= run["cap_usd"],
            "max_cost_uncapped_usd_c8": run["uncapped_usd"],
            "max_cost_calls_c8": run["calls_served"]}
