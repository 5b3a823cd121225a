"""Evaluate an allocator on held-out items: against every fixed setting and an oracle.

Everything is computed from a sweep's per-item records: each held-out item was answered at
every swept setting, so the outcome of any per-item choice of setting is already measured.

* fixed X: every item at setting X;
* allocator (learned / notebook defaults): each item at the setting its policy gives for its
  classified complexity (standard mode, no time or cost flags); it also pays one classifier call
  per item, which is added to its cost;
* oracle: each item at the cheapest setting that answered it correctly (by cost, then billed
  output tokens, then tier); an item no setting got right goes to the cheapest setting and
  counts as wrong. No real allocator can beat it: it bounds what allocation can gain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..stats import proportion
from .allocator import Policy, Setting, default_policy

if TYPE_CHECKING:
    from .outcomes import ClassifierCost, Outcome


def evaluate_allocator(records: Sequence[Outcome], settings: list[Setting], policy: Policy, *,
                       classifier_costs: dict[str, ClassifierCost], split: str,
                       held_out: bool) -> dict[str, Any]:
    """Compare strategies on the items of `records` that were graded at every setting."""
    ordered = sorted(settings, key=lambda s: s.tier)
    labels = [s.label for s in ordered]
    by_item: dict[str, dict[str, Outcome]] = {}
    for record in records:
        if record.get("correct") is not None and record["setting"] in labels:
            by_item.setdefault(record["id"], {})[record["setting"]] = record
    items = sorted(i for i, per in by_item.items() if len(per) == len(labels))
    complexity = {i: by_item[i][labels[0]]["complexity"] for i in items}

    strategies: list[dict[str, Any]] = []
    for setting in ordered:
        strategies.append(_strategy(f"fixed {setting.label}", "fixed", {i: setting.label for i in items},
                                    by_item, None, {}, labels))
    notes: list[str] = []
    allocators = [("allocator (notebook defaults)", default_policy())]
    if policy.learned_classes:
        allocators.insert(0, ("allocator (learned)", policy))
    for name, chosen_policy in allocators:
        choice, approximated = {}, set()
        for i in items:
            wanted = chosen_policy.classes[complexity[i]].setting
            label, exact = _nearest(wanted, ordered)
            choice[i] = label
            if not exact:
                approximated.add(f"{complexity[i]}: {wanted.label} -> {label}")
        if approximated:
            notes.append(f"{name}: settings not swept were replaced by the nearest swept tier ("
                         + "; ".join(sorted(approximated)) + ")")
        strategies.append(_strategy(name, "allocator", choice, by_item, classifier_costs,
                                    {"approximated": sorted(approximated)}, labels))
    oracle = {i: _oracle_choice(by_item[i], ordered) for i in items}
    strategies.append(_strategy("oracle", "oracle", oracle, by_item, None, {}, labels))
    return {
        "split": split,
        "held_out": held_out,
        "n": len(items),
        "policy_source": policy.source,
        "strategies": strategies,
        "notes": notes + ([] if held_out else [
            "in-sample: the policy was learned on these same items, so the allocator's numbers are optimistic; "
            "pass --learn_split for a held-out evaluation"]),
    }


def _nearest(wanted: Setting, ordered: list[Setting]) -> tuple[str, bool]:
    for setting in ordered:
        if setting.tier == wanted.tier and (setting.kind == wanted.kind or setting.tier == 0):
            return setting.label, True
    target = math.log2(wanted.tier) if wanted.tier > 0 else -1.0
    best = min(ordered, key=lambda s: (abs((math.log2(s.tier) if s.tier > 0 else -1.0) - target), s.tier))
    return best.label, False


def _cost_key(record: Outcome, tier: int) -> tuple[float, int, int]:
    cost = record.get("cost_usd")
    return (cost if cost is not None else 0.0, int(record.get("output_tokens") or 0), tier)


def _oracle_choice(per_setting: dict[str, Outcome], ordered: list[Setting]) -> str:
    right = [s for s in ordered if per_setting[s.label]["correct"]]
    pool = right or ordered
    return min(pool, key=lambda s: _cost_key(per_setting[s.label], s.tier)).label


def _strategy(name: str, kind: str, choice: dict[str, str], by_item: dict[str, dict[str, Outcome]],
              classifier_costs: dict[str, ClassifierCost] | None, extra: dict[str, Any],
              labels: list[str]) -> dict[str, Any]:
    chosen = [by_item[i][label] for i, label in choice.items()]
    n = len(chosen)
    acc = proportion([bool(r["correct"]) for r in chosen])
    output_tokens = sum(int(r.get("output_tokens") or 0) for r in chosen)
    answer_costs = [r.get("cost_usd") for r in chosen]
    answer_cost = None if any(c is None for c in answer_costs) else sum(answer_costs)
    classifier_cost, classifier_tokens = 0.0, 0
    if classifier_costs is not None:
        for i in choice:
            entry = classifier_costs.get(i, {})
            cost = entry.get("cost_usd")
            classifier_cost = None if cost is None or classifier_cost is None else classifier_cost + cost
            classifier_tokens += int(entry.get("output_tokens") or 0) + int(entry.get("input_tokens") or 0)
    total_cost = None if answer_cost is None or classifier_cost is None else answer_cost + classifier_cost
    counts: dict[str, int] = {}
    for label in choice.values():
        counts[label] = counts.get(label, 0) + 1
    return {
        "name": name,
        "kind": kind,
        "n": n,
        "correct": acc.successes,
        "accuracy": acc.mean if n else None,
        "accuracy_low": acc.low,
        "accuracy_high": acc.high,
        "total_output_tokens": output_tokens,
        "mean_output_tokens": output_tokens / n if n else None,
        "tokens_per_correct": output_tokens / acc.successes if acc.successes else None,
        "answer_cost_usd": answer_cost,
        "classifier_cost_usd": classifier_cost if classifier_costs is not None else 0.0,
        "classifier_tokens": classifier_tokens,
        "total_cost_usd": total_cost,
        "cost_per_item_usd": total_cost / n if total_cost is not None and n else None,
        "accuracy_per_dollar": (acc.successes / total_cost) if total_cost else None,
        "choices": {label: counts[label] for label in labels if label in counts},
        **extra,
    }
