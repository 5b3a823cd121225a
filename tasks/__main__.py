"""Command line: ``python -m tasks list`` and ``python -m tasks score``.

    python -m tasks list
    python -m tasks score --task BBH_navigate --predictions preds.jsonl > scored.jsonl

``score`` reads JSONL lines ``{"response": ..., "answer": ...}`` (with an optional
``"stop_reason"``: a response cut off at ``"max_tokens"`` counts only an answer it
finished stating), writes each back to
stdout with ``correct``, ``extracted`` and ``failure`` added, and prints the accuracy with
its 95% Wilson interval to stderr.  Errors are one ``error: ...`` line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

from .custom import TaskFileError
from .predictions import PredictionFileError, read_predictions, score_predictions
from .registry import UnknownTaskError, list_tasks, load_task
from .scoring import UnknownScorerError

EXIT_USAGE_ERROR = 2
_TABLE_HEADERS = ("task", "scorer", "train", "val", "test")


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        return arguments.run(arguments)
    except (UnknownTaskError, UnknownScorerError, TaskFileError, PredictionFileError) as error:
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_USAGE_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tasks", description="Benchmark tasks: list them, score predictions.")
    commands = parser.add_subparsers(dest="command", required=True)

    list_command = commands.add_parser("list", help="show each task with its split sizes")
    list_command.set_defaults(run=_run_list)

    score_command = commands.add_parser("score", help="score a JSONL file of responses")
    score_command.add_argument("--task", required=True, help="task name (see `list`) or jsonl:PATH[::SCORER]")
    score_command.add_argument(
        "--predictions", required=True, type=Path,
        help='JSONL file, one {"response": ..., "answer": ...} per line',
    )
    score_command.set_defaults(run=_run_score)
    return parser


def _run_list(arguments: argparse.Namespace) -> int:
    rows = []
    for name in list_tasks():
        task = load_task(name)
        rows.append((name, task.scorer.name, len(task.train), len(task.val), len(task.test)))
    print(_format_table(rows))
    return 0


def _run_score(arguments: argparse.Namespace) -> int:
    scorer = load_task(arguments.task).scorer
    records = read_predictions(arguments.predictions, scorer)
    scored, accuracy = score_predictions(records, scorer)
    for record in scored:
        print(json.dumps(record, ensure_ascii=False))
    print(accuracy, file=sys.stderr)
    failures = {kind: sum(record["failure"] == kind for record in scored) for kind in ("no_answer", "wrong_answer")}
    print(" ".join(f"{kind}={count}" for kind, count in failures.items()), file=sys.stderr)
    return 0


def _format_table(rows: list[tuple]) -> str:
    try:
        from tabulate import tabulate
    except ImportError:
        return _plain_table(rows)
    return tabulate(rows, headers=_TABLE_HEADERS, tablefmt="plain")


def _plain_table(rows: list[tuple]) -> str:
    table = [_TABLE_HEADERS, *rows]
    widths = [max(len(str(row[column])) for row in table) for column in range(len(_TABLE_HEADERS))]
    lines = []
    for row in table:
        cells = [
            str(cell).rjust(width) if isinstance(cell, int) else str(cell).ljust(width)
            for cell, width in zip(row, widths)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
