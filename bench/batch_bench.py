"""Message Batches on the loopback fake server, each figure measured side by side in one run.

* batch_cost_ratio_500: ledger of an evaluation through batches / ledger of the same requests
  made synchronously (scored results compared item by item).
* batch_resume_*: a worker process is SIGKILLed while polling; a second process resumes.
* batch_faults_*: 5% of requests errored or expired by the server.
* batch_client_seconds_10k: wall time of this process to submit, collect and score 10,000 batch
  requests, the fake server in a child process with its processing delay at 0; the worst of
  3 runs, each run and its CPU seconds beside it, with the machine's load average.
* batch_client_kept_mb_* / batch_collect_excess_mb_*: tracemalloc at 2,000 and 10,000 requests:
  the memory kept after the run (results and ledger records), and the excess while the results
  stream in, which stays flat when they are streamed (batch_collect_excess_growth ~ 1, not 5).
  Both after one unmeasured 20-request batch, so one-time allocations are in neither size.
"""

from __future__ import annotations

import gc
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from promptbudget.batches.api import PollPolicy, PollStatus
from promptbudget.batches.rate import load_batch_rate
from promptbudget.batches.session import BatchSession, Job
from promptbudget.batches.state import BatchStateStore
from promptbudget.cache import RequestCache
from promptbudget.engines.anthropic_engine import AnthropicEngine, RetryPolicy
from promptbudget.engines.types import Request
from promptbudget.ledger import Ledger, call_scope
from promptbudget.pricing import load_prices
from tests.support.fake_anthropic import FakeAnthropicServer, Reply
from tests.support.fake_batches import BatchSettings

from .fake_server_process import fake_server_process

MODEL = "claude-haiku-4-5"
PRICE = {MODEL: {"input": 1.0, "output": 5.0}}
POLL = PollPolicy(first_s=0.02, factor=1.5, max_s=0.2)
RESPONDER = "bench.batch_bench:responder"


def responder(body: dict) -> Reply:
    question = body["messages"][0]["content"]
    return Reply(text=f"The answer is {len(question) % 10}.\nAnswer: {len(question) % 10}",
                 output_tokens=20 + len(question) % 13)


def _engine(base_url: str, cache_dir: Path, ledger: Ledger | None = None) -> AnthropicEngine:
    return AnthropicEngine(MODEL, api_key="bench", base_url=base_url, ledger=ledger or Ledger(),
                           cache=RequestCache(cache_dir), prices=load_prices(),
                           retry=RetryPolicy(max_retries=3, base_delay_s=0.01, max_delay_s=0.05))


def _session(engine: AnthropicEngine) -> BatchSession:
    return BatchSession(engine, rate=load_batch_rate(), store=BatchStateStore(engine.cache.directory / "batches"),
                        poll=POLL)


def _jobs(n: int) -> list[Job]:
    return [Job(Request(prompt=f"Item {i}: what is {i} mod 10?" + " pad" * (i % 7), system="Answer briefly.",
                        max_tokens=256), "answer", {"phase": "bench", "sample_id": str(i)}) for i in range(n)]


def _scores(completions) -> list[tuple[bool, int]]:
    return [(c.text.endswith(f"Answer: {len(job.request.prompt) % 10}"), c.usage.output_tokens)
            for job, c in zip(_jobs(len(completions)), completions)]


def _server_billed(server: FakeAnthropicServer) -> float:
    sync = server.total_sent_usage()
    price = PRICE[MODEL]
    return (sync["input_tokens"] * price["input"] + sync["output_tokens"] * price["output"]) / 1e6 \
        + server.batches.billed_usd(PRICE)


def batch_cost_ratio_500(n: int = 500) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp, FakeAnthropicServer(responder=responder) as server:
        sync_engine = _engine(server.base_url, Path(tmp) / "sync")
        sync = []
        for job in _jobs(n):
            with call_scope(**job.scope):
                sync.append(sync_engine.complete(job.request))
        batch_engine = _engine(server.base_url, Path(tmp) / "batch")
        batched = _session(batch_engine).complete_all(_jobs(n))
        ratio = batch_engine.ledger.totals().billed_usd / sync_engine.ledger.totals().billed_usd
        return {"batch_cost_ratio_500": ratio, "batch_results_identical_500": _scores(batched) == _scores(sync),
                "batch_ledger_equals_server_500": math.isclose(
                    batch_engine.ledger.totals().billed_usd, server.batches.billed_usd(PRICE), rel_tol=1e-9)}


def batch_resume_after_sigkill(n: int = 200) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        with FakeAnthropicServer(responder=responder) as reference:
            expected = _scores(_session(_engine(reference.base_url, Path(tmp) / "ref")).complete_all(_jobs(n)))
        with FakeAnthropicServer(responder=responder, batches=BatchSettings(processing_delay_s=4.0)) as server:
            cache = Path(tmp) / "killed"
            worker = subprocess.Popen([sys.executable, "-m", "bench.batch_bench", "worker", server.base_url,
                                       str(cache), str(n)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 120
            while not list((cache / "batches").glob("msgbatch*.json")) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            os.kill(worker.pid, signal.SIGKILL)
            worker.communicate()
            killed_while_polling = not server.batches.billed or len(server.batches.billed) < n
            engine = _engine(server.base_url, cache)
            results = _scores(_session(engine).complete_all(_jobs(n)))
            return {"batch_resume_batches_created": len(server.batches.created),
                    "batch_resume_killed_while_polling": killed_while_polling,
                    "batch_resume_results_identical": results == expected,
                    "batch_resume_ledger_equals_server": math.isclose(
                        engine.ledger.totals().billed_usd, _server_billed(server), rel_tol=1e-9)}


def batch_faults_5pct(n: int = 400) -> dict[str, object]:
    settings = BatchSettings(error_rate=0.025, expire_rate=0.025, seed=7)
    with tempfile.TemporaryDirectory() as tmp, FakeAnthropicServer(responder=responder, batches=settings) as server:
        engine = _engine(server.base_url, Path(tmp))
        results = _session(engine).complete_all(_jobs(n))
        paid = [r for r in engine.ledger.records() if not r.cached]
        return {"batch_faults_all_complete": len(results) == n and all(c.text for c in results),
                "batch_faults_billed_once": len(paid) == n == len({r.cache_key for r in paid}),
                "batch_faults_ledger_equals_server": math.isclose(
                    engine.ledger.totals().billed_usd, _server_billed(server), rel_tol=1e-9),
                "batch_faults_batches": len(server.batches.created),
                "batch_faults_sync_fallbacks": server.total_sent_usage()["calls"]}


def _tag(n: int) -> str:
    return f"{n / 1000:g}k"


def _timed_run(base_url: str, cache_dir: Path, n: int) -> tuple[float, float, int]:
    """Wall and CPU seconds of this process to submit, collect and score n batch requests."""
    engine = _engine(base_url, cache_dir)
    engine.capabilities()  # the models API call every run makes first, outside the figure
    jobs = _jobs(n)
    started, cpu_started = time.perf_counter(), time.process_time()
    correct = sum(ok for ok, _ in _scores(_session(engine).complete_all(jobs)))
    return time.perf_counter() - started, time.process_time() - cpu_started, correct


def batch_client_seconds(n: int = 10_000, runs: int = 3) -> dict[str, object]:
    """The client's wall time for n requests, `runs` times, the fake server in a child process
    (processing delay 0: what is left is the client's work and the server's I/O)."""
    walls, cpus, scored = [], [], []
    with tempfile.TemporaryDirectory() as tmp, fake_server_process(responder=RESPONDER) as base_url:
        for run in range(runs):
            wall, cpu, correct = _timed_run(base_url, Path(tmp) / f"run{run}", n)
            walls.append(round(wall, 2))
            cpus.append(round(cpu, 2))
            scored.append(correct)
    tag = _tag(n)
    return {f"batch_client_seconds_{tag}": max(walls), f"batch_client_seconds_{tag}_runs": walls,
            f"batch_client_seconds_{tag}_median": statistics.median(walls), f"batch_client_cpu_seconds_{tag}_runs": cpus,
            f"batch_scored_{tag}_runs": scored, "batch_load_average_1m": os.getloadavg()[0]}


WARM_UP_REQUESTS = 20


def _traced_run(base_url: str, cache_dir: Path, n: int, materialize: bool = False) -> dict[str, float]:
    """Memory the client allocates (tracemalloc, MB): kept after the run (results and ledger
    records), and the excess while the results stream in: the peak between the last poll and
    the last result, over the larger of the memory at those two points (the records kept grow
    in between; results materialized would add all of them at once)."""
    engine = _engine(base_url, cache_dir)
    engine.capabilities()
    jobs = _jobs(n)
    at: dict[str, tuple[int, int]] = {}

    def at_poll(status: PollStatus) -> None:
        if status.status == "ended":
            tracemalloc.reset_peak()
            at["start"] = tracemalloc.get_traced_memory()

    session = BatchSession(engine, rate=load_batch_rate(), poll=POLL, on_poll=at_poll,
                           store=BatchStateStore(engine.cache.directory / "batches"))
    stream = session.api.results

    def results(batch_id: str):
        yield from list(stream(batch_id)) if materialize else stream(batch_id)  # materialize: the control
        at["end"] = tracemalloc.get_traced_memory()

    session.api.results = results
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        kept = len(session.complete_all(jobs))
        gc.collect()  # what is kept, not garbage the collector has not reached yet
        end = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert kept == n and len(engine.ledger.records()) == n
    mb = 1024 * 1024
    return {"kept": (end - base) / mb, "collect_excess": (at["end"][1] - max(at["start"][0], at["end"][0])) / mb}


def batch_client_memory(sizes: tuple[int, ...] = (2_000, 10_000), materialize: bool = False) -> dict[str, object]:
    """Client memory at each size: what stays (proportional to the records kept) and the excess
    while results stream in, which stays flat when they are not materialized (`materialize`
    reads them all first: the control that shows the figure would catch it)."""
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp, fake_server_process(responder=RESPONDER) as base_url:
        # A first batch allocates once what every later one reuses (lazy imports, compiled
        # patterns, SDK state): run one unmeasured, so the sizes compare what a batch keeps.
        _traced_run(base_url, Path(tmp) / "warm-up", WARM_UP_REQUESTS, materialize)
        for n in sizes:
            traced = _traced_run(base_url, Path(tmp) / f"n{n}", n, materialize)
            tag = _tag(n)
            figures[f"batch_client_kept_mb_{tag}"] = round(traced["kept"], 2)
            figures[f"batch_client_kept_kb_per_request_{tag}"] = round(traced["kept"] * 1024 / n, 2)
            figures[f"batch_collect_excess_mb_{tag}"] = round(traced["collect_excess"], 3)
    small, large = (f"batch_collect_excess_mb_{_tag(s)}" for s in (sizes[0], sizes[-1]))
    figures["batch_collect_excess_growth"] = figures[large] / max(figures[small], 0.001)
    figures["batch_collect_excess_growth_if_materialized"] = sizes[-1] / sizes[0]
    return figures


def _worker(base_url: str, cache: str, n: int) -> None:
    _session(_engine(base_url, Path(cache))).complete_all(_jobs(n))


def batch_figures(scale: int = 10_000) -> dict[str, object]:
    """Every batch figure (the entry registered in bench/__main__.py)."""
    return {**batch_cost_ratio_500(), **batch_resume_after_sigkill(), **batch_faults_5pct(),
            **batch_client_seconds(scale), **batch_client_memory()}


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        _worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        print(json.dumps(batch_figures(), indent=2))
