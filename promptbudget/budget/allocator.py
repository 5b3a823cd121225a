"""Choose a thinking setting for a prompt from its complexity, and learn the choice from data.

The starting point is the notebook's allocator: budgets 0 / 2048 / 4096 / 8192 for simple /
medium / complex / very_complex; time-sensitive reductions; cost-constrained halving; and at
least 1024 tokens whenever thinking is on. Unlike the notebook, the policy learns: from the
per-item records of a budget sweep it picks, per complexity class, the smallest setting whose
accuracy is non-inferior to the best one (see `RULE`). On models that only take adaptive
thinking, the chosen tier is mapped to an effort level.

Two deliberate departures from the notebook's code, both following its own text:
* time-sensitive `medium` turns thinking off ("No extended thinking when time-sensitive"; the
  notebook's code subtracted 0), and time-sensitive `simple` stays off;
* a budget below the 1024-token minimum after the reductions turns thinking off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engines.capabilities import Capabilities
from ..engines.types import MIN_THINKING_BUDGET, Thinking
from ..errors import UsageError
from .classifier import COMPLEXITY_CLASSES, Classification
from .policy import (CONFIDENCE, DEFAULT_BUDGETS, DEFAULT_MARGIN, DEFAULT_MIN_ITEMS, POLICY_SCHEMA, RULE,
                     TIME_SENSITIVE_REDUCTIONS, ClassPolicy, Policy, default_policy, learn_policy)
from .settings import (EFFORT_TIERS, Setting, parse_budget, parse_budget_list, parse_effort_list,
                       tier_to_effort)

__all__ = [
    "CONFIDENCE", "DEFAULT_ANSWER_TOKENS", "DEFAULT_BUDGETS", "DEFAULT_MARGIN", "DEFAULT_MIN_ITEMS", "EFFORT_TIERS",
    "POLICY_SCHEMA", "RULE", "TIME_SENSITIVE_REDUCTIONS", "BudgetAllocator", "ClassPolicy", "AllocationDecision",
    "Policy", "Setting", "default_policy", "learn_policy", "parse_budget", "parse_budget_list", "parse_effort_list",
    "tier_to_effort",
]

DEFAULT_ANSWER_TOKENS = 2048
"""Room for the visible answer on top of a thinking budget: max_tokens = budget + this."""


@dataclass(frozen=True)
class AllocationDecision:
    complexity: str
    thinking: Thinking
    max_tokens: int | None
    tier: int
    policy_setting: str
    learned: bool
    time_sensitive: bool
    cost_constrained: bool
    reason: str
    classification: Classification | None = None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "complexity": self.complexity,
            "thinking_mode": self.thinking.mode,
            "use_extended_thinking": self.thinking.enabled,
            "budget_tokens": self.thinking.budget_tokens,
            "effort": self.thinking.effort,
            "max_tokens": self.max_tokens,
            "time_sensitive": self.time_sensitive,
            "cost_constrained": self.cost_constrained,
            "policy": "learned" if self.learned else "default",
            "policy_setting": self.policy_setting,
            "reason": self.reason,
            "classification": self.classification.to_dict() if self.classification else None,
            "warnings": list(self.warnings),
        }


class BudgetAllocator:
    """Turns a complexity class (and the time/cost flags) into a thinking setting for one model."""

    def __init__(self, policy: Policy | None = None, *, answer_tokens: int = DEFAULT_ANSWER_TOKENS):
        if answer_tokens < 1:
            raise UsageError(f"--answer_tokens must be at least 1 (got {answer_tokens})")
        self.policy = policy or default_policy()
        self.answer_tokens = answer_tokens

    def tier_for(self, complexity: str, *, time_sensitive: bool = False,
                 cost_constrained: bool = False) -> tuple[int, list[str]]:
        """The budget tier after the adjustments, and what each step did."""
        if complexity not in COMPLEXITY_CLASSES:
            raise UsageError(f"unknown complexity {complexity!r}; choose from {', '.join(COMPLEXITY_CLASSES)}")
        entry = self.policy.classes[complexity]
        tier = entry.setting.tier
        origin = "learned" if entry.learned else "default"
        steps = [f"{complexity}: {origin} {self.policy.kind} {entry.setting.label} ({entry.reason})"]
        if time_sensitive:
            rule = TIME_SENSITIVE_REDUCTIONS[complexity]
            new = 0 if rule == "off" else max(0, tier + int(rule))
            if new != tier:
                steps.append(f"time-sensitive: {tier} -> {new} tokens"
                             + (" (thinking off)" if rule == "off" else f" ({int(rule):+d})"))
            tier = new
        if cost_constrained and tier > 0:
            new = max(MIN_THINKING_BUDGET, tier // 2)
            if new != tier:
                steps.append(f"cost-constrained: halved {tier} -> {new} tokens (minimum {MIN_THINKING_BUDGET})")
            tier = new
        if 0 < tier < MIN_THINKING_BUDGET:
            steps.append(f"{tier} tokens is under the {MIN_THINKING_BUDGET}-token minimum: thinking off")
            tier = 0
        return tier, steps

    def decide(self, complexity: str, capabilities: Capabilities, *, time_sensitive: bool = False,
               cost_constrained: bool = False, classification: Classification | None = None,
               model: str = "the model") -> AllocationDecision:
        tier, steps = self.tier_for(complexity, time_sensitive=time_sensitive, cost_constrained=cost_constrained)
        thinking, max_tokens, note = self._realize(tier, capabilities, model)
        if note:
            steps.append(note)
        entry = self.policy.classes[complexity]
        return AllocationDecision(complexity, thinking, max_tokens, tier, entry.setting.label, entry.learned,
                        time_sensitive, cost_constrained, "; ".join(steps), classification)

    def _realize(self, tier: int, caps: Capabilities, model: str) -> tuple[Thinking, int | None, str]:
        """The thinking mode `model` accepts for a tier, with max_tokens and a note on any mapping."""
        ceiling = caps.max_tokens
        if tier == 0:
            if caps.thinking_off:
                return Thinking.off(), self._cap(self.answer_tokens, ceiling), ""
            if caps.thinking_adaptive and caps.effort_levels:
                effort = tier_to_effort(MIN_THINKING_BUDGET, caps.effort_levels)
                return (Thinking.adaptive(effort), None,
                        f"{model} cannot turn thinking off: lowest effort {effort!r} instead")
            return (Thinking.budget(MIN_THINKING_BUDGET), self._cap(MIN_THINKING_BUDGET + self.answer_tokens, ceiling),
                    f"{model} cannot turn thinking off: minimum budget {MIN_THINKING_BUDGET} instead")
        use_effort = caps.thinking_adaptive and bool(caps.effort_levels) and (
            self.policy.kind == "effort" or not caps.thinking_budget)
        if use_effort:
            effort = tier_to_effort(tier, caps.effort_levels)
            note = "" if self.policy.kind == "effort" and EFFORT_TIERS[effort] == tier else (
                f"{model} takes adaptive thinking: tier {tier} -> effort {effort!r}")
            return Thinking.adaptive(effort), None, note
        if caps.thinking_budget:
            budget, note = tier, ""
            if ceiling is not None and budget + self.answer_tokens > ceiling:
                budget = ceiling - self.answer_tokens
                if budget < MIN_THINKING_BUDGET:
                    return (Thinking.off(), self._cap(self.answer_tokens, ceiling),
                            f"{model}'s output limit {ceiling} leaves no room for a thinking budget: thinking off")
                note = f"budget lowered to {budget} to fit {model}'s output limit of {ceiling} tokens"
            return Thinking.budget(budget), budget + self.answer_tokens, note
        return (Thinking.off(), self._cap(self.answer_tokens, ceiling),
                f"{model} cannot think (no thinking budget or adaptive thinking): thinking off")

    @staticmethod
    def _cap(tokens: int, ceiling: int | None) -> int:
        return tokens if ceiling is None else min(tokens, ceiling)
