"""The items a sweep answers: a task, or a `--prompts` JSONL read by tasks.custom's loader."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tasks.core import Item

from ...errors import UsageError
from ...prompt_file import read_prompt_file
from .config import SweepConfig

if TYPE_CHECKING:
    from tasks import Score, Scorer
    from tasks.core import Grader, ItemSource

PromptItem = Item
"""A prompt of a `--prompts` file is an item like a task's (its answer "" when ungraded)."""


class _UngradedScorer:
    """Stands in for a scorer when prompts have no answers: nothing is graded."""

    def __init__(self, scorer: Scorer):
        self.name = f"ungraded ({scorer.name})"
        self._scorer = scorer

    def score(self, response: str, gold: str, *, truncated: bool = False) -> Score:
        from tasks import Score

        return Score(False, self._scorer.extract(response, truncated=truncated), None)

    def has_answer(self, response: str, *, truncated: bool = False) -> bool:
        return self._scorer.has_answer(response, truncated=truncated)

    def extract(self, response: str, *, truncated: bool = False) -> str | None:
        return self._scorer.extract(response, truncated=truncated)


@dataclass
class PromptSet:
    """A JSONL of prompts seen as a task (`prompt`, optional `answer`, `id`, `split`)."""

    name: str
    splits: dict[str, list[Item]]
    instruction: str
    scorer: Grader
    graded: bool

    def split(self, name: str) -> list[Item]:
        return self.splits.get(name, [])

    def format_question(self, item: Item) -> str:
        return item.question


def load_prompts(path: str, scorer_name: str) -> PromptSet:
    """Read a `--prompts` file; every problem is one UsageError naming the line."""
    from tasks import UnknownScorerError, get_scorer
    from tasks.custom import TaskFileError, read_prompt_records
    from tasks.instructions import instruction_for

    try:
        scorer = get_scorer(scorer_name)
    except UnknownScorerError as exc:
        raise UsageError(str(exc)) from None
    file = Path(path)
    try:
        rows = read_prompt_records(file, scorer)
    except TaskFileError as exc:
        raise UsageError(str(exc).replace("task file", "prompts file")) from None
    if not rows:
        raise UsageError(f"prompts file {file} has no prompts")
    if len({bool(item.answer) for _, item in rows}) > 1:
        raise UsageError(f"{file}: either every line or no line must have an 'answer'")
    with_split = [s for s, _ in rows if s is not None]
    if with_split and len(with_split) != len(rows):
        raise UsageError(f"{file}: either every line or no line must have a 'split'")
    splits: dict[str, list[Item]] = {}
    for split, item in rows:
        splits.setdefault(split or "test", []).append(item)
    graded = bool(rows[0][1].answer)
    return PromptSet(f"prompts:{file.name}", splits, instruction_for(scorer),
                     scorer if graded else _UngradedScorer(scorer), graded)


def load_items_source(config: SweepConfig) -> tuple[ItemSource, bool]:
    """The task (or prompt set) and whether its answers can be graded."""
    if config.prompts is not None:
        prompts = load_prompts(config.prompts, config.scorer)
        return prompts, prompts.graded
    from ...task_loader import load_task_or_usage_error

    return load_task_or_usage_error(config.task), True


def read_system_prompt(config: SweepConfig, default: str) -> str:
    if config.system_prompt is not None:
        return config.system_prompt.strip()
    if config.prompt_file is None:
        return default
    return read_prompt_file(config.prompt_file).strip()
