"""One TextGrad step: the focused textual losses, the backward pass and a TGD update of the prompt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..engines import Completion
from ..experiment.answering import ItemResult
from ..ledger import call_scope
from ..textgrad_env import textgrad as tg
from .losses import accuracy_loss, efficiency_loss, format_constraints, gradient_texts, prompt_variable
from .textgrad_adapter import as_textgrad_engine

if TYPE_CHECKING:
    from .run_plan import Plan


@dataclass(frozen=True)
class TextGradEdit:
    """What a step's TextGrad edit wrote: the candidate, and what its step record keeps of how."""

    candidate: str
    losses: list[str]
    feedback: list[str]
    optimizer_error: str | None = None


def textgrad_candidate(plan: Plan, focus: str, current: str, targets: list[tuple[Any, tuple[ItemResult, Completion]]],
                       median_tokens: float, checkpoint: int) -> TextGradEdit:
    """The candidate prompt from the focused losses on `targets`, with the losses, feedback and optimizer error."""
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
    feedback = gradient_texts(prompt)
    optimizer = tg.TGD(parameters=[prompt], engine=as_textgrad_engine(plan.optimizer),
                       constraints=format_constraints(plan.starting_prompt))
    error = None
    with call_scope(checkpoint=checkpoint, phase="optimizer"):
        try:
            optimizer.step()
        except IndexError:
            error = "the optimizer's reply had no <IMPROVED_VARIABLE> tags; prompt kept"
    return TextGradEdit(prompt.value.strip(), [loss.value for loss in losses], feedback, error)
