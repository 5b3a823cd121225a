"""`allocate --answer`: answer the prompt at the chosen setting and record the outcome in the history."""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import TYPE_CHECKING

from ..engines import Engine, Thinking
from ..errors import UsageError
from ..ledger import call_scope
from ..engines.types import EFFORT_LEVELS
from .allocator import AllocationDecision, Setting, tier_to_effort
from .history import History, append_entries
from .setting_sweep.config import ADAPTIVE_ALLOWANCE

if TYPE_CHECKING:
    from tasks import Scorer

    from .outcomes import AnsweredOutcome, HistoryOutcome


def parse_verdict(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "true", "correct", "1"):
        return True
    if value in ("no", "false", "wrong", "0"):
        return False
    raise UsageError(f"--correct must be yes or no (got {text!r})")


def load_scorer(name: str, gold: str | None) -> Scorer | None:
    """The scorer for --gold, with the gold answer checked before any call."""
    if gold is None:
        return None
    from tasks import InvalidGoldError, UnknownScorerError, get_scorer

    try:
        scorer = get_scorer(name)
    except UnknownScorerError as exc:
        raise UsageError(str(exc)) from None
    if not gold.strip():
        raise UsageError("--gold is empty")
    try:
        scorer.normalize_gold(gold.strip())
    except InvalidGoldError as exc:
        raise UsageError(f"--gold {gold!r}: {exc} (scorer {scorer.name!r})") from None
    return scorer


def max_tokens_for(decision: AllocationDecision, engine: Engine, answer_tokens: int) -> int:
    if decision.max_tokens is not None:
        return decision.max_tokens
    ceiling = engine.capabilities().max_tokens
    tokens = ADAPTIVE_ALLOWANCE + answer_tokens
    return tokens if ceiling is None else min(tokens, ceiling)


def answer_and_record(prompt: str, decision: AllocationDecision, setting: Setting, engine: Engine, history: History, *,
                      answer_tokens: int, scorer: Scorer | None, gold: str | None,
                      system: str | None = None) -> AnsweredOutcome:
    """One paid answer call at `decision`'s thinking; its outcome is appended to the history and returned."""
    thinking: Thinking = decision.thinking
    role = engine.for_role("answer", max_tokens=max_tokens_for(decision, engine, answer_tokens), thinking=thinking)
    outcome_id = uuid.uuid4().hex[:12]
    with call_scope(phase="allocate", step="answer", sample_id=outcome_id):
        completion = role.complete(prompt, system=system)
    price = engine.price()
    correct = None if scorer is None else bool(scorer.score(completion.text, gold.strip()).correct)
    outcome: HistoryOutcome = {
        "type": "outcome", "id": outcome_id, "at": time.time(),
        "prompt_sha256": hashlib.sha256(prompt.encode("utf-8")).hexdigest(),
        "complexity": decision.complexity, "setting": setting.label, "thinking": thinking.to_dict(),
        "input_tokens": completion.usage.input_tokens, "output_tokens": completion.usage.output_tokens,
        "thinking_tokens": completion.usage.thinking_tokens, "stop_reason": completion.stop_reason,
        "latency_s": completion.latency_s, "cached": completion.cached,
        "cost_usd": price.cost(completion.usage) if price is not None else None,
        "correct": correct,
    }
    append_entries(history, [outcome])
    return {**outcome, "response": completion.text}


def setting_of(decision: AllocationDecision, kind: str) -> Setting:
    """The policy's setting behind a decision (after the time/cost adjustments), in the policy's terms."""
    if kind == "budget":
        return Setting("budget", decision.tier)
    if decision.tier == 0:
        return Setting("effort", "off")
    return Setting("effort", tier_to_effort(decision.tier, EFFORT_LEVELS))
