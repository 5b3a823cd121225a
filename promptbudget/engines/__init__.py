"""Engines registered by name. Vendor SDKs are imported only when their engine is created.

Model specs:
  mock                 the deterministic offline engine (default behaviour)
  mock:SCRIPT.json     the mock engine following a script (see engines/mock.py)
  local                the embedded SmolLM2-135M-Instruct GGUF through llama-cpp-python
  local/PATH.gguf      any GGUF file
  anthropic/MODEL      Claude (or an Anthropic-compatible server with --base_url)
  claude-...           shorthand for anthropic/claude-...
  bedrock/MODEL        Claude on Amazon Bedrock, e.g. bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0
  vertex/MODEL         Claude on Google Vertex AI, e.g. vertex/claude-sonnet-4-5@20250929
  openai/MODEL         an OpenAI-compatible Chat Completions server (vLLM, SGLang, Ollama, LM Studio,
                       llama-server) at --base_url
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from ..cache import RequestCache
from ..errors import UsageError
from ..ledger import Ledger
from ..pricing import PriceTable
from .types import ROLES, Completion, Request, Thinking, Usage
from .base import Engine, RoleEngine
from .models import DEFAULT_MODEL

_REGISTRY: dict[str, str] = {
    "mock": "promptbudget.engines.mock:MockEngine",
    "local": "promptbudget.engines.local:LocalEngine",
    "anthropic": "promptbudget.engines.anthropic_engine:AnthropicEngine",
    "bedrock": "promptbudget.engines.platforms:BedrockEngine",
    "vertex": "promptbudget.engines.platforms:VertexEngine",
    "openai": "promptbudget.engines.openai_engine:OpenAIEngine",
}

SPEC_HELP = ("model specs: mock, mock:SCRIPT.json, local, local/PATH.gguf, anthropic/MODEL, bedrock/MODEL, "
             f"vertex/MODEL, openai/MODEL (with --base_url), or a Claude model id such as {DEFAULT_MODEL}")


@dataclass(frozen=True)
class ModelSpec:
    engine: str
    model: str

    def __str__(self) -> str:
        return f"{self.engine}/{self.model}"


@dataclass
class EngineOptions:
    """Shared resources and connection settings handed to every engine."""

    ledger: Ledger | None = None
    cache: RequestCache | None = None
    prices: PriceTable | None = None
    base_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def register(name: str, target: str) -> None:
    """Register an engine class by dotted path `module:Class` (imported on first use)."""
    _REGISTRY[name] = target


def engine_names() -> list[str]:
    return sorted(_REGISTRY)


def parse_model_spec(spec: str) -> ModelSpec:
    spec = (spec or "").strip()
    if not spec:
        raise UsageError(f"empty model name; {SPEC_HELP}")
    if spec in _REGISTRY:
        return ModelSpec(spec, "default")
    if spec.startswith("mock:"):
        return ModelSpec("mock", spec[len("mock:"):])
    engine, sep, model = spec.partition("/")
    if sep and engine in _REGISTRY and model:
        return ModelSpec(engine, model)
    if spec.startswith("claude-"):
        return ModelSpec("anthropic", spec)
    if sep and engine and model and "/" not in engine and "." not in engine:
        raise UsageError(f"unknown engine or platform {engine!r} in {spec!r}; choose one of "
                         f"{', '.join(p + '/' for p in engine_names() if p not in ('mock',))}")
    if sep and engine in _REGISTRY and not model:
        raise UsageError(f"{spec!r} names no model after {engine + '/'!r}; {SPEC_HELP}")
    raise UsageError(f"unknown model {spec!r}; {SPEC_HELP}")


def engine_class(name: str) -> type[Engine]:
    module_name, _, class_name = _REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def create_engine(spec: str | ModelSpec, options: EngineOptions | None = None) -> Engine:
    """Build the engine a spec names. Raises UsageError for unknown names or missing keys."""
    parsed = spec if isinstance(spec, ModelSpec) else parse_model_spec(spec)
    options = options or EngineOptions()
    return engine_class(parsed.engine).create(parsed.model, options)


__all__ = [
    "Engine", "RoleEngine", "Completion", "Request", "Thinking", "Usage", "ROLES", "ModelSpec",
    "EngineOptions", "create_engine", "parse_model_spec", "register", "engine_names", "SPEC_HELP", "DEFAULT_MODEL",
]
