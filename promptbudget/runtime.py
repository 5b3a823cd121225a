"""Shared resources of one command: ledger, cache, prices and engines built from flags."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import RequestCache, default_cache_dir
from .cli_support import check_input_file, check_output_path
from .engines import Engine, EngineOptions, ModelSpec, create_engine, parse_model_spec
from .engines.platform_flags import add_platform_arguments
from .errors import UsageError
from .gguf_file import check_gguf
from .ledger import Ledger
from .pricing import PriceTable, load_prices


def add_runtime_arguments(parser: argparse.ArgumentParser, *, default_model: str) -> None:
    group = parser.add_argument_group("engine and spending")
    group.add_argument("--model", default=default_model,
                       help="answer model: mock, mock:SCRIPT.json, local, local/PATH.gguf, anthropic/MODEL or a "
                            f"Claude model id (default: {default_model})")
    group.add_argument("--base_url", default=None,
                       help="base URL of an Anthropic-compatible server (llama-server, Ollama) for anthropic models")
    group.add_argument("--max_cost", type=float, default=None,
                       help="hard cap in USD: stop before the next call could exceed it")
    group.add_argument("--prices", default=None, help="JSON file overriding the bundled price table")
    group.add_argument("--cache_dir", default=None,
                       help="request cache folder (default: $PROMPTBUDGET_CACHE_DIR or ~/.cache/promptbudget)")
    group.add_argument("--no_cache", action="store_true", help="do not read or write the request cache")
    add_platform_arguments(group)


@dataclass(frozen=True)
class RuntimeConfig:
    base_url: str | None = None
    max_cost: float | None = None
    prices: str | None = None
    cache_dir: str | None = None
    no_cache: bool = False

    @classmethod
    def of(cls, settings: Any) -> "RuntimeConfig":
        """The runtime part of a command's settings (any object with the same field names)."""
        return cls(**{name: getattr(settings, name) for name in cls.__dataclass_fields__})

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
