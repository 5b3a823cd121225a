"""A fake-Anthropic responder that spends close to the worst case on every call.

Answers bill (nearly) their max_tokens and write long responses; feedback calls bill and write
their max_tokens; the optimizer writes a new prompt as long as its max_tokens allows (so later
answers carry a long system prompt). Answers are right for a share of (prompt, question)
pairs and their billed tokens vary a little with the prompt, so candidates of both focuses
pass the minibatch gate and get validated.
"""

from __future__ import annotations

from typing import Any

from promptbudget.engines.mock import FEEDBACK_MARKER, OPTIMIZER_MARKER, MockEngine, unit_hash
from tests.support.fake_anthropic import Reply

_GOLD = MockEngine()


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "".join(block.get("text", "") for block in value or [] if isinstance(block, dict))


def _words(chars: int, seed: str) -> str:
    words = ("keep", "each", "step", "short", "and", "state", "only", "what", "changes", "the", "result")
    start = int(unit_hash("pad", seed) * len(words))
    out, i = [], 0
    while sum(len(w) + 1 for w in out) < chars:
        out.append(words[(start + i) % len(words)])
        i += 1
    return " ".join(out)


def worst_case_responder(body: dict) -> Reply:
    system = _text(body.get("system"))
    prompt = _text(body["messages"][-1]["content"])
    max_tokens = int(body["max_tokens"])
    if OPTIMIZER_MARKER in system or OPTIMIZER_MARKER in prompt:
        current = prompt.partition("<VARIABLE>")[2].partition("</VARIABLE>")[0] or prompt[-300:]
        tail = current[-300:]
        new = _words(max(0, max_tokens * 4 - len(tail) - 120), current) + " " + tail
        return Reply(text=f"{OPTIMIZER_MARKER}{new}</IMPROVED_VARIABLE>", output_tokens=max_tokens)
    if FEEDBACK_MARKER in system:
        return Reply(text=_words(max_tokens * 4, prompt), output_tokens=max_tokens)
    thinking = body.get("thinking") or {}
    budget = thinking.get("budget_tokens") or (1536 if thinking.get("type") == "adaptive" else 0)
    gold = _GOLD.gold(prompt) or "0"
    answer = gold if unit_hash("right", system, prompt) < 0.6 else f"{gold}1"
    visible = max(1, max_tokens - budget)
    text = _words(max(0, visible * 4 - 40), prompt) + f"\nAnswer: {answer}"
    billed = max_tokens - int(unit_hash("tokens", system, prompt) * 40)
    return Reply(text=text, thinking="(thinking)" if budget else None,
                 thinking_tokens=min(budget, billed) if budget else None, output_tokens=billed)
