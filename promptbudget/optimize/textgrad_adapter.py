"""Presents a promptbudget RoleEngine to TextGrad as an `EngineLM`.

TextGrad's Variables, losses and TGD call `engine(prompt, system_prompt=...)` and expect text
back. Engines themselves know nothing of TextGrad: this adapter is the only bridge, so only
the optimize loop imports TextGrad (and litellm through it).
"""

from __future__ import annotations

from typing import Any

from ..engines import RoleEngine
from ..errors import UsageError
from ..textgrad_env import EngineLM


class TextGradEngine(EngineLM):
    """A RoleEngine seen by TextGrad: each call is one `RoleEngine.complete`, billed to its role."""

    def __init__(self, role_engine: RoleEngine):
        self.role_engine = role_engine
        self.model_string = role_engine.model_string

    def generate(self, prompt: Any, system_prompt: str | None = None, **kwargs: Any) -> str:
        if not isinstance(prompt, str):
            raise UsageError("promptbudget engines take text prompts only (TextGrad passed "
                             f"{type(prompt).__name__})")
        return self.role_engine.complete(prompt, system_prompt).text

    def __call__(self, prompt: Any, system_prompt: str | None = None, **kwargs: Any) -> str:
        return self.generate(prompt, system_prompt=system_prompt, **kwargs)


def as_textgrad_engine(role_engine: RoleEngine) -> TextGradEngine:
    return TextGradEngine(role_engine)
