"""The budget sweep: answer the same items at every thinking budget (or effort level) and measure.

Per setting: accuracy with a 95% Wilson CI, thinking tokens against the budget, the truncation
rate (stop_reason max_tokens), latency p50/p95, cost, tokens per correct answer and accuracy per
dollar. Every item's complexity is classified once (role `classifier`), so the records can be
grouped per class, a policy learned from one split and the allocator evaluated on another.

How a budget reaches the model (`enforcement` in the results):
* "api budget_tokens": Claude's manual budget (max_tokens = budget + --answer_tokens);
* "adaptive effort": Claude's adaptive thinking with an effort level;
* "forced stop": a local model that thinks in <think> tags, cut at the budget;
* "simulated": the mock engine;
* "max_tokens cap": a model that cannot think (e.g. SmolLM2): thinking stays off and a budget
  only raises the output cap to budget + --answer_tokens. Such a sweep measures the pipeline,
  not the value of thinking.

Modules: `config` (flags, defaults, metric definitions), `items` (task or `--prompts` file),
`planning` (settings as sent, output paths, every check before a call), `running` (the calls)
and `results` (summaries, the learned policy and its evaluation).
"""

from .config import (ADAPTIVE_ALLOWANCE, DEFAULT_MODEL, DEFAULT_SAMPLES, DEFAULT_SWEEP_BUDGETS, METRICS, SPLITS,
                     SWEEP_SCHEMA, SweepConfig)
from .items import PromptItem, PromptSet, load_items_source, load_prompts, read_system_prompt
from .planning import (ENFORCEMENT_NOTES, PlannedSetting, BudgetSweepPlan, default_policy_path,
                       make_plan, plan_settings, slug)
from .results import build_results, pricing_status, setting_row, summarize_split
from .running import answer_setting, classify_items, item_record, run_sweep

__all__ = [
    "ADAPTIVE_ALLOWANCE", "DEFAULT_MODEL", "DEFAULT_SAMPLES", "DEFAULT_SWEEP_BUDGETS", "ENFORCEMENT_NOTES", "METRICS",
    "SPLITS", "SWEEP_SCHEMA", "PlannedSetting", "PromptItem", "PromptSet", "SweepConfig", "BudgetSweepPlan",
    "answer_setting", "build_results", "classify_items", "default_policy_path", "item_record",
    "load_items_source", "load_prompts", "make_plan", "plan_settings", "pricing_status", "read_system_prompt",
    "run_sweep", "setting_row", "slug", "summarize_split",
]
