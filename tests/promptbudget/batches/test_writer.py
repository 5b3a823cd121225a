"""Cache writes on threads: every write lands before finish returns, a failure is raised, memory is bounded."""

from __future__ import annotations

import threading

import pytest

from promptbudget.batches.writer import CacheWriter
from promptbudget.cache import CacheWriteError, RequestCache
from promptbudget.engines.types import Completion, Usage


def _completion(i: int) -> Completion:
    return Completion(text=f"Answer: {i}", usage=Usage(input_tokens=i, output_tokens=1), stop_reason="end_turn",
                      model="m")


def test_every_write_lands_before_finish_returns(tmp_path):
    cache = RequestCache(tmp_path)
    writer = CacheWriter(cache, threads=3, max_pending=4)
    for i in range(40):
        writer.put(f"{i:064x}", {"request": i}, _completion(i))
    writer.finish()
    assert [cache.get(f"{i:064x}").text for i in range(40)] == [f"Answer: {i}" for i in range(40)]


class _Blocking:
    def __init__(self, fail_key: str | None = None):
        self.release, self.running, self.most = threading.Event(), 0, 0
        self.lock, self.fail_key = threading.Lock(), fail_key

    def put(self, key, material, completion, durable=True):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.release.wait(10)
        with self.lock:
            self.running -= 1
        if key == self.fail_key:
            raise CacheWriteError("disk full")


def test_at_most_max_pending_writes_wait_and_a_failure_is_raised_by_finish():
    cache = _Blocking(fail_key="k3")
    writer = CacheWriter(cache, threads=2, max_pending=3)
    for i in range(3):
        writer.put(f"k{i}", {}, _completion(i))
    blocked = threading.Thread(target=writer.put, args=("k3", {}, _completion(3)))
    blocked.start()
    blocked.join(0.2)
    assert blocked.is_alive()  # a 4th write waits for a slot instead of queueing
    cache.release.set()
    blocked.join(10)
    with pytest.raises(CacheWriteError, match="disk full"):
        writer.finish()
    assert cache.most == 2


def test_finish_without_raising_when_the_caller_is_already_failing():
    cache = _Blocking(fail_key="k0")
    cache.release.set()
    writer = CacheWriter(cache)
    writer.put("k0", {}, _completion(0))
    writer.finish(raise_failure=False)
