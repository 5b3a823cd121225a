"""Answers that are texts: sorted word lists, Dyck closing sequences, exact strings."""

from __future__ import annotations

import re
import string
from typing import Optional

from .commitment import is_trace_step, is_unfinished, ranks_letters
from .extraction import has_content, strip_markup, unwrap_latex
from .scorer import Scorer

# --- word lists --------------------------------------------------------------------------

_WORD_SEPARATORS = re.compile(r"[\s,;<>→]+")
_TOKEN_EDGE_PUNCTUATION = string.punctuation + "“”‘’«»"
_OXFORD_AND = re.compile(r",\s*and\s+", re.IGNORECASE)
_LIST_ITEM_PREFIX = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_REMARK = re.compile(r"^\W*(?:note|explanation|remark)\b", re.IGNORECASE)


class WordListScorer(Scorer):
    """Ordered word lists (BBH word_sorting): gold "apple banana cherry".

    Words may be separated by spaces, commas or newlines, be numbered or bulleted,
    quoted, or in any case; a leading "The sorted list is:" is ignored.  A last line that
    is unfinished or a step of sorting by letter ranks ('"caruso" < (18)') is no answer.
    """

    name = "word_list"
    kind = "word list"
    value_description = "the words separated by spaces"
    multiline_answers = True

    def parse(self, text: str, *, explicit: bool) -> Optional[str]:
        text = text.replace("’", "'").replace("‘", "'")
        text = _OXFORD_AND.sub(", ", text.rpartition(":")[2])
        words = [word.strip(_TOKEN_EDGE_PUNCTUATION).lower() for word in _WORD_SEPARATORS.split(text)]
        words = [word for word in words if any(character.isalpha() for character in word)]
        return " ".join(words) if words else None

    def fallback_text(self, text: str) -> Optional[str]:
        """The trailing list when the response ends with one word per line, else the last line.

        A heading over the list ("Here is the sorted list:") is not part of it, and a
        closing remark ("Note: ...") after the answer is skipped.
        """
        blocks = _blocks(text)
        if len(blocks) > 1 and _REMARK.match(blocks[-1][0]):
            blocks.pop()
        block = blocks[-1] if blocks else []
        items = [_LIST_ITEM_PREFIX.sub("", line).strip() for line in block]
        trailing_words: list[str] = []
        for item in reversed(items):
            if len(item.split()) != 1:
                break
            trailing_words.insert(0, item)
        if len(trailing_words) > 1:
            return "\n".join(trailing_words)
        if not block or is_unfinished(block[-1]) or ranks_letters(block[-1]):
            return None
        return block[-1]


def _blocks(text: str) -> list[list[str]]:
    """The paragraphs of ``text`` (runs of lines with content), each as cleaned lines."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if has_content(line):
            blocks[-1].append(unwrap_latex(strip_markup(line)))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


# --- Dyck languages ----------------------------------------------------------------------

_BRACKET_RUN = re.compile(r"[\[\](){}<>](?:[\s,\"'`]*[\[\](){}<>])*")
_BRACKET = re.compile(r"[\[\](){}<>]")


class DyckScorer(Scorer):
    """Bracket sequences (BBH dyck_languages): gold is the closing part, e.g. ") ] }".

    The answer's bracket tokens must equal the gold's exactly (whitespace, commas and
    quotes ignored).  Like BBH's own evaluation, an answer that repeats the input before
    the completion is wrong.  A step of a stack trace ("36: ] ; stack: { <") is no answer.
    """

    name = "dyck"
    kind = "Dyck closing sequence"
    value_description = "the closing brackets that complete the sequence, separated by spaces"
    greedy_boxes = True
    brackets_are_syntax = False

    def fallback_text(self, text: str) -> Optional[str]:
        line = super().fallback_text(text)
        return None if line is None or is_trace_step(line) else line

    def parse(self, text: str, *, explicit: bool) -> Optional[str]:
        runs = list(_BRACKET_RUN.finditer(text))
        if not runs:
            return None
        run = runs[0] if explicit else runs[-1]
        return " ".join(_BRACKET.findall(run.group()))


# --- exact strings -----------------------------------------------------------------------

_SURROUNDING = " \t\n\"'“”‘’*_`$"


class ExactScorer(Scorer):
    """Normalized string equality: case, inner whitespace and a trailing period ignored."""

    name = "exact"
    kind = "exact string"
    value_description = "the final answer"
    finished_lines_only = False  # any string may be an answer

    def parse(self, text: str, *, explicit: bool) -> Optional[str]:
        normalized = " ".join(unwrap_latex(text).split()).strip(_SURROUNDING)
        normalized = normalized.rstrip(".!").strip(_SURROUNDING).lower()
        return normalized or None


EXACT = ExactScorer()
