"""Does a user's starting prompt ask for the answer format the task's scorer reads?"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.core import Task

ANSWER_LINE = re.compile(r"\banswer\s*:", re.IGNORECASE)


def format_warning(prompt: str, task: Task) -> str | None:
    """A warning when the prompt never asks for the 'Answer: ...' line the scorers read, else None."""
    if ANSWER_LINE.search(prompt):
        return None
    scorer = task.scorer
    return (f"the starting prompt does not ask for the answer format the {scorer.name} scorer reads: a last line "
            f"'Answer: $VALUE' where VALUE is {scorer.value_description}. Add that instruction; otherwise the "
            "format guard keeps whatever format this prompt produces, and answers it cannot read count as wrong")
