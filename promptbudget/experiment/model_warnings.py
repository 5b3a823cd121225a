"""Warnings about the engine a command runs on, the same text in every command."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engines import Engine


def engine_warnings(engine: Engine) -> list[str]:
    """The tiny-default-model warning when `engine` is the bundled SmolLM2-135M, else nothing."""
    if not getattr(engine, "is_tiny_default", False):
        return []
    from ..engines.local import SMALL_MODEL_WARNING

    return [SMALL_MODEL_WARNING]
