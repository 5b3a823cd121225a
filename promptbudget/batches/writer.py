"""Cache writes of a batch's results on a few threads, so that file creation (most of a large
batch's client time) overlaps the streaming and decoding of the next results.

At most `max_pending` writes wait at a time: memory stays flat however large the batch.
`finish()` waits for every write and raises the first failure (a CacheWriteError).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ..engines.types import Completion

if TYPE_CHECKING:
    from ..cache import RequestCache


MAX_PENDING = 256
"""Writes that may wait at a time, unless the writer is given its own bound."""


class CacheWriter:
    def __init__(self, cache: RequestCache, threads: int = 4, max_pending: int | None = None):
        self._cache = cache
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="batch-cache")
        self._slots = threading.BoundedSemaphore(MAX_PENDING if max_pending is None else max_pending)
        self._failure: BaseException | None = None
        self._lock = threading.Lock()

    def put(self, key: str, material: dict[str, Any], completion: Completion) -> None:
        self._slots.acquire()
        try:
            future = self._pool.submit(self._cache.put, key, material, completion, durable=False)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(self._done)

    def _done(self, future: Future) -> None:
        self._slots.release()
        failure = future.exception()
        if failure is not None:
            with self._lock:
                self._failure = self._failure or failure

    def finish(self, raise_failure: bool = True) -> None:
        """Wait for every write; raise the first that failed (unless told not to: the caller is
        already raising)."""
        self._pool.shutdown(wait=True)
        if self._failure is not None and raise_failure:
            raise self._failure
