"""Running a planned sweep: classify every item once, then answer it at every setting.

Each record keeps the response text and the thinking text the engine returned, so the report
can set the answers of two settings side by side (the only quality signal for ungraded prompts).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...engines import Completion, RoleEngine
from ...errors import BudgetExceeded, EngineError
from ...experiment.answering import ItemResult, answer_items, parallel_map
from ...experiment.status import ending_status
from ...ledger import CallRecord, call_scope, current_scope
from ...runtime import Runtime
from ..classifier import Classification
from .planning import PlannedSetting, BudgetSweepPlan
from .results import build_results

if TYPE_CHECKING:
    from tasks.core import Item

    from ...batches.cells import Prefetched
    from ...batches.session import BatchSession
    from ..outcomes import SweepRecord

Progress = Callable[[], None] | None


class RecordingEngine(RoleEngine):
    """A RoleEngine that keeps each completion under the sample_id of the call_scope it ran in."""

    def __init__(self, inner: RoleEngine):
        super().__init__(inner.engine, inner.role, inner.max_tokens, inner.thinking)
        self.completions: dict[str, Completion] = {}
        self._lock = threading.Lock()

    def complete(self, prompt: str, system: str | None = None, sample_index: int = 0) -> Completion:
        completion = super().complete(prompt, system, sample_index)
        with self._lock:
            self.completions[str(current_scope().get("sample_id"))] = completion
        return completion


def classify_items(plan: BudgetSweepPlan, threads: int, into: dict[str, Classification],
                   on_done: Progress = None) -> None:
    """Classify every unique item once, filling `into` as calls finish (kept if the run stops)."""
    unique: dict[str, Item] = {}
    for items in plan.items.values():
        for item in items:
            unique.setdefault(item.id, item)
    lock = threading.Lock()

    def one(item: Item) -> None:
        with call_scope(phase="budget_sweep", step="classify", sample_id=item.id):
            result = plan.classifier.classify(plan.task.format_question(item))
        with lock:
            into[item.id] = result
        if on_done:
            on_done()

    parallel_map(one, list(unique.values()), threads=threads, name="classify")


def item_record(item: Item, split: str, planned: PlannedSetting, result: ItemResult, call: CallRecord | None,
                complexity: str, graded: bool, completion: Completion | None = None) -> SweepRecord:
    return {
        "id": item.id,
        "split": split,
        "complexity": complexity,
        "setting": planned.setting.label,
        "budget_tokens": planned.thinking.budget_tokens,
        "effort": planned.thinking.effort,
        "max_tokens": planned.max_tokens,
        "correct": result.correct if graded else None,
        "has_answer": result.has_answer,
        "extracted": result.extracted,
        "input_tokens": result.input_tokens,
        "output_tokens": result.output_tokens,
        "thinking_tokens": result.thinking_tokens,
        "stop_reason": result.stop_reason,
        "latency_s": call.latency_s if call is not None else None,
        "cost_usd": result.cost_usd,
        "cached": call.cached if call is not None else None,
        "response": completion.text if completion is not None else None,
        "thinking": completion.thinking_text if completion is not None else None,
    }


def answer_setting(plan: BudgetSweepPlan, runtime: Runtime, split: str, planned: PlannedSetting,
                   classifications: dict[str, Classification], records: list[SweepRecord],
                   on_progress: Progress, batch: Prefetched | None = None) -> None:
    """Answer one split at one setting, appending a record per answered item (also when the cap stops it).

    Latency and cache status come from the ledger record of each item's call, found by its
    call_scope labels (exact under threads).
    """
    label = planned.setting.label
    scope = {"phase": "budget_sweep", "split": split, "setting": label}
    answered: dict[str, ItemResult] = {}
    lock = threading.Lock()
    engine = RecordingEngine(planned.engine)

    def on_item(result: ItemResult) -> None:
        with lock:
            answered[result.item_id] = result
        if on_progress:
            on_progress()

    items = plan.items[split]
    try:
        pairs = answer_items(plan.system_prompt, items, engine, plan.task, threads=plan.config.num_threads,
                             scope=scope, on_item=on_item, batch=batch)
        if batch is not None:
            engine.completions.update({result.item_id: completion for result, completion in pairs})
    finally:
        calls = {r.scope.get("sample_id"): r for r in runtime.ledger.records()
                 if r.role == "answer" and r.scope.get("phase") == "budget_sweep"
                 and r.scope.get("split") == split and r.scope.get("setting") == label}
        for item in items:
            if item.id in answered:
                records.append(item_record(item, split, planned, answered[item.id], calls.get(item.id),
                                           classifications[item.id].complexity, plan.graded,
                                           engine.completions.get(item.id)))


def answer_all(plan: BudgetSweepPlan, runtime: Runtime, classifications: dict[str, Classification],
               records: list[SweepRecord], on_progress: Progress, batch: BatchSession | None = None) -> None:
    prefetched = None
    if batch is not None:  # --batch: every cell's answers in one set of Message Batches (batches/cells.py)
        from ...batches.cells import Cell, prefetch

        prefetched = prefetch(batch, [Cell(plan.system_prompt, plan.items[split], planned.engine, plan.task,
                                      {"phase": "budget_sweep", "split": split, "setting": planned.setting.label})
                                 for split in plan.items for planned in plan.settings])
    for split in plan.items:
        for planned in plan.settings:
            answer_setting(plan, runtime, split, planned, classifications, records, on_progress, prefetched)


def run_sweep(plan: BudgetSweepPlan, runtime: Runtime, *, on_progress: Progress = None,
              between: Callable[[dict[str, Classification]], None] | None = None,
              batch: BatchSession | None = None) -> dict[str, Any]:
    """Classify, answer at every setting, summarize, learn a policy and evaluate it. Returns the results.

    `between(classifications)` runs after classifying and before answering (the case study narrows
    plan.settings there). When the --max_cost cap stops the run, every call that finished is kept
    and the status is "stopped"; when a call fails for good (after the engine's retries), likewise
    with the status "failed". No policy is learned from an incomplete sweep.
    """
    started = time.time()
    status, error = "completed", None
    classifications: dict[str, Classification] = {}
    records: list[SweepRecord] = []
    try:
        classify_items(plan, plan.config.num_threads, classifications, on_progress)
        if between is not None:
            between(classifications)
        answer_all(plan, runtime, classifications, records, on_progress, batch)
    except (BudgetExceeded, EngineError) as exc:
        status, error = ending_status(exc, cap_prefix="")
    return build_results(plan, runtime, classifications, records, status=status, error=error,
                         elapsed_s=time.time() - started)
