"""Custom tasks from a JSONL file: ``jsonl:PATH`` or ``jsonl:PATH::SCORER``.

Each non-blank line is a JSON object with ``question`` (string) and ``answer`` (string,
number or boolean), and optionally ``id`` (string or integer, unique) and ``split``
("train", "val" or "test").  Either every line has a ``split`` or none has; without them the items are
shuffled with ``random.Random(0)`` and split 50% train / 25% val / 25% test
(train = n // 2, val = n // 4, test = the rest).  Items without an ``id`` get
``<file stem>/<line number>``.  Every gold answer must be readable by the scorer.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import NoReturn

from .core import SPLITS, Item
from .jsonlines import json_object
from .scoring import InvalidGoldError, Scorer

Splits = tuple[list[Item], list[Item], list[Item]]


class TaskFileError(ValueError):
    """A custom task file that is missing, unreadable or has a malformed line."""


def load_jsonl_task(path: Path, scorer: Scorer) -> Splits:
    records = _read_records(path, scorer)
    if not records:
        raise TaskFileError(f"{path}: no examples")
    with_split = [split for split, _ in records if split is not None]
    if with_split and len(with_split) != len(records):
        raise TaskFileError(f"{path}: either every line or no line must have a 'split'")
    items = [item for _, item in records]
    if with_split:
        return tuple([item for split, item in records if split == name] for name in SPLITS)
    return _split_50_25_25(items)


def _split_50_25_25(items: list[Item]) -> Splits:
    shuffled = list(items)
    random.Random(0).shuffle(shuffled)
    train_end = len(shuffled) // 2
    val_end = train_end + len(shuffled) // 4
    return shuffled[:train_end], shuffled[train_end:val_end], shuffled[val_end:]


def read_prompt_records(path: Path, scorer: Scorer) -> list[tuple[str | None, Item]]:
    """A ``--prompts`` file (budget-sweep): like a task file, but the text is under ``prompt`` and
    ``answer`` is optional (an item without one gets the answer ""); ``split`` is not defaulted."""
    return _read_records(path, scorer, text_key="prompt", answer_required=False)


def _read_records(path: Path, scorer: Scorer, *, text_key: str = "question",
                  answer_required: bool = True) -> list[tuple[str | None, Item]]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise TaskFileError(f"task file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TaskFileError(f"cannot read task file {path}: {error}") from None
    records: list[tuple[str | None, Item]] = []
    seen_ids: set[str] = set()
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        split, item = _parse_line(line, path, line_number, scorer, text_key, answer_required)
        if item.id in seen_ids:
            raise TaskFileError(f"{path}, line {line_number}: duplicate id {item.id!r}")
        seen_ids.add(item.id)
        records.append((split, item))
    return records


def _parse_line(line: str, path: Path, line_number: int, scorer: Scorer, text_key: str = "question",
                answer_required: bool = True) -> tuple[str | None, Item]:
    def fail(problem: str) -> TaskFileError:
        return TaskFileError(f"{path}, line {line_number}: {problem}")

    try:
        record = json_object(line, fail, parse_constant=_reject_constant)
    except _NonFiniteNumber as error:
        raise fail(f"invalid JSON: {error} is not a JSON number and no answer can equal it; write a finite number or a "
                   "string") from None
    question = record.get(text_key)
    if not isinstance(question, str) or not question.strip():
        raise fail(f"'{text_key}' must be a non-empty string")
    answer = _answer_text(record.get("answer"))
    if answer is None and (answer_required or record.get("answer") is not None):
        raise fail("'answer' must be a non-empty string, a number or a boolean")
    try:
        if answer is not None:
            scorer.normalize_gold(answer)
    except InvalidGoldError as error:
        raise fail(f"{error} (scorer {scorer.name!r})") from None
    item_id = record.get("id", f"{path.stem}/{line_number}")
    if isinstance(item_id, bool) or not isinstance(item_id, (str, int)):
        raise fail("'id' must be a string or an integer")
    split = record.get("split")
    if split is not None and split not in SPLITS:
        raise fail(f"'split' must be one of {', '.join(SPLITS)}, not {split!r}")
    return split, Item(id=str(item_id), question=question, answer=answer or "")


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> NoReturn:
    """json.loads accepts NaN, Infinity and -Infinity, which JSON does not."""
    raise _NonFiniteNumber(name)


def _answer_text(answer: object) -> str | None:
    if isinstance(answer, bool):
        return str(answer)
    if isinstance(answer, (int, float)):
        return str(answer)
    if isinstance(answer, str) and answer.strip():
        return answer.strip()
    return None
