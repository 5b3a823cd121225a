"""Benchmark tasks for promptbudget: data splits, starting prompts and answer scoring.

    >>> from tasks import load_task
    >>> task = load_task("BBH_object_counting")
    >>> task.scorer.score("... So the answer is 7.", task.test[0].answer)

Built-in tasks: ``GSM8K_DSPy`` and ``BBH_<task>`` (27 tasks), bundled in tasks/data/ (MIT
licensed, see the LICENSE files there); custom tasks: ``jsonl:PATH[::SCORER]``.
Nothing is downloaded at run time.
"""

from .core import Grader, Item, ItemSource, Score, Task, format_question
from .custom import TaskFileError
from .registry import UnknownTaskError, list_tasks, load_task
from .scoring import (
    BBH_TASK_SCORERS,
    SCORER_NAMES,
    InvalidGoldError,
    Scorer,
    UnknownScorerError,
    get_scorer,
)

__all__ = [
    "BBH_TASK_SCORERS",
    "SCORER_NAMES",
    "Grader",
    "InvalidGoldError",
    "Item",
    "ItemSource",
    "Score",
    "Scorer",
    "Task",
    "TaskFileError",
    "UnknownScorerError",
    "UnknownTaskError",
    "format_question",
    "get_scorer",
    "list_tasks",
    "load_task",
]
