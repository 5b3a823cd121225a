"""The report's budget-sweep section: plain data (tables, chart series) for an HTML template.

    from promptbudget.budget import report_section, plots
    ctx = report_section.context(results)          # results = json.load(budget_sweep_*.json)
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

SECTION_TITLE = "Thinking budgets"


def _fmt(value: Any, spec: str, none: str = "n/a") -> str:
    return none if value is None else format(value, spec)


def _ci(row: dict[str, Any]) -> str:
    if row.get("accuracy") is None:
        return "n/a"
    return f"{row['accuracy']:.3f} [{row['accuracy_low']:.3f}, {row['accuracy_high']:.3f}]"


def _money(value: Any, pricing: str) -> str:
    if value is None:
        return "n/a (no price)"
    # a priced classifier still costs money beside a free answer engine
    return "$0 (free engine)" if pricing == "free" and not value else f"${value:.4f}"


def _per_dollar(row: dict[str, Any], pricing: str) -> str:
    if row.get("accuracy") is None:
        return "n/a (ungraded)"
    if pricing == "free":
        return "n/a (free engine)"
    if row.get("accuracy_per_dollar") is None:
        return "n/a (no price)"
    return f"{row['accuracy_per_dollar']:.1f}"


def check_results(results: Any, where: str = "results") -> None:
    """RecordError (a UsageError) unless `results` is a valid budget-sweep results record."""
    validate_record(results, BudgetSweepResults, where=where)


def settings_table(results: dict[str, Any], split: str | None = None) -> dict[str, Any]:
    pricing = results["engine"]["pricing"]
    rows = [r for r in results["summary"].get(split or results["task"]["split"], []) if r.get("n")]
    key, _ = cost_axis(results)
    front = set(pareto_labels(rows, key))
    columns = ["Setting", "n", "Accuracy (95% CI)", "Mean thinking tokens", "Budget use", "Mean output tokens",
               "Truncation", "Latency p50 (s)", "Latency p95 (s)", "Cost", "Tokens per correct",
               "Accuracy per $", "Pareto"]
    table = [[
        r["setting"], str(r["n"]), _ci(r), _fmt(r.get("mean_thinking_tokens"), ".0f", "not reported"),
        _fmt(r.get("budget_use"), ".0%", "-"), f"{r['mean_output_tokens']:.0f}", f"{r['truncation_rate']:.0%}",
        _fmt(r.get("latency_p50_s"), ".2f"), _fmt(r.get("latency_p95_s"), ".2f"), _money(r.get("cost_usd"), pricing),
        _fmt(r.get("tokens_per_correct"), ".0f"), _per_dollar(r, pricing), "yes" if r["setting"] in front else "",
    ] for r in rows]
    return {"columns": columns, "rows": table}


def class_table(results: dict[str, Any]) -> dict[str, Any]:
    split = results["task"]["split"]
    labels = [s["label"] for s in results["settings"]]
    rows = []
    for name, class_rows in results["by_class"].get(split, {}).items():
        by_label = {r["setting"]: r for r in class_rows}
        n = max((r.get("n", 0) for r in class_rows), default=0)
        rows.append([name, str(n)] + [_fmt(by_label.get(label, {}).get("accuracy"), ".3f") for label in labels])
    return {"columns": ["Class", "n"] + labels, "rows": rows}


def policy_table(results: dict[str, Any]) -> dict[str, Any] | None:
    policy = results.get("policy")
    if not policy:
        return None
    rows = [[name, entry["setting"], "learned" if entry["learned"] else "default", str(entry["n"]), entry["reason"]]
            for name, entry in policy["classes"].items()]
    return {"caption": "Learned policy", "columns": ["Class", results["kind"].capitalize(), "Source", "n", "Reason"],
            "rows": rows, "rule": policy["rule"], "margin": policy["margin"], "file": results.get("policy_file") or ""}


def allocator_table(results: dict[str, Any]) -> dict[str, Any] | None:
    evaluation = results.get("allocator_evaluation")
    if not evaluation or not evaluation.get("n"):
        return None
    pricing = results["engine"]["pricing"]
    rows = [[s["name"], str(s["n"]), _ci(s), _fmt(s["mean_output_tokens"], ".0f"),
             _money(s["total_cost_usd"], pricing), _money(s["classifier_cost_usd"], pricing) if s["kind"] == "allocator"
             else "-", _fmt(s["tokens_per_correct"], ".0f"), _per_dollar(s, pricing),
             ", ".join(f"{k}: {v}" for k, v in s["choices"].items())] for s in evaluation["strategies"]]
    return {"columns": ["Strategy", "n", "Accuracy (95% CI)", "Output tokens per item", "Total cost",
                        "of which classifier", "Tokens per correct", "Accuracy per $", "Settings chosen"],
            "rows": rows,
            "caption": (f"Allocator vs fixed settings vs oracle ({'held-out' if evaluation['held_out'] else 'in-sample'}"
                        f", split {evaluation['split']}, n={evaluation['n']})"),
            "held_out": evaluation["held_out"], "split": evaluation["split"], "notes": list(evaluation["notes"])}


def allocation_strategy_table(results: dict[str, Any]) -> dict[str, Any]:
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


def case_study_table(results: dict[str, Any]) -> dict[str, Any] | None:
    study = results.get("case_study")
    if not study or not study.get("rows"):
        return None
    pricing = results["engine"]["pricing"]
    rows = [[r["role"], r["setting"], "not measured" if not r.get("measured") else
             ("ungraded" if r["correct"] is None else ("right" if r["correct"] else "wrong")),
             _fmt(r.get("output_tokens"), "d", "-"), _fmt(r.get("thinking_tokens"), "d", "not reported"),
             _fmt(r.get("latency_s"), ".2f"), _money(r.get("cost_usd"), pricing) if r.get("measured") else "-"]
            for r in study["rows"]]
    return {"caption": f"Case study: item {study.get('item')} (class {study['complexity']}, recommended by "
                       f"{study.get('policy')})",
            "columns": ["Role", results["kind"].capitalize(), "Verdict", "Output tokens", "Thinking tokens",
                        "Latency (s)", "Cost"], "rows": rows, "notes": [f"Recommendation: {study['recommendation']}"]}


def by_setting_series(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"setting": r["setting"], "latency_p50_s": r.get("latency_p50_s"), "latency_p95_s": r.get("latency_p95_s"),
             "mean_output_tokens": r.get("mean_output_tokens"), "mean_input_tokens": r.get("mean_input_tokens"),
             "mean_thinking_tokens": r.get("mean_thinking_tokens"), "cost_per_item_usd": r.get("cost_per_item_usd"),
             "accuracy_per_dollar": r.get("accuracy_per_dollar")} for r in rows]


def chart_series(results: dict[str, Any]) -> dict[str, Any]:
    rows = main_rows(results)
    key, label = cost_axis(results)
    series: dict[str, Any] = {
        "accuracy_vs_budget": {
            "x_log2": results["kind"] == "budget",
            "points": [{"setting": r["setting"], "tier": r["tier"], "accuracy": r.get("accuracy"),
                        "low": r.get("accuracy_low"), "high": r.get("accuracy_high")} for r in rows],
            "by_class": {name: [{"setting": r["setting"], "tier": r["tier"], "accuracy": r.get("accuracy"),
                                 "n": r["n"]} for r in class_rows if r.get("n")]
                         for name, class_rows in results["by_class"].get(results["task"]["split"], {}).items()},
        },
        "cost_vs_accuracy": {
            "x_label": label,
            "points": [{"setting": r["setting"], "x": r.get(key), "accuracy": r.get("accuracy"),
                        "low": r.get("accuracy_low"), "high": r.get("accuracy_high")} for r in rows],
            "pareto": pareto_labels(rows, key),
        },
        "budget_use": [{"setting": r["setting"], "budget_tokens": r.get("budget_tokens"),
                        "max_tokens": r["max_tokens"], "mean_thinking_tokens": r.get("mean_thinking_tokens"),
                        "mean_output_tokens": r["mean_output_tokens"], "truncation_rate": r["truncation_rate"],
                        "latency_p50_s": r["latency_p50_s"], "latency_p95_s": r["latency_p95_s"]} for r in rows],
    }
    series["by_setting"] = by_setting_series(rows)
    series["pricing"] = results["engine"]["pricing"]
    evaluation = results.get("allocator_evaluation")
    series["allocator_comparison"] = None if not evaluation or not evaluation.get("n") else [
        {"name": s["name"], "kind": s["kind"], "accuracy": s["accuracy"], "low": s["accuracy_low"],
         "high": s["accuracy_high"], "mean_output_tokens": s["mean_output_tokens"],
         "cost_per_item_usd": s["cost_per_item_usd"]} for s in evaluation["strategies"]]
    return series


def context(results: dict[str, Any]) -> dict[str, Any]:
    """Template context of one budget-sweep result (raises UsageError for another kind of file)."""
    check_results(results)
    engine = results["engine"]
    return {
        "title": f"{SECTION_TITLE}{' case study' if results.get('case_study') else ''}: {results['task']['name']} "
                 f"on {engine['model']}",
        "status": results["status"],
        "error": results.get("error"),
        "task": results["task"]["name"],
        "model": engine["model"],
        "kind": results["kind"],
        "split": results["task"]["split"],
        "learn_split": results["task"].get("learn_split"),
        "graded": results["task"]["graded"],
        "enforcement": engine["enforcement"],
        "enforcement_note": engine["enforcement_note"],
        "pricing": engine["pricing"],
        "classifier_model": results["classifier"]["model"],
        "complexity_counts": dict(results["classifier"]["counts"]),
        "unparsed_classifications": results["classifier"]["unparsed"],
        "warnings": list(results.get("warnings", [])),
        "settings_table": {**settings_table(results),
                           "caption": f"Per {results['kind']} setting (split {results['task']['split']})"},
        "learn_settings_table": ({**settings_table(results, results["task"]["learn_split"]),
                                  "caption": f"Per {results['kind']} setting on the learn split "
                                             f"({results['task']['learn_split']})"}
                                 if results["task"].get("learn_split") else None),
        "class_table": {**class_table(results), "caption": "Accuracy per complexity class and setting"},
        "complexity_table": {"caption": f"Complexity classes ({results['classifier']['model']})",
                             "columns": ["Class", "Items"],
                             "rows": [[k, v] for k, v in results["classifier"]["counts"].items()]},
        "case_study_table": case_study_table(results),
        "policy": policy_table(results),
        "allocation_strategy": allocation_strategy_table(results),
        "allocator": allocator_table(results),
        "definitions": {"caption": "Definitions", "columns": ["Measure", "Definition"],
                        "rows": [[k, v] for k, v in results.get("metrics", {}).items()]},
        "series": chart_series(results),
        "comparison": comparison(results),
        "notes": [EFFICIENCY_NOTE],
        "plots": {name: png_name(results, name) for name in FIGURE_NAMES},
        "spent_usd": results.get("ledger", {}).get("total", {}).get("billed_usd"),
    }
