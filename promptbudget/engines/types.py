"""Value types shared by every engine: what is asked, what came back, what it cost in tokens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, TypedDict, cast

ROLES = ("answer", "judge", "feedback", "optimizer", "classifier", "confidence")
EFFORT_LEVELS = ("low", "medium", "high", "xhigh", "max")
MIN_THINKING_BUDGET = 1024

ThinkingMode = Literal["off", "budget", "adaptive"]


class ThinkingJson(TypedDict):
    mode: ThinkingMode
    budget_tokens: int | None
    effort: str | None


class RequestJson(TypedDict):
    """A Request as the cache key and the batch state store it."""

    prompt: str
    system: str | None
    max_tokens: int
    thinking: ThinkingJson
    sample_index: int


class UsageJson(TypedDict):
    input_tokens: int
    output_tokens: int
    thinking_tokens: int | None
    cache_creation_input_tokens: int
    cache_read_input_tokens: int


class CompletionJson(TypedDict):
    """A Completion as the request cache stores it."""

    text: str
    usage: UsageJson
    stop_reason: str
    model: str
    thinking_text: str
    latency_s: float
    retries: int
    cached: bool


@dataclass(frozen=True)
class Thinking:
    """One of three thinking modes: off, a manual token budget, or adaptive with an effort level."""

    mode: ThinkingMode = "off"
    budget_tokens: int | None = None
    effort: str | None = None

    @classmethod
    def off(cls) -> "Thinking":
        return cls("off")

    @classmethod
    def budget(cls, tokens: int) -> "Thinking":
        return cls("budget", budget_tokens=int(tokens))

    @classmethod
    def adaptive(cls, effort: str = "high") -> "Thinking":
        return cls("adaptive", effort=effort)

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def describe(self) -> str:
        if self.mode == "budget":
            return f"budget {self.budget_tokens}"
        if self.mode == "adaptive":
            return f"adaptive, effort {self.effort}"
        return "off"

    def to_dict(self) -> ThinkingJson:
        return {"mode": self.mode, "budget_tokens": self.budget_tokens, "effort": self.effort}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Thinking":
        return cls(data.get("mode", "off"), data.get("budget_tokens"), data.get("effort"))


@dataclass(frozen=True)
class Request:
    """One model call. Everything here changes the output, so all of it is in the cache key."""

    prompt: str
    system: str | None = None
    max_tokens: int = 1024
    thinking: Thinking = field(default_factory=Thinking)
    sample_index: int = 0

    def to_dict(self) -> RequestJson:
        return {
            "prompt": self.prompt,
            "system": self.system,
            "max_tokens": self.max_tokens,
            "thinking": self.thinking.to_dict(),
            "sample_index": self.sample_index,
        }


@dataclass(frozen=True)
class Usage:
    """Token counts as the provider billed them. `output_tokens` includes thinking tokens."""

    input_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int | None = None
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        thinking = None
        if self.thinking_tokens is not None or other.thinking_tokens is not None:
            thinking = (self.thinking_tokens or 0) + (other.thinking_tokens or 0)
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            thinking,
            self.cache_creation_input_tokens + other.cache_creation_input_tokens,
            self.cache_read_input_tokens + other.cache_read_input_tokens,
        )

    def to_dict(self) -> UsageJson:
        return cast(UsageJson, {f.name: getattr(self, f.name) for f in fields(self)})  # asdict's deep copy is slow, and all are ints

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Usage":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class Completion:
    """What one call returned: the answer text (text blocks only) and its billed usage."""

    text: str
    usage: Usage
    stop_reason: str
    model: str
    thinking_text: str = ""
    latency_s: float = 0.0
    retries: int = 0
    cached: bool = False

    @property
    def truncated(self) -> bool:
        return self.stop_reason == "max_tokens"

    def as_cached(self) -> "Completion":
        return replace(self, cached=True, retries=0)

    def to_dict(self) -> CompletionJson:
        data = {f.name: getattr(self, f.name) for f in fields(self)}  # no deep copy: usage is the one nested field
        data["usage"] = self.usage.to_dict()
        return cast(CompletionJson, data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Completion":
        data = dict(data)
        data["usage"] = Usage.from_dict(data["usage"])
        return cls(**data)
