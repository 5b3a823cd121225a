"""`budget-sweep --case_study`: the notebook's run_case_study, measured and recommended with numbers.

For one prompt (the first item of --split), the classifier's class gives the recommended setting
(from --policy, else the notebook defaults); the prompt is then answered at half, the recommended
and double that setting, and the results say which to use and what it costs. On a model that takes
only effort levels, half and double are the neighbouring effort levels. A model that cannot think
has nothing to compare: exit 2.

Every setting a class could lead to is validated against the model before the first call, and
once the class is known only its three settings are answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engines import Engine
from ..engines.capabilities import Capabilities
from ..engines.types import EFFORT_LEVELS, MIN_THINKING_BUDGET
from ..errors import UsageError
from .allocator import BudgetAllocator, Policy, Setting, default_policy, tier_to_effort
from .classifier import COMPLEXITY_CLASSES, Classification
from .setting_sweep.planning import BudgetSweepPlan

if TYPE_CHECKING:
    from .outcomes import SweepRecord

ROLES = ("half", "recommended", "double")


def budget_triple(tier: int, ceiling: int | None) -> dict[str, Setting]:
    """Half (thinking off below the minimum), the tier, and double (capped to what the model allows)."""
    half = tier // 2 if tier // 2 >= MIN_THINKING_BUDGET else 0
    double = tier * 2 if tier else MIN_THINKING_BUDGET
    if ceiling is not None:
        double = min(double, max(tier, ceiling))
    return {"half": Setting("budget", half), "recommended": Setting("budget", tier),
            "double": Setting("budget", double)}


def effort_triple(tier: int, caps: Capabilities) -> dict[str, Setting]:
    """The effort level standing for `tier` and its neighbours among the levels the model offers."""
    ladder = (["off"] if caps.thinking_off else []) + [level for level in EFFORT_LEVELS if level in caps.effort_levels]
    recommended = "off" if tier == 0 and caps.thinking_off else tier_to_effort(max(tier, MIN_THINKING_BUDGET),
                                                                               caps.effort_levels)
    index = ladder.index(recommended)
    return {"half": Setting("effort", ladder[max(index - 1, 0)]), "recommended": Setting("effort", recommended),
            "double": Setting("effort", ladder[min(index + 1, len(ladder) - 1)])}


class CaseStudy:
    """The candidate settings of every class for one model, and the narrowing once the class is known."""

    def __init__(self, policy: Policy | None, answer_tokens: int):
        self.policy = policy or default_policy()
        self.allocator = BudgetAllocator(self.policy, answer_tokens=answer_tokens)
        self.answer_tokens = answer_tokens
        self.triples: dict[str, dict[str, Setting]] = {}
        self.complexity: str | None = None

    def candidates(self, engine: Engine, caps: Capabilities) -> list[Setting]:
        """Every setting any class could need (validated by the planner before any call)."""
        model = engine.model_string
        if engine.engine_name != "mock" and not caps.thinking_budget and not caps.thinking_adaptive:
            raise UsageError(f"--case_study compares thinking settings, and {model} cannot think (no manual budget "
                             "and no effort levels); use a model with extended thinking")
        use_effort = not caps.thinking_budget and caps.thinking_adaptive
        ceiling = None if caps.max_tokens is None else caps.max_tokens - self.answer_tokens
        for name in COMPLEXITY_CLASSES:
            tier, _ = self.allocator.tier_for(name)
            self.triples[name] = effort_triple(tier, caps) if use_effort else budget_triple(tier, ceiling)
        unique = {s for triple in self.triples.values() for s in triple.values()}
        return sorted(unique, key=lambda s: s.tier)

    def narrow(self, plan: BudgetSweepPlan, classifications: dict[str, Classification]) -> None:
        """Keep only the three settings of the classified prompt's class."""
        item = next(iter(plan.items.values()))[0]
        self.complexity = classifications[item.id].complexity
        wanted = set(self.triples[self.complexity].values())
        plan.settings = [p for p in plan.settings if p.setting in wanted]

    def summary(self, results: dict[str, Any]) -> dict[str, Any]:
        """What was measured per role, and the recommendation with its numbers."""
        if self.complexity is None:
            return {"complexity": None, "rows": [], "recommendation": "the run stopped before the prompt was "
                                                                       "classified: nothing to recommend"}
        triple = self.triples[self.complexity]
        by_label = {r["setting"]: r for r in results["records"]}
        rows = [{"role": role, "setting": triple[role].label, **_measured(by_label.get(triple[role].label))}
                for role in ROLES]
        return {"complexity": self.complexity, "policy": self.policy.source.get("sweep") or "notebook defaults",
                "item": next(iter(results["splits"].values()))[0], "rows": rows,
                "recommendation": recommend(rows, results["task"]["graded"], results["engine"]["pricing"])}


def _measured(record: SweepRecord | None) -> dict[str, Any]:
    if record is None:
        return {"measured": False}
    return {"measured": True, "correct": record["correct"], "output_tokens": record["output_tokens"],
            "thinking_tokens": record["thinking_tokens"], "latency_s": record["latency_s"],
            "cost_usd": record["cost_usd"], "stop_reason": record["stop_reason"]}


def _price_text(row: dict[str, Any], priced: bool) -> str:
    cost = f"${row['cost_usd']:.4f}, " if priced and row.get("cost_usd") is not None else ""
    latency = f", {row['latency_s']:.2f} s" if row.get("latency_s") is not None else ""
    return f"{cost}{row['output_tokens']} billed output tokens{latency}"


def recommend(rows: list[dict[str, Any]], graded: bool, pricing: str) -> str:
    """The cheapest setting that did as well as the best, with the numbers it rests on."""
    measured = [r for r in rows if r.get("measured")]
    if not measured:
        return "no setting was answered: nothing to recommend"
    priced = pricing == "priced"
    key = (lambda r: (r["cost_usd"] or 0.0, r["output_tokens"])) if priced else (lambda r: (r["output_tokens"],))
    single = "one prompt, one answer per setting: a single observation, not an accuracy estimate"
    if not graded:
        cheapest = min(measured, key=key)
        return (f"no gold answer: read the responses side by side to judge quality. Cheapest: {cheapest['role']} "
                f"({cheapest['setting']}: {_price_text(cheapest, priced)}); {single}")
    right = [r for r in measured if r["correct"]]
    if not right:
        cheapest = min(measured, key=key)
        return (f"no setting answered correctly; the cheapest, {cheapest['role']} ({cheapest['setting']}: "
                f"{_price_text(cheapest, priced)}), loses nothing on this prompt; {single}")
    best = min(right, key=key)
    others = "; ".join(f"{r['role']} {r['setting']}: {'right' if r['correct'] else 'wrong'}, {_price_text(r, priced)}"
                       for r in measured if r is not best)
    return f"use {best['role']} ({best['setting']}): right at {_price_text(best, priced)}. Others: {others}; {single}"
