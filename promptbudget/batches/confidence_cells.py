"""confidence-split --batch: every cell's answers in one set of batches, then every confidence call.

The confidence prompt quotes the answer, so the two stages are two waits. The requests and call
scopes come from `confidence/stage_requests`, the functions `runner.run_item` calls, so its calls
find their completions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..confidence.stage_requests import answer_request, confidence_request, item_scope
from .cells import Job, PrefetchedEngine, prefetch_jobs

if TYPE_CHECKING:
    from ..confidence.runner import ConfidencePlan
    from .session import BatchSession


def batched_engine(plan: ConfidencePlan, session: BatchSession) -> PrefetchedEngine:
    """The plan's engine, answering run_item's two calls per (cell, item) from batches."""
    pairs = [(cell, item) for cell in plan.cells for item in plan.items]
    answers = [Job(answer_request(plan, cell, item), "answer", item_scope(cell, item)) for cell, item in pairs]
    answered = prefetch_jobs(session, answers)
    judges = [Job(confidence_request(plan, cell, item, completion.text), "confidence", item_scope(cell, item))
              for (cell, item), completion in zip(pairs, answered.complete_all(answers))]
    judged = prefetch_jobs(session, judges)
    return PrefetchedEngine(PrefetchedEngine(plan.engine, answered), judged)
