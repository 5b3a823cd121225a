"""The five runtime settings (engine endpoint, spending cap, prices, cache) of every command config."""

from __future__ import annotations

from dataclasses import dataclass

from ..runtime import RuntimeConfig


@dataclass(frozen=True)
class RuntimeFields:
    """Base of a command's frozen config dataclass: the fields RuntimeConfig is built from."""

    base_url: str | None = None
    max_cost: float | None = None
    prices: str | None = None
    cache_dir: str | None = None
    no_cache: bool = False

    def runtime(self) -> RuntimeConfig:
        return RuntimeConfig.of(self)
