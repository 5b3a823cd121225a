"""Shared resources of one command: ledger, cache, prices and engines built from flags."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .cache import RequestCache, default_cache_dir
from .cli_support import check_input_file, check_output_path
from .engines import Engine, EngineOptions, ModelSpec, create_engine, parse_model_spec
from .errors import UsageError
from .flags import add_runtime_arguments  # noqa: F401  (its old home; callers import it from flags)
from .gguf_file import check_gguf
from .ledger import Ledger
from .pricing import PriceTable, load_prices


@dataclass(frozen=True)
class RuntimeSettings:
    """The five runtime flags (engine endpoint, spending cap, prices, cache), declared once."""

    base_url: str | None = None
    max_cost: float | None = None
    prices: str | None = None
    cache_dir: str | None = None
    no_cache: bool = False


@dataclass(frozen=True)
class RuntimeConfig(RuntimeSettings):
    """The runtime settings of one command, checked before anything is built."""

    @classmethod
    def of(cls, settings: RuntimeSettings | argparse.Namespace) -> "RuntimeConfig":
        """The runtime part of a command's settings (a config holding them, or parsed flags)."""
        return cls(**{f.name: getattr(settings, f.name) for f in fields(RuntimeSettings)})

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "RuntimeConfig":
        return cls.of(args)

    def validate(self) -> None:
        if self.max_cost is not None and (not math.isfinite(self.max_cost) or self.max_cost <= 0):
            raise UsageError(f"--max_cost must be a positive number of USD (got {self.max_cost})")
        if self.prices is not None:
            check_input_file(Path(self.prices), "--prices")
        cache = self.cache_path()
        if cache is not None:
            flag = "--cache_dir" if self.cache_dir else "the request cache folder ($PROMPTBUDGET_CACHE_DIR, --cache_dir)"
            check_output_path(cache, flag, directory=True)

    def cache_path(self) -> Path | None:
        if self.no_cache:
            return None
        return Path(self.cache_dir) if self.cache_dir else default_cache_dir()


class Runtime:
    """Builds engines that share one ledger, cache and price table."""

    def __init__(self, config: RuntimeConfig, *, ledger: Ledger | None = None, prices: PriceTable | None = None):
        config.validate()
        self.config = config
        self.prices = prices or load_prices(config.prices)
        self.ledger = ledger if ledger is not None else Ledger(max_cost=config.max_cost)
        path = config.cache_path()
        self.cache = RequestCache(path) if path is not None else None
        self._engines: dict[str, Engine] = {}
        self.extra: dict[str, Any] = {}

    def engine(self, spec: str | ModelSpec) -> Engine:
        parsed = spec if isinstance(spec, ModelSpec) else parse_model_spec(spec)
        key = str(parsed)
        if key not in self._engines:
            if parsed.engine == "local" and parsed.model != "default":
                check_gguf(Path(parsed.model))
            options = EngineOptions(ledger=self.ledger, cache=self.cache, prices=self.prices,
                                    base_url=self.config.base_url, extra=self.extra)
            engine = create_engine(parsed, options)
            if self.config.max_cost is not None and engine.price() is None:
                raise UsageError(f"--max_cost needs a price for {engine.model_string}; add it with --prices FILE")
            self._engines[key] = engine
        return self._engines[key]

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close()
