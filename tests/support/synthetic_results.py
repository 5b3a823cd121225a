"""Synthetic results written by the real code, for the report's benchmark, tests and demos.

`write_synthetic_results(results_dir, runs=50, epochs=20)` writes run directories and a
`sweep_summary.json`. Only the model is simulated: each call's billed usage comes from a
seeded generator (heavy-tailed token counts, the same on every machine) and goes through a
real `Ledger`, whose records become `calls.jsonl`. Everything derived from those calls is computed by the
product's own code: `evaluate.summarize`, the minibatch gate and `ToleranceRule` decisions,
`loop.compare`, `pareto_front`, the config's run id, identity and warnings, the ledger's
totals, `RunStore` (summary.json, calls.jsonl) and the sweep's `run_row`.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from promptbudget import __version__
from promptbudget.engines.types import Completion, Usage
from promptbudget.jsonio import write_json_atomic
from promptbudget.ledger import Ledger, call_scope
from promptbudget.optimize.acceptance import Decision, ToleranceRule, format_guard, minibatch_gate
from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.evaluate import ItemResult, summarize
from promptbudget.optimize.loop import compare
from promptbudget.optimize.store import RunStore
from promptbudget.pricing import Price
from promptbudget.records import ResumableRun
from promptbudget.stats import pareto_front
from promptbudget.sweep.plan import weights_label
from promptbudget.sweep.summary import SWEEP_SCHEMA, run_row

BASE_PROMPT = ("You will answer a mathematical reasoning question. Think step by step. The last line of your "
               "response should be of the following format: 'Answer: $VALUE' where VALUE is a numerical value.")
EDITS = {
    "efficiency": ["Be concise: skip restating the question.", "Write only the steps you need.",
                   "Keep the reasoning brief.", "Do not verify twice.", "Use short sentences."],
    "accuracy": ["Check the arithmetic of the final step before answering.", "Track units carefully.",
                 "Re-read the question for the quantity asked.", "Watch for off-by-one errors."],
}
PRICE = Price(input=3.0, output=15.0)  # USD per million tokens
ENGINE, MODEL = "synthetic", "default"
MAX_TOKENS, TRUNCATE_AT = 8000, 6000
THINKING = {"mode": "budget", "budget_tokens": 16000, "effort": None}


@dataclass(frozen=True)
class SimulatedPrompt:
    """What the simulated model does with one prompt version."""

    text: str
    scale: float = 1.0
    """Multiplies every item's response length."""
    accuracy: float = 0.62
    """Items whose difficulty for this prompt is below this are answered correctly."""
    key: str = "v0"
    """Seeds the part of an item's difficulty that depends on the prompt."""


def _unit(*parts: Any) -> float:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _difficulty(item_id: str, prompt: SimulatedPrompt) -> float:
    """Mostly the item's own (so a better prompt mostly keeps what it got right), partly the prompt's."""
    return 0.7 * _unit(item_id, "difficulty") + 0.3 * _unit(item_id, prompt.key)


def _response_usage(item_id: str, prompt: SimulatedPrompt) -> tuple[Usage, str]:
    """The usage and stop reason the simulated model bills for one item (log-normal length)."""
    z = math.sqrt(-2 * math.log(max(_unit(item_id, "a"), 1e-12))) * math.cos(2 * math.pi * _unit(item_id, "b"))
    wanted = max(12, int(420 * math.exp(0.75 * z) * prompt.scale))
    truncated = wanted > TRUNCATE_AT
    output = min(wanted, MAX_TOKENS)
    usage = Usage(input_tokens=60 + int(80 * _unit(item_id, "in")) + len(prompt.text) // 4,
                  output_tokens=output, thinking_tokens=int(output * 0.7))
    return usage, "max_tokens" if truncated else "end_turn"


class SimulatedCalls:
    """Every simulated model call, entered in a real Ledger (written to calls.jsonl at the end,
    in one go: a file sync per call would make 50 runs take minutes)."""

    def __init__(self) -> None:
        self.ledger = Ledger()

    def pay(self, role: str, usage: Usage, stop_reason: str = "end_turn", **scope: Any) -> float | None:
        completion = Completion(text="", usage=usage, stop_reason=stop_reason, model=MODEL)
        with call_scope(**scope):
            record = self.ledger.record(role=role, engine=ENGINE, model=MODEL, completion=completion,
                                        cost_usd=PRICE.cost(usage))
        return record.cost_usd

    def answer(self, item_id: str, prompt: SimulatedPrompt, phase: str) -> ItemResult:
        usage, stop_reason = _response_usage(item_id, prompt)
        cost = self.pay("answer", usage, stop_reason, sample_id=item_id, phase=phase)
        correct = _difficulty(item_id, prompt) < prompt.accuracy and stop_reason != "max_tokens"
        return ItemResult(item_id=item_id, correct=correct, extracted=str(int(_unit(item_id) * 100)),
                          failure=None if correct else "wrong_answer", has_answer=stop_reason != "max_tokens",
                          input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                          thinking_tokens=usage.thinking_tokens, stop_reason=stop_reason, cost_usd=cost)

    def evaluate(self, prompt: SimulatedPrompt, ids: list[str], phase: str) -> list[ItemResult]:
        return [self.answer(item_id, prompt, phase) for item_id in ids]


def _record(version: int, results: list[ItemResult], **extra: Any) -> dict[str, Any]:
    return {"prompt_version": version, "summary": summarize(results), "items": [r.to_json() for r in results],
            **extra}


@dataclass
class SyntheticRun:
    """One optimization run replayed against the simulated model, step by step as the loop does."""

    config: OptimizeConfig
    calls: SimulatedCalls
    inject: str | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.config.seed}:{self.config.accuracy_weight}:{self.config.efficiency_weight}")
        self.val_ids = [f"gsm8k/train/{i}" for i in range(self.config.eval_samples)]
        self.test_ids = [f"gsm8k/test/{i}" for i in range(self.config.test_samples)]
        starting = BASE_PROMPT + (f" {self.inject}" if self.inject else "")
        self.simulated = [SimulatedPrompt(starting)]
        self.prompts = [{"version": 0, "text": starting, "parent": None, "step": None, "accepted": True}]
        self.validation: dict[str, dict[str, Any]] = {}
        self.steps: list[dict[str, Any]] = []
        self.current = 0
        self.acceptance = ToleranceRule(self.config.accuracy_tolerance, self.config.token_tolerance)

    def validate(self, version: int) -> dict[str, Any]:
        if str(version) not in self.validation:
            results = self.calls.evaluate(self.simulated[version], self.val_ids, f"validation v{version}")
            self.validation[str(version)] = _record(version, results, complete=True)
        return self.validation[str(version)]["summary"]

    def _candidate(self, focus: str, index: int) -> tuple[int, str]:
        parent, edit = self.simulated[self.current], self.rng.choice(EDITS[focus])
        if focus == "efficiency":
            scale, accuracy = parent.scale * self.rng.uniform(0.7, 1.02), parent.accuracy - self.rng.uniform(-0.02, 0.06)
        else:
            scale, accuracy = parent.scale * self.rng.uniform(0.98, 1.15), parent.accuracy + self.rng.uniform(-0.02, 0.15)
        text = parent.text + " " + edit + (f" {self.inject}" if self.inject and index % 5 == 0 else "")
        version = len(self.simulated)
        self.simulated.append(SimulatedPrompt(text, scale, min(0.97, max(0.05, accuracy)), f"v{version}"))
        self.prompts.append({"version": version, "text": text, "parent": self.current, "step": index,
                             "accepted": False})
        return version, edit

    def _gradient_calls(self, batch: list[ItemResult], index: int, judge: bool) -> None:
        """The feedback (loss + critique per item), optimizer and, for some runs, judge calls of one step."""
        for item in batch:
            for phase in ("loss", "feedback"):
                self.calls.pay("feedback", Usage(900, 60), sample_id=item.item_id, phase=phase, step=index)
        self.calls.pay("optimizer", Usage(1600, 90), phase="optimizer", step=index)
        if judge:
            self.calls.pay("judge", Usage(700, 20), phase="judge", step=index)

    def _judge(self, focus: str, version: int, batch: list[ItemResult], record: dict[str, Any]) -> Decision:
        """The loop's order: format guard and minibatch gate on the batch, then the acceptance rule."""
        candidate = self.calls.evaluate(self.simulated[version], [b.item_id for b in batch], "minibatch gate")
        old_batch, new_batch = summarize(batch), summarize(candidate)
        record["minibatch_gate"] = {"old": old_batch, "new": new_batch}
        rejection = format_guard(old_batch, new_batch) or minibatch_gate(focus, old_batch, new_batch)
        if rejection is not None:
            return Decision(False, f"{rejection.reason} (minibatch gate on the {len(batch)} training items)")
        old, new = self.validate(self.current), self.validate(version)
        record["candidate_validation"] = {"old": old, "new": new, "evaluated": len(self.val_ids),
                                          "of": len(self.val_ids)}
        return format_guard(old, new) or self.acceptance.decide(focus, old, new)

    def step(self, index: int) -> None:
        accuracy_share, _ = self.config.focus_weights()
        focus = "accuracy" if self.rng.random() < accuracy_share else "efficiency"
        size = self.config.batch_size
        batch_ids = [f"gsm8k/train/{1000 + (index * size + k) % 200}" for k in range(size)]
        batch = self.calls.evaluate(self.simulated[self.current], batch_ids, "training batch")
        self._gradient_calls(batch, index, judge=self.config.accuracy_weight >= 0.5)
        version, edit = self._candidate(focus, index)
        note = f" {self.inject}" if self.inject else ""
        record: dict[str, Any] = {
            "index": index, "epoch": index, "step": 0, "focus": focus, "prompt_version": self.current,
            "batch_ids": batch_ids, "batch": [b.to_json() for b in batch], "batch_summary": summarize(batch),
            "losses": [f"This response was billed {b.output_tokens} output tokens.{note}" for b in batch],
            "feedback": [f"The response spends tokens restating the problem; {edit.lower()}{note}"] * size,
            "optimizer_error": None, "candidate_version": version, "candidate_validation": None,
        }
        decision = self._judge(focus, version, batch, record)
        reason = decision.reason + (note if index == 0 else "")
        record["decision"] = {"accepted": decision.accepted, "reason": reason}
        self.steps.append(record)
        if decision.accepted:
            self.prompts[version]["accepted"] = True
            self.current = version

    def pareto(self) -> dict[str, Any]:
        validated = sorted(int(v) for v in self.validation)
        points = [(self.validation[str(v)]["summary"].accuracy, self.validation[str(v)]["summary"].mean_output_tokens)
                  for v in validated]
        return {"basis": "validation", "versions": validated, "front": [validated[i] for i in pareto_front(points)]}


def synthetic_config(*, task: str, accuracy_weight: float, efficiency_weight: float, seed: int, epochs: int,
                     batch_size: int, eval_samples: int, test_samples: int) -> OptimizeConfig:
    return OptimizeConfig(task=task, model="synthetic", batch_size=batch_size, max_epochs=epochs, steps_per_epoch=1,
                          accuracy_weight=accuracy_weight, efficiency_weight=efficiency_weight, seed=seed,
                          eval_samples=eval_samples, test_samples=test_samples)


def _header(config: OptimizeConfig, run: SyntheticRun, run_id: str) -> dict[str, Any]:
    """The parts of the run record the loop fills in before its first call."""
    return {
        "schema": ResumableRun.schema_name(), "promptbudget_version": __version__, "run_id": run_id, "status": "running",
        "error": None, "created_at": 0.0, "updated_at": 0.0,
        "config": {k: v for k, v in config.to_dict().items() if k not in ("resume", "dry_run", "quiet")},
        "identity": config.identity(run.prompts[0]["text"]),
        "task": {"name": config.task, "train": 200, "val": 300, "test": 1319, "val_ids": run.val_ids,
                 "test_ids": run.test_ids},
        "engines": {"answer": f"{ENGINE}/{MODEL}", "optimizer": f"{ENGINE}/{MODEL}", "thinking": dict(THINKING),
                    "max_tokens": MAX_TOKENS},
        "warnings": config.sample_warnings(), "total_steps": config.max_epochs, "checkpoint": 0,
    }


def write_synthetic_run(root: Path, config: OptimizeConfig, *, inject: str | None = None) -> ResumableRun:
    """Replay one run into `root/<run id>/` (summary.json, calls.jsonl); returns its summary."""
    starting = BASE_PROMPT + (f" {inject}" if inject else "")
    run_id = config.run_id(starting)
    store = RunStore(root / run_id)
    run = SyntheticRun(config, SimulatedCalls(), inject)
    summary = _header(config, run, run_id)
    run.validate(0)
    initial = run.calls.evaluate(run.simulated[0], run.test_ids, "initial test")
    for index in range(config.max_epochs):
        run.step(index)
    final = run.calls.evaluate(run.simulated[run.current], run.test_ids, "final test") if run.current else initial
    summary.update({
        "status": "completed", "checkpoint": config.max_epochs + 2, "prompts": run.prompts, "current_version": run.current,
        "validation": run.validation, "initial": {"test": _record(0, initial)}, "steps": run.steps,
        "final": {"test": _record(run.current, final), "comparison": compare(initial, final)},
        "pareto": run.pareto(), "ledger": run.calls.ledger.summary(),
    })
    summary["created_at"] = run.calls.ledger.records()[0].timestamp
    store.dir.mkdir(parents=True, exist_ok=True)
    store.rewrite_calls(run.calls.ledger.records())
    return store.save(ResumableRun.model_validate(summary))


def weight_grid(runs: int) -> list[tuple[float, float, int]]:
    """`runs` (accuracy_weight, efficiency_weight, seed) configurations: 5 weightings x seeds."""
    weights = [(0.1, 0.9), (0.3, 0.7), (0.5, 0.5), (0.7, 0.3), (0.9, 0.1)]
    return [(*weights[i % len(weights)], i // len(weights)) for i in range(runs)]


def _spec(config: OptimizeConfig, run_id: str) -> SimpleNamespace:
    """The fields of a sweep's RunSpec that `run_row` reads."""
    return SimpleNamespace(label=weights_label(config.accuracy_weight, config.efficiency_weight),
                           accuracy_weight=config.accuracy_weight, efficiency_weight=config.efficiency_weight,
                           seed=config.seed, run_id=run_id, total_steps=config.max_epochs * config.steps_per_epoch)


def write_synthetic_results(results_dir: str | os.PathLike, *, runs: int = 50, epochs: int = 20,
                            task: str = "GSM8K_DSPy", eval_samples: int = 30, test_samples: int = 100,
                            inject: str | None = None, sweep: bool = True, batch_size: int = 3) -> list[Path]:
    """Write `runs` run directories (and a sweep summary with one failed run) under `results_dir`;
    returns the summary paths."""
    root = Path(results_dir)
    paths, rows = [], []
    for acc, eff, seed in weight_grid(runs):
        config = synthetic_config(task=task, accuracy_weight=acc, efficiency_weight=eff, seed=seed, epochs=epochs,
                                  batch_size=batch_size, eval_samples=eval_samples, test_samples=test_samples)
        summary = write_synthetic_run(root, config, inject=inject)
        paths.append(root / summary.run_id / "summary.json")
        rows.append(run_row(_spec(config, summary.run_id), summary, summary.status, summary.error))
    if sweep:
        failed = synthetic_config(task=task, accuracy_weight=1.0, efficiency_weight=0.0, seed=0, epochs=epochs,
                                  batch_size=batch_size, eval_samples=eval_samples, test_samples=test_samples)
        error = "engine error: overloaded" + (f" {inject}" if inject else "")
        rows.append(run_row(_spec(failed, failed.run_id(BASE_PROMPT)), None, "failed", error))
        write_json_atomic(root / "sweep_summary.json",
                          {"schema": SWEEP_SCHEMA, "promptbudget_version": __version__,
                           "updated_at": max(p.stat().st_mtime for p in paths) if paths else 0.0,
                           "config": {"optimize": {"task": task}},
                           "rows": [row.to_json() for row in rows]})
    return paths

