"""What a budget sweep is asked to do: its flags (SweepConfig), defaults and metric definitions."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...errors import UsageError
from ...experiment.constants import DEFAULT_MODEL, SPLITS
from ...experiment.runtime_fields import RuntimeFields
from ..allocator import (DEFAULT_ANSWER_TOKENS, DEFAULT_MARGIN, DEFAULT_MIN_ITEMS, parse_budget_list,
                         parse_effort_list)

SWEEP_SCHEMA = "promptbudget.budget_sweep/1"
DEFAULT_SWEEP_BUDGETS = (0, 1024, 2048, 4096, 8192, 16384)
DEFAULT_SAMPLES = 30
ADAPTIVE_ALLOWANCE = 16384
"""Thinking room given to adaptive settings: max_tokens = this + --answer_tokens (capped by the model)."""
METRICS = {
    "accuracy": "share of items answered correctly, with a 95% Wilson interval (accuracy_low, accuracy_high)",
    "budget_use": "mean thinking tokens / thinking budget (None when the engine does not report thinking tokens)",
    "output_cap_use": "mean billed output tokens / max_tokens",
    "truncation_rate": "share of answers that stopped at max_tokens (stop_reason max_tokens)",
    "latency_p50_s, latency_p95_s": ("seconds per answer call as the engine measured it; a cache hit keeps the "
                                     "latency of the call that filled the cache"),
    "cost_usd": "sum of the items' costs at the price table's rates (cache hits included at their original cost)",
    "tokens_per_correct": "billed output tokens (thinking included) / correct answers",
    "accuracy_per_dollar": ("correct answers per USD = accuracy / cost per item; None for free or unpriced "
                            "engines (never infinity). Replaces the notebook's tokens-per-second 'efficiency', "
                            "which rewards waste: a setting that thinks longer at the same speed scores higher"),
    "pareto": "on the accuracy / cost front (cost = USD per item when priced, else billed output tokens per item)",
    "response, thinking": ("each record keeps the answer text and the thinking text (a summary where the API "
                           "returns one; empty when the engine returns none)"),
}


@dataclass(frozen=True)
class SweepConfig(RuntimeFields):
    task: str | None = None
    prompts: str | None = None
    scorer: str = "exact"
    model: str = DEFAULT_MODEL
    classifier_model: str | None = None
    system_prompt: str | None = None
    prompt_file: str | None = None
    budgets: tuple[str, ...] | None = None
    efforts: tuple[str, ...] | None = None
    samples: int = DEFAULT_SAMPLES
    split: str = "test"
    learn_split: str | None = None
    num_threads: int = 4
    answer_tokens: int = DEFAULT_ANSWER_TOKENS
    margin: float = DEFAULT_MARGIN
    min_class_items: int = DEFAULT_MIN_ITEMS
    output: str | None = None
    policy_output: str | None = None
    no_policy: bool = False
    quiet: bool = False
    case_study: bool = False
    policy: str | None = None
    batch: bool = False
    batch_fallback: bool = False
    batch_poll_s: float = 5.0

    def validate(self) -> None:
        if (self.task is None) == (self.prompts is None):
            raise UsageError("give exactly one of --task or --prompts")
        if self.budgets is not None and self.efforts is not None:
            raise UsageError("give either --budgets or --efforts, not both")
        if self.budgets is not None:
            parse_budget_list(list(self.budgets))
        if self.efforts is not None:
            parse_effort_list(list(self.efforts))
        if self.system_prompt is not None and self.prompt_file is not None:
            raise UsageError("give either --system_prompt or --prompt_file, not both")
        if self.system_prompt is not None and not self.system_prompt.strip():
            raise UsageError("--system_prompt is empty")
        for name in ("samples", "num_threads", "answer_tokens", "min_class_items"):
            if getattr(self, name) < 1:
                raise UsageError(f"--{name} must be at least 1 (got {getattr(self, name)})")
        for name in ("split", "learn_split"):
            value = getattr(self, name)
            if value is not None and value not in SPLITS:
                raise UsageError(f"--{name} must be one of {', '.join(SPLITS)} (got {value!r})")
        if self.learn_split is not None and self.learn_split == self.split:
            raise UsageError(f"--learn_split and --split are both {self.split!r}; a held-out evaluation needs two "
                             "different splits (drop --learn_split to learn and report on one split)")
        if not (math.isfinite(self.margin) and 0 <= self.margin <= 1):
            raise UsageError(f"--margin must be between 0 and 1 (got {self.margin})")
        if self.case_study and (self.budgets is not None or self.efforts is not None or self.learn_split):
            raise UsageError("--case_study chooses its own settings (half, recommended and double) on one split; "
                             "drop --budgets, --efforts and --learn_split")
        if self.policy is not None and not self.case_study:
            raise UsageError("--policy gives the case study its recommended setting; add --case_study")
        self.runtime().validate()
        from ...batches.options import BatchConfig

        BatchConfig.of(self).validate(no_cache=self.no_cache)
