"""The expected cost of a run, measured from a pilot: `--dry_run --pilot N`.

The pilot makes real, paid calls (through the ledger and --max_cost), each one a request the
run itself would make, so the cache serves them to the run later:

1. the first N validation items and the first step's training batch answered with the
   starting prompt, at every rung of the ladder (one rung for a prompt-only search);
2. one pilot step: the first step's feedback and optimizer calls, and the candidate prompt
   answering the batch (the minibatch gate) and the N validation items.

`simulate.SimulatedRun` then plays the run's own schedule and decision rules on answers drawn
from these measurements, once per bootstrap draw (`simulate.draw_parameters`). The expected
cost is the mean over the draws; the range is their 5th-95th percentile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from tabulate import tabulate

from ..errors import UsageError
from .estimate import ceiling_plan
from .evaluate import ItemResult, answer_items, summarize
from .simulate import Answer, Measurements, Schedule, SimulatedRun, draw_parameters

if TYPE_CHECKING:
    from tasks.core import Item

    from ..engines import Completion
    from .loop import OptimizationRun

SIMULATED_RUNS = 400


@dataclass(frozen=True)
class Projection:
    phase: str
    calls: float
    """Expected (mean simulated) number of paid calls."""
    expected_usd: float
    low_usd: float
    high_usd: float


@dataclass(frozen=True)
class PilotResult:
    items: int
    """--pilot: the validation items measured (the first training batch is measured too)."""
    calls: int
    cost_usd: float
    mean_input_tokens: float
    mean_output_tokens: float
    pilot_step: str
    """What the pilot step measured, in words."""
    rows: list[Projection]
    expected_usd: float
    low_usd: float
    high_usd: float


def check_pilot_size(run: OptimizationRun) -> None:
    """--pilot must lie between 1 and the validation subset's size (checked before any call)."""
    size, available = run.config.pilot, len(run.plan.val_items)
    if size is not None and not 1 <= size <= available:
        raise UsageError(f"--pilot must be between 1 and the {available} validation items of this run "
                         f"(got {size}); pass --pilot {max(1, min(size, available))} or raise --eval_samples")


def _answered(run: OptimizationRun, prompt: str, items: list[Item], rung: int) -> list[tuple[ItemResult, Completion]]:
    """The run's own requests (so its cache serves them later), labelled as the pilot's in the ledger."""
    return answer_items(prompt, items, run.answer_at(rung), run.plan.task, threads=run.config.num_threads,
                        scope={"checkpoint": 0, "phase": "pilot"})


def _answers(run: OptimizationRun, prompt: str, items: list[Item], rung: int) -> list[Answer]:
    return [Answer(r.correct, r.has_answer, r.input_tokens, r.output_tokens, r.stop_reason, r.thinking_tokens,
                   r.cost_usd) for r, _ in _answered(run, prompt, items, rung)]


def _pilot_step(run: OptimizationRun, batch: list[Item], items: list[Item], measured: list[Answer]
                ) -> tuple[list[tuple[Answer, Answer]], str]:
    """The first step's prompt edit, made for real: (start, candidate) answer pairs on every measured item
    (`batch` is among `items`, answered already: the training answers come from the cache)."""
    plan, start = run.plan, run.plan.start_rung
    focus = run.focus(0)
    answered = _answered(run, plan.starting_prompt, batch, start)
    targets = [(item, pair) for item, pair in zip(batch, answered) if focus == "efficiency" or not pair[0].correct]
    if not targets:  # an accuracy step with nothing to fix writes no candidate: measure an efficiency edit
        focus, targets = "efficiency", list(zip(batch, answered))
    median = summarize([r for r, _ in answered]).median_output_tokens
    edit = run.prompt_candidate(focus, plan.starting_prompt, targets, median, 0)
    if edit.optimizer_error is not None or edit.candidate == plan.starting_prompt.strip():
        return [], f"the {focus} edit wrote no new prompt"
    pairs = list(zip(measured, _answers(run, edit.candidate, items, start)))
    return pairs, f"an {focus} edit of the starting prompt, compared on {len(pairs)} items"


def measure(run: OptimizationRun) -> tuple[Measurements, str]:
    """The pilot's calls: the pilot items and the first training batch at every rung, then the pilot step."""
    plan, key = run.plan, run.plan.task.format_question
    items = plan.val_items[:run.config.pilot]
    batch = run.batch(0, 0) if plan.total_steps else []
    items += [item for item in batch if key(item) not in {key(i) for i in items}]
    rungs = {r: _answers(run, plan.starting_prompt, items, r) for r in range(len(plan.ladder or [None]))}
    before = len(run.runtime.ledger.records())
    pairs, step = (_pilot_step(run, batch, items, rungs[plan.start_rung]) if batch
                   else ([], "none: the run has no steps"))
    helpers = [r for r in run.runtime.ledger.records()[before:] if r.role != "answer"]
    feedback = [r.cost_usd or 0.0 for r in helpers if r.role == "feedback"]
    optimizer = [r.cost_usd or 0.0 for r in helpers if r.role == "optimizer"]
    if not pairs:  # no candidate to compare: a candidate answers like a fresh draw of the pilot's answers
        start = rungs[plan.start_rung]
        pairs = [(a, b) for a in start for b in start]
        step += "; a candidate is modelled as an independent redraw of the pilot's answers"
    return Measurements([key(item) for item in items], rungs, pairs, feedback or [0.0], optimizer or [0.0]), step


def schedule(run: OptimizationRun) -> Schedule:
    config, plan = run.config, run.plan
    key = plan.task.format_question
    steps = [(index, run.focus(index // config.steps_per_epoch),
              [key(item) for item in run.batch(*divmod(index, config.steps_per_epoch))])
             for index in range(plan.total_steps)]
    return Schedule(steps, [key(i) for i in plan.val_items] if config.run_validation else [],
                    [key(i) for i in plan.test_items], list(plan.ladder), plan.start_rung, config.run_validation,
                    run.acceptance, plan.answer.engine.price())


def run_pilot(run: OptimizationRun) -> PilotResult:
    """Make the pilot's calls (paid), then project every phase from simulated runs."""
    check_pilot_size(run)
    if run.plan.answer.engine.price() is None:
        raise UsageError(f"--pilot needs a price for {run.plan.answer.model_string}; add it with --prices FILE")
    ledger = run.runtime.ledger
    spent, calls = ledger.spent_usd, len(ledger.records())
    measured, step = measure(run)
    plan = schedule(run)
    rng = np.random.default_rng(run.config.seed)
    runs = []
    for _ in range(SIMULATED_RUNS):
        simulated = SimulatedRun(plan, measured, draw_parameters(measured, plan.start_rung, rng), rng)
        simulated.run()
        runs.append(simulated)
    start = measured.rungs[plan.start_rung]
    paid = sum(not record.cached for record in ledger.records()[calls:])
    return PilotResult(run.config.pilot, paid, ledger.spent_usd - spent,
                       float(np.mean([a.input_tokens for a in start])),
                       float(np.mean([a.output_tokens for a in start])), step, _rows(run, runs), *_total(runs))


def _rows(run: OptimizationRun, runs: list[SimulatedRun]) -> list[Projection]:
    phases = [row.phase for row in ceiling_plan(run)]
    phases += sorted({phase for r in runs for phase in r.cost} - set(phases))
    rows = []
    for phase in phases:
        cost = np.array([r.cost.get(phase, 0.0) for r in runs])
        calls = float(np.mean([r.calls.get(phase, 0) for r in runs]))
        low, high = np.percentile(cost, [5, 95])
        rows.append(Projection(phase, calls, float(cost.mean()), float(low), float(high)))
    return rows


def _total(runs: list[SimulatedRun]) -> tuple[float, float, float]:
    totals = np.array([sum(r.cost.values()) for r in runs])
    low, high = np.percentile(totals, [5, 95])
    return float(totals.mean()), float(low), float(high)


HOW = ("how the estimate was made: {runs} simulated runs, each on a bootstrap resample of the pilot's answers, "
       "play this run's schedule (its seeded focuses and training batches) through the loop's own rules (thinking "
       "moves, minibatch gate, validation's early stop, acceptance rule, ladder stage); each answer is a pilot "
       "item's measured answer at that setting, a new prompt answers like the measured candidate did (right with "
       "the probability the measured pairs give, Beta(1, 1) prior; its parent's tokens times a measured token "
       "ratio), a cached answer costs nothing, and feedback and optimizer calls cost what the pilot step's did. "
       "The range is the 5th-95th percentile over the simulated runs.")


def pilot_report(result: PilotResult) -> str:
    table = tabulate([[r.phase, f"{r.calls:.1f}", f"${r.expected_usd:.4f}", f"${r.low_usd:.4f}-${r.high_usd:.4f}"]
                      for r in result.rows],
                     headers=["Phase", "Calls (expected)", "Expected", "Range (5-95%)"])
    return "\n".join([
        f"pilot: {result.items} validation items and the first training batch answered with the starting prompt, "
        "and one pilot step "
        f"({result.pilot_step}): {result.calls} paid calls costing ${result.cost_usd:.4f} (cached: the run gets back "
        f"those it makes again); mean {result.mean_input_tokens:.0f} input and {result.mean_output_tokens:.0f} output tokens per "
        "answer",
        table,
        f"expected cost ${result.expected_usd:.4f} (5-95% range ${result.low_usd:.4f}-${result.high_usd:.4f})",
        HOW.format(runs=SIMULATED_RUNS),
    ])
