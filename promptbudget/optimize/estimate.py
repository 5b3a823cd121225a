"""What a run can cost before it runs: a true ceiling over every call the plan can make.

Each phase counts its calls at their worst: every step makes a candidate (so it pays for the
training answers, one feedback call per loss, the TGD call, the minibatch-gate answers and a
full validation of the candidate), every answer writes `max_tokens`, and every helper call
writes its own `max_tokens`. Input tokens are bounded too: a prompt the optimizer writes is at
most the optimizer's `max_tokens` long, and a feedback or TGD call carries the prompt, the
question, the response and (for TGD) every piece of feedback of the step with its context.
The cache can only make a run cheaper than this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..engines import RoleEngine, Usage

if TYPE_CHECKING:
    from tasks.core import Item

    from .loop import OptimizationRun
    from .run_plan import Plan

TEMPLATE_TOKENS = 1500
"""Upper bound on TextGrad's fixed instructions around a feedback or TGD call (they are ~600 tokens)."""


@dataclass(frozen=True)
class PlannedPhase:
    phase: str
    role: str
    engine: str
    calls: int
    max_input_tokens: int
    max_output_tokens: int
    ceiling_usd: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _input_tokens(engine: RoleEngine, question: str, system: str | None) -> int:
    request = engine.request(question, system)
    counter = getattr(engine.engine, "count_input_tokens", None)
    return counter(request) if counter else engine.engine.estimate_input_tokens(request)


def _phase(phase: str, role: str, engine: RoleEngine, calls: int, input_tokens: int,
           output_tokens: int | None = None) -> PlannedPhase:
    output_tokens = engine.max_tokens if output_tokens is None else output_tokens
    price = engine.engine.price()
    per_call = None if price is None else price.cost(Usage(input_tokens=input_tokens, output_tokens=output_tokens))
    return PlannedPhase(phase, role, engine.model_string, calls, input_tokens, output_tokens,
                        None if per_call is None else per_call * calls)


def _longest(plan: Plan, items: Sequence[Item]) -> str:
    return max((plan.task.format_question(item) for item in items), key=len)


def ceiling_plan(run: OptimizationRun) -> list[PlannedPhase]:
    """Every call the run can make, by phase, each at its worst case."""
    config, plan = run.config, run.plan
    answer, feedback, optimizer = plan.answer, plan.feedback, plan.optimizer
    steps = plan.total_steps
    batch = min(config.batch_size, len(plan.task.train))
    validation = len(plan.val_items) if config.run_validation else 0
    prompt = plan.starting_prompt
    ladder = plan.ladder or []
    # A joint search may answer at any rung of its ladder: the richest one bounds every answer after the start.
    richest = max([answer.max_tokens, *(rung.max_tokens for rung in ladder)])

    test_input = _input_tokens(answer, _longest(plan, plan.test_items), prompt)
    rows = [_phase("initial test", "answer", answer, len(plan.test_items), test_input)]
    if validation:
        val_input = _input_tokens(answer, _longest(plan, plan.val_items), prompt)
        rows.append(_phase("initial validation", "answer", answer, validation, val_input))
    if steps == 0:
        return rows + [_phase("final test", "answer", answer, len(plan.test_items), test_input)]

    # From the first step on, the system prompt may be one the optimizer wrote.
    written = optimizer.max_tokens
    stage = _ladder_stage(plan, answer, steps, validation, val_input + written if validation else 0, richest)
    train_question = _input_tokens(answer, _longest(plan, plan.task.train), None)
    train_input = _input_tokens(answer, _longest(plan, plan.task.train), prompt) + written
    feedback_input = TEMPLATE_TOKENS + train_input + 2 * richest
    optimizer_input = (TEMPLATE_TOKENS + 2 * (train_input + written)
                       + batch * (TEMPLATE_TOKENS + feedback.max_tokens + train_question + richest))
    rows += [
        _phase("training answers", "answer", answer, steps * batch, train_input, richest),
        _phase("feedback (backward)", "feedback", feedback, steps * batch, feedback_input),
        _phase("optimizer (TGD)", "optimizer", optimizer, steps, optimizer_input),
        _phase("minibatch gate", "answer", answer, steps * batch, train_input, richest),
    ]
    if validation:
        rows.append(_phase("candidate validation", "answer", answer, steps * validation, val_input + written, richest))
    rows += stage
    rows.append(_phase("final test", "answer", answer, len(plan.test_items), test_input + written, richest))
    return rows


def _ladder_stage(plan: Plan, answer: RoleEngine, steps: int, validation: int, input_tokens: int,
                  richest: int) -> list[PlannedPhase]:
    """Every prompt version (at most one per step, plus the start) at every rung, on the validation subset."""
    rungs = len(plan.ladder or [])
    if rungs < 2 or not validation:
        return []
    return [_phase("ladder stage", "answer", answer, (steps + 1) * rungs * validation, input_tokens, richest)]


def ceiling_usd(rows: list[PlannedPhase]) -> float | None:
    """The sum of the phases' ceilings; None when a model has no price."""
    if any(row.ceiling_usd is None for row in rows):
        return None
    return sum(row.ceiling_usd for row in rows)  # type: ignore[misc]
