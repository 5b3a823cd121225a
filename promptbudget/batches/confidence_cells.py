"""confidence-split --batch: every cell's answers in one set of batches, then every confidence call.

The confidence prompt quotes the answer, so the two stages are two waits. The requests and call
scopes are the ones `confidence/runner.run_item` makes, so its calls find their completions.
"""

from __future__ import annotations

from typing import Any

from tasks.extraction import strip_thinking

from ..confidence.prompts import CONFIDENCE_SYSTEM, confidence_prompt
from ..engines.types import Request
from .cells import Job, PrefetchedEngine, prefetch_jobs


def batched_engine(plan: Any, session: Any) -> Any:
    """The plan's engine, answering run_item's two calls per (cell, item) from batches."""
    def scope(cell: Any, item: Any) -> dict[str, Any]:
        return {"command": "confidence-split", "cell": cell.cell_id, "sample_id": item.id}

    pairs = [(cell, item) for cell in plan.cells for item in plan.items]
    answers = [Job(Request(prompt=plan.task.format_question(item), system=plan.system_prompt,
                           max_tokens=cell.answer.max_tokens, thinking=cell.answer.thinking), "answer", scope(cell, item))
               for cell, item in pairs]
    answered = prefetch_jobs(session, answers)
    judges = [Job(Request(prompt=confidence_prompt(plan.task.format_question(item), strip_thinking(text)),
                          system=CONFIDENCE_SYSTEM, max_tokens=cell.confidence.max_tokens,
                          thinking=cell.confidence.thinking), "confidence", scope(cell, item))
              for (cell, item), text in zip(pairs, (c.text for c in answered.complete_all(answers)))]
    judged = prefetch_jobs(session, judges)
    return PrefetchedEngine(PrefetchedEngine(plan.engine, answered), judged)
