"""The Message Batches API through the official SDK: probe, create, poll with backoff, stream results."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import EngineError

if TYPE_CHECKING:
    from anthropic.types.messages import MessageBatchIndividualResponse

    from ..engines.anthropic_engine import AnthropicEngine

T = TypeVar("T")

MAX_REQUESTS = 100_000
MAX_BYTES = 256 * 1024 * 1024
COUNT_NAMES = ("processing", "succeeded", "errored", "canceled", "expired")
CLOCK_SKEW_S = 600.0
"""How far the server's clock (a batch's created_at) may be behind ours."""


class BatchRefused(EngineError):
    """The API answered a create with an error status: no batch was made, nothing was billed."""


@dataclass(frozen=True)
class PollPolicy:
    """Seconds between polls: `first_s`, growing by `factor` up to `max_s`."""

    first_s: float = 5.0
    factor: float = 1.5
    max_s: float = 60.0

    def delays(self) -> Iterator[float]:
        delay = self.first_s
        while True:
            yield delay
            delay = min(delay * self.factor, self.max_s)


@dataclass(frozen=True)
class Limits:
    max_requests: int = MAX_REQUESTS
    max_bytes: int = MAX_BYTES


@dataclass(frozen=True)
class PollStatus:
    batch_id: str
    status: str
    counts: dict[str, int]
    elapsed_s: float
    next_poll_s: float | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.total - self.counts.get("processing", 0)


class BatchAPI:
    """`client.messages.batches` of one AnthropicEngine, with its retry policy on transient errors."""

    def __init__(self, engine: AnthropicEngine, sleep: Callable[[float], None] = time.sleep):
        self.engine = engine
        self.batches = engine.client.messages.batches
        self._anthropic = engine._anthropic
        self._sleep = sleep

    def supported(self) -> bool:
        """Whether the server has the Batches API (a 404/405/501 says it has not). Costs nothing."""
        try:
            self._call(lambda: self.batches.list(limit=1))
        except self._anthropic.APIStatusError as exc:
            if exc.status_code in (404, 405, 501):
                return False
            raise EngineError(f"{self.engine.model_string}: could not check for the Batches API: "
                              f"HTTP {exc.status_code}") from None
        return True

    def create(self, requests: list[dict[str, Any]], since: float, exclude: Callable[[], set[str]]) -> str:
        """Create a batch. Before retrying a create whose reply was lost (timeout, 5xx, dropped
        connection), look for the batch it may have created since `since`, leaving out `exclude()`."""
        def create_once() -> str:
            found = self.created_since(since, len(requests), exclude())[-1:] if attempts else []
            attempts.append(1)
            return found[0] if found else self.batches.create(requests=requests).id

        attempts: list[int] = []
        try:
            return self._call(create_once)
        except self._anthropic.APIStatusError as exc:
            raise BatchRefused(f"{self.engine.model_string}: the Batches API refused the batch "
                               f"(HTTP {exc.status_code}): {exc.message}") from None

    def created_since(self, since: float, request_count: int, exclude: set[str]) -> list[str]:
        """Ids of batches created at or after `since` (epoch seconds, less CLOCK_SKEW_S) holding
        `request_count` requests, newest first, leaving out `exclude`. The API keeps no label of
        ours on a batch, so time and size are what can find one whose creation we did not see."""
        found = []
        for batch in self._call(lambda: self.batches.list(limit=100)):  # newest first, pages fetched as needed
            if batch.created_at.timestamp() < since - CLOCK_SKEW_S:
                break
            counts = sum(int(getattr(batch.request_counts, name)) for name in COUNT_NAMES)
            if counts == request_count and batch.id not in exclude:
                found.append(batch.id)
        return found

    def wait(self, batch_id: str, policy: PollPolicy, started: float,
             on_poll: Callable[[PollStatus], None] | None = None) -> PollStatus:
        """Poll until the batch has ended, reporting each poll."""
        delays = policy.delays()
        while True:
            batch = self._call(lambda: self.batches.retrieve(batch_id))
            counts = {name: int(getattr(batch.request_counts, name)) for name in COUNT_NAMES}
            ended = batch.processing_status == "ended"
            delay = None if ended else next(delays)
            status = PollStatus(batch_id, batch.processing_status, counts, time.monotonic() - started, delay)
            if on_poll is not None:
                on_poll(status)
            if ended:
                return status
            self._sleep(delay)

    def results(self, batch_id: str) -> Iterator[MessageBatchIndividualResponse]:
        """The results, streamed line by line (never the whole file in memory)."""
        decoder = self._call(lambda: self.batches.results(batch_id))
        try:
            yield from decoder
        finally:
            decoder.close()

    def _call(self, call: Callable[[], T]) -> T:
        anthropic, retry = self._anthropic, self.engine.retry
        attempt = 0
        while True:
            try:
                return call()
            except (anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError,
                    anthropic.RequestTimeoutError) as exc:
                if attempt >= retry.max_retries:
                    raise EngineError(f"{self.engine.model_string}: Batches API {type(exc).__name__} after "
                                      f"{attempt} retries") from None
                self._sleep(retry.delay(attempt, None))
                attempt += 1
            except anthropic.AuthenticationError:
                raise EngineError(f"{self.engine.model_string}: authentication failed (401)") from None


def split(entries: list[dict[str, Any]], limits: Limits) -> list[list[dict[str, Any]]]:
    """Chunks of batch entries within the request-count and byte limits (with 1 KB of headroom)."""
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    budget = limits.max_bytes - 1024
    for entry in entries:
        entry_size = len(json.dumps(entry, ensure_ascii=False).encode()) + 2
        if entry_size > budget:
            raise EngineError(f"one batch request is {entry_size} bytes, over the {limits.max_bytes}-byte batch limit")
        if chunks[-1] and (len(chunks[-1]) >= limits.max_requests or size + entry_size > budget):
            chunks.append([])
            size = 0
        chunks[-1].append(entry)
        size += entry_size
    return [chunk for chunk in chunks if chunk]
