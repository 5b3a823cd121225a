"""One sweep run, in its own process.

The runner starts `child_main` in a fresh process (forked from a server that has already
imported the optimizer, so a run starts in milliseconds). The child:

* dies with the sweep: it watches the sweep's process and ends (SIGTERM) when the sweep does,
  so a killed sweep leaves no run going behind it;
* holds an exclusive lock on the run while it works, so two sweeps never write one run
  directory at once (the second waits, then finds the run finished);
* writes its output to the run's log, and an invocation report: the calls this process made
  that reached a model, the calls answered from the cache, and what it billed. These are
  exact: a resumed run re-enters calls paid by an earlier attempt into its ledger, and those
  are not counted again here.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..cache import RequestCache
from ..cli_support import EXIT_FAILED, EXIT_OK, EXIT_STOPPED, run_command
from ..ledger import CallRecord
from ..optimize.cli import result_table
from ..optimize.config import OptimizeConfig
from ..optimize.loop import OptimizationRun
from ..records import write_record
from ..records.results import SweepRunReport
from ..runtime import Runtime



class InvocationMeter:
    """Counts what one process really did, apart from what its ledger replays from earlier attempts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: Counter[str] = Counter()
        self.engine_calls = 0
        self.cache_hits = 0
        self.billed_usd = 0.0
        self.unpriced_calls = 0

    def attach(self, runtime: Runtime) -> None:
        """Call before the runtime builds any engine."""
        if runtime.cache is not None:
            runtime.cache = _CountingCache(runtime.cache.directory, self)
        runtime.ledger.subscribe(self._on_record)

    def _cache_hit(self, key: str) -> None:
        with self._lock:
            self.cache_hits += 1
            self._hits[key] += 1

    def _on_record(self, record: CallRecord) -> None:
        with self._lock:
            key = record.cache_key
            from_cache = key is not None and self._hits[key] > 0
            if from_cache:
                self._hits[key] -= 1
            if record.cached or from_cache:
                return  # a cache hit, or a call paid by an earlier attempt and re-entered on resume
            self.engine_calls += 1
            if record.billed_usd is None:
                self.unpriced_calls += 1
            else:
                self.billed_usd += record.billed_usd

    def counts(self) -> dict[str, int | float]:
        with self._lock:
            return {"calls": self.engine_calls + self.cache_hits, "engine_calls": self.engine_calls,
                    "cache_hits": self.cache_hits, "billed_usd": round(self.billed_usd, 10),
                    "unpriced_calls": self.unpriced_calls}


class _CountingCache(RequestCache):
    def __init__(self, directory: str | os.PathLike, meter: InvocationMeter):
        super().__init__(directory)
        self._meter = meter

    def get(self, key: str):  # noqa: ANN201 - same as RequestCache.get
        hit = super().get(key)
        if hit is not None:
            self._meter._cache_hit(key)
        return hit


@contextmanager
def run_lock(path: str) -> Iterator[None]:
    """An exclusive lock on one run, across processes; waits for a holder to finish."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another process that is running this run ({path})", file=sys.stderr, flush=True)
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def execute(spec: dict[str, Any]) -> int:
    """Run (or resume) one optimize run and write the invocation report. Returns the exit code."""
    config = OptimizeConfig(**spec["config"])
    meter = InvocationMeter()
    started = time.time()
    code = EXIT_FAILED
    try:
        code = run_command(lambda: _run(config, spec["lock"], meter))
    finally:
        write_record(spec["report"], SweepRunReport.build(run_id=spec["run_id"], exit_code=code, started_at=started,
                                                          finished_at=time.time(), **meter.counts()))
    return code


def _run(config: OptimizeConfig, lock: str, meter: InvocationMeter) -> int:
    with run_lock(lock):
        runtime = Runtime(config.runtime())
        meter.attach(runtime)
        try:
            summary = OptimizationRun(config, runtime=runtime).run()
        finally:
            runtime.close()
    print(result_table(summary), flush=True)
    return {"completed": EXIT_OK, "stopped": EXIT_STOPPED}.get(summary.status, EXIT_FAILED)


def child_main(spec: dict[str, Any]) -> None:
    """Process entry point (multiprocessing target)."""
    _die_with_sweep(spec["sweep_pid"])
    os.environ.clear()
    os.environ.update(spec["env"])
    os.chdir(spec["cwd"])
    log = open(spec["log"], "a", encoding="utf-8", buffering=1)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    code = execute(spec)
    log.flush()
    sys.exit(code)


def _die_with_sweep(sweep_pid: int) -> None:
    """End this process (SIGTERM: as abrupt as a machine dying) as soon as the sweep process ends.

    The run's parent is the fork server, not the sweep, and the server outlives the sweep
    while any run is alive, so the sweep's own pid is watched (a pidfd on Linux, polling elsewhere)."""
    try:
        handle = os.pidfd_open(sweep_pid)
    except ProcessLookupError:
        os._exit(EXIT_FAILED)  # the sweep is already gone
    except (AttributeError, OSError):
        handle = None

    def watch() -> None:
        if handle is not None:
            select.select([handle], [], [])  # readable once the process has ended
        else:
            while True:
                time.sleep(1.0)
                try:
                    os.kill(sweep_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    continue
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="sweep-watch", daemon=True).start()
