"""A budget policy: a setting per complexity class, learned from records or kept at the notebook's
defaults, with its evidence (JSON, schema promptbudget.budget_policy/1), and the rule that learns it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engines.types import EFFORT_LEVELS, MIN_THINKING_BUDGET
from ..errors import UsageError
from ..records import BudgetPolicy, RecordError, read_record, validate_record, write_record
from ..stats import paired_bootstrap_diff, proportion
from .classifier import COMPLEXITY_CLASSES
from .settings import Setting, tier_to_effort

if TYPE_CHECKING:
    from .outcomes import Outcome

POLICY_SCHEMA = BudgetPolicy.schema_name()
DEFAULT_BUDGETS = {"simple": 0, "medium": 2048, "complex": 4096, "very_complex": 8192}
TIME_SENSITIVE_REDUCTIONS: dict[str, int | str] = {"simple": "off", "medium": "off", "complex": -2048,
                                                   "very_complex": -4096}
"""Per class: "off", or tokens added to the budget (negative) when the answer is time-sensitive."""
DEFAULT_MARGIN = 0.05
DEFAULT_MIN_ITEMS = 10
CONFIDENCE = 0.95
RULE = ("Per complexity class, over items answered at every swept setting: best = the setting with the "
        "highest accuracy (ties: the cheaper). Choose the smallest setting s (by budget, or by effort "
        "tier) whose 95% paired-bootstrap confidence interval (2000 resamples, seed 0) for "
        "accuracy(s) - accuracy(best) on the same items has its lower end >= -margin, i.e. s is "
        "non-inferior to the best within the margin. Uncertainty therefore keeps larger budgets: with "
        "few items only settings that match the best item for item qualify. Classes with fewer than "
        "min_items graded items keep the notebook defaults.")


@dataclass(frozen=True)
class ClassPolicy:
    setting: Setting
    learned: bool
    reason: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    n: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"setting": self.setting.label, "tier": self.setting.tier, "learned": self.learned, "n": self.n,
                "reason": self.reason, "evidence": self.evidence}


@dataclass(frozen=True)
class Policy:
    kind: str
    """"budget" or "effort": what the settings are."""
    classes: dict[str, ClassPolicy]
    rule: str = RULE
    margin: float = DEFAULT_MARGIN
    min_items: int = DEFAULT_MIN_ITEMS
    source: dict[str, Any] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)

    @property
    def learned_classes(self) -> list[str]:
        return [c for c, p in self.classes.items() if p.learned]

    def to_record(self) -> BudgetPolicy:
        return BudgetPolicy.build(
            created_at=self.created_at, kind=self.kind, rule=self.rule, margin=self.margin, confidence=CONFIDENCE,
            min_items=self.min_items, source=self.source, defaults=dict(DEFAULT_BUDGETS),
            adjustments={
                "time_sensitive": dict(TIME_SENSITIVE_REDUCTIONS),
                "cost_constrained": "halve the budget, at least 1024 while thinking is on",
                "minimum_budget": MIN_THINKING_BUDGET,
            },
            classes={c: p.to_dict() for c, p in self.classes.items()})

    def to_dict(self) -> dict[str, Any]:
        return self.to_record().to_json()

    @classmethod
    def from_dict(cls, data: Any, *, where: str = "policy") -> "Policy":
        """A policy from a parsed policy file, validated as a `BudgetPolicy` record (RecordError otherwise)."""
        return cls.from_record(validate_record(data, BudgetPolicy, where=where), where=where)

    @classmethod
    def from_record(cls, record: BudgetPolicy, *, where: str = "policy") -> "Policy":
        parsed: dict[str, ClassPolicy] = {}
        for name in COMPLEXITY_CLASSES:
            entry = record.classes.get(name)
            if entry is None:
                parsed[name] = _default_class_policy(name, f"{where} has no entry for {name}", record.kind)
                continue
            try:
                setting = Setting.parse(record.kind, entry.setting)
            except UsageError as exc:
                raise RecordError(where, f"classes.{name}: 'setting': {exc}", BudgetPolicy.FIX, "setting") from None
            parsed[name] = ClassPolicy(setting, entry.learned, entry.reason, list(entry.evidence), entry.n)
        margin = DEFAULT_MARGIN if record.margin is None else record.margin
        min_items = DEFAULT_MIN_ITEMS if record.min_items is None else record.min_items
        return cls(record.kind, parsed, record.rule if record.rule is not None else RULE, float(margin), min_items,
                   dict(record.source), float(record.created_at or 0.0))

    def save(self, path: str | Path) -> None:
        write_record(path, self.to_record())

    @classmethod
    def load(cls, path: str | Path) -> "Policy":
        where = f"policy file {path}"
        return cls.from_record(read_record(path, BudgetPolicy, shown_as=where), where=where)


def _default_class_policy(complexity: str, why: str, kind: str = "budget") -> ClassPolicy:
    budget = DEFAULT_BUDGETS[complexity]
    if kind == "effort":
        effort = "off" if budget == 0 else tier_to_effort(budget, EFFORT_LEVELS)
        return ClassPolicy(Setting("effort", effort), False,
                           f"{why}; kept the notebook default ({budget} tokens, as effort {effort!r})")
    return ClassPolicy(Setting("budget", budget), False, f"{why}; kept the notebook default ({budget} tokens)")


def default_policy() -> Policy:
    return Policy("budget", {c: _default_class_policy(c, "no measurements") for c in COMPLEXITY_CLASSES},
                  source={"kind": "notebook defaults"})


def learn_policy(records: Sequence[Outcome], settings: list[Setting], *, margin: float = DEFAULT_MARGIN,
                 min_items: int = DEFAULT_MIN_ITEMS, source: dict[str, Any] | None = None) -> Policy:
    """Learn a per-class policy from sweep records (`id`, `complexity`, `setting`, `correct`, tokens, cost).

    Only graded records (`correct` not None) of items measured at every setting count.
    """
    if not settings:
        raise ValueError("no settings to learn from")
    if not 0 <= margin <= 1:
        raise UsageError(f"--margin must be between 0 and 1 (got {margin})")
    kind = settings[0].kind
    ordered = sorted(settings, key=lambda s: s.tier)
    labels = [s.label for s in ordered]
    by_item: dict[str, dict[str, Outcome]] = {}
    complexity_of: dict[str, str] = {}
    for record in records:
        if record.get("correct") is None or record["setting"] not in labels:
            continue
        by_item.setdefault(record["id"], {})[record["setting"]] = record
        complexity_of[record["id"]] = record["complexity"]
    classes: dict[str, ClassPolicy] = {}
    for name in COMPLEXITY_CLASSES:
        items = sorted(i for i, per in by_item.items() if complexity_of[i] == name and len(per) == len(labels))
        if len(items) < min_items:
            classes[name] = _default_class_policy(
                name, f"only {len(items)} graded item(s) of class {name} measured at every setting "
                      f"(min_items {min_items})", kind)
            continue
        classes[name] = _learn_class(name, items, by_item, ordered, kind, margin)
    return Policy(kind, classes, RULE, margin, min_items, dict(source or {}))


def _learn_class(name: str, items: list[str], by_item: dict[str, dict[str, Outcome]],
                 ordered: list[Setting], kind: str, margin: float) -> ClassPolicy:
    outcomes = {s.label: [bool(by_item[i][s.label]["correct"]) for i in items] for s in ordered}
    accuracy = {label: sum(v) / len(v) for label, v in outcomes.items()}
    best = max(ordered, key=lambda s: (accuracy[s.label], -s.tier))
    evidence, chosen, chosen_diff = [], None, None
    for setting in ordered:
        label = setting.label
        prop = proportion(outcomes[label])
        diff = paired_bootstrap_diff([float(x) for x in outcomes[best.label]],
                                     [float(x) for x in outcomes[label]], confidence=CONFIDENCE, seed=0)
        non_inferior = diff.low >= -margin - 1e-12
        tokens = [by_item[i][label].get("output_tokens") or 0 for i in items]
        costs = [by_item[i][label].get("cost_usd") for i in items]
        evidence.append({
            "setting": label, "n": prop.n, "correct": prop.successes, "accuracy": prop.mean,
            "accuracy_low": prop.low, "accuracy_high": prop.high,
            "diff_vs_best": diff.mean_diff, "diff_low": diff.low, "diff_high": diff.high,
            "non_inferior": non_inferior,
            "mean_output_tokens": sum(tokens) / len(tokens),
            "cost_per_item_usd": None if any(c is None for c in costs) else sum(costs) / len(costs),
        })
        if chosen is None and non_inferior:
            chosen, chosen_diff = setting, diff
    assert chosen is not None and chosen_diff is not None  # the best always qualifies
    unit = "budget" if kind == "budget" else "effort"
    if accuracy[best.label] == 0:
        reason = (f"learned from {len(items)} items: no setting answered any {name} item correctly, so the "
                  f"smallest {unit} ({chosen.label}) costs least for the same accuracy")
    elif chosen == best:
        reason = (f"learned from {len(items)} items: {chosen.label} has the best accuracy "
                  f"({accuracy[chosen.label]:.3f}) and no smaller {unit} is non-inferior within margin {margin:g}")
    else:
        reason = (f"learned from {len(items)} items: {chosen.label} is the smallest {unit} non-inferior to the "
                  f"best ({best.label}, accuracy {accuracy[best.label]:.3f}) within margin {margin:g}: accuracy "
                  f"{accuracy[chosen.label]:.3f}, 95% CI of the paired difference "
                  f"[{chosen_diff.low:+.3f}, {chosen_diff.high:+.3f}]")
    return ClassPolicy(chosen, True, reason, evidence, len(items))

