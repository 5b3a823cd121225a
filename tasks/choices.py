"""Multiple-choice letters: "(B)", "option B", "B) 12/11/1937"."""

from __future__ import annotations

import re
from typing import Optional

from .commitment import commits_to_letter
from .core import Score
from .extraction import has_content
from .scorer import _NEGATION, Scorer, inside
from .texts import EXACT

_PARENTHESIZED_LETTER = re.compile(r"(?<!\w)[(\[]\s*([A-Za-z])\s*[)\]]")
_OPTION_LETTER = re.compile(r"\b(?:option|choice)(?:\s+|\s*[(\[]\s*)([A-Za-z])\b", re.IGNORECASE)
_LEADING_LETTER = re.compile(r"^([A-Z])(?=$|\s*[).:\],;]|\s+[^a-z\s])")
_LETTER_AFTER_IS = re.compile(r"\bis:?\s+([A-Z])(?=$|[\s.,;!)])")
_LETTER_IS_CORRECT = re.compile(r"(?<![\w(\[])([A-Z])\s+is\s+(?:the\s+)?(?:correct|right|best)\b")
# A line that starts with an option: "(A) ...", "- B: ...", "Option C. ...".
_OPTION_LINE_START = re.compile(r"^[\s*_\->•]*(?:[Oo]ption\s+)?[(\[]?[A-Z][)\].:]")
_LINE_OF_ONE_LETTER = re.compile(r"^\W*([A-Z])(?:\W*$|\)\s)")
_GOLD_LETTER = re.compile(r"^\(?([A-Za-z])\)?$")
_ALTERNATIVE_LETTER = r"(?:[Oo]ption\s+|[Cc]hoice\s+)?[(\[]?([A-Z])[)\]]?"
_LETTER_HEDGE = re.compile(  # "(A) or (C)", "option B or option D", "between A and C"
    rf"(?<![\w(\[]){_ALTERNATIVE_LETTER}\s*,?\s+(?:or|and/or)\s+{_ALTERNATIVE_LETTER}(?!\w)"
    rf"|\b[Bb]etween\s+{_ALTERNATIVE_LETTER}\s+and\s+{_ALTERNATIVE_LETTER}(?!\w)"
)
# Options named together: "(A) and (B)", "(A), (C) and (D)"; bare letters are left out, as
# "B and I" is English more often than an answer.
_NAMED_LETTER = r"(?:(?:[Oo]ption|[Cc]hoice)\s+[(\[]?([A-Z])[)\]]?|[(\[]([A-Z])[)\]])"
_LETTERS_TOGETHER = re.compile(
    rf"(?<![\w(\[]){_NAMED_LETTER}(?:(?:\s*,\s*{_NAMED_LETTER})+\s*,?)?\s+(?:and|&)\s+{_NAMED_LETTER}(?!\w)"
)


class ChoiceScorer(Scorer):
    """Multiple-choice letters: "(B)", "B", "B)", "option B", "(B) 12/11/1937" -> "B".

    The gold is a letter such as "(B)".  A gold that is not a letter (three BBH items
    whose options were garbled upstream, e.g. "Monsters, Inc") is compared as text.
    "Either (A) or (C)" and "(A) and (B)" name no answer.  On the fallback last line only a
    letter the line commits to counts ("the sarcastic option is (A)", not "If we look at
    (B), it says ...").
    """

    name = "choice"
    kind = "multiple-choice letter"
    value_description = "the letter of the correct option in parentheses, such as (A)"
    answer_first = True

    def score(self, response: str, gold: str, *, truncated: bool = False) -> Score:
        if _GOLD_LETTER.match(str(gold).strip()) is None:
            return EXACT.score(response, gold, truncated=truncated)
        return super().score(response, gold, truncated=truncated)

    def normalize_gold(self, gold: str) -> str:
        letter = _GOLD_LETTER.match(str(gold).strip())
        if letter is None:
            return EXACT.normalize_gold(gold)
        return letter.group(1).upper()

    def parse(self, text: str, *, explicit: bool) -> Optional[str]:
        text = text.strip()
        if explicit:
            match = (
                _PARENTHESIZED_LETTER.search(text)
                or _OPTION_LETTER.search(text)
                or _LEADING_LETTER.match(text)
                or _LETTER_AFTER_IS.search(text)
                or _LETTER_IS_CORRECT.search(text)
            )
        else:
            match = _committed_letter(text)
        if match is None or inside(match.start(1), _letter_hedges(text)):
            return None
        return match.group(1).upper()

    def fallback_text(self, text: str) -> Optional[str]:
        """The last line, unless it ends a list of options ("(A) would mean...\n(B) ...")."""
        lines = [line for line in text.splitlines() if has_content(line)]
        if len(lines) >= 2 and all(_OPTION_LINE_START.match(line) for line in lines[-2:]):
            return None
        return super().fallback_text(text)

    def may_open_with_answer(self, text: str, opening: str) -> bool:
        """Not when the opening rejects an option, nor when it starts a list of the options."""
        if _NEGATION.search(opening):
            return False
        lines = [line for line in text.splitlines() if has_content(line)]
        return not (len(lines) >= 2 and all(_OPTION_LINE_START.match(line) for line in lines[:2]))

    def options_named(self, text: str) -> set[str]:
        letters = {
            match.group(1).upper()
            for pattern in (_PARENTHESIZED_LETTER, _OPTION_LETTER)
            for match in pattern.finditer(text)
        }
        leading = _LEADING_LETTER.match(text)
        return letters | ({leading.group(1)} if leading else set())

    def leading_answer(self, text: str) -> Optional[str]:
        match = (
            _OPTION_LETTER.match(text) or _PARENTHESIZED_LETTER.match(text) or _LEADING_LETTER.match(text)
        )
        return match.group(1).upper() if match else None


def _committed_letter(line: str) -> Optional[re.Match[str]]:
    """The last letter that the fallback ``line`` commits to (``tasks.commitment``)."""
    for pattern in (_PARENTHESIZED_LETTER, _OPTION_LETTER):
        for match in reversed(list(pattern.finditer(line))):
            if commits_to_letter(line, match.start(), match.end()):
                return match
    whole_line = _LINE_OF_ONE_LETTER.match(line)
    if whole_line and commits_to_letter(line, whole_line.start(1), whole_line.end(1)):
        return whole_line
    return _last_match(_LETTER_IS_CORRECT, line)


def _letter_hedges(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that offer two different letters as alternatives or together."""
    return [
        match.span()
        for pattern in (_LETTER_HEDGE, _LETTERS_TOGETHER)
        for match in pattern.finditer(text)
        if len({letter.upper() for letter in match.groups() if letter}) > 1
    ]


def _last_match(pattern: re.Pattern[str], text: str) -> Optional[re.Match[str]]:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None
