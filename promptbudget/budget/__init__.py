"""Thinking-budget tools: budget sweeps, a complexity classifier, and an allocator that learns.

* `classifier`: one cheap call sorts a prompt into simple / medium / complex / very_complex;
* `settings`: a budget or an effort level, parsed and ordered by tier;
* `policy`: a setting per class, the notebook's defaults or learned from records by the
  non-inferiority rule (JSON, schema promptbudget.budget_policy/1);
* `allocator`: the notebook's adjustments and effort mapping for adaptive-only models;
* `history` / `use`: learning from use (`allocate --answer --history`, schema budget_history/1);
* `sweep` (package): the measurement across budgets or effort levels (schema budget_sweep/1);
* `case_study`: half, recommended and double setting for one prompt (`budget-sweep --case_study`);
* `evaluation`: the allocator against fixed settings and an oracle on held-out items;
* `plots`, `plots_by_setting`, `report_section`, `report_responses`: figures and report data.
Commands: `budget-sweep` (`sweep_cli`) and `allocate` (`allocate_cli`).
"""

from .allocator import (DEFAULT_BUDGETS, POLICY_SCHEMA, AllocationDecision, BudgetAllocator, Policy, Setting,
                        default_policy, learn_policy)
from .classifier import COMPLEXITY_CLASSES, Classification, ComplexityClassifier, parse_complexity

__all__ = [
    "COMPLEXITY_CLASSES", "DEFAULT_BUDGETS", "POLICY_SCHEMA", "BudgetAllocator", "Classification",
    "ComplexityClassifier", "AllocationDecision", "Policy", "Setting", "default_policy", "learn_policy",
    "parse_complexity",
]
