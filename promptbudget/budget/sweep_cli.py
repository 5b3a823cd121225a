"""`python -m promptbudget budget-sweep`: accuracy, tokens, latency and cost across thinking budgets."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tabulate import tabulate

from ..batches.options import BatchConfig, build_session
from ..cli_support import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_STOPPED, interrupted_message, run_command
from ..engines.types import EFFORT_LEVELS
from ..jsonio import write_json_atomic
from ..flags import add_flag, add_measurement_tail, new_parser
from ..runtime import Runtime
from .allocator import DEFAULT_ANSWER_TOKENS, DEFAULT_MARGIN, DEFAULT_MIN_ITEMS, Policy
from .case_study import ROLES, CaseStudy
from .setting_sweep import (DEFAULT_MODEL, DEFAULT_SAMPLES, DEFAULT_SWEEP_BUDGETS, SPLITS, BudgetSweepPlan,
                            SweepConfig, make_plan, run_sweep)



def build_parser() -> argparse.ArgumentParser:
    parser = new_parser(
        "python -m promptbudget budget-sweep",
        "Answer the same items at several thinking budgets (or effort levels) and measure accuracy (95% CI), "
        "thinking tokens against the budget, truncation, latency and cost. Classifies each item's complexity "
        "once, learns a per-class budget policy and evaluates it.")
    source = parser.add_argument_group("items")
    add_flag(source, "task")
    source.add_argument("--prompts", default=None,
                        help="JSONL of prompts instead of a task: 'prompt', optional 'answer', 'id' and 'split' per "
                             "line (without answers, accuracy is n/a)")
    source.add_argument("--scorer", default="exact", help="scorer for --prompts answers")
    source.add_argument("--split", default="test", choices=SPLITS, help="split to sweep and report")
    source.add_argument("--learn_split", default=None, choices=SPLITS,
                        help="also sweep this split, learn the policy on it, and evaluate the allocator on --split "
                             "(held out)")
    add_flag(source, "samples", default=DEFAULT_SAMPLES, help="items per split: the first N")
    prompt = parser.add_argument_group("system prompt")
    add_flag(prompt, "system_prompt", help="system prompt (default: the task's instruction)")
    add_flag(prompt, "prompt_file")
    sweep = parser.add_argument_group("what to sweep")
    sweep.add_argument("--budgets", nargs="+", default=None, metavar="N",
                       help="thinking budgets in tokens; 0 = thinking off, others >= 1024 "
                            f"(default: {' '.join(map(str, DEFAULT_SWEEP_BUDGETS))})")
    sweep.add_argument("--efforts", nargs="+", default=None, metavar="LEVEL",
                       help=f"adaptive-thinking effort levels instead of budgets: off {' '.join(EFFORT_LEVELS)}")
    sweep.add_argument("--answer_tokens", type=int, default=DEFAULT_ANSWER_TOKENS,
                       help="room for the answer: max_tokens = budget + this")
    sweep.add_argument("--classifier_model", default=None,
                       help="complexity classifier model (default: claude-haiku-4-5-20251001 for Claude answer "
                            "models, otherwise the answer model)")
    learn = parser.add_argument_group("policy")
    learn.add_argument("--margin", type=float, default=DEFAULT_MARGIN,
                       help="accuracy a smaller budget may lose against the best (non-inferiority margin)")
    learn.add_argument("--min_class_items", type=int, default=DEFAULT_MIN_ITEMS,
                       help="fewest items of a class needed to learn its budget")
    learn.add_argument("--policy_output", default=None,
                       help="where the learned policy goes (default: beside --output, budget_policy_*.json)")
    learn.add_argument("--no_policy", action="store_true", help="do not write a policy file")
    case = parser.add_argument_group("case study (the notebook's run_case_study)")
    case.add_argument("--case_study", action="store_true",
                      help="answer the first item of --split at half, the recommended and double thinking setting "
                           "(effort levels on adaptive-only models) and recommend one, with its numbers")
    case.add_argument("--policy", default=None,
                      help="policy JSON that gives the case study its recommended setting (default: the notebook "
                           "defaults 0/2048/4096/8192)")
    add_measurement_tail(parser, default_model=DEFAULT_MODEL,
                         output_help="results file (default: results/budget_sweep_<task>_<model>.json)",
                         batch_what="every answer of every setting, all in one set of batches; the complexity "
                                    "classifier stays synchronous")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: run(SweepConfig.from_flags(args, tuples=("budgets", "efforts"))))


def run(config: SweepConfig) -> int:
    config.validate()
    runtime = Runtime(config.runtime())
    try:
        study = CaseStudy(Policy.load(config.policy) if config.policy else None, config.answer_tokens) \
            if config.case_study else None
        plan = make_plan(config, runtime, study.candidates if study else None)
        for warning in plan.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        batch = build_session(BatchConfig.of(config), plan.answer_engine, prices_path=config.prices,
                              quiet=config.quiet)
        bar = None
        if not config.quiet:
            from tqdm import tqdm

            total = 1 + len(ROLES) if study else plan.total_calls
            bar = tqdm(total=total, desc="case study" if study else "budget sweep", unit="call", file=sys.stderr)
        try:
            results = run_sweep(plan, runtime, on_progress=bar.update if bar is not None else None,
                                between=(lambda found: study.narrow(plan, found)) if study else None, batch=batch)
            if study:
                results["case_study"] = study.summary(results)
        except KeyboardInterrupt:
            print(interrupted(plan), file=sys.stderr)
            return EXIT_INTERRUPTED
        finally:
            if bar is not None:
                bar.close()
    finally:
        runtime.close()
    write_json_atomic(plan.output, results)
    if results["policy"] is not None and plan.policy_output is not None:
        write_json_atomic(plan.policy_output, results["policy"])
    print(render_text(results))
    print(f"results: {plan.output}")
    if results["policy_file"]:
        print(f"policy: {results['policy_file']}")
    if results["status"] == "failed":
        print(f"error: {results['error']} (the answers measured so far are in {plan.output})", file=sys.stderr)
    return {"completed": EXIT_OK, "stopped": EXIT_STOPPED}.get(results["status"], EXIT_FAILED)


def interrupted(plan: BudgetSweepPlan) -> str:
    return interrupted_message(plan.output, cached=plan.config.runtime().cache_path() is not None)


# --------------------------------------------------------------------------- #
# Terminal output
# --------------------------------------------------------------------------- #


def _num(value: Any, fmt: str, none: str = "n/a") -> str:
    return none if value is None else format(value, fmt)


def _money(value: Any, pricing: str) -> str:
    if value is None:
        return "n/a (no price)"
    if pricing == "free" and not value:  # a priced classifier still costs money beside a free answer engine
        return "$0 (free)"
    return f"${value:.4f}"


def per_dollar_text(row: dict[str, Any], pricing: str) -> str:
    if row.get("accuracy") is None:
        return "n/a (ungraded)"
    if pricing == "free":
        return "n/a (free engine)"
    if pricing == "unpriced" or row.get("accuracy_per_dollar") is None:
        return "n/a (no price)" if pricing == "unpriced" else "n/a"
    return f"{row['accuracy_per_dollar']:.1f}"


def sweep_table(rows: list[dict[str, Any]], pricing: str) -> str:
    table = []
    for row in rows:
        if not row.get("n"):
            table.append([row["setting"], 0] + ["-"] * 8)
            continue
        accuracy = "n/a" if row["accuracy"] is None else \
            f"{row['accuracy']:.3f} [{row['accuracy_low']:.3f}, {row['accuracy_high']:.3f}]"
        if row["mean_thinking_tokens"] is None:
            thinking = "-"
        elif row["budget_tokens"]:
            thinking = f"{row['mean_thinking_tokens']:.0f}/{row['budget_tokens']} ({row['budget_use']:.0%})"
        else:
            thinking = f"{row['mean_thinking_tokens']:.0f}"
        table.append([
            row["setting"] + ("*" if row.get("pareto") else ""), row["n"], accuracy, thinking,
            f"{row['mean_output_tokens']:.0f}", f"{row['truncation_rate']:.0%}",
            f"{_num(row['latency_p50_s'], '.2f')} / {_num(row['latency_p95_s'], '.2f')}", _money(row["cost_usd"], pricing),
            _num(row["tokens_per_correct"], ".0f"), per_dollar_text(row, pricing),
        ])
    return tabulate(table, headers=["Setting", "n", "Accuracy (95% CI)", "Thinking/budget", "Out tok",
                                    "Trunc", "Latency p50/p95 s", "Cost", "Tok/correct", "Acc/$"])


def render_text(results: dict[str, Any]) -> str:
    pricing = results["engine"]["pricing"]
    split = results["task"]["split"]
    lines = [f"budget sweep of {results['task']['name']} on {results['engine']['model']} "
             f"({results['kind']}s; enforcement: {results['engine']['enforcement']}): {results['status']}"
             + (f" ({results['error']})" if results.get("error") else "")]
    for name in results["summary"]:
        marker = " (learn split)" if name != split else ""
        lines.append(f"\nsplit {name}{marker}:")
        lines.append(sweep_table(results["summary"][name], pricing))
    lines.append("* = on the accuracy/cost Pareto front" + (" (cost axis: billed output tokens; free engine)"
                                                           if pricing != "priced" else ""))
    counts = results["classifier"]["counts"]
    lines.append("complexity (" + results["classifier"]["model"] + "): "
                 + ", ".join(f"{k} {v}" for k, v in counts.items())
                 + (f"; {results['classifier']['unparsed']} unparsed -> medium" if results["classifier"]["unparsed"]
                    else ""))
    policy = results.get("policy")
    if policy:
        rows = [[name, entry["setting"], "learned" if entry["learned"] else "default", entry["n"], entry["reason"]]
                for name, entry in policy["classes"].items()]
        lines.append("\npolicy (" + f"margin {policy['margin']:g}):")
        lines.append(tabulate(rows, headers=["Class", results["kind"].capitalize(), "Source", "n", "Reason"],
                              maxcolwidths=[None, None, None, None, 70]))
    evaluation = results.get("allocator_evaluation")
    if evaluation and evaluation["n"]:
        rows = [[s["name"], s["n"], f"{s['accuracy']:.3f} [{s['accuracy_low']:.3f}, {s['accuracy_high']:.3f}]",
                 _num(s["mean_output_tokens"], ".0f"), _money(s["total_cost_usd"], pricing),
                 per_dollar_text({"accuracy": s["accuracy"], "accuracy_per_dollar": s["accuracy_per_dollar"]}, pricing)]
                for s in evaluation["strategies"]]
        title = "held-out" if evaluation["held_out"] else "in-sample"
        lines.append(f"\nallocator vs fixed settings vs oracle ({title}, split {evaluation['split']}):")
        lines.append(tabulate(rows, headers=["Strategy", "n", "Accuracy (95% CI)", "Out tok/item", "Cost", "Acc/$"]))
        lines += [f"note: {note}" for note in evaluation["notes"]]
    lines += case_study_lines(results)
    total = results["ledger"].get("total", {})
    if total:
        lines.append(f"calls {total['calls']} ({total['cached_calls']} from cache), spent ${total['billed_usd']:.4f}")
    lines += [f"warning: {w}" for w in results["warnings"]]
    return "\n".join(lines)


def case_study_lines(results: dict[str, Any]) -> list[str]:
    study = results.get("case_study")
    if not study:
        return []
    pricing = results["engine"]["pricing"]
    rows = [[r["role"], r["setting"], "-" if not r["measured"] else
             ("n/a" if r["correct"] is None else ("right" if r["correct"] else "wrong")),
             r.get("output_tokens", "-"), _num(r.get("latency_s"), ".2f"),
             _money(r.get("cost_usd"), pricing) if r["measured"] else "-"] for r in study["rows"]]
    return [f"\ncase study of {study.get('item')} (class {study['complexity']}, recommended by "
            f"{study.get('policy')}):",
            tabulate(rows, headers=["Role", results["kind"].capitalize(), "Verdict", "Out tok", "Latency s", "Cost"]),
            f"recommendation: {study['recommendation']}"]


if __name__ == "__main__":
    sys.exit(main())
