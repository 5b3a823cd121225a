"""`python -m promptbudget export RESULTS`: a finished run's (or sweep's) recommendation, ready to use.

Prints a Python snippet for the anthropic SDK (default) or the recommendation as JSON, and with
`--write_prompt NAME` writes the system prompt to `my_prompts/NAME.txt` for `--prompt_file`.
For a sweep directory it exports the recommended run: among completed runs, the one with the
fewest mean billed output tokens on its final test whose test accuracy is within `--margin`
of the most accurate run; `--run RUN_ID` picks another.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from .cli_support import EXIT_OK, run_command
from .errors import UsageError
from .flags import new_parser
from .records import Recommendation, SweepSummary, read_record
from .records.results import SavedSweepRow
from .jsonio import write_text_atomic
from .optimize.recommendation import load_run_summary, recommendation

SWEEP_SUMMARY = "sweep_summary.json"
DEFAULT_MARGIN = 0.02
PROMPT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def build_parser() -> argparse.ArgumentParser:
    parser = new_parser(
        "python -m promptbudget export",
        "Print a finished run's recommended system prompt and thinking setting as a Python snippet for the "
        "anthropic SDK or as JSON, and optionally write the prompt into my_prompts/.")
    parser.add_argument("results", help="a run directory (summary.json) or a sweep directory (sweep_summary.json)")
    parser.add_argument("--format", choices=("python", "json"), default="python", help="output")
    parser.add_argument("--write_prompt", metavar="NAME", default=None,
                        help="also write the system prompt to PROMPTS_DIR/NAME.txt (usable as --prompt_file)")
    parser.add_argument("--prompts_dir", default="my_prompts", help="where --write_prompt goes")
    parser.add_argument("--overwrite", action="store_true", help="let --write_prompt replace an existing file")
    parser.add_argument("--run", default=None, metavar="RUN_ID",
                        help="for a sweep: export this run instead of the recommended one")
    parser.add_argument("--margin", type=float, default=DEFAULT_MARGIN,
                        help="for a sweep: accuracy the recommended run may give up against the most accurate")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_command(lambda: export(args))


def export(args: argparse.Namespace) -> int:
    if not 0 <= args.margin <= 1:
        raise UsageError(f"--margin must be between 0 and 1 (got {args.margin})")
    target = _prompt_target(args)
    record = resolve(Path(args.results), run=args.run, margin=args.margin)
    if target is not None:
        write_text_atomic(target, record.system + "\n")
    print(json.dumps(record.to_json(), indent=2) if args.format == "json" else python_snippet(record))
    if target is not None:
        print(f"wrote the system prompt to {target}; use it with --prompt_file {target}", file=sys.stderr)
    return EXIT_OK


def _prompt_target(args: argparse.Namespace) -> Path | None:
    if args.write_prompt is None:
        return None
    name = args.write_prompt[:-4] if args.write_prompt.endswith(".txt") else args.write_prompt
    if not PROMPT_NAME.fullmatch(name):
        raise UsageError(f"--write_prompt {args.write_prompt!r} is not a plain file name; use letters, digits, "
                         "'_', '-' or '.', e.g. --write_prompt math_prompt")
    target = Path(args.prompts_dir) / f"{name}.txt"
    if target.exists() and not args.overwrite:
        raise UsageError(f"{target} already exists; pass --overwrite to replace it or choose another name")
    if Path(args.prompts_dir).exists() and not Path(args.prompts_dir).is_dir():
        raise UsageError(f"--prompts_dir {args.prompts_dir} is not a directory")
    return target


def resolve(path: Path, *, run: str | None, margin: float) -> Recommendation:
    """The recommendation record of a run, or of a sweep's recommended (or named) run."""
    sweep_file = path / SWEEP_SUMMARY if path.is_dir() else path
    if sweep_file.name == SWEEP_SUMMARY and sweep_file.exists():
        return _from_sweep(sweep_file, run=run, margin=margin)
    if run is not None:
        raise UsageError("--run picks a run of a sweep; give a sweep directory (holding sweep_summary.json)")
    summary, run_dir = load_run_summary(path)
    return recommendation(summary, run_dir)


def _from_sweep(sweep_file: Path, *, run: str | None, margin: float) -> Recommendation:
    rows = read_record(sweep_file, SweepSummary).rows
    run_id = run if run is not None else recommended_run(rows, margin)
    known = [row.run_id for row in rows]
    if run_id not in known:
        raise UsageError(f"--run {run_id!r} is not a run of this sweep; its runs are: {', '.join(map(str, known))}")
    summary, run_dir = load_run_summary(sweep_file.parent / run_id)
    return recommendation(summary, run_dir).but(sweep={
        "summary": str(sweep_file), "chosen_by": "--run" if run is not None else
        f"fewest mean test tokens within {margin:.3f} accuracy of the most accurate completed run"})


def recommended_run(rows: list[SavedSweepRow], margin: float) -> str:
    done = [r for r in rows if r.status == "completed" and r.final_accuracy is not None and r.final_tokens is not None]
    if not done:
        raise UsageError("no run of this sweep completed; finish the sweep (rerun the same command) before exporting")
    best = max(r.final_accuracy for r in done)
    eligible = [r for r in done if r.final_accuracy >= best - margin - 1e-12]
    return min(eligible, key=lambda r: (r.final_tokens, -r.final_accuracy, r.run_id)).run_id


def python_snippet(record: Recommendation) -> str:
    """A runnable script that sends one question with the recommended parameters."""
    params = record.create_params
    test = record.metrics.test
    lines = [
        f"# promptbudget recommendation from run {record.run_id} (task {record.task}):",
        f"# thinking {record.thinking_setting}; test accuracy {test.accuracy:.3f}, "
        f"mean billed output tokens {test.mean_output_tokens:.1f}",
        "import anthropic",
        "",
        f"SYSTEM_PROMPT = {params['system']!r}",
        "",
        "client = anthropic.Anthropic()  # reads ANTHROPIC_API_KEY",
        "message = client.messages.create(",
        f"    model={params['model']!r},",
        f"    max_tokens={params['max_tokens']!r},",
        "    system=SYSTEM_PROMPT,",
        f"    thinking={params['thinking']!r},",
    ]
    if "output_config" in params:
        lines.append(f"    output_config={params['output_config']!r},")
    lines += [
        '    messages=[{"role": "user", "content": "YOUR QUESTION HERE"}],',
        ")",
        'print("".join(block.text for block in message.content if block.type == "text"))',
    ]
    if not record.engine.startswith("anthropic/"):
        lines.insert(2, f"# note: this run used the {record.engine} engine, not a Claude model")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
