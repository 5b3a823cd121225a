"""Response quality across settings: each item's answers at two settings side by side.

The notebook printed the responses at the smallest and the largest budget. Here every item of
the reported split gets its responses at every setting, with tokens, latency and verdict; the
report shows the smallest and the largest setting first, items whose answers differ first, and
the reader can pick any two settings. For prompts without gold answers this is the only
quality signal, so an ungraded item compares its extracted answers (or, without one, the text).
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..records import BudgetSweepResults
from ..records.budget_sweep import SavedSweepAnswer

MAX_ITEMS = 60
MAX_CHARS = 6000


def _clip(text: str | None) -> tuple[str, int]:
    text = text or ""
    return (text, 0) if len(text) <= MAX_CHARS else (text[:MAX_CHARS], len(text) - MAX_CHARS)


def _verdict(record: SavedSweepAnswer) -> str:
    if record.correct is None:
        return "ungraded"
    return "right" if record.correct else "wrong"


def answer_key(record: SavedSweepAnswer) -> str:
    """What two answers are compared by: the verdict and extracted answer, or a hash of the text."""
    extracted = record.extracted
    body = extracted if extracted is not None else hashlib.sha256((record.response or "").encode()).hexdigest()
    return f"{_verdict(record)}|{body}"


def _cell(record: SavedSweepAnswer) -> dict[str, Any]:
    response, response_cut = _clip(record.response)
    thinking, thinking_cut = _clip(record.thinking)
    latency = record.latency_s
    facts = [_verdict(record), f"answer {record.extracted!s}" if record.extracted is not None
             else "no answer found", f"{record.output_tokens} output tokens"
             + (f" ({record.thinking_tokens} thinking)" if record.thinking_tokens is not None else ""),
             f"{latency:.2f} s" if latency is not None else "latency n/a", f"stop: {record.stop_reason}"]
    return {"setting": record.setting, "key": answer_key(record), "facts": " · ".join(facts),
            "response": response, "response_cut": response_cut, "thinking": thinking, "thinking_cut": thinking_cut,
            "has_text": record.response is not None}


def comparison(results: BudgetSweepResults) -> dict[str, Any] | None:
    """The side-by-side view of the reported split, or None with fewer than two settings answered."""
    split = results.task.split
    labels = [s.label for s in results.settings]
    per_item: dict[str, dict[str, SavedSweepAnswer]] = {}
    for record in results.records:
        if record.split == split:
            per_item.setdefault(record.id, {})[record.setting] = record
    answered = [label for label in labels if any(label in per for per in per_item.values())]
    if len(answered) < 2:
        return None
    left, right = answered[0], answered[-1]
    questions = results.questions
    items = []
    for order, (item_id, per) in enumerate(per_item.items()):
        differ = left in per and right in per and answer_key(per[left]) != answer_key(per[right])
        complexity = next(iter(per.values())).complexity
        items.append({"id": item_id, "order": order, "complexity": complexity, "differ": differ,
                      "question": questions.get(item_id, ""),
                      "cells": [_cell(per[label]) for label in answered if label in per]})
    items.sort(key=lambda item: (not item["differ"], item["order"]))
    shown = items[:MAX_ITEMS]
    texts = any(c["has_text"] for item in shown for c in item["cells"])
    return {"settings": answered, "left": left, "right": right, "items": shown,
            "left_out": len(items) - len(shown), "differ_count": sum(item["differ"] for item in items),
            "total": len(items), "graded": results.task.graded, "has_text": texts,
            "caption": f"Responses per item at two {results.kind} settings (split {split})"}
