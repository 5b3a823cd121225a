"""The --batch flags shared by the evaluating commands, and the session they build."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from ..errors import UsageError
from .api import PollPolicy
from .rate import load_batch_rate

if TYPE_CHECKING:
    from ..engines import Engine
    from ..engines.anthropic_engine import AnthropicEngine
    from ..runtime import RuntimeConfig
    from .session import BatchSession


class ModelRunSettings(Protocol):
    """A command config that names its model and builds its runtime (an optimize run's config)."""

    model: str

    def runtime(self) -> RuntimeConfig: ...

BATCH_HELP = (
    "send evaluation answer calls through the Message Batches API at half price ({what}); training answers, "
    "feedback and optimizer calls stay synchronous. Results usually arrive within an hour and at most 24 h, "
    "and the command waits for them. Needs the request cache and a server with the Batches API")


def add_batch_arguments(parser: argparse.ArgumentParser, *, what: str, validation: bool = False) -> None:
    group = parser.add_argument_group("Message Batches (half price, slower)")
    group.add_argument("--batch", action="store_true", help=BATCH_HELP.format(what=what))
    if validation:
        group.add_argument("--batch_validation", action="store_true",
                           help="with --batch, also send each step's candidate validation through a batch: "
                                "every step then waits for its batch (minutes, up to 24 h) to pay half price, "
                                "and validation no longer stops early")
    group.add_argument("--batch_fallback", action="store_true",
                       help="with --batch, when the engine or server has no Batches API, warn and make the calls "
                            "synchronously (full price) instead of exiting with an error")
    group.add_argument("--batch_poll_s", type=float, default=5.0,
                       help="seconds before the first poll of a batch; later polls back off x1.5 up to 60 s")


@dataclass(frozen=True)
class BatchConfig:
    batch: bool = False
    batch_validation: bool = False
    batch_fallback: bool = False
    batch_poll_s: float = 5.0

    @classmethod
    def of(cls, settings: object) -> "BatchConfig":
        """The --batch fields of any config or parsed flags (missing ones take their defaults)."""
        return cls(**{name: getattr(settings, name, default)
                      for name, default in (("batch", False), ("batch_validation", False),
                                            ("batch_fallback", False), ("batch_poll_s", 5.0))})

    def validate(self, *, no_cache: bool, run_validation: bool = True) -> None:
        if self.batch_validation and not self.batch:
            raise UsageError("--batch_validation only applies with --batch; add --batch")
        if self.batch_fallback and not self.batch:
            raise UsageError("--batch_fallback only applies with --batch; add --batch or drop --batch_fallback")
        if not self.batch:
            return
        if no_cache:
            raise UsageError("--batch needs the request cache (batch results and the ids of batches in flight "
                             "are kept there); drop --no_cache")
        if self.batch_validation and not run_validation:
            raise UsageError("--batch_validation has nothing to send with --no_run_validation; drop one of them")
        if not self.batch_poll_s > 0 or self.batch_poll_s > 3600:
            raise UsageError(f"--batch_poll_s must be between 0 and 3600 seconds (got {self.batch_poll_s})")

    def poll_policy(self) -> PollPolicy:
        return PollPolicy(first_s=self.batch_poll_s, factor=1.5, max_s=max(60.0, self.batch_poll_s))


def build_session(config: BatchConfig, engine: Engine, *, prices_path: str | None, quiet: bool = False,
                  warn: Callable[[str], None] = lambda message: print(f"warning: {message}", file=sys.stderr)
                  ) -> BatchSession | None:
    """The BatchSession for `engine`, None without --batch or after a fallback; UsageError otherwise.

    Checks the engine and server before anything is spent."""
    if not config.batch:
        return None
    from .session import BatchSession
    from .state import BatchStateStore

    problem = _unsupported(engine)
    if problem is not None:
        if not config.batch_fallback:
            raise UsageError(f"--batch: {problem}; drop --batch, or add --batch_fallback to make these calls "
                             "synchronously at full price")
        warn(f"--batch: {problem}; making the calls synchronously at full price (--batch_fallback)")
        return None
    from .progress import BatchProgressBar

    anthropic_engine = cast("AnthropicEngine", engine)  # _unsupported let only the anthropic engine through
    store = BatchStateStore(Path(engine.cache.directory) / "batches")
    return BatchSession(anthropic_engine, rate=load_batch_rate(prices_path), store=store, poll=config.poll_policy(),
                        on_poll=None if quiet else BatchProgressBar())


def _unsupported(engine: Engine) -> str | None:
    if engine.engine_name != "anthropic":
        return f"the {engine.engine_name} engine ({engine.model_string}) has no Message Batches API"
    from .api import BatchAPI

    anthropic_engine = cast("AnthropicEngine", engine)
    if not BatchAPI(anthropic_engine).supported():
        where = anthropic_engine.base_url or "the API"
        return f"{where} has no Message Batches API (/v1/messages/batches answered 404)"
    return None


def check_before_spawning(config: ModelRunSettings) -> None:
    """For a command whose runs build their own sessions (sweep): refuse --batch once, up front."""
    batch = BatchConfig.of(config)
    if not batch.batch or batch.batch_fallback:
        return
    from ..runtime import Runtime

    runtime = Runtime(config.runtime())
    try:
        problem = _unsupported(runtime.engine(config.model))
    finally:
        runtime.close()
    if problem is not None:
        raise UsageError(f"--batch: {problem}; drop --batch, or add --batch_fallback to make these calls "
                         "synchronously at full price")
