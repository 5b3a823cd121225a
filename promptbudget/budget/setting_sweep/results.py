"""The results of a sweep: a summary row per setting (per split and complexity class), the policy
learned from the records and the allocator's evaluation, gathered in one JSON-ready dict."""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import numpy as np

from ... import __version__
from ...engines import Engine
from ...records import BudgetSweepResults
from ...runtime import Runtime
from ...stats import pareto_front, proportion
from ..allocator import Policy, learn_policy
from ..classifier import COMPLEXITY_CLASSES, Classification
from ..evaluation import evaluate_allocator
from .config import METRICS, SWEEP_SCHEMA
from .planning import ENFORCEMENT_NOTES, PlannedSetting, BudgetSweepPlan

if TYPE_CHECKING:
    from ..outcomes import ClassifierCost, SweepRecord


def pricing_status(engine: Engine) -> str:
    price = engine.price()
    if price is None:
        return "unpriced"
    return "free" if price.input == 0 and price.output == 0 else "priced"


def setting_row(planned: PlannedSetting, records: list[SweepRecord], graded: bool, kind: str,
                enforcement: str) -> dict[str, Any]:
    setting = planned.setting
    n = len(records)
    row: dict[str, Any] = {"setting": setting.label, "kind": kind, "tier": setting.tier,
                           "thinking_mode": planned.thinking.mode, "budget_tokens": planned.thinking.budget_tokens,
                           "effort": planned.thinking.effort, "max_tokens": planned.max_tokens, "n": n}
    if n == 0:
        return row
    if graded:
        acc = proportion([bool(r["correct"]) for r in records])
        row.update(accuracy=acc.mean, accuracy_low=acc.low, accuracy_high=acc.high, correct=acc.successes)
    else:
        row.update(accuracy=None, accuracy_low=None, accuracy_high=None, correct=None)
    output = np.array([r["output_tokens"] for r in records], dtype=float)
    thinking = [r["thinking_tokens"] for r in records if r["thinking_tokens"] is not None]
    latency = np.array([r["latency_s"] for r in records if r["latency_s"] is not None], dtype=float)
    costs = [r["cost_usd"] for r in records]
    total_cost = None if any(c is None for c in costs) else float(sum(costs))
    mean_thinking = float(np.mean(thinking)) if thinking else None
    budget = planned.thinking.budget_tokens if planned.thinking.mode == "budget" else None
    row.update(
        mean_output_tokens=float(output.mean()),
        median_output_tokens=float(np.median(output)),
        total_output_tokens=int(output.sum()),
        mean_input_tokens=float(np.mean([r["input_tokens"] for r in records])),
        mean_thinking_tokens=mean_thinking,
        max_thinking_tokens=max(thinking) if thinking else None,
        thinking_reported=len(thinking),
        budget_use=(mean_thinking / budget) if budget and mean_thinking is not None else None,
        output_cap_use=float(output.mean()) / planned.max_tokens,
        truncation_rate=sum(r["stop_reason"] == "max_tokens" for r in records) / n,
        format_rate=sum(bool(r["has_answer"]) for r in records) / n,
        latency_p50_s=float(np.percentile(latency, 50)) if latency.size else None,
        latency_p95_s=float(np.percentile(latency, 95)) if latency.size else None,
        cost_usd=total_cost,
        cost_per_item_usd=None if total_cost is None else total_cost / n,
        tokens_per_correct=(float(output.sum()) / row["correct"]) if graded and row["correct"] else None,
        accuracy_per_dollar=(row["correct"] / total_cost) if graded and total_cost else None,
        cached=sum(bool(r["cached"]) for r in records),
    )
    return row


def summarize_split(plan: BudgetSweepPlan, records: list[SweepRecord]) -> list[dict[str, Any]]:
    rows = [setting_row(p, [r for r in records if r["setting"] == p.setting.label], plan.graded, plan.kind,
                        plan.enforcement) for p in plan.settings]
    if plan.graded:
        points = [(r["accuracy"], _cost_axis(r)) for r in rows if r["n"] and r.get("accuracy") is not None]
        front = set(pareto_front(points)) if points else set()
        measured = [r for r in rows if r["n"] and r.get("accuracy") is not None]
        for index, row in enumerate(measured):
            row["pareto"] = index in front
    return rows


def _cost_axis(row: dict[str, Any]) -> float:
    """Cost per item when the engine is priced above zero, else mean billed output tokens."""
    cost = row.get("cost_per_item_usd")
    return float(cost) if cost else float(row.get("mean_output_tokens") or 0.0)


def _learn_and_evaluate(plan: BudgetSweepPlan, records: list[SweepRecord], counts: dict[str, int],
                        classifications: dict[str, Classification],
                        warnings: list[str]) -> tuple[Policy | None, dict[str, Any] | None]:
    """The policy learned on the learn split and its evaluation on --split (None, None for a case study)."""
    config = plan.config
    if config.case_study:
        return None, None
    settings = [p.setting for p in plan.settings]
    learn_split = config.learn_split or config.split
    policy = learn_policy([r for r in records if r["split"] == learn_split], settings, margin=config.margin,
                          min_items=config.min_class_items,
                          source={"sweep": str(plan.output), "task": plan.task_name,
                                  "model": plan.answer_engine.model_string, "split": learn_split,
                                  "enforcement": plan.enforcement,
                                  "system_prompt_sha256": sha256(plan.system_prompt)})
    defaults = [c for c in COMPLEXITY_CLASSES if not policy.classes[c].learned and counts[c]]
    if defaults:
        warnings.append(f"too few items to learn {', '.join(defaults)} (min {config.min_class_items} per class): "
                        "kept the notebook defaults")
    classifier_costs: dict[str, ClassifierCost] = {i: {"cost_usd": c.cost_usd, "input_tokens": c.input_tokens,
                            "output_tokens": c.output_tokens} for i, c in classifications.items()}
    evaluation = evaluate_allocator([r for r in records if r["split"] == config.split], settings, policy,
                                    classifier_costs=classifier_costs, split=config.split,
                                    held_out=config.learn_split is not None)
    return policy, evaluation


def _summaries(plan: BudgetSweepPlan, records: list[SweepRecord]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(summary per split, summary per split and complexity class)."""
    summary: dict[str, list[dict[str, Any]]] = {}
    by_class: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for split in plan.items:
        split_records = [r for r in records if r["split"] == split]
        summary[split] = summarize_split(plan, split_records)
        by_class[split] = {}
        for name in COMPLEXITY_CLASSES:
            class_records = [r for r in split_records if r["complexity"] == name]
            if class_records:
                by_class[split][name] = summarize_split(plan, class_records)
    return summary, by_class


def _engine_block(plan: BudgetSweepPlan) -> dict[str, Any]:
    price = plan.answer_engine.price()
    return {"model": plan.answer_engine.model_string, "spec": plan.config.model,
            "capabilities": plan.answer_engine.capabilities().to_dict(), "enforcement": plan.enforcement,
            "enforcement_note": ENFORCEMENT_NOTES[plan.enforcement], "pricing": pricing_status(plan.answer_engine),
            "price": None if price is None else asdict(price)}


def build_results(plan: BudgetSweepPlan, runtime: Runtime, classifications: dict[str, Classification],
                  records: list[SweepRecord], *, status: str, error: str | None,
                  elapsed_s: float) -> dict[str, Any]:
    """The results file's JSON object, validated as a `BudgetSweepResults` record."""
    config = plan.config
    summary, by_class = _summaries(plan, records)
    counts = {name: 0 for name in COMPLEXITY_CLASSES}
    for classification in classifications.values():
        counts[classification.complexity] += 1
    warnings = list(plan.warnings)
    policy, evaluation = (_learn_and_evaluate(plan, records, counts, classifications, warnings)
                          if status == "completed" and plan.graded else (None, None))
    unparsed = sum(not c.parsed for c in classifications.values())
    if unparsed:
        warnings.append(f"{unparsed} of {len(classifications)} classifier replies could not be parsed: "
                        "those items count as medium")
    return BudgetSweepResults.model_validate({
        "schema": SWEEP_SCHEMA,
        "version": __version__,
        "created_at": time.time(),
        "elapsed_s": elapsed_s,
        "status": status,
        "error": error,
        "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(config).items()},
        "task": {"name": plan.task_name, "source": "prompts" if config.prompts else "task", "graded": plan.graded,
                 "system_prompt": plan.system_prompt, "system_prompt_sha256": sha256(plan.system_prompt),
                 "split": config.split, "learn_split": config.learn_split},
        "engine": _engine_block(plan),
        "classifier": {"model": plan.classifier.engine.model_string, "counts": counts, "unparsed": unparsed,
                       "items": {i: c.to_dict() for i, c in classifications.items()}},
        "kind": plan.kind,
        "settings": [p.to_dict() for p in plan.settings],
        "splits": {split: [item.id for item in items] for split, items in plan.items.items()},
        "questions": {item.id: plan.task.format_question(item) for items in plan.items.values() for item in items},
        "metrics": METRICS,
        "summary": summary,
        "by_class": by_class,
        "policy": policy.to_dict() if policy else None,
        "policy_file": str(plan.policy_output) if policy and plan.policy_output else None,
        "allocator_evaluation": evaluation,
        "records": records,
        "ledger": runtime.ledger.summary(),
        "warnings": warnings,
    }).to_json()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
