"""A budget policy: a setting per complexity class, learned from records or kept at the notebook's
defaults, with its evidence (JSON, schema promptbudget.budget_policy/1), and the rule that learns it."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engines.types import EFFORT_LEVELS, MIN_THINKING_BUDGET
from ..errors import UsageError
from ..jsonio import write_json_atomic
from ..stats import paired_bootstrap_diff, proportion
from .classifier import COMPLEXITY_CLASSES
from .settings import Setting, tier_to_effort

POLICY_SCHEMA = "promptbudget.budget_policy/1"
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": POLICY_SCHEMA,
            "created_at": self.created_at,
            "kind": self.kind,
            "rule": self.rule,
            "margin": self.margin,
            "confidence": CONFIDENCE,
            "min_items": self.min_items,
            "source": self.source,
            "defaults": dict(DEFAULT_BUDGETS),
            "adjustments": {
                "time_sensitive": dict(TIME_SENSITIVE_REDUCTIONS),
                "cost_constrained": "halve the budget, at least 1024 while thinking is on",
                "minimum_budget": MIN_THINKING_BUDGET,
            },
            "classes": {c: p.to_dict() for c, p in self.classes.items()},
        }

    @classmethod
    def from_dict(cls, data: Any, *, where: str = "policy") -> "Policy":
        if not isinstance(data, dict):
            raise UsageError(f"{where}: a policy file is a JSON object")
        if data.get("schema") != POLICY_SCHEMA:
            raise UsageError(f"{where}: schema is {data.get('schema')!r}, expected {POLICY_SCHEMA!r}")
        kind = data.get("kind")
        if kind not in ("budget", "effort"):
            raise UsageError(f"{where}: 'kind' must be 'budget' or 'effort' (got {kind!r})")
        classes = data.get("classes")
        if not isinstance(classes, dict):
            raise UsageError(f"{where}: 'classes' must be an object keyed by complexity class")
        unknown = set(classes) - set(COMPLEXITY_CLASSES)
        if unknown:
            raise UsageError(f"{where}: unknown complexity classes {sorted(unknown)}; "
                             f"known: {', '.join(COMPLEXITY_CLASSES)}")
        parsed: dict[str, ClassPolicy] = {}
        for name in COMPLEXITY_CLASSES:
            entry = classes.get(name)
            if entry is None:
                parsed[name] = _default_class_policy(name, f"{where} has no entry for {name}", kind)
                continue
            if not isinstance(entry, dict) or "setting" not in entry:
                raise UsageError(f"{where}: class {name!r} needs an object with a 'setting'")
            try:
                setting = Setting.parse(kind, entry["setting"])
            except UsageError as exc:
                raise UsageError(f"{where}: class {name!r}: {exc}") from None
            evidence = entry.get("evidence", [])
            if not isinstance(evidence, list):
                raise UsageError(f"{where}: class {name!r}: 'evidence' must be a list")
            learned = entry.get("learned", False)
            if not isinstance(learned, bool):
                raise UsageError(f"{where}: class {name!r}: 'learned' must be true or false (got {learned!r})")
            reason = entry.get("reason", "")
            if not isinstance(reason, str):
                raise UsageError(f"{where}: class {name!r}: 'reason' must be a string")
            n = _count_field(entry, "n", 0, f"{where}: class {name!r}")
            parsed[name] = ClassPolicy(setting, learned, reason, evidence, n)
        margin = data.get("margin", DEFAULT_MARGIN)
        if not isinstance(margin, (int, float)) or isinstance(margin, bool) or not 0 <= margin <= 1:
            raise UsageError(f"{where}: 'margin' must be a number between 0 and 1")
        rule = data.get("rule", RULE)
        if not isinstance(rule, str):
            raise UsageError(f"{where}: 'rule' must be a string")
        source = data.get("source", {})
        if source is None:
            source = {}
        if not isinstance(source, dict):
            raise UsageError(f"{where}: 'source' must be an object")
        created_at = data.get("created_at", 0.0)
        if created_at is None:
            created_at = 0.0
        if isinstance(created_at, bool) or not isinstance(created_at, (int, float)) or not math.isfinite(created_at):
            raise UsageError(f"{where}: 'created_at' must be a number (seconds since the epoch)")
        return cls(kind, parsed, rule, float(margin), _count_field(data, "min_items", DEFAULT_MIN_ITEMS, where),
                   dict(source), float(created_at))

    def save(self, path: str | Path) -> None:
        write_json_atomic(path, self.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> "Policy":
        path = Path(path)
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            raise UsageError(f"policy file not found: {path}") from None
        except IsADirectoryError:
            raise UsageError(f"policy file is a directory: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read policy file {path}: {exc}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"policy file {path} is not valid JSON: {exc}") from None
        return cls.from_dict(data, where=f"policy file {path}")


def _count_field(data: dict[str, Any], key: str, default: int, where: str) -> int:
    """A non-negative whole number read from a policy file (None counts as the default)."""
    value = data.get(key, default)
    if value is None:
        return default
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value != int(value) or value < 0):
        raise UsageError(f"{where}: {key!r} must be a whole number >= 0 (got {value!r})")
    return int(value)


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


def learn_policy(records: list[dict[str, Any]], settings: list[Setting], *, margin: float = DEFAULT_MARGIN,
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
    by_item: dict[str, dict[str, dict[str, Any]]] = {}
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


def _learn_class(name: str, items: list[str], by_item: dict[str, dict[str, dict[str, Any]]],
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

