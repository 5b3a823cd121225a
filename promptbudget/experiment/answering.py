"""Answer items with a prompt and score them: the measurement every decision rests on.

Each item's tokens come from the completion its own call returned, so the numbers stay
exact however many threads run. An answered item and the statistics of a set of them are the
typed records they are saved as (`records.run.SavedItem`, `SavedStats`): one definition each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..engines import Completion, RoleEngine
from ..ledger import call_scope
from ..records.run import SavedItem, SavedStats
from ..stats import Proportion, proportion, token_summary

if TYPE_CHECKING:
    from tasks.core import Item, Score, Task

    from ..batches.session import BatchSession

Job = TypeVar("Job")
Result = TypeVar("Result")


class Scored(Protocol):
    """What `summarize` reads of an answer: an `ItemResult`, or the pilot's simulated `Answer`."""

    correct: bool
    has_answer: bool
    output_tokens: int
    thinking_tokens: int | None
    stop_reason: str
    cost_usd: float | None


ItemResult = SavedItem
"""One item answered by one prompt; `output_tokens` are the billed output tokens, thinking included."""


def summarize(items: Sequence[Scored]) -> SavedStats:
    """Accuracy with a 95% Wilson CI, the token distribution, format and truncation rates, cost."""
    if not items:
        return SavedStats(n=0)
    acc: Proportion = proportion([i.correct for i in items])
    tokens = token_summary([i.output_tokens for i in items])
    costs = [i.cost_usd for i in items]
    return SavedStats(
        n=len(items),
        accuracy=acc.mean, accuracy_low=acc.low, accuracy_high=acc.high,
        correct=acc.successes,
        mean_output_tokens=tokens.mean, median_output_tokens=tokens.median,
        p90_output_tokens=tokens.p90, max_output_tokens=tokens.max,
        total_output_tokens=tokens.total,
        mean_thinking_tokens=(sum(i.thinking_tokens or 0 for i in items) / len(items)),
        format_rate=sum(i.has_answer for i in items) / len(items),
        answered=sum(i.has_answer for i in items),
        truncation_rate=sum(i.stop_reason == "max_tokens" for i in items) / len(items),
        cost_usd=None if any(c is None for c in costs) else sum(costs),
    )


def parallel_map(work: Callable[[Job], Result], jobs: Sequence[Job], *, threads: int, name: str) -> list[Result]:
    """`work` applied to every job, on up to `threads` threads, results in job order."""
    if threads <= 1 or len(jobs) <= 1:
        return [work(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name) as pool:
        return list(pool.map(work, jobs))


def score_completion(task: Task, item: Item, completion: Completion) -> Score:
    """The task's score of a completion; one cut off by max_tokens is credited only for an answer
    it finished stating."""
    return task.scorer.score(completion.text, item.answer, truncated=completion.truncated)


def answer_items(
    prompt: str,
    items: Sequence[Item],
    engine: RoleEngine,
    task: Task,
    *,
    threads: int,
    scope: dict[str, Any],
    on_item: Callable[[ItemResult], None] | None = None,
    batch: BatchSession | None = None,
) -> list[tuple[ItemResult, Completion]]:
    """Answer and score every item (in parallel, or in one Message Batch), returning results in item order."""
    price = engine.engine.price()

    def one(item: Item, completion: Completion | None = None) -> tuple[ItemResult, Completion]:
        if completion is None:
            with call_scope(**scope, sample_id=item.id):
                completion = engine.complete(task.format_question(item), system=prompt)
        score = score_completion(task, item, completion)
        result = ItemResult(
            item_id=item.id, correct=score.correct, extracted=score.extracted, failure=score.failure,
            has_answer=task.scorer.has_answer(completion.text, truncated=completion.truncated),
            input_tokens=completion.usage.input_tokens, output_tokens=completion.usage.output_tokens,
            thinking_tokens=completion.usage.thinking_tokens, stop_reason=completion.stop_reason,
            cost_usd=price.cost(completion.usage) if price is not None else None,
        )
        if on_item is not None:
            on_item(result)
        return result, completion

    if batch is not None:
        from ..batches.session import Job

        jobs = [Job(engine.request(task.format_question(item), prompt), engine.role, {**scope, "sample_id": item.id})
                for item in items]
        return [one(item, completion) for item, completion in zip(items, batch.complete_all(jobs))]
    return parallel_map(one, items, threads=threads, name="answer")
