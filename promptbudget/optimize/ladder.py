"""The thinking-setting ladder: the rungs a joint search may move the answer engine along.

Rungs run from cheapest to richest: thinking off (where the model allows it), then manual
budgets (1024 ... 16000) on models that take one, or effort levels on adaptive-only models.
The default comes from the model's capabilities; `--budgets` / `--efforts` (the same flags as
`budget-sweep`; 0 or "off" = thinking off) override it. The run's starting setting is always
a rung. Each rung carries the max_tokens its answers are sent with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..engines.capabilities import Capabilities
from ..engines.types import EFFORT_LEVELS, MIN_THINKING_BUDGET, Thinking
from ..errors import UsageError

DEFAULT_BUDGETS = (1024, 2048, 4096, 8192, 16000)


@dataclass(frozen=True)
class Rung:
    thinking: Thinking
    max_tokens: int

    @property
    def label(self) -> str:
        return self.thinking.describe()

    def to_dict(self) -> dict:
        return {"label": self.label, "thinking": self.thinking.to_dict(), "max_tokens": self.max_tokens}


def _order(thinking: Thinking) -> tuple[int, int]:
    if thinking.mode == "off":
        return (0, 0)
    if thinking.mode == "budget":
        return (1, thinking.budget_tokens or 0)
    return (2, EFFORT_LEVELS.index(thinking.effort) if thinking.effort in EFFORT_LEVELS else -1)


def parse_settings(budgets: Sequence[str | int] | None, efforts: Sequence[str] | None) -> list[Thinking] | None:
    """The --budgets / --efforts values as thinking settings (None when neither was given)."""
    if budgets is not None and efforts is not None:
        raise UsageError("give either --budgets (manual thinking) or --efforts (adaptive thinking), not both")
    if budgets is not None:
        settings = []
        for value in budgets:
            try:
                tokens = int(value)
            except (TypeError, ValueError):
                raise UsageError(f"--budgets takes whole numbers of tokens (0 = thinking off); got {value!r}") from None
            if tokens != 0 and tokens < MIN_THINKING_BUDGET:
                raise UsageError(f"--budgets {tokens} is below the minimum of {MIN_THINKING_BUDGET}; use 0 for "
                                 f"thinking off or a budget of at least {MIN_THINKING_BUDGET}")
            settings.append(Thinking.off() if tokens == 0 else Thinking.budget(tokens))
        return _checked_order(settings, "--budgets")
    if efforts is not None:
        settings = []
        for value in efforts:
            if value != "off" and value not in EFFORT_LEVELS:
                raise UsageError(f"--efforts takes off or {', '.join(EFFORT_LEVELS)}; got {value!r}")
            settings.append(Thinking.off() if value == "off" else Thinking.adaptive(value))
        return _checked_order(settings, "--efforts")
    return None


def _checked_order(settings: list[Thinking], flag: str) -> list[Thinking]:
    if not settings:
        raise UsageError(f"{flag} is empty; give at least one setting")
    keys = [_order(s) for s in settings]
    if any(a >= b for a, b in zip(keys, keys[1:])):
        raise UsageError(f"{flag} must be sorted from cheapest to richest without repeats "
                         f"(got {' '.join(s.describe() for s in settings)})")
    return settings


def default_settings(caps: Capabilities) -> list[Thinking]:
    off = [Thinking.off()] if caps.thinking_off else []
    if caps.thinking_budget:
        return off + [Thinking.budget(b) for b in DEFAULT_BUDGETS]
    if caps.thinking_adaptive:
        return off + [Thinking.adaptive(level) for level in EFFORT_LEVELS if level in caps.effort_levels]
    return off


def build_ladder(settings: list[Thinking] | None, start: Thinking, caps: Capabilities, model: str,
                 max_tokens_for) -> list[Rung]:
    """Rungs from cheapest to richest, the starting setting among them; UsageError naming the fix
    for a setting the model does not take. `max_tokens_for(thinking)` gives each rung's cap."""
    if settings is None:
        # The default ladder follows the starting mode: budgets with budgets, efforts with efforts.
        chosen = [s for s in default_settings(caps) if start.mode == "off" or s.mode in ("off", start.mode)]
        rungs = [Rung(s, max_tokens_for(s)) for s in chosen if _fits(caps, model, s, max_tokens_for(s))]
    else:
        rungs = [_checked_rung(caps, model, s, max_tokens_for(s)) for s in settings]
    if start not in [r.thinking for r in rungs]:
        rungs = sorted([*rungs, _checked_rung(caps, model, start, max_tokens_for(start))],
                       key=lambda r: _order(r.thinking))
    if {r.thinking.mode for r in rungs} >= {"budget", "adaptive"}:
        raise UsageError("a ladder holds either manual budgets or effort levels, not both: the starting setting is "
                         f"'{start.describe()}'; give --budgets with --thinking_budget or --efforts with --effort")
    return rungs


def _fits(caps: Capabilities, model: str, thinking: Thinking, max_tokens: int) -> bool:
    try:
        caps.validate(model, thinking, max_tokens)
    except UsageError:
        return False
    return True


def _checked_rung(caps: Capabilities, model: str, thinking: Thinking, max_tokens: int) -> Rung:
    try:
        caps.validate(model, thinking, max_tokens)
    except UsageError as exc:
        flag = "--efforts" if thinking.mode == "adaptive" else "--budgets"
        raise UsageError(f"ladder setting '{thinking.describe()}': {exc}; change {flag}") from None
    return Rung(thinking, max_tokens)


def rung_index(rungs: list[Rung], thinking: Thinking) -> int:
    return next(i for i, rung in enumerate(rungs) if rung.thinking == thinking)
