"""One TextGrad step: the focused textual losses, the backward pass and a TGD update of the prompt."""

from __future__ import annotations

from typing import Any

from ..experiment.answering import ItemResult
from ..ledger import call_scope
from ..textgrad_env import textgrad as tg
from .losses import accuracy_loss, efficiency_loss, format_constraints, gradient_texts, prompt_variable
from .schema import StepRecord
from .textgrad_adapter import as_textgrad_engine


def textgrad_candidate(plan: Any, focus: str, current: str, targets: list[tuple[Any, tuple[ItemResult, Any]]],
                       median_tokens: float, checkpoint: int, record: StepRecord) -> str:
    """The candidate prompt from the focused losses on `targets`; records losses, feedback and optimizer errors."""
    prompt = prompt_variable(current)
    losses = []
    for item, (result, completion) in targets:
        question = plan.task.format_question(item)
        if focus == "accuracy":
            losses.append(accuracy_loss(prompt, question, completion, item.answer, result))
        else:
            losses.append(efficiency_loss(prompt, question, completion, result.correct, median_tokens))
    total = tg.sum(losses) if len(losses) > 1 else losses[0]
    with call_scope(checkpoint=checkpoint, phase="feedback"):
        total.backward(as_textgrad_engine(plan.feedback))
    record["losses"] = [loss.value for loss in losses]
    record["feedback"] = gradient_texts(prompt)
    optimizer = tg.TGD(parameters=[prompt], engine=as_textgrad_engine(plan.optimizer),
                       constraints=format_constraints(plan.starting_prompt))
    with call_scope(checkpoint=checkpoint, phase="optimizer"):
        try:
            optimizer.step()
        except IndexError:
            record["optimizer_error"] = "the optimizer's reply had no <IMPROVED_VARIABLE> tags; prompt kept"
    return prompt.value.strip()
