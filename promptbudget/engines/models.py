"""Claude model ids: the project's default, the ids the installed SDK knows, and lifecycles.

The SDK ships its own model data (`anthropic.types.Model`, `anthropic._data`): the ids it
knows, the end-of-life date of each deprecated model, and the models on which a manual
thinking budget is deprecated. The Models API adds a live `lifecycle` and `retires_at`.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Callable

from ..errors import UsageError

DEFAULT_MODEL = "claude-sonnet-4-6"
"""The default answer model of optimize, budget-sweep, allocate and confidence-split."""

LINES = ("haiku", "sonnet", "opus", "mythos", "fable")
_ID = re.compile(r"^claude-(?P<line>[a-z]+)-(?P<major>\d+)(?:-(?P<minor>\d{1,2}))?(?:-(?P<date>\d{8}))?$")
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)")


@lru_cache(maxsize=1)
def sdk_model_ids() -> tuple[str, ...]:
    """Every Claude model id the installed `anthropic` SDK names in its `Model` type."""
    from anthropic.types import Model

    literals = [arg for arg in typing.get_args(Model) if typing.get_origin(arg) is typing.Literal]
    return tuple(value for literal in literals for value in typing.get_args(literal))


@lru_cache(maxsize=1)
def sdk_end_of_life() -> dict[str, date]:
    """End-of-life dates of the models the SDK lists as deprecated."""
    from anthropic._data import DEPRECATED_MODELS

    return {model: parse_sdk_date(text) for model, text in DEPRECATED_MODELS.items()}


RECORDED_END_OF_LIFE: dict[str, date] = {
    "claude-mythos-preview": date(2026, 6, 30),
    "claude-sonnet-4-5": date(2026, 11, 30),
    "claude-sonnet-4-5-20250929": date(2026, 11, 30),
    "claude-opus-4-5": date(2027, 1, 22),
    "claude-opus-4-5-20251101": date(2027, 1, 22),
}
"""Our own copy of the SDK's deprecation dates (anthropic 2.14's `DEPRECATED_MODELS`): an SDK
release drops a model from its data once it is retired (2.15 forgets claude-sonnet-4-5), and
a retired id must still be refused. Add a row whenever an SDK release announces a new date."""

RECORDED_SOURCE = "promptbudget's retirement record (from anthropic 2.14's deprecation data)"
SDK_SOURCE = "the anthropic SDK's deprecation data"


def end_of_life_dates() -> dict[str, tuple[date, str]]:
    """Every known end-of-life date and its source: the installed SDK's, else our record."""
    dates = {model: (day, RECORDED_SOURCE) for model, day in RECORDED_END_OF_LIFE.items()}
    dates.update({model: (day, SDK_SOURCE) for model, day in sdk_end_of_life().items()})
    return dates


@lru_cache(maxsize=1)
def sdk_budget_deprecated() -> frozenset[str]:
    """Models on which the SDK warns for `thinking.type=enabled` (a manual budget)."""
    from anthropic._data import MODELS_TO_WARN_WITH_THINKING_ENABLED

    return frozenset(MODELS_TO_WARN_WITH_THINKING_ENABLED)


def parse_sdk_date(text: str) -> date:
    """'November 30th, 2026' (the SDK's format) -> date(2026, 11, 30)."""
    return datetime.strptime(_ORDINAL.sub(r"\1", text.strip()), "%B %d, %Y").date()


def model_line(model_id: str) -> str | None:
    match = re.match(r"^claude-([a-z]+)-", model_id)
    return match.group(1) if match and match.group(1) in LINES else None


def _version(model_id: str) -> tuple[int, int, int]:
    match = _ID.match(model_id)
    if not match:
        return (-1, -1, -1)
    return (int(match.group("major")), int(match.group("minor") or 0), 0 if match.group("date") else 1)


@dataclass(frozen=True)
class Lifecycle:
    state: str
    """active, deprecated or retired"""
    end_of_life: date | None = None
    source: str = ""

    def describe(self) -> str:
        when = f" (end of life {self.end_of_life.isoformat()})" if self.end_of_life else ""
        return f"{self.state}{when}, per {self.source}" if self.source else self.state


def lifecycle_of(model_id: str, *, api_state: str | None = None, api_retires_at: date | None = None,
                 trust_sdk_dates: bool = True, today: date | None = None) -> Lifecycle:
    """Combine the Models API's lifecycle (authoritative when known) with the known dates.

    Without an answer from the Models API, a model whose end-of-life date has passed is
    retired when `trust_sdk_dates` (Anthropic and its platforms), else only deprecated
    (a compatible server that happens to use the name)."""
    known = end_of_life_dates().get(model_id)
    end_of_life = api_retires_at or (known[0] if known else None)
    if api_state in ("retired", "deprecated"):
        return Lifecycle(api_state, end_of_life, "the Models API")
    if known is None:
        return Lifecycle("active", None, "the Models API" if api_state else "")
    known_date, source = known
    today = today or date.today()
    if api_state is None and trust_sdk_dates and known_date <= today:
        return Lifecycle("retired", known_date, source)
    return Lifecycle("deprecated", known_date, source)


def suggested_replacement(model_id: str, is_priced: Callable[[str], bool] = lambda _: True) -> str:
    """The newest model of the same line that is not deprecated, preferring one with a known price."""
    line = model_line(model_id)
    retiring = end_of_life_dates()
    candidates = [m for m in sdk_model_ids() if model_line(m) == line and m not in retiring and m != model_id]
    candidates.sort(key=_version, reverse=True)
    priced = [m for m in candidates if is_priced(m)]
    return (priced or candidates or [DEFAULT_MODEL])[0]


def check_lifecycle(model_string: str, model_id: str, lifecycle: Lifecycle,
                    is_priced: Callable[[str], bool] = lambda _: True, platform: str | None = None) -> str | None:
    """A warning for a deprecated model; UsageError (exit 2) for a retired one; None when active."""
    if lifecycle.state == "active":
        return None
    replacement = suggested_replacement(model_id, is_priced)
    hint = (f"switch to {replacement} (pass its {platform} model id as --model {platform}/...)" if platform
            else f"use --model {replacement} instead")
    when = lifecycle.end_of_life.isoformat() if lifecycle.end_of_life else "a date not yet announced"
    if lifecycle.state == "retired":
        raise UsageError(f"{model_string} is retired (end of life {when}, per {lifecycle.source}): the API no "
                         f"longer serves it; {hint}")
    passed = lifecycle.end_of_life is not None and lifecycle.end_of_life <= date.today()
    return (f"{model_string} is deprecated and {'reached' if passed else 'reaches'} end of life on {when} "
            f"(per {lifecycle.source}); {hint}")


_BEDROCK_PREFIX = re.compile(r"^(?:[a-z]{2,6}\.)?anthropic\.")
_BEDROCK_VERSION = re.compile(r"-v\d+(?::\d+)?$")


def canonical_model_id(platform: str, model: str) -> str:
    """The first-party id of a platform's model id.

    bedrock: `us.anthropic.claude-sonnet-4-5-20250929-v1:0` -> `claude-sonnet-4-5-20250929`
    vertex:  `claude-sonnet-4-5@20250929` -> `claude-sonnet-4-5-20250929`"""
    if platform == "bedrock":
        return _BEDROCK_VERSION.sub("", _BEDROCK_PREFIX.sub("", model))
    if platform == "vertex":
        return model.replace("@", "-")
    return model


def bedrock_endpoint_scope(model: str) -> str:
    """`global` for a global inference profile (`global.anthropic...`), else `regional`."""
    return "global" if model.startswith("global.") else "regional"
