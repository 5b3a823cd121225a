"""The two requests of one (cell, item) and their call scope: what `runner.run_item` sends, and
what `batches/confidence_cells` submits ahead of it. One definition, so a batched run's calls
always find their prefetched completions instead of silently falling back to synchronous calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tasks.extraction import strip_thinking

from ..engines.types import Request
from .prompts import CONFIDENCE_SYSTEM, confidence_prompt

if TYPE_CHECKING:
    from tasks.core import Item

    from .runner import ConfidencePlan, SplitCell


def item_scope(cell: SplitCell, item: Item) -> dict[str, Any]:
    return {"command": "confidence-split", "cell": cell.cell_id, "sample_id": item.id}


def answer_request(plan: ConfidencePlan, cell: SplitCell, item: Item) -> Request:
    """Stage 1: answer the question within the cell's answer budget."""
    return Request(prompt=plan.task.format_question(item), system=plan.system_prompt,
                   max_tokens=cell.answer.max_tokens, thinking=cell.answer.thinking)


def confidence_request(plan: ConfidencePlan, cell: SplitCell, item: Item, answer_text: str) -> Request:
    """Stage 2: judge the stage-1 answer (its thinking stripped) within the confidence budget."""
    return Request(prompt=confidence_prompt(plan.task.format_question(item), strip_thinking(answer_text)),
                   system=CONFIDENCE_SYSTEM, max_tokens=cell.confidence.max_tokens, thinking=cell.confidence.thinking)
