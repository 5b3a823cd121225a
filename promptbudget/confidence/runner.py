"""Run the answer and self-assessment stages for every (total budget, ratio) cell.

For every cell and item: stage 1 answers the question with budget B x r (role `answer`),
stage 2 judges that answer with budget B x (1 - r) (role `confidence`) and states a
probability that it is correct. Everything is planned and validated before any call or write.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasks.core import Item, Task

from .. import __version__
from ..cli_support import check_output_path
from ..engines import Engine
from ..errors import BudgetExceeded, EngineError, UsageError
from ..experiment.answering import parallel_map, score_completion
from ..experiment.constants import DEFAULT_MODEL, MIN_MEANINGFUL_SAMPLES, SPLITS
from ..experiment.model_warnings import engine_warnings
from ..experiment.runtime_fields import RuntimeFields
from ..experiment.slugs import slug
from ..experiment.status import ending_status, overall_status
from ..experiment.subsets import fixed_subset
from ..ledger import call_scope
from ..records import ConfidenceSplitResults
from ..runtime import Runtime
from ..task_loader import load_task_or_usage_error
from .metrics import BINNING_NOTE, ECE_BINS, ConfidenceItem, cell_curves, cell_metrics
from .policy import (DEFAULT_MIN_ANSWER_TOKENS, DEFAULT_OUTPUT_ALLOWANCE, STYLE_API, STYLE_NONE, THINKING_OFF,
                     StageSetting, split_budget, stage_setting, thinking_style)
from .prompts import CONFIDENCE_SYSTEM, CONFIDENCE_USER_TEMPLATE, parse_confidence, truncate_raw
from .stage_requests import answer_request, confidence_request, item_scope

if TYPE_CHECKING:
    from ..batches.cells import PrefetchedEngine
    from ..batches.session import BatchSession
    from ..engines import Thinking

SCHEMA = ConfidenceSplitResults.schema_name()
DEFAULT_RATIOS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class SplitConfig(RuntimeFields):
    task: str = "GSM8K_DSPy"
    model: str = DEFAULT_MODEL
    total_budget: tuple[int, ...] = ()
    ratios: tuple[float, ...] = DEFAULT_RATIOS
    samples: int = 30
    split: str = "test"
    seed: int = 0
    system_prompt: str | None = None
    output_allowance: int = DEFAULT_OUTPUT_ALLOWANCE
    min_answer_tokens: int = DEFAULT_MIN_ANSWER_TOKENS
    num_threads: int = 4
    output: str | None = None
    report_dir: str | None = None
    quiet: bool = False
    batch: bool = False
    batch_fallback: bool = False
    batch_poll_s: float = 5.0

    def validate(self) -> None:
        """Reject bad settings before anything runs or is written."""
        if not self.total_budget:
            raise UsageError("give at least one --total_budget")
        for budget in self.total_budget:
            if budget < 0:
                raise UsageError(f"--total_budget must not be negative (got {budget})")
        if not self.ratios:
            raise UsageError("give at least one --ratios value")
        for ratio in self.ratios:
            if not math.isfinite(ratio) or not 0.0 <= ratio <= 1.0:
                raise UsageError(f"--ratios values must lie in [0, 1] (got {ratio})")
        for name in ("samples", "num_threads", "output_allowance", "min_answer_tokens"):
            if getattr(self, name) < 1:
                raise UsageError(f"--{name} must be at least 1 (got {getattr(self, name)})")
        if self.split not in SPLITS:
            raise UsageError(f"--split must be one of {', '.join(SPLITS)} (got {self.split!r})")
        if self.system_prompt is not None and not self.system_prompt.strip():
            raise UsageError("--system_prompt is empty")
        output = self.output_path()
        check_output_path(output, "--output")
        if self.report_dir is not None:
            check_output_path(Path(self.report_dir), "--report_dir", directory=True)
            if output.resolve() in (Path(self.report_dir).resolve(), Path(self.report_dir, "plots").resolve()):
                raise UsageError(f"--report_dir {self.report_dir} and --output {output} collide; give the report "
                                 "its own folder")
        self.runtime().validate()
        from ..batches.options import BatchConfig

        BatchConfig.of(self).validate(no_cache=self.no_cache)

    def budgets(self) -> list[int]:
        return sorted(set(int(b) for b in self.total_budget))

    def ratio_values(self) -> list[float]:
        return sorted(set(float(r) for r in self.ratios))

    def output_path(self) -> Path:
        if self.output:
            return Path(self.output)
        return Path("results") / f"confidence_split_{task_slug(self.task)}_{model_slug(self.model)}.json"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["total_budget"] = self.budgets()
        data["ratios"] = self.ratio_values()
        return data


def ratio_label(ratio: float) -> str:
    """The ratio as short as it reads ("0.5", "1"), but never the same for two different ratios."""
    short = f"{ratio:g}"
    return short if float(short) == ratio else repr(float(ratio))


def task_slug(task: str) -> str:
    """The task part of the default output name: the spec's characters, not its path's stem."""
    return slug(task.replace("jsonl:", ""), limit=60, shorten=False)


def model_slug(spec: str) -> str:
    base = spec.rsplit("/", 1)[-1] if spec.startswith(("local/", "anthropic/")) else spec
    if base.endswith(".gguf") or base.endswith(".json"):
        base = Path(base).stem
    return task_slug(base)


@dataclass(frozen=True)
class SplitCell:
    total_budget: int
    ratio: float
    answer: StageSetting
    confidence: StageSetting

    @property
    def cell_id(self) -> str:
        return f"B{self.total_budget}_r{ratio_label(self.ratio)}"

    @property
    def enforcement(self) -> str:
        return f"{self.answer.enforcement} / {self.confidence.enforcement}"

    def describe(self) -> dict[str, Any]:
        return {"cell_id": self.cell_id, "total_budget": self.total_budget, "ratio": self.ratio,
                "answer_budget": self.answer.budget, "confidence_budget": self.confidence.budget,
                "answer_stage": self.answer.to_dict(), "confidence_stage": self.confidence.to_dict(),
                "enforcement": self.enforcement}


@dataclass
class ConfidencePlan:
    task: Task
    items: list[Item]
    engine: Engine | PrefetchedEngine
    """The --model engine; while a --batch run answers, the stand-in answering from its batches."""
    style: str
    system_prompt: str
    cells: list[SplitCell]
    warnings: list[str] = field(default_factory=list)


def make_plan(config: SplitConfig, engine: Engine, task: Task | None = None) -> ConfidencePlan:
    """Choose the items and the per-cell stage settings. No calls, no writes."""
    task = task if task is not None else load_task_or_usage_error(config.task)
    pool = task.split(config.split)
    if not pool:
        raise UsageError(f"task {config.task} has no {config.split} items")
    items = fixed_subset(pool, config.samples, f"{config.seed}:{config.split}")
    style = thinking_style(engine)
    cells = []
    for total in config.budgets():
        for ratio in config.ratio_values():
            answer_budget, confidence_budget = split_budget(total, ratio)
            kwargs = dict(output_allowance=config.output_allowance, min_answer_tokens=config.min_answer_tokens,
                          style=style)
            cells.append(SplitCell(total, ratio, stage_setting(engine, answer_budget, **kwargs),
                              stage_setting(engine, confidence_budget, **kwargs)))
    system_prompt = config.system_prompt.strip() if config.system_prompt else task.instruction
    warnings = plan_warnings(config, engine, style, cells, items)
    return ConfidencePlan(task, items, engine, style, system_prompt, cells, warnings)


def repeated_values(flag: str, values: tuple[float, ...]) -> list[str]:
    """A warning per value given more than once (each distinct value makes one set of cells)."""
    counts: dict[float, int] = {}
    for value in values:
        counts[float(value)] = counts.get(float(value), 0) + 1
    return [f"{flag} {ratio_label(value)} is given {count} times; it runs once"
            for value, count in counts.items() if count > 1]


def plan_warnings(config: SplitConfig, engine: Engine, style: str, cells: list[SplitCell],
                  items: list[Item]) -> list[str]:
    warnings = repeated_values("--ratios", config.ratios) + repeated_values("--total_budget", config.total_budget)
    warnings += engine_warnings(engine)
    if len(items) < MIN_MEANINGFUL_SAMPLES:
        warnings.append(f"only {len(items)} items per cell (< {MIN_MEANINGFUL_SAMPLES}): accuracy, ECE over "
                        f"{ECE_BINS} bins, AUROC and AURC are very noisy at this size")
    if style == STYLE_API:
        off = sorted({s.budget for c in cells for s in (c.answer, c.confidence)
                      if s.enforcement == THINKING_OFF and s.budget > 0})
        if off:
            warnings.append(f"{engine.model_string} accepts thinking budgets of at least 1024 tokens: stage budgets "
                            f"{', '.join(map(str, off))} run with thinking off (see the enforcement column)")
    if style == STYLE_NONE:
        warnings.append(f"{engine.model_string} does not think: each stage's budget is a max_tokens cap on its "
                        f"whole output (at least --min_answer_tokens {config.min_answer_tokens})")
    groups: dict[tuple[tuple[Thinking, int], tuple[Thinking, int]], list[str]] = {}
    for cell in cells:
        groups.setdefault((cell.answer.identity(), cell.confidence.identity()), []).append(cell.cell_id)
    same = [ids for ids in groups.values() if len(ids) > 1]
    for ids in same:
        warnings.append(f"cells {', '.join(ids)} send identical requests after enforcement: their differences "
                        "are not effects of the split")
    return warnings


# --- running ---------------------------------------------------------------------------------

def run_item(plan: ConfidencePlan, cell: SplitCell, item: Item) -> ConfidenceItem:
    """Both stages for one item. Each stage is exactly one call: no retries on a bad parse."""
    engine, task = plan.engine, plan.task
    with call_scope(**item_scope(cell, item)):
        answer = engine.complete(answer_request(plan, cell, item), role="answer")
        score = score_completion(task, item, answer)
        judged = engine.complete(confidence_request(plan, cell, item, answer.text), role="confidence")
    parsed = parse_confidence(judged.text)
    price = engine.price()
    cost = None if price is None else price.cost(answer.usage) + price.cost(judged.usage)
    return ConfidenceItem(
        item_id=item.id, correct=score.correct, extracted=score.extracted, answer_failure=score.failure,
        confidence=parsed.value, parse_error=parsed.error,
        confidence_raw=None if parsed.ok else truncate_raw(judged.text),
        answer_input_tokens=answer.usage.input_tokens, answer_output_tokens=answer.usage.output_tokens,
        answer_thinking_tokens=answer.usage.thinking_tokens, answer_stop_reason=answer.stop_reason,
        confidence_input_tokens=judged.usage.input_tokens, confidence_output_tokens=judged.usage.output_tokens,
        confidence_thinking_tokens=judged.usage.thinking_tokens, confidence_stop_reason=judged.stop_reason,
        cost_usd=cost,
    )


def execute(plan: ConfidencePlan, *, threads: int, on_done: Callable[[], None] | None = None, batch: BatchSession | None = None
            ) -> tuple[dict[str, list[ConfidenceItem | None]], str, str | None]:
    """Run every (cell, item); returns records by cell (None where not run), status and error."""
    if batch is not None:
        try:
            from ..batches.confidence_cells import batched_engine

            plan = replace(plan, engine=batched_engine(plan, batch))
        except (BudgetExceeded, EngineError) as exc:
            cells = {c.cell_id: [None] * len(plan.items) for c in plan.cells}
            return cells, *ending_status(exc, cap_prefix="")
    records: dict[str, list[ConfidenceItem | None]] = {c.cell_id: [None] * len(plan.items) for c in plan.cells}
    jobs = [(cell, index, item) for cell in plan.cells for index, item in enumerate(plan.items)]
    stop = threading.Event()
    failure: list[tuple[str, str]] = []
    lock = threading.Lock()

    def one(job: tuple[SplitCell, int, Item]) -> None:
        cell, index, item = job
        if stop.is_set():
            return
        try:
            records[cell.cell_id][index] = run_item(plan, cell, item)
        except (BudgetExceeded, EngineError) as exc:
            with lock:
                failure.append(ending_status(exc))
            stop.set()
        finally:
            if on_done is not None:
                on_done()

    parallel_map(one, jobs, threads=threads, name="confidence")
    status, error = overall_status(failure)
    return records, status, error


def build_results(config: SplitConfig, plan: ConfidencePlan, records: dict[str, list[ConfidenceItem | None]],
                  status: str, error: str | None, ledger_summary: dict[str, Any]) -> dict[str, Any]:
    engine = plan.engine
    cells = []
    for cell in plan.cells:
        done = [r for r in records[cell.cell_id] if r is not None]
        cells.append({
            **cell.describe(),
            "complete": len(done) == len(plan.items),
            "metrics": cell_metrics(done),
            **cell_curves(done),
            "items": [r.to_dict() for r in done],
        })
    return ConfidenceSplitResults.model_validate({
        "schema": SCHEMA,
        "version": __version__,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "status": status,
        "error": error,
        "config": config.to_dict(),
        "task": {"name": config.task, "split": config.split, "n_items": len(plan.items),
                 "item_ids": [item.id for item in plan.items]},
        "model": {"spec": config.model, "model_string": engine.model_string, "engine": engine.engine_name,
                  "thinking_style": plan.style, "capabilities": engine.capabilities().to_dict()},
        "prompts": {"answer_system": plan.system_prompt, "confidence_system": CONFIDENCE_SYSTEM,
                    "confidence_user_template": CONFIDENCE_USER_TEMPLATE},
        "calibration": {"ece_bins": ECE_BINS, "binning": "equal-width", "note": BINNING_NOTE},
        "warnings": plan.warnings,
        "cells": cells,
        "ledger": ledger_summary,
    }).to_json()


def run_split(config: SplitConfig, *, engine: Engine | None = None, runtime: Runtime | None = None,
              progress: bool | None = None) -> dict[str, Any]:
    """Plan, run and return the results (not written). `engine` overrides the --model engine."""
    config.validate()
    task = load_task_or_usage_error(config.task)
    own_runtime = runtime is None and engine is None
    if engine is None:
        runtime = runtime or Runtime(config.runtime())
        try:
            engine = runtime.engine(config.model)
        except BaseException:
            if own_runtime:
                runtime.close()
            raise
    try:
        plan = make_plan(config, engine, task)
        from ..batches.options import BatchConfig, build_session

        batch = build_session(BatchConfig.of(config), engine, prices_path=config.prices, quiet=config.quiet)
        show = (not config.quiet) if progress is None else progress
        bar = None
        if show:
            from tqdm import tqdm

            bar = tqdm(total=len(plan.cells) * len(plan.items), desc="confidence-split", unit="item",
                       file=sys.stderr, dynamic_ncols=True)
        try:
            records, status, error = execute(plan, threads=config.num_threads,
                                             on_done=(lambda: bar.update(1)) if bar is not None else None,
                                             batch=batch)
        finally:
            if bar is not None:
                bar.close()
        return build_results(config, plan, records, status, error, engine.ledger.summary())
    finally:
        if own_runtime and runtime is not None:
            runtime.close()
