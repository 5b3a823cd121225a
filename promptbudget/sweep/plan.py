"""The sweep's flags and its plan: every run it will make, checked before anything runs or is written."""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..flags import add_flag, new_parser
from ..optimize.config import OptimizeConfig, build_parser as build_optimize_parser
from ..pricing import require_prices
from ..records import RecordError, RunSummary, read_record
from ..records.results import SavedSweepConfig, SavedSweepOptimizeConfig, SavedWeighting
from ..runtime import Runtime

LOGS_DIR = "sweep_logs"
SUMMARY_JSON = "sweep_summary.json"
SUMMARY_CSV = "sweep_summary.csv"
NOT_STARTED = "not started"
"""The status of a run that --sweep_max_cost had nothing left for."""

# Optimize flags that a sweep sets itself: --configs sets the weights, --repeats the seeds.
SET_BY_SWEEP = {
    "accuracy_weight": "--configs sets the weights",
    "efficiency_weight": "--configs sets the weights",
    "seed": "--repeats K runs seeds 0..K-1 for every config",
}
# A token such as "-0.3,0.7": argparse would take it for an unknown option.
_NEGATIVE_PAIR = re.compile(r"^-\d*\.?\d+(e[-+]?\d+)?\s*,")


def build_parser() -> argparse.ArgumentParser:
    parser = new_parser(
        "run_experiments.py", "Run the optimizer over several accuracy/efficiency weight configurations, sharing "
        "the request cache, resuming unfinished runs and summarizing them in one table.", conflict_handler="resolve")
    build_optimize_parser(parser)
    group = parser.add_argument_group("sweep")
    group.add_argument("--configs", nargs="+", required=True, metavar="ACC,EFF",
                       help='weight pairs, e.g. --configs "0.3,0.7" "0.5,0.5" "0.7,0.3"')
    group.add_argument("--repeats", type=int, default=1, help="seeds per config (seeds 0..K-1)")
    group.add_argument("--parallel", type=int, default=1, help="runs at once, each in its own process")
    # Replace the optimize flags the sweep sets itself (conflict_handler="resolve" drops the originals).
    for name in SET_BY_SWEEP:
        parser.add_argument(f"--{name}", default=None, help=argparse.SUPPRESS)
    add_flag(parser, "resume", help="accepted for compatibility: rerunning a sweep always skips finished runs and "
                                    "resumes unfinished ones")
    add_flag(parser, "output_dir", default="results", help="where run directories and sweep_summary.json/.csv go")
    add_flag(parser, "max_cost", help="hard cap in USD for each run (for the whole sweep, use --sweep_max_cost)")
    parser.add_argument("--sweep_max_cost", type=float, default=None, metavar="USD",
                        help="hard cap in USD on what the whole sweep bills, counting what its runs billed in "
                             "earlier invocations; each run starts with a fair share of what is left and stops "
                             "(resumable) when it has used it")
    add_flag(parser, "dry_run", help="list the runs, what is already done and a cost ceiling; call nothing, "
                                     "write nothing")
    add_flag(parser, "quiet")
    return parser


def parse_weights(text: str) -> tuple[float, float]:
    """`"0.3,0.7"` -> (0.3, 0.7); anything else is a UsageError."""
    parts = text.split(",")
    if len(parts) != 2:
        raise UsageError(f"config {text!r} is not an accuracy,efficiency pair such as \"0.3,0.7\"")
    try:
        weights = (float(parts[0]), float(parts[1]))
    except ValueError:
        raise UsageError(f"config {text!r}: weights must be numbers, as in \"0.3,0.7\"") from None
    if not all(math.isfinite(w) for w in weights):
        raise UsageError(f"config {text!r}: weights must be finite numbers")
    if any(w < 0 for w in weights):
        raise UsageError(f"config {text!r}: weights must not be negative")
    if sum(weights) == 0:
        raise UsageError(f"config {text!r}: at least one weight must be positive")
    return weights


def reject_negative_pairs(argv: list[str]) -> None:
    for token in argv:
        if _NEGATIVE_PAIR.match(token):
            raise UsageError(f"config {token!r}: weights must not be negative")


def weights_label(accuracy: float, efficiency: float) -> str:
    return f"{accuracy:g}/{efficiency:g}"


@dataclass
class RunSpec:
    """One run of the sweep: a weight configuration and a seed."""

    label: str
    accuracy_weight: float
    efficiency_weight: float
    seed: int
    config: OptimizeConfig
    run_id: str
    identity: dict[str, Any]
    total_steps: int
    planned_calls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def run_dir(self) -> Path:
        return Path(self.config.output_dir) / self.run_id

    def saved_state(self) -> tuple[RunSummary | None, str | None]:
        """(summary, None) when the run directory holds this run's summary; (None, why) otherwise."""
        path = self.run_dir / "summary.json"
        if not path.exists():
            return None, None
        try:
            summary = read_record(path, RunSummary)
        except RecordError as exc:
            return None, f"{path} is unreadable ({exc.problem})"
        if summary.identity != self.identity:
            return None, f"{path} holds a run with different settings"
        return summary, None

    def is_complete(self) -> bool:
        summary, _ = self.saved_state()
        return summary is not None and summary.status == "completed"


@dataclass
class WeightSweepPlan:
    base: OptimizeConfig
    configs: list[tuple[float, float]]
    repeats: int
    parallel: int
    runs: list[RunSpec]
    warnings: list[str]
    dry_run: bool
    quiet: bool
    sweep_max_cost: float | None = None

    @property
    def output_dir(self) -> Path:
        return Path(self.base.output_dir)

    @property
    def logs_dir(self) -> Path:
        return self.output_dir / LOGS_DIR

    def describe(self) -> SavedSweepConfig:
        """The sweep's settings, as recorded in sweep_summary.json."""
        optimize = {k: v for k, v in self.base.to_dict().items()
                    if k not in ("accuracy_weight", "efficiency_weight", "seed", "resume", "dry_run", "quiet")}
        return SavedSweepConfig(
            optimize=SavedSweepOptimizeConfig.model_validate(optimize),
            configs=[SavedWeighting(weights=weights_label(a, e), accuracy_weight=a, efficiency_weight=e)
                     for a, e in self.configs],
            repeats=self.repeats,
            seeds=list(range(self.repeats)),
            parallel=self.parallel,
            sweep_max_cost=self.sweep_max_cost,
        )


def plan_sweep(args: argparse.Namespace, *, with_calls: bool = False) -> WeightSweepPlan:
    """Check every flag and every run's settings, and work out each run's id. No calls, no writes."""
    for name, why in SET_BY_SWEEP.items():
        if getattr(args, name) is not None:
            raise UsageError(f"--{name} does not apply to a sweep: {why}")
    if args.repeats < 1:
        raise UsageError(f"--repeats must be at least 1 (got {args.repeats})")
    if args.parallel < 1:
        raise UsageError(f"--parallel must be at least 1 (got {args.parallel})")
    if args.sweep_max_cost is not None and not (math.isfinite(args.sweep_max_cost) and args.sweep_max_cost > 0):
        raise UsageError(f"--sweep_max_cost must be a positive number of USD (got {args.sweep_max_cost})")
    configs = [parse_weights(text) for text in args.configs]
    seen: dict[tuple[float, float], str] = {}
    for text, weights in zip(args.configs, configs):
        if weights in seen:
            raise UsageError(f"config {text!r} repeats {seen[weights]!r}; give each configuration once")
        seen[weights] = text

    base = OptimizeConfig.from_args(argparse.Namespace(**{
        **vars(args), "accuracy_weight": 0.5, "efficiency_weight": 0.5, "seed": 0}))
    base.validate()  # before the cache path is made absolute, so messages name the paths as given
    if not base.no_cache:
        # Every run process must use the same cache folder, whatever its environment says.
        base = replace(base, cache_dir=str(base.runtime().cache_path().absolute()))
    base = replace(base, resume=True, quiet=True, dry_run=False)

    from ..optimize.cli import planned_calls
    from ..optimize.loop import OptimizationRun

    runtime = Runtime(base.runtime())
    runs: list[RunSpec] = []
    warnings: list[str] = []
    try:
        for accuracy, efficiency in configs:
            for seed in range(args.repeats):
                config = replace(base, accuracy_weight=accuracy, efficiency_weight=efficiency, seed=seed)
                run = OptimizationRun(config, runtime=runtime)  # validates, plans; neither calls nor writes
                if args.sweep_max_cost is not None:
                    require_prices([run.plan.answer.engine, run.plan.optimizer.engine], "--sweep_max_cost")
                runs.append(RunSpec(
                    label=weights_label(accuracy, efficiency), accuracy_weight=accuracy,
                    efficiency_weight=efficiency, seed=seed, config=config, run_id=run.plan.run_id,
                    identity=run.config.identity(run.plan.starting_prompt), total_steps=run.plan.total_steps,
                    planned_calls=planned_calls(run) if with_calls else []))
                warnings += [w for w in run.plan.warnings if w not in warnings]
    finally:
        runtime.close()
    if base.no_cache:
        warnings.append("--no_cache: runs share no work; identical requests are paid once per run")
    return WeightSweepPlan(base=base, configs=configs, repeats=args.repeats, parallel=args.parallel, runs=runs,
                     warnings=warnings, dry_run=args.dry_run, quiet=args.quiet, sweep_max_cost=args.sweep_max_cost)
