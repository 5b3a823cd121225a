"""Synthetic results in the real schemas, for the report's benchmark, tests and demos.

`write_synthetic_results(results_dir, runs=50, epochs=20)` writes run directories whose
`summary.json` has the shape `promptbudget.optimize.loop` writes (same keys, same summary
statistics), plus a `sweep_summary.json`. Nothing here calls a model; numbers come from a
seeded generator with heavy-tailed token counts, so the output is the same on every machine.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import time
from pathlib import Path
from typing import Any

from promptbudget import __version__
from promptbudget.jsonio import write_json_atomic
from promptbudget.stats import mcnemar_exact, paired_bootstrap_diff, pareto_front, proportion, token_summary

BASE_PROMPT = ("You will answer a mathematical reasoning question. Think step by step. The last line of your "
               "response should be of the following format: 'Answer: $VALUE' where VALUE is a numerical value.")
EDITS = {
    "efficiency": ["Be concise: skip restating the question.", "Write only the steps you need.",
                   "Keep the reasoning brief.", "Do not verify twice.", "Use short sentences."],
    "accuracy": ["Check the arithmetic of the final step before answering.", "Track units carefully.",
                 "Re-read the question for the quantity asked.", "Watch for off-by-one errors."],
}
PRICE_IN, PRICE_OUT = 3e-6, 15e-6  # USD per token


def _unit(*parts: Any) -> float:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _item_result(item_id: str, prompt: dict[str, Any]) -> dict[str, Any]:
    # Heavy-tailed per-item length (log-normal), scaled by the prompt's verbosity.
    z = math.sqrt(-2 * math.log(max(_unit(item_id, "a"), 1e-12))) * math.cos(2 * math.pi * _unit(item_id, "b"))
    base = 420 * math.exp(0.75 * z)
    output = max(12, int(base * prompt["scale"]))
    thinking = int(output * 0.7)
    correct = _unit(item_id, prompt["acc_key"]) < prompt["acc"]
    truncated = output > 6000
    return {"item_id": item_id, "correct": bool(correct and not truncated), "extracted": str(int(_unit(item_id) * 100)),
            "failure": None if correct else "wrong_answer", "has_answer": not truncated,
            "input_tokens": 60 + int(80 * _unit(item_id, "in")) + prompt["length"] // 4,
            "output_tokens": min(output, 8000), "thinking_tokens": thinking,
            "stop_reason": "max_tokens" if truncated else "end_turn",
            "cost_usd": None}


def _with_cost(item: dict[str, Any]) -> dict[str, Any]:
    item["cost_usd"] = item["input_tokens"] * PRICE_IN + item["output_tokens"] * PRICE_OUT
    return item


def summarize(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The same statistics as `promptbudget.optimize.evaluate.summarize`, from item dicts."""
    if not items:
        return {"n": 0}
    acc = proportion([i["correct"] for i in items])
    tokens = token_summary([i["output_tokens"] for i in items])
    n = len(items)
    return {
        "n": n, "accuracy": acc.mean, "accuracy_low": acc.low, "accuracy_high": acc.high, "correct": acc.successes,
        "mean_output_tokens": tokens.mean, "median_output_tokens": tokens.median,
        "p90_output_tokens": tokens.p90, "max_output_tokens": tokens.max, "total_output_tokens": tokens.total,
        "mean_thinking_tokens": sum(i["thinking_tokens"] or 0 for i in items) / n,
        "format_rate": sum(i["has_answer"] for i in items) / n, "answered": sum(i["has_answer"] for i in items),
        "truncation_rate": sum(i["stop_reason"] == "max_tokens" for i in items) / n,
        "cost_usd": sum(i["cost_usd"] for i in items),
    }


def _evaluate(prompt: dict[str, Any], ids: list[str], version: int) -> dict[str, Any]:
    items = [_with_cost(_item_result(i, prompt)) for i in ids]
    return {"prompt_version": version, "summary": summarize(items), "items": items, "complete": True}


def _compare(initial: list[dict[str, Any]], final: list[dict[str, Any]]) -> dict[str, Any]:
    before, after = summarize(initial), summarize(final)
    mcnemar = mcnemar_exact([i["correct"] for i in initial], [f["correct"] for f in final])
    boot = paired_bootstrap_diff([i["output_tokens"] for i in initial], [f["output_tokens"] for f in final],
                                 n_resamples=400)
    reduction = before["mean_output_tokens"] - after["mean_output_tokens"]
    return {"n": len(initial), "accuracy_delta": after["accuracy"] - before["accuracy"],
            "mcnemar": {"b": mcnemar.b, "c": mcnemar.c, "p_value": mcnemar.p_value},
            "token_reduction": reduction,
            "token_reduction_pct": reduction / before["mean_output_tokens"] * 100 if before["mean_output_tokens"] else 0.0,
            "token_diff_bootstrap": {"mean": boot.mean_diff, "low": boot.low, "high": boot.high, "confidence": 0.95}}


def _decide(focus: str, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    numbers = (f"accuracy {old['accuracy']:.3f} -> {new['accuracy']:.3f}, mean output tokens "
               f"{old['mean_output_tokens']:.1f} -> {new['mean_output_tokens']:.1f}")
    if focus == "accuracy":
        ok = new["accuracy"] > old["accuracy"] and new["mean_output_tokens"] <= old["mean_output_tokens"] * 1.05
        return {"accepted": ok, "reason": ("accuracy improved: " if ok else "accuracy did not improve: ") + numbers}
    ok = new["mean_output_tokens"] < old["mean_output_tokens"] and new["accuracy"] >= old["accuracy"]
    return {"accepted": ok, "reason": ("tokens fell: " if ok else "tokens did not fall: ") + numbers}


def _role_totals(calls: int, input_tokens: int, output_tokens: int, thinking: int = 0) -> dict[str, Any]:
    cost = input_tokens * PRICE_IN + output_tokens * PRICE_OUT
    return {"calls": calls, "cached_calls": 0, "retries": 0, "input_tokens": input_tokens,
            "output_tokens": output_tokens, "thinking_tokens": thinking, "cache_read_input_tokens": 0,
            "cache_creation_input_tokens": 0, "cost_usd": round(cost, 10), "billed_usd": round(cost, 10),
            "unpriced_calls": 0, "engine_calls": calls}


def synthetic_run(*, task: str = "GSM8K_DSPy", accuracy_weight: float = 0.5, efficiency_weight: float = 0.5,
                  seed: int = 0, epochs: int = 20, batch_size: int = 3, eval_samples: int = 30,
                  test_samples: int = 100, inject: str | None = None, status: str = "completed") -> dict[str, Any]:
    """One run summary in the `promptbudget.run/1` shape. `inject` is placed in every free text
    field (prompt, feedback, losses, reasons, error) to exercise escaping."""
    rng = random.Random(f"{seed}:{accuracy_weight}:{efficiency_weight}")
    val_ids = [f"gsm8k/train/{i}" for i in range(eval_samples)]
    test_ids = [f"gsm8k/test/{i}" for i in range(test_samples)]
    starting = BASE_PROMPT + (f" {inject}" if inject else "")
    config = {"task": task, "model": "synthetic", "optimizer_model": None, "custom_prompt": None, "prompt_file": None,
              "batch_size": batch_size, "max_epochs": epochs, "steps_per_epoch": 1,
              "accuracy_weight": accuracy_weight, "efficiency_weight": efficiency_weight, "num_threads": 4,
              "eval_samples": eval_samples, "test_samples": test_samples, "thinking_enabled": True,
              "thinking_budget": None, "effort": None, "max_tokens": None, "run_validation": True,
              "accuracy_tolerance": 0.0, "token_tolerance": 0.05, "seed": seed, "output_dir": "results",
              "base_url": None, "max_cost": None, "prices": None, "cache_dir": None, "no_cache": False}
    digest = hashlib.sha256(repr(sorted(config.items())).encode()).hexdigest()[:8]
    run_id = f"{task}_acc{accuracy_weight:g}_eff{efficiency_weight:g}_seed{seed}_{digest}"
    prompts = [{"version": 0, "text": starting, "parent": None, "step": None, "accepted": True}]
    params = [{"scale": 1.0, "acc": 0.62, "acc_key": "v0", "length": len(starting)}]
    validation = {"0": _evaluate(params[0], val_ids, 0)}
    initial = _evaluate(params[0], test_ids, 0)
    current, steps = 0, []
    total_weight = accuracy_weight + efficiency_weight
    for index in range(epochs):
        focus = "accuracy" if rng.random() < accuracy_weight / total_weight else "efficiency"
        batch_ids = [f"gsm8k/train/{1000 + (index * batch_size + k) % 200}" for k in range(batch_size)]
        batch = [_with_cost(_item_result(i, params[current])) for i in batch_ids]
        edit = rng.choice(EDITS[focus])
        parent = params[current]
        if focus == "efficiency":
            child = {"scale": parent["scale"] * rng.uniform(0.7, 1.02), "acc": parent["acc"] - rng.uniform(-0.02, 0.06)}
        else:
            child = {"scale": parent["scale"] * rng.uniform(0.98, 1.15), "acc": parent["acc"] + rng.uniform(-0.03, 0.07)}
        text = prompts[current]["text"] + " " + edit + (f" {inject}" if inject and index % 5 == 0 else "")
        version = len(prompts)
        child.update(acc=min(0.97, max(0.05, child["acc"])), acc_key=f"v{version}", length=len(text))
        params.append(child)
        prompts.append({"version": version, "text": text, "parent": current, "step": index, "accepted": False})
        # The minibatch gate: the candidate must improve the focused objective on the training batch.
        gate_old, gate_new = summarize(batch), summarize([_with_cost(_item_result(i, child)) for i in batch_ids])
        cand_validation = None
        if (focus == "efficiency" and gate_new["mean_output_tokens"] >= gate_old["mean_output_tokens"]) or (
                focus == "accuracy" and gate_new["accuracy"] < gate_old["accuracy"]):
            decision = {"accepted": False, "reason": f"{focus} did not improve on the training items "
                                                     f"(minibatch gate on the {batch_size} training items)"}
        else:
            validation[str(version)] = _evaluate(child, val_ids, version)
            old, new = validation[str(current)]["summary"], validation[str(version)]["summary"]
            decision = _decide(focus, old, new)
            cand_validation = {"old": old, "new": new, "evaluated": eval_samples, "of": eval_samples}
        if inject and index == 0:
            decision["reason"] += f" {inject}"
        note = f" {inject}" if inject else ""
        steps.append({
            "index": index, "epoch": index, "step": 0, "focus": focus, "prompt_version": current,
            "batch_ids": batch_ids, "batch": batch, "batch_summary": summarize(batch),
            "losses": [f"This response was billed {b['output_tokens']} output tokens.{note}" for b in batch],
            "feedback": [f"The response spends tokens restating the problem; {edit.lower()}{note}"] * batch_size,
            "optimizer_error": None, "candidate_version": version,
            "minibatch_gate": {"old": gate_old, "new": gate_new}, "candidate_validation": cand_validation,
            "decision": decision,
        })
        if decision["accepted"]:
            prompts[version]["accepted"] = True
            current = version
    final = _evaluate(params[current], test_ids, current) if current else initial
    validated = sorted(int(v) for v in validation)
    points = [(validation[str(v)]["summary"]["accuracy"], validation[str(v)]["summary"]["mean_output_tokens"])
              for v in validated]
    answer_calls = test_samples * 2 + eval_samples * (epochs + 1) + batch_size * epochs
    answer_out = int(sum(e["summary"]["total_output_tokens"] for e in validation.values())
                     + initial["summary"]["total_output_tokens"] + final["summary"]["total_output_tokens"])
    by_role = {
        "answer": _role_totals(answer_calls, answer_calls * 150, answer_out, int(answer_out * 0.7)),
        "feedback": _role_totals(epochs * batch_size * 2, epochs * batch_size * 2 * 900, epochs * batch_size * 2 * 60),
        "optimizer": _role_totals(epochs, epochs * 1600, epochs * 90),
    }
    if accuracy_weight >= 0.5:  # some runs also paid a judge (as a confidence stage would)
        by_role["judge"] = _role_totals(epochs, epochs * 700, epochs * 20)
    total = {k: sum(r[k] for r in by_role.values()) for k in by_role["answer"]}
    warnings = []
    if test_samples < 30:
        warnings.append(f"--test_samples {test_samples} is under 30: before/after differences at this size are "
                        "mostly noise")
    if eval_samples < 30:
        warnings.append(f"--eval_samples {eval_samples} is under 30: accept/revert decisions at this size are "
                        "close to coin flips")
    now = time.time()
    return {
        "schema": "promptbudget.run/1", "promptbudget_version": __version__, "run_id": run_id, "status": status,
        "error": (f"synthetic failure{(' ' + inject) if inject else ''}" if status != "completed" else None),
        "created_at": now, "updated_at": now, "config": config,
        "identity": {k: v for k, v in config.items() if k not in ("output_dir", "num_threads", "cache_dir")},
        "task": {"name": task, "train": 200, "val": 300, "test": 1319, "val_ids": val_ids, "test_ids": test_ids},
        "engines": {"answer": "synthetic/default", "optimizer": "synthetic/default",
                    "thinking": {"mode": "budget", "budget_tokens": 16000, "effort": None}, "max_tokens": 20096},
        "warnings": warnings, "total_steps": epochs, "checkpoint": epochs + 2, "prompts": prompts,
        "current_version": current, "validation": validation, "initial": {"test": initial}, "steps": steps,
        "final": {"test": final, "comparison": _compare(initial["items"], final["items"])},
        "pareto": {"basis": "validation", "versions": validated, "front": [validated[i] for i in pareto_front(points)]},
        "ledger": {"total": total, "by_role": by_role, "by_model": {"synthetic/default": total}},
    }


def weight_grid(runs: int) -> list[tuple[float, float, int]]:
    """`runs` (accuracy_weight, efficiency_weight, seed) configurations: 5 weightings x seeds."""
    weights = [(0.1, 0.9), (0.3, 0.7), (0.5, 0.5), (0.7, 0.3), (0.9, 0.1)]
    return [(*weights[i % len(weights)], i // len(weights)) for i in range(runs)]


def write_synthetic_results(results_dir: str | os.PathLike, *, runs: int = 50, epochs: int = 20,
                            task: str = "GSM8K_DSPy", eval_samples: int = 30, test_samples: int = 100,
                            inject: str | None = None, sweep: bool = True) -> list[Path]:
    """Write `runs` run directories (and a sweep summary) under `results_dir`; returns the summary paths."""
    root = Path(results_dir)
    paths, rows = [], []
    for acc, eff, seed in weight_grid(runs):
        summary = synthetic_run(task=task, accuracy_weight=acc, efficiency_weight=eff, seed=seed, epochs=epochs,
                                eval_samples=eval_samples, test_samples=test_samples, inject=inject)
        path = root / summary["run_id"] / "summary.json"
        write_json_atomic(path, summary)
        paths.append(path)
        initial, final = summary["initial"]["test"]["summary"], summary["final"]["test"]["summary"]
        comparison = summary["final"]["comparison"]
        rows.append({"weights": f"{acc:g}/{eff:g}", "accuracy_weight": acc, "efficiency_weight": eff, "seed": seed,
                     "run_id": summary["run_id"], "status": summary["status"], "error": None,
                     "n_test": initial["n"], "initial_accuracy": initial["accuracy"],
                     "final_accuracy": final["accuracy"], "accuracy_delta": comparison["accuracy_delta"],
                     "initial_tokens": initial["mean_output_tokens"], "final_tokens": final["mean_output_tokens"],
                     "token_reduction": comparison["token_reduction"],
                     "token_reduction_pct": comparison["token_reduction_pct"],
                     "billed_usd": summary["ledger"]["total"]["billed_usd"],
                     "cost_usd": summary["ledger"]["total"]["cost_usd"]})
    if sweep:
        rows.append({"weights": "1/0", "accuracy_weight": 1.0, "efficiency_weight": 0.0, "seed": 0,
                     "run_id": f"{task}_acc1_eff0_seed0_00000000", "status": "failed",
                     "error": "engine error: overloaded" + (f" {inject}" if inject else ""),
                     "n_test": None, "initial_accuracy": None, "final_accuracy": None, "cost_usd": None})
        write_json_atomic(root / "sweep_summary.json",
                          {"schema": "promptbudget.sweep/1", "promptbudget_version": __version__,
                           "updated_at": time.time(), "config": {"optimize": {"task": task}}, "rows": rows})
    return paths
