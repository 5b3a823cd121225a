"""The expected cost of a run, measured from a pilot: `--dry_run --pilot N`.

The pilot answers the first N validation items with the starting prompt through the run's own
answer engine (the same requests validation makes, so the cache serves them to the run later).
Each answer phase of `ceiling_plan` is projected as its call count times the measured mean
per-call cost; the range is a bootstrap (5th-95th percentile) of that mean. Call counts stay
the ceiling's (every step makes a candidate), so the projection overstates runs whose candidates
fail the minibatch gate or stop validation early. Feedback and optimizer calls are not measured
by the pilot: they are projected at their worst case, except that a feedback call's input
carries two answer responses, counted at the measured mean output instead of max_tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from tabulate import tabulate

from ..engines import Usage
from ..errors import UsageError
from .estimate import PlannedPhase, ceiling_plan
from .evaluate import answer_items

BOOTSTRAP_DRAWS = 2000


@dataclass(frozen=True)
class Projection:
    phase: str
    calls: int
    expected_usd: float
    low_usd: float
    high_usd: float
    measured: bool
    """False: projected at the phase's worst case (the pilot measures answers only)."""


@dataclass(frozen=True)
class PilotResult:
    items: int
    cost_usd: float
    mean_input_tokens: float
    mean_output_tokens: float
    rows: list[Projection]

    @property
    def expected_usd(self) -> float:
        return sum(r.expected_usd for r in self.rows)

    @property
    def low_usd(self) -> float:
        return sum(r.low_usd for r in self.rows)

    @property
    def high_usd(self) -> float:
        return sum(r.high_usd for r in self.rows)


def check_pilot_size(run: Any) -> None:
    """--pilot must lie between 1 and the validation subset's size (checked before any call)."""
    size, available = run.config.pilot, len(run.plan.val_items)
    if size is not None and not 1 <= size <= available:
        raise UsageError(f"--pilot must be between 1 and the {available} validation items of this run "
                         f"(got {size}); pass --pilot {max(1, min(size, available))} or raise --eval_samples")


def run_pilot(run: Any) -> PilotResult:
    """Answer the pilot items (paid, through the ledger and --max_cost) and project every phase."""
    check_pilot_size(run)
    plan, answer = run.plan, run.plan.answer
    price = answer.engine.price()
    if price is None:
        raise UsageError(f"--pilot needs a price for {answer.model_string}; add it with --prices FILE")
    spent_before = run.runtime.ledger.spent_usd
    answered = answer_items(plan.starting_prompt, plan.val_items[:run.config.pilot], answer, plan.task,
                            threads=run.config.num_threads, scope={"checkpoint": 0, "phase": "pilot"})
    usages = [completion.usage for _, completion in answered]
    per_call = np.array([price.cost(Usage(input_tokens=u.input_tokens, output_tokens=u.output_tokens))
                         for u in usages])
    mean_output = float(np.mean([u.output_tokens for u in usages]))
    rows = [_project(_measured_feedback(row, run, mean_output), per_call, run.config.seed)
            for row in ceiling_plan(run)]
    return PilotResult(len(usages), run.runtime.ledger.spent_usd - spent_before,
                       float(np.mean([u.input_tokens for u in usages])),
                       mean_output, rows)


def _measured_feedback(row: PlannedPhase, run: Any, mean_output: float) -> PlannedPhase:
    """The feedback phase with its two worst-case responses replaced by the measured mean answer."""
    if row.phase != "feedback (backward)" or row.ceiling_usd is None:
        return row
    richest = max([run.plan.answer.max_tokens, *(rung.max_tokens for rung in run.plan.ladder or [])])
    input_tokens = max(0, row.max_input_tokens - 2 * richest + 2 * round(mean_output))
    price = run.plan.feedback.engine.price()
    per_call = price.cost(Usage(input_tokens=input_tokens, output_tokens=row.max_output_tokens))
    return replace(row, max_input_tokens=input_tokens, ceiling_usd=per_call * row.calls)


def _project(row: PlannedPhase, per_call: np.ndarray, seed: int) -> Projection:
    if row.role != "answer":
        worst = row.ceiling_usd or 0.0
        return Projection(row.phase, row.calls, worst, worst, worst, measured=False)
    rng = np.random.default_rng(seed)
    means = rng.choice(per_call, size=(BOOTSTRAP_DRAWS, len(per_call)), replace=True).mean(axis=1)
    low, high = np.percentile(means, [5, 95])
    return Projection(row.phase, row.calls, float(per_call.mean()) * row.calls, float(low) * row.calls,
                      float(high) * row.calls, measured=True)


def _basis(row: Projection) -> str:
    if row.measured:
        return "measured"
    return "worst case, measured responses" if row.phase == "feedback (backward)" else "at worst case"


def pilot_report(result: PilotResult) -> str:
    table = tabulate([[r.phase, r.calls, f"${r.expected_usd:.4f}", f"${r.low_usd:.4f}-${r.high_usd:.4f}",
                       _basis(r)] for r in result.rows],
                     headers=["Phase", "Calls (max)", "Expected", "Range (5-95%)", "Basis"])
    return "\n".join([
        f"pilot: {result.items} validation items answered with the starting prompt, costing "
        f"${result.cost_usd:.4f} (cached: the run reuses them); mean {result.mean_input_tokens:.0f} input and "
        f"{result.mean_output_tokens:.0f} output tokens per answer",
        table,
        f"expected cost ${result.expected_usd:.4f} (range ${result.low_usd:.4f}-${result.high_usd:.4f}): answers "
        "from the pilot's measured cost per call, feedback and optimizer calls at worst case, every step "
        "assumed to make a candidate",
    ])
