"""How one stage's share of the thinking budget is enforced on a given engine.

A stage budget is a number of tokens. What that number can mean depends on the model:

* models that take a thinking budget through the API (Claude with manual budgets, the mock
  engine): ``Thinking.budget(b)`` when b >= 1024 (the API minimum), otherwise thinking off.
  Visible output gets ``output_allowance`` tokens on top of the budget.
* local models that think in ``<think>`` tags: a forced stop after b thinking tokens (the
  Qwen3 method, done by ``LocalEngine``); b = 0 turns thinking off (an empty think block).
* models that do not think (SmolLM2, generic Anthropic-compatible servers): the budget is a
  ``max_tokens`` cap on the stage's whole output, at least ``min_answer_tokens`` so that a
  budget of 0 can still produce an answer.

Claude models that only offer adaptive thinking cannot be given a budget at all: they are
refused rather than run with a setting that would not mean what the budget says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from ..engines.types import MIN_THINKING_BUDGET, Thinking
from ..errors import UsageError

if TYPE_CHECKING:
    from ..engines import Engine
    from ..engines.local import LocalEngine

THINKING_BUDGET = "thinking budget"
THINKING_OFF = "thinking off"
FORCED_STOP = "forced stop"
MAX_TOKENS_CAP = "max_tokens cap"
ENFORCEMENTS = (THINKING_BUDGET, THINKING_OFF, FORCED_STOP, MAX_TOKENS_CAP)

# How an engine can be made to respect a thinking budget.
STYLE_API = "api thinking budget"
STYLE_FORCED_STOP = "forced stop in <think> tags"
STYLE_NONE = "no thinking: max_tokens cap"

DEFAULT_OUTPUT_ALLOWANCE = 1024
DEFAULT_MIN_ANSWER_TOKENS = 64


@dataclass(frozen=True)
class StageSetting:
    """The request settings of one stage and how its budget is enforced."""

    budget: int
    thinking: Thinking
    max_tokens: int
    enforcement: str

    def to_dict(self) -> dict[str, Any]:
        return {"budget": self.budget, "thinking": self.thinking.to_dict(),
                "max_tokens": self.max_tokens, "enforcement": self.enforcement}

    def identity(self) -> tuple[Thinking, int]:
        return (self.thinking, self.max_tokens)


def thinking_style(engine: Engine) -> str:
    """How `engine` can enforce a thinking budget (STYLE_*); UsageError when it cannot at all."""
    if getattr(engine, "engine_name", None) == "local":
        return STYLE_FORCED_STOP if cast("LocalEngine", engine).thinks() else STYLE_NONE
    caps = engine.capabilities()
    if caps.source == "generic":
        return STYLE_NONE
    if caps.thinking_budget:
        return STYLE_API
    raise UsageError(f"{engine.model_string} does not accept a manual thinking budget (it only offers adaptive "
                     "thinking), so a split of a token budget cannot be enforced on it; use a model with "
                     "thinking budgets such as claude-sonnet-4-5 or claude-haiku-4-5")


def stage_setting(engine: Engine, budget: int, *, output_allowance: int = DEFAULT_OUTPUT_ALLOWANCE,
                  min_answer_tokens: int = DEFAULT_MIN_ANSWER_TOKENS, style: str | None = None) -> StageSetting:
    """The settings that enforce `budget` tokens for one stage on `engine` (pure given the style).

    Raises UsageError when the resulting request exceeds what the model accepts.
    """
    if budget < 0:
        raise UsageError(f"a stage budget must not be negative (got {budget})")
    style = style or thinking_style(engine)
    if style == STYLE_API:
        if budget >= MIN_THINKING_BUDGET:
            setting = StageSetting(budget, Thinking.budget(budget), budget + output_allowance, THINKING_BUDGET)
        else:
            setting = StageSetting(budget, Thinking.off(), output_allowance, THINKING_OFF)
        engine.validate(setting.thinking, setting.max_tokens)
        return setting
    if style == STYLE_FORCED_STOP:
        if budget > 0:
            setting = StageSetting(budget, Thinking.budget(budget), budget + output_allowance, FORCED_STOP)
        else:
            setting = StageSetting(budget, Thinking.off(), output_allowance, THINKING_OFF)
    elif style == STYLE_NONE:
        setting = StageSetting(budget, Thinking.off(), max(budget, min_answer_tokens), MAX_TOKENS_CAP)
    else:
        raise ValueError(f"unknown thinking style {style!r}")
    # Local forced stops work at any budget, so the API's 1024-token minimum does not apply;
    # only the output ceiling does.
    ceiling = engine.capabilities().max_tokens
    if ceiling is not None and setting.max_tokens > ceiling:
        raise UsageError(f"a stage budget of {budget} tokens needs max_tokens {setting.max_tokens}, above "
                         f"{engine.model_string}'s limit of {ceiling}; lower --total_budget or --output_allowance")
    return setting


def split_budget(total: int, ratio: float) -> tuple[int, int]:
    """(answer budget, confidence budget): round(total * ratio) half up, and the rest.

    The product is exact for the ratio as written (0.145 x 100 = 14.5 -> 15), not for its binary
    float (14.499999... -> 14)."""
    exact = Fraction(repr(float(ratio))) * total
    answer = math.floor(exact + Fraction(1, 2))
    answer = min(total, max(0, answer))
    return answer, total - answer
