"""The report's budget-sweep section: plain data (tables, chart series) for an HTML template.

    from promptbudget.budget import report_section, plots
    ctx = report_section.context(results)          # results = read_record(path, BudgetSweepResults)
    pngs = plots.save_pngs(results, "plots")       # {figure name: path}; ctx["plots"] names the files

Every value is a str, number, bool, None, list or dict: the template only formats and escapes.
Cells in `rows` are display strings; `series` keep raw numbers for charts.
"""

from __future__ import annotations

from typing import Any

from .classifier import COMPLEXITY_CLASSES
from .plots import FIGURE_NAMES, cost_axis, main_rows, pareto_labels, png_name
from .plots_by_setting import EFFICIENCY_NOTE, allocation_table, policies_of
from .report_responses import comparison
from ..records import BudgetSweepResults, validate_record
from ..records.budget_sweep import SavedSettingRow, SavedStrategy

SECTION_TITLE = "Thinking budgets"


def _fmt(value: Any, spec: str, none: str = "n/a") -> str:
    return none if value is None else format(value, spec)


def _ci(row: SavedSettingRow | SavedStrategy) -> str:
    if row.accuracy is None:
        return "n/a"
    return f"{row.accuracy:.3f} [{row.accuracy_low:.3f}, {row.accuracy_high:.3f}]"


def _money(value: Any, pricing: str) -> str:
    if value is None:
        return "n/a (no price)"
    # a priced classifier still costs money beside a free answer engine
    return "$0 (free engine)" if pricing == "free" and not value else f"${value:.4f}"


def _per_dollar(row: SavedSettingRow | SavedStrategy, pricing: str) -> str:
    if row.accuracy is None:
        return "n/a (ungraded)"
    if pricing == "free":
        return "n/a (free engine)"
    if row.accuracy_per_dollar is None:
        return "n/a (no price)"
    return f"{row.accuracy_per_dollar:.1f}"


def as_record(results: BudgetSweepResults | dict[str, Any], where: str = "results") -> BudgetSweepResults:
    """The typed record; a JSON object (`json.load` of a results file) is validated into one, and
    RecordError (a UsageError) says what is wrong when it is not a budget-sweep result."""
    if isinstance(results, BudgetSweepResults):
        return results
    return validate_record(results, BudgetSweepResults, where=where)


def settings_table(results: BudgetSweepResults, split: str | None = None) -> dict[str, Any]:
    pricing = results.engine.pricing
    rows = results.rows(split)
    key, _ = cost_axis(results)
    front = set(pareto_labels(rows, key))
    columns = ["Setting", "n", "Accuracy (95% CI)", "Mean thinking tokens", "Budget use", "Mean output tokens",
               "Truncation", "Latency p50 (s)", "Latency p95 (s)", "Cost", "Tokens per correct",
               "Accuracy per $", "Pareto"]
    table = [[
        r.setting, str(r.n), _ci(r), _fmt(r.mean_thinking_tokens, ".0f", "not reported"),
        _fmt(r.budget_use, ".0%", "-"), f"{r.mean_output_tokens:.0f}", f"{r.truncation_rate:.0%}",
        _fmt(r.latency_p50_s, ".2f"), _fmt(r.latency_p95_s, ".2f"), _money(r.cost_usd, pricing),
        _fmt(r.tokens_per_correct, ".0f"), _per_dollar(r, pricing), "yes" if r.setting in front else "",
    ] for r in rows]
    return {"columns": columns, "rows": table}


def class_table(results: BudgetSweepResults) -> dict[str, Any]:
    labels = [s.label for s in results.settings]
    rows = []
    for name, class_rows in results.class_rows().items():
        by_label = {r.setting: r for r in class_rows}
        n = max((r.n for r in class_rows), default=0)
        rows.append([name, str(n)] + [_fmt(by_label[label].accuracy if label in by_label else None, ".3f")
                                      for label in labels])
    return {"columns": ["Class", "n"] + labels, "rows": rows}


def policy_table(results: BudgetSweepResults) -> dict[str, Any] | None:
    policy = results.policy
    if policy is None:
        return None
    rows = [[name, entry.setting, "learned" if entry.learned else "default", str(entry.n), entry.reason]
            for name, entry in policy.classes.items()]
    return {"caption": "Learned policy", "columns": ["Class", results.kind.capitalize(), "Source", "n", "Reason"],
            "rows": rows, "rule": policy.rule, "margin": policy.margin, "file": results.policy_file or ""}


def _strategy_row(s: SavedStrategy, pricing: str) -> list[str]:
    return [s.name, str(s.n), _ci(s), _fmt(s.mean_output_tokens, ".0f"), _money(s.total_cost_usd, pricing),
            _money(s.classifier_cost_usd, pricing) if s.kind == "allocator" else "-",
            _fmt(s.tokens_per_correct, ".0f"), _per_dollar(s, pricing),
            ", ".join(f"{k}: {v}" for k, v in s.choices.items())]


def allocator_table(results: BudgetSweepResults) -> dict[str, Any] | None:
    evaluation = results.allocator_evaluation
    if evaluation is None or not evaluation.n:
        return None
    rows = [_strategy_row(s, results.engine.pricing) for s in evaluation.strategies]
    return {"columns": ["Strategy", "n", "Accuracy (95% CI)", "Output tokens per item", "Total cost",
                        "of which classifier", "Tokens per correct", "Accuracy per $", "Settings chosen"],
            "rows": rows,
            "caption": (f"Allocator vs fixed settings vs oracle ({'held-out' if evaluation.held_out else 'in-sample'}"
                        f", split {evaluation.split}, n={evaluation.n})"),
            "held_out": evaluation.held_out, "split": evaluation.split, "notes": list(evaluation.notes)}


def allocation_strategy_table(results: BudgetSweepResults) -> dict[str, Any]:
    """The notebook's allocation-strategy view as numbers: the tier per class, scenario and policy."""
    rows = []
    for name, policy in policies_of(results).items():
        for scenario, tiers in allocation_table(policy).items():
            rows.append([name, scenario] + [str(tiers[c]) if tiers[c] else "off" for c in COMPLEXITY_CLASSES])
    return {"caption": "Allocation strategy: thinking budget tier chosen per complexity class and scenario",
            "columns": ["Policy", "Scenario", *COMPLEXITY_CLASSES], "rows": rows,
            "notes": ["time-sensitive: simple and medium off, complex -2048, very_complex -4096; cost-constrained: "
                      "halved, at least 1024 while thinking is on; on adaptive-only models a tier maps to the "
                      "nearest effort level"]}


def case_study_table(results: BudgetSweepResults) -> dict[str, Any] | None:
    study = results.case_study
    if study is None or not study.rows:
        return None
    pricing = results.engine.pricing
    rows = [[r.role, r.setting, "not measured" if not r.measured else
             ("ungraded" if r.correct is None else ("right" if r.correct else "wrong")),
             _fmt(r.output_tokens, "d", "-"), _fmt(r.thinking_tokens, "d", "not reported"),
             _fmt(r.latency_s, ".2f"), _money(r.cost_usd, pricing) if r.measured else "-"]
            for r in study.rows]
    return {"caption": f"Case study: item {study.item} (class {study.complexity}, recommended by "
                       f"{study.policy})",
            "columns": ["Role", results.kind.capitalize(), "Verdict", "Output tokens", "Thinking tokens",
                        "Latency (s)", "Cost"], "rows": rows, "notes": [f"Recommendation: {study.recommendation}"]}


def by_setting_series(rows: list[SavedSettingRow]) -> list[dict[str, Any]]:
    return [{"setting": r.setting, "latency_p50_s": r.latency_p50_s, "latency_p95_s": r.latency_p95_s,
             "mean_output_tokens": r.mean_output_tokens, "mean_input_tokens": r.mean_input_tokens,
             "mean_thinking_tokens": r.mean_thinking_tokens, "cost_per_item_usd": r.cost_per_item_usd,
             "accuracy_per_dollar": r.accuracy_per_dollar} for r in rows]


def _accuracy_point(r: SavedSettingRow) -> dict[str, Any]:
    return {"setting": r.setting, "tier": r.tier, "accuracy": r.accuracy, "low": r.accuracy_low,
            "high": r.accuracy_high}


def _allocator_series(results: BudgetSweepResults) -> list[dict[str, Any]] | None:
    evaluation = results.allocator_evaluation
    if evaluation is None or not evaluation.n:
        return None
    return [{"name": s.name, "kind": s.kind, "accuracy": s.accuracy, "low": s.accuracy_low, "high": s.accuracy_high,
             "mean_output_tokens": s.mean_output_tokens, "cost_per_item_usd": s.cost_per_item_usd}
            for s in evaluation.strategies]


def chart_series(results: BudgetSweepResults) -> dict[str, Any]:
    rows = main_rows(results)
    key, label = cost_axis(results)
    return {
        "accuracy_vs_budget": {
            "x_log2": results.kind == "budget",
            "points": [_accuracy_point(r) for r in rows],
            "by_class": {name: [{"setting": r.setting, "tier": r.tier, "accuracy": r.accuracy, "n": r.n}
                                for r in class_rows if r.n]
                         for name, class_rows in results.class_rows().items()},
        },
        "cost_vs_accuracy": {
            "x_label": label,
            "points": [{"setting": r.setting, "x": getattr(r, key), "accuracy": r.accuracy, "low": r.accuracy_low,
                        "high": r.accuracy_high} for r in rows],
            "pareto": pareto_labels(rows, key),
        },
        "budget_use": [{"setting": r.setting, "budget_tokens": r.budget_tokens, "max_tokens": r.max_tokens,
                        "mean_thinking_tokens": r.mean_thinking_tokens, "mean_output_tokens": r.mean_output_tokens,
                        "truncation_rate": r.truncation_rate, "latency_p50_s": r.latency_p50_s,
                        "latency_p95_s": r.latency_p95_s} for r in rows],
        "by_setting": by_setting_series(rows),
        "pricing": results.engine.pricing,
        "allocator_comparison": _allocator_series(results),
    }


def _tables(results: BudgetSweepResults) -> dict[str, Any]:
    task, classifier, kind = results.task, results.classifier, results.kind
    return {
        "settings_table": {**settings_table(results), "caption": f"Per {kind} setting (split {task.split})"},
        "learn_settings_table": ({**settings_table(results, task.learn_split),
                                  "caption": f"Per {kind} setting on the learn split ({task.learn_split})"}
                                 if task.learn_split else None),
        "class_table": {**class_table(results), "caption": "Accuracy per complexity class and setting"},
        "complexity_table": {"caption": f"Complexity classes ({classifier.model})", "columns": ["Class", "Items"],
                             "rows": [[k, v] for k, v in classifier.counts.items()]},
        "case_study_table": case_study_table(results),
        "policy": policy_table(results),
        "allocation_strategy": allocation_strategy_table(results),
        "allocator": allocator_table(results),
        "definitions": {"caption": "Definitions", "columns": ["Measure", "Definition"],
                        "rows": [[k, v] for k, v in (results.metrics or {}).items()]},
    }


def _spent_usd(results: BudgetSweepResults) -> float | None:
    total = results.ledger.total if results.ledger is not None else None
    return total.billed_usd if total is not None else None


def context(results: BudgetSweepResults | dict[str, Any]) -> dict[str, Any]:
    """Template context of one budget-sweep result (raises UsageError for another kind of file)."""
    results = as_record(results)
    engine, task, classifier = results.engine, results.task, results.classifier
    header = {
        "title": f"{SECTION_TITLE}{' case study' if results.case_study else ''}: {task.name} on {engine.model}",
        "status": results.status,
        "error": results.error,
        "task": task.name,
        "model": engine.model,
        "kind": results.kind,
        "split": task.split,
        "learn_split": task.learn_split,
        "graded": task.graded,
        "enforcement": engine.enforcement,
        "enforcement_note": engine.enforcement_note,
        "pricing": engine.pricing,
        "classifier_model": classifier.model,
        "complexity_counts": dict(classifier.counts),
        "unparsed_classifications": classifier.unparsed,
        "warnings": list(results.warnings),
    }
    return {
        **header,
        **_tables(results),
        "series": chart_series(results),
        "comparison": comparison(results),
        "notes": [EFFICIENCY_NOTE],
        "plots": {name: png_name(results, name) for name in FIGURE_NAMES},
        "spent_usd": _spent_usd(results),
    }
