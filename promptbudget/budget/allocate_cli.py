"""`python -m promptbudget allocate`: choose a thinking setting for one prompt, printed as JSON."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cli_support import EXIT_OK, check_output_path, run_command
from ..errors import UsageError
from ..experiment.model_warnings import engine_warnings
from ..prompt_file import read_prompt_file
from ..ledger import call_scope
from ..flags import add_flag, add_runtime_arguments, new_parser
from ..runtime import Runtime, RuntimeConfig
from .allocator import DEFAULT_ANSWER_TOKENS, BudgetAllocator, AllocationDecision, Policy, default_policy
from .classifier import COMPLEXITY_CLASSES, ComplexityClassifier, default_classifier_model, given_classification
from .history import History, append_entries, learn_from_history, read_history
from .setting_sweep import DEFAULT_MODEL
from .use import answer_and_record, load_scorer, parse_verdict, setting_of

if TYPE_CHECKING:
    from ..engines import Engine
    from .outcomes import AnsweredOutcome


def build_parser() -> argparse.ArgumentParser:
    parser = new_parser(
        "python -m promptbudget allocate",
        "Classify a prompt's complexity with a cheap call and choose a thinking budget (or effort level) for the "
        "answer model: the notebook's defaults, or a policy learned by budget-sweep.")
    prompt = parser.add_mutually_exclusive_group()
    prompt.add_argument("--prompt", default=None, metavar="TEXT",
                        help="the question (user prompt) to choose a thinking setting for")
    add_flag(prompt, "question_file", help="file holding the question (the user prompt) to choose a thinking "
                                           "setting for (UTF-8)")
    parser.add_argument("--prompt_file", default=None, help=argparse.SUPPRESS)  # refused with the fix: see run()
    parser.add_argument("--complexity", default=None, choices=COMPLEXITY_CLASSES,
                        help="skip the classifier and use this class")
    parser.add_argument("--time_sensitive", action="store_true", help="reduce budgets for a faster answer")
    parser.add_argument("--cost_constrained", action="store_true", help="halve budgets (at least 1024 when on)")
    parser.add_argument("--policy", default=None, help="learned policy JSON from budget-sweep (default: the "
                                                       "notebook defaults 0/2048/4096/8192)")
    parser.add_argument("--classifier_model", default=None,
                        help="complexity classifier model (default: claude-haiku-4-5-20251001 for Claude answer "
                             "models, otherwise the answer model)")
    parser.add_argument("--answer_tokens", type=int, default=DEFAULT_ANSWER_TOKENS,
                        help="room for the answer: max_tokens = budget + this")
    use = parser.add_argument_group("learning from use")
    use.add_argument("--history", default=None,
                     help="JSONL of answered prompts (budget_history): the policy is updated from it, and --answer "
                          "appends to it")
    use.add_argument("--answer", action="store_true",
                     help="answer the prompt with the chosen setting (one paid call) and record the outcome in "
                          "--history")
    add_flag(use, "system_prompt", help="system prompt for the --answer call (default: none)")
    use.add_argument("--gold", default=None, help="the correct answer, to record whether the answer was right")
    use.add_argument("--scorer", default="exact", help="scorer for --gold")
    use.add_argument("--verdict", default=None, metavar="OUTCOME_ID",
                     help="record a later verdict on an outcome of --history (with --correct) and exit")
    use.add_argument("--correct", default=None, help="yes or no: the verdict for --verdict")
    add_runtime_arguments(parser, default_model=DEFAULT_MODEL)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: run(args))


def read_prompt(args: argparse.Namespace) -> str | None:
    if args.prompt is not None:
        if not args.prompt.strip():
            raise UsageError("--prompt is empty")
        return args.prompt
    if args.question_file is not None:
        return read_prompt_file(args.question_file)
    return None


def check_use_flags(args: argparse.Namespace, prompt: str | None) -> None:
    if prompt is None and args.complexity is None:
        raise UsageError("give --prompt TEXT or --question_file FILE (or --complexity CLASS to skip the classifier)")
    if args.answer and prompt is None:
        raise UsageError("--answer needs the question: give --prompt TEXT or --question_file FILE")
    if args.answer and args.history is None:
        raise UsageError("--answer records its outcome: give --history FILE (e.g. results/budget_history.jsonl)")
    if args.gold is not None and not args.answer:
        raise UsageError("--gold grades the answer of --answer; add --answer")
    if args.answer and args.history is not None:
        check_output_path(Path(args.history), "--history")  # the outcome of a paid call must have somewhere to go
    if args.correct is not None and args.verdict is None:
        raise UsageError("--correct goes with --verdict OUTCOME_ID")


def record_verdict(args: argparse.Namespace, kind: str) -> int:
    if args.history is None or args.correct is None:
        raise UsageError("--verdict OUTCOME_ID needs --history FILE and --correct yes|no")
    correct = parse_verdict(args.correct)
    history = read_history(args.history, args.model_string, kind)
    if not any(o["id"] == args.verdict for o in history.outcomes):
        raise UsageError(f"history file {args.history} has no outcome {args.verdict!r}")
    append_entries(history, [{"type": "verdict", "id": args.verdict, "correct": correct, "at": time.time()}])
    print(json.dumps({"history": args.history, "verdict": args.verdict, "correct": correct}, indent=2))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.prompt_file is not None:
        raise UsageError("allocate reads the question from --question_file FILE; --prompt_file is the system "
                         "prompt file of optimize and sweep (give allocate's --answer call a system prompt "
                         "with --system_prompt TEXT)")
    prompt = read_prompt(args) if args.verdict is None else None
    if args.verdict is None:
        check_use_flags(args, prompt)
    scorer = load_scorer(args.scorer, args.gold)
    base = Policy.load(args.policy) if args.policy else default_policy()
    runtime = Runtime(RuntimeConfig.from_args(args))
    try:
        answer = runtime.engine(args.model)
        args.model_string = answer.model_string
        if args.verdict is not None:
            return record_verdict(args, base.kind)
        history = read_history(args.history, answer.model_string, base.kind) if args.history else None
        policy = learn_from_history(history, base) if history is not None else base
        allocator = BudgetAllocator(policy, answer_tokens=args.answer_tokens)
        decision = decide(args, runtime, allocator, answer, prompt)
        outcome = None
        if args.answer and history is not None and prompt is not None:
            outcome = answer_and_record(prompt, decision, setting_of(decision, policy.kind), answer, history,
                                        answer_tokens=args.answer_tokens, scorer=scorer, gold=args.gold,
                                        system=args.system_prompt)
    finally:
        runtime.close()
    print(json.dumps(build_output(args, answer, policy, decision, history, outcome, runtime), indent=2,
                     ensure_ascii=False))
    return EXIT_OK


def decide(args: argparse.Namespace, runtime: Runtime, allocator: BudgetAllocator, answer: Engine,
           prompt: str | None) -> AllocationDecision:
    if args.complexity is not None:
        classification = given_classification(args.complexity)
    else:
        spec = args.classifier_model or default_classifier_model(args.model, answer.engine_name,
                                                                 base_url=args.base_url)
        classifier = ComplexityClassifier(runtime.engine(spec))
        with call_scope(phase="allocate"):
            classification = classifier.classify(prompt or "")
    return allocator.decide(classification.complexity, answer.capabilities(), time_sensitive=args.time_sensitive,
                            cost_constrained=args.cost_constrained, classification=classification,
                            model=answer.model_string)


def build_output(args: argparse.Namespace, answer: Engine, policy: Policy, decision: AllocationDecision,
                 history: History | None, outcome: AnsweredOutcome | None, runtime: Runtime) -> dict[str, Any]:
    output = {"model": answer.model_string, "policy_file": args.policy, **decision.to_dict()}
    output["warnings"][:0] = engine_warnings(answer)
    learned_on = policy.source.get("model") if args.policy else None
    if learned_on and learned_on != answer.model_string:
        output["warnings"].append(f"the policy was learned on {learned_on}, not {answer.model_string}")
    if history is not None:
        output["history"] = {"file": str(history.path), "per_class": history.counts(),
                             "policy_n": {c: p.n for c, p in policy.classes.items()},
                             "policy_setting": {c: p.setting.label for c, p in policy.classes.items()}}
    if outcome is not None:
        output["outcome"] = outcome
    total = runtime.ledger.totals()
    output["calls"] = total.calls
    output["classifier_calls"] = sum(1 for r in runtime.ledger.records() if r.role == "classifier")
    return output


if __name__ == "__main__":
    sys.exit(main())
