"""`python -m promptbudget allocate`: choose a thinking setting for one prompt, printed as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from ..cli_support import EXIT_OK, run_command
from ..errors import UsageError
from ..prompt_file import read_prompt_file
from ..ledger import call_scope
from ..runtime import Runtime, RuntimeConfig, add_runtime_arguments
from .allocator import DEFAULT_ANSWER_TOKENS, BudgetAllocator, Policy
from .classifier import COMPLEXITY_CLASSES, ComplexityClassifier, default_classifier_model, given_classification
from .sweep import DEFAULT_MODEL


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m promptbudget allocate", allow_abbrev=False,
        description="Classify a prompt's complexity with a cheap call and choose a thinking budget (or effort "
                    "level) for the answer model: the notebook's defaults, or a policy learned by budget-sweep.")
    prompt = parser.add_mutually_exclusive_group()
    prompt.add_argument("--prompt", default=None, help="the prompt to allocate for")
    prompt.add_argument("--prompt_file", default=None, help="file holding the prompt (UTF-8)")
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
                        help=f"room for the answer: max_tokens = budget + this (default: {DEFAULT_ANSWER_TOKENS})")
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
    if args.prompt_file is not None:
        return read_prompt_file(args.prompt_file)
    return None


def run(args: argparse.Namespace) -> int:
    prompt = read_prompt(args)
    if prompt is None and args.complexity is None:
        raise UsageError("give --prompt TEXT or --prompt_file FILE (or --complexity CLASS to skip the classifier)")
    policy = Policy.load(args.policy) if args.policy else None
    allocator = BudgetAllocator(policy, answer_tokens=args.answer_tokens)
    runtime = Runtime(RuntimeConfig.from_args(args))
    try:
        answer = runtime.engine(args.model)
        caps = answer.capabilities()
        if args.complexity is not None:
            classification = given_classification(args.complexity)
        else:
            spec = args.classifier_model or default_classifier_model(args.model, answer.engine_name,
                                                                     base_url=args.base_url)
            classifier = ComplexityClassifier(runtime.engine(spec))
            with call_scope(phase="allocate"):
                classification = classifier.classify(prompt or "")
        decision = allocator.decide(classification.complexity, caps, time_sensitive=args.time_sensitive,
                                    cost_constrained=args.cost_constrained, classification=classification,
                                    model=answer.model_string)
    finally:
        runtime.close()
    output = {"model": answer.model_string, "policy_file": args.policy, **decision.to_dict()}
    if getattr(answer, "is_tiny_default", False):
        from ..engines.local import SMALL_MODEL_WARNING

        output["warnings"].insert(0, SMALL_MODEL_WARNING)
    learned_on = (policy.source.get("model") if policy else None)
    if learned_on and learned_on != answer.model_string:
        output["warnings"].append(f"the policy was learned on {learned_on}, not {answer.model_string}")
    total = runtime.ledger.totals()
    output["classifier_calls"] = total.calls
    print(json.dumps(output, indent=2, ensure_ascii=False))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
