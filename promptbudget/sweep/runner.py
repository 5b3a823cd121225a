"""Run a sweep's unfinished runs, N at a time, each in its own process.

A run that fails (an API error after retries, a bad run directory, a crash) is recorded with
its error and the others go on. Its status comes from its summary.json when the run wrote
one, otherwise from the error its process printed to its log.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import site
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..optimize.config import OptimizeConfig
from ..records import RecordError, read_record
from ..records.results import SweepRunReport
from .allotment import Allotments
from .plan import RunSpec, WeightSweepPlan

STOP_GRACE_S = 10.0
LOG_TAIL_CHARS = 4000


@dataclass
class Attempt:
    """What happened when this invocation ran one run."""

    run_id: str
    exit_code: int | None
    report: SweepRunReport | None
    """The worker's invocation report (None when the process died before writing it)."""
    log_tail: str

    def error_text(self) -> str:
        """The error the process printed, or how it ended."""
        lines = [line.strip() for line in self.log_tail.splitlines() if line.strip()]
        for line in reversed(lines):
            if line.startswith("error: "):
                return line[len("error: "):]
        if self.exit_code is not None and self.exit_code < 0:
            try:
                name = signal.Signals(-self.exit_code).name
            except ValueError:
                name = f"signal {-self.exit_code}"
            return f"the run's process was killed by {name}"
        if lines and self.exit_code not in (0, None):
            return lines[-1]
        return f"the run's process exited with code {self.exit_code}"


def log_path(plan: WeightSweepPlan, spec: RunSpec) -> Path:
    return plan.logs_dir / f"{spec.run_id}.log"


def report_path(plan: WeightSweepPlan, spec: RunSpec) -> Path:
    return plan.logs_dir / f"{spec.run_id}.invocation.json"


def process_context() -> Any:
    """The multiprocessing context run processes start from."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server imports the optimizer once and every run process is forked from it, ready to go,
    # instead of paying TextGrad's multi-second import per run. The server is a fresh interpreter
    # that ignores our sys.path (Python 3.11), so it must find this package through PYTHONPATH.
    _export_package_root()
    context.set_forkserver_preload(["promptbudget.sweep.cli", "promptbudget.sweep.worker"])
    return context


def _export_package_root() -> None:
    root = str(Path(__file__).resolve().parents[2])
    if root in {*site.getsitepackages(), site.getusersitepackages()}:
        return  # installed: every interpreter finds it
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *paths])


class Runner:
    def __init__(self, plan: WeightSweepPlan, *, on_finished: Callable[[RunSpec, Attempt], None]):
        self.plan = plan
        self.on_finished = on_finished
        self.allotments = Allotments(plan.sweep_max_cost, plan.runs) if plan.sweep_max_cost is not None else None
        self.not_started: list[RunSpec] = []
        """Runs left unstarted because --sweep_max_cost had nothing left for them."""

    def run(self, specs: list[RunSpec], *, already_done: int) -> dict[str, Attempt]:
        from . import worker

        context = process_context()
        pending = deque(specs)
        running: dict[int, tuple[Any, RunSpec, int]] = {}
        attempts: dict[str, Attempt] = {}
        bar = tqdm(total=len(self.plan.runs), initial=already_done, desc="sweep", unit="run", file=sys.stderr,
                   disable=self.plan.quiet, dynamic_ncols=True)
        failed = 0
        try:
            while pending or running:
                while pending and len(running) < self.plan.parallel:
                    spec = pending.popleft()
                    config = spec.config
                    if self.allotments is not None:
                        cap = self.allotments.grant(spec, runs_to_start=len(pending) + 1)
                        if cap is None:
                            self.not_started += [spec, *pending]
                            pending.clear()
                            break
                        config = replace(config, max_cost=min(cap, config.max_cost or cap))
                    process, offset = self._start(context, worker.child_main, spec, config)
                    running[process.sentinel] = (process, spec, offset)
                    bar.set_postfix(running=len(running), failed=failed)
                for sentinel in (wait(list(running)) if running else []):
                    process, spec, offset = running.pop(sentinel)
                    process.join()
                    if self.allotments is not None:
                        self.allotments.settle(spec)
                    attempt = self._collect(spec, process.exitcode, offset)
                    attempts[spec.run_id] = attempt
                    self.on_finished(spec, attempt)
                    failed += attempt.exit_code not in (0, 3)
                    bar.update(1)
                    bar.set_postfix(running=len(running), failed=failed)
        finally:
            self._stop([process for process, _, _ in running.values()])
            bar.close()
        return attempts

    def _start(self, context: Any, target: Callable[[dict[str, Any]], None], spec: RunSpec,
               config: OptimizeConfig) -> tuple[Any, int]:
        log, report = log_path(self.plan, spec), report_path(self.plan, spec)
        log.parent.mkdir(parents=True, exist_ok=True)
        report.unlink(missing_ok=True)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"==== sweep run {spec.run_id} (weights {spec.label}, seed {spec.seed}) ====\n")
            offset = handle.tell()
        payload = {
            "run_id": spec.run_id,
            "config": config.to_dict(),
            "log": str(log.absolute()),
            "report": str(report.absolute()),
            "lock": str((self.plan.logs_dir / f"{spec.run_id}.lock").absolute()),
            "sweep_pid": os.getpid(),
            "cwd": os.getcwd(),
            "env": dict(os.environ),
        }
        process = context.Process(target=target, args=(payload,), name=f"sweep {spec.run_id}")
        process.start()
        return process, offset

    def _collect(self, spec: RunSpec, exit_code: int | None, offset: int) -> Attempt:
        log = log_path(self.plan, spec)
        try:
            with open(log, encoding="utf-8", errors="replace") as handle:
                handle.seek(offset)
                tail = handle.read()[-LOG_TAIL_CHARS:]
        except OSError:
            tail = ""
        try:
            report = read_record(report_path(self.plan, spec), SweepRunReport)
        except RecordError:
            report = None  # counted as unreported: the run's ledger still has its calls
        return Attempt(spec.run_id, exit_code, report, tail)

    @staticmethod
    def _stop(processes: list[Any]) -> None:
        """Interrupt runs still going (they save their last step), then make sure they end."""
        for process in processes:
            if process.is_alive():
                os.kill(process.pid, signal.SIGINT)
        for process in processes:
            process.join(STOP_GRACE_S)
            if process.is_alive():
                process.terminate()
                process.join()
