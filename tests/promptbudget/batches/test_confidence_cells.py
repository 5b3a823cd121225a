"""The requests confidence-split --batch submits are exactly the calls run_item makes."""

from __future__ import annotations

from types import SimpleNamespace

from promptbudget.batches.confidence_cells import batched_engine
from promptbudget.confidence import runner
from promptbudget.engines.types import Completion, Thinking, Usage
from promptbudget.ledger import current_scope
from tasks import load_task


def _reply(request) -> Completion:
    text = "Confidence: 0.6" if "proposed answer" in request.system else "<thinking>steps</thinking>Answer: Yes"
    return Completion(text=text, usage=Usage(input_tokens=5, output_tokens=3), stop_reason="end_turn", model="m")


class RecordingEngine:
    def __init__(self):
        self.calls: list[tuple] = []

    def complete(self, request, *, role="answer"):
        self.calls.append((request, role, current_scope()))
        return _reply(request)

    def price(self):
        return None


class RecordingSession:
    def __init__(self):
        self.jobs = []

    def complete_all(self, jobs):
        self.jobs.extend(jobs)
        return [_reply(job.request) for job in jobs]


def _plan(engine):
    task = load_task("BBH_navigate")
    stage = SimpleNamespace
    cells = [SimpleNamespace(cell_id=f"B{budget}", answer=stage(max_tokens=budget, thinking=Thinking.off()),
                             confidence=stage(max_tokens=budget // 2 + 7, thinking=Thinking.budget(1024)))
             for budget in (300, 2048)]
    return SimpleNamespace(task=task, items=list(task.test[:3]), engine=engine, system_prompt="Think, then answer.",
                           cells=cells)


def test_every_call_run_item_makes_is_one_the_batch_prefetched():
    direct = RecordingEngine()
    plan = _plan(direct)
    for cell in plan.cells:
        for item in plan.items:
            runner.run_item(plan, cell, item)
    session = RecordingSession()
    fallback = RecordingEngine()
    batched = _plan(fallback)
    batched.engine = batched_engine(batched, session)
    for cell in batched.cells:
        for item in batched.items:
            runner.run_item(batched, cell, item)
    assert fallback.calls == []  # nothing fell back to a synchronous call
    assert [(job.request, job.role, job.scope) for job in session.jobs] == \
        sorted(direct.calls, key=lambda call: call[1] == "confidence")
    assert len(session.jobs) == 2 * 2 * 3
