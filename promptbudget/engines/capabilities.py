"""What a model accepts: thinking modes, effort levels, output ceiling."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .types import EFFORT_LEVELS, MIN_THINKING_BUDGET, Thinking
from ..errors import UsageError

if TYPE_CHECKING:
    from anthropic.types import ModelInfo


@dataclass(frozen=True)
class Capabilities:
    thinking_budget: bool
    thinking_adaptive: bool
    thinking_off: bool = True
    effort_levels: tuple[str, ...] = ()
    max_tokens: int | None = None
    source: str = "builtin"
    lifecycle: str = "active"
    notes: tuple[str, ...] = field(default=())
    budget_deprecated: bool = False
    """A manual budget still works but is deprecated (the 4.6 generation): default to adaptive."""
    retires_at: str | None = None
    """ISO date of the scheduled retirement, from the Models API."""
    thinking_known: bool = True
    """False when no source states which thinking modes the model accepts: only thinking off is run."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "thinking_budget": self.thinking_budget, "thinking_adaptive": self.thinking_adaptive,
            "thinking_off": self.thinking_off, "effort_levels": list(self.effort_levels),
            "max_tokens": self.max_tokens, "source": self.source, "lifecycle": self.lifecycle,
            "budget_deprecated": self.budget_deprecated, "retires_at": self.retires_at,
            "thinking_known": self.thinking_known,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Capabilities":
        return cls(
            thinking_budget=bool(data["thinking_budget"]), thinking_adaptive=bool(data["thinking_adaptive"]),
            thinking_off=bool(data.get("thinking_off", True)),
            effort_levels=tuple(data.get("effort_levels", ())), max_tokens=data.get("max_tokens"),
            source=data.get("source", "cache"), lifecycle=data.get("lifecycle", "active"),
            budget_deprecated=bool(data.get("budget_deprecated", False)), retires_at=data.get("retires_at"),
            thinking_known=bool(data.get("thinking_known", True)),
        )

    def default_thinking(self, model: str = "this model") -> Thinking:
        """The thinking mode used when the user asks for thinking without saying how."""
        if not self.thinking_known:
            raise unknown_thinking_error(model)
        if self.thinking_budget and not (self.budget_deprecated and self.thinking_adaptive):
            return Thinking.budget(16000)
        if self.thinking_adaptive:
            return Thinking.adaptive("high" if "high" in self.effort_levels else self.effort_levels[-1])
        return Thinking.off()

    def validate(self, model: str, thinking: Thinking, max_tokens: int) -> None:
        """Raise UsageError for a setting the model would reject, before any call is made."""
        if max_tokens < 1:
            raise UsageError(f"max_tokens must be at least 1 (got {max_tokens})")
        if thinking.mode != "off" and not self.thinking_known:
            raise unknown_thinking_error(model)
        if self.max_tokens is not None and max_tokens > self.max_tokens:
            raise UsageError(f"max_tokens {max_tokens} exceeds {model}'s limit of {self.max_tokens}")
        if thinking.mode == "budget":
            if not self.thinking_budget:
                hint = " use --effort LEVEL (adaptive thinking) instead" if self.thinking_adaptive else \
                    " use --no_thinking_enabled"
                raise UsageError(f"{model} does not accept a manual thinking budget;{hint}")
            budget = thinking.budget_tokens or 0
            if budget < MIN_THINKING_BUDGET:
                raise UsageError(f"thinking budget {budget} is below the minimum of {MIN_THINKING_BUDGET} tokens")
            if budget >= max_tokens:
                raise UsageError(f"thinking budget {budget} must be less than max_tokens {max_tokens}; "
                                 f"raise --max_tokens above {budget} or lower --thinking_budget")
        elif thinking.mode == "adaptive":
            if not self.thinking_adaptive:
                hint = " use --thinking_budget N instead" if self.thinking_budget else " use --no_thinking_enabled"
                raise UsageError(f"{model} does not support adaptive thinking (--effort);{hint}")
            if thinking.effort not in EFFORT_LEVELS:
                raise UsageError(f"unknown effort level {thinking.effort!r}; choose one of {', '.join(EFFORT_LEVELS)}")
            if thinking.effort not in self.effort_levels:
                unstated = " (the built-in table lists only the levels its sources state for it)" \
                    if self.source == "builtin" else ""
                raise UsageError(f"{model} does not offer effort {thinking.effort!r}{unstated}; it offers "
                                 f"{', '.join(self.effort_levels) or 'none'}")
        elif not self.thinking_off:
            raise UsageError(f"{model} cannot run with thinking off")


def unknown_thinking_error(model: str) -> UsageError:
    return UsageError(f"{model}: which thinking settings it accepts is unknown here (neither the anthropic SDK "
                      "nor its documentation states it, and no Models API answered); run it with "
                      "--no_thinking_enabled, or on the first-party API, whose Models API reports it")


_LEGACY = dict(thinking_budget=True, thinking_adaptive=False, effort_levels=(), max_tokens=64000)
_OPUS_4_5 = dict(thinking_budget=True, thinking_adaptive=False, effort_levels=("low", "medium", "high"),
                 max_tokens=64000)
_HYBRID = dict(thinking_budget=True, thinking_adaptive=True, effort_levels=("low", "medium", "high", "max"),
               max_tokens=64000, budget_deprecated=True)
_ADAPTIVE_ONLY = dict(thinking_budget=False, thinking_adaptive=True,
                      effort_levels=("low", "medium", "high", "xhigh", "max"), max_tokens=128000)
# Stated by docs/claude_api.md and nothing more: a manual budget is rejected on "Opus 4.7+,
# Sonnet 5 and later", so adaptive thinking is their way to think; its levels are low, medium,
# high, xhigh and max, but "xhigh only on the newest models" without naming them, so xhigh is
# left out; no source states their output ceiling, so max_tokens is unchecked (None).
_ADAPTIVE_STATED = dict(thinking_budget=False, thinking_adaptive=True,
                        effort_levels=("low", "medium", "high", "max"), max_tokens=None)
# No source names these lines' thinking modes (the Opus/Sonnet rule above does not cover them):
# only thinking off is accepted until the Models API reports them.
_THINKING_UNKNOWN = dict(thinking_budget=False, thinking_adaptive=False, effort_levels=(), max_tokens=None,
                         thinking_known=False)

# Every Claude id the installed SDK names (a test keeps it so; anthropic 2.14 and 2.15 name the same
# ids but claude-sonnet-4-5, which 2.15 dropped once it retired). Used when the Models API is not
# reachable (offline, a compatible server without /v1/models, Bedrock, Vertex AI). Manual budgets:
# the 4.5 generation; deprecated on the 4.6 generation; rejected from Opus 4.7 and the 5 family on.
BUILTIN_CAPABILITIES: dict[str, Capabilities] = {
    **{model: Capabilities(**_LEGACY) for model in (
        "claude-haiku-4-5-20251001", "claude-haiku-4-5", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5")},
    **{model: Capabilities(**_OPUS_4_5) for model in ("claude-opus-4-5-20251101", "claude-opus-4-5")},
    "claude-sonnet-4-6": Capabilities(**_HYBRID),
    "claude-opus-4-6": Capabilities(**{**_HYBRID, "max_tokens": 128000}),
    "claude-mythos-preview": Capabilities(**{**_HYBRID, "max_tokens": 128000}),
    **{model: Capabilities(**_ADAPTIVE_ONLY) for model in ("claude-opus-4-7", "claude-sonnet-5", "claude-opus-5")},
    **{model: Capabilities(**_ADAPTIVE_STATED) for model in ("claude-opus-4-8", "claude-opus-5-5", "claude-sonnet-5-5")},
    **{model: Capabilities(**_THINKING_UNKNOWN) for model in (
        "claude-haiku-5-5", "claude-mythos-5", "claude-mythos-5-1", "claude-mythos-5-2", "claude-fable-5",
        "claude-fable-5-1", "claude-fable-5-2")},
}

# A model on an Anthropic-compatible server (llama-server, Ollama) that has no Models API.
GENERIC_COMPATIBLE = Capabilities(thinking_budget=True, thinking_adaptive=False, effort_levels=(),
                                  max_tokens=None, source="generic")


def from_model_info(info: ModelInfo) -> Capabilities | None:
    """Read an SDK `ModelInfo`; None when it carries no capabilities."""
    caps = getattr(info, "capabilities", None)
    if caps is None:
        return None
    types = caps.thinking.types
    effort = caps.effort
    retires_at = getattr(info, "retires_at", None)
    levels = tuple(level for level in EFFORT_LEVELS
                   if effort.supported and getattr(effort, level, None) is not None
                   and getattr(effort, level).supported)
    return Capabilities(
        thinking_budget=bool(caps.thinking.supported and types.enabled.supported),
        thinking_adaptive=bool(caps.thinking.supported and types.adaptive.supported),
        thinking_off=bool(types.disabled.supported),
        effort_levels=levels,
        max_tokens=getattr(info, "max_tokens", None),
        source="models_api",
        lifecycle=getattr(info, "lifecycle", "active") or "active",
        budget_deprecated=bool(getattr(info, "id", None) in _budget_deprecated_ids()),
        retires_at=retires_at.date().isoformat() if retires_at is not None else None,
    )


def _budget_deprecated_ids() -> set[str]:
    from .models import sdk_budget_deprecated

    return {m for m, caps in BUILTIN_CAPABILITIES.items() if caps.budget_deprecated} | set(sdk_budget_deprecated())
