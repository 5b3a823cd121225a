"""The scorer interface and the steps every kind of answer shares.

Every scorer follows the same steps (see ``Scorer.extract``):

1. strip hidden reasoning (``<think>...</think>``);
2. try the texts after explicit answer markers, last marker first (``tasks.extraction``),
   and keep the first that parses as this scorer's kind of answer;
3. otherwise parse the last non-empty line (for choices and closed sets of words, not one
   that asks a question, announces the next step or ends a list of the options);
4. otherwise, for choices and closed sets of words, take an answer stated up front: the
   first sentence emphasizes it ("The argument is **invalid**. Here's why:") or starts
   with it ("Option (C): ...", "No, ...");
5. compare the normalized answer with the normalized gold.

A text that names two options as alternatives ("either (A) or (C)", "yes or no") or
together ("(A) and (B)") gives no answer, so a hedge is never counted correct by luck.
Only an answer the response commits to counts (``tasks.commitment``): the last line must
be finished and choose its answer, not mention it in passing ("If we look at (B), it
says ...") or stop mid-trace ("36: ] ; stack: { <").  A response cut off by
``max_tokens`` (``truncated=True``) counts only a marker or an up-front answer it finished
stating before the cut.  A response with nothing that parses fails with ``"no_answer"``;
one whose answer differs from the gold fails with ``"wrong_answer"``.

Scorer names: number, choice, boolean, yes_no, valid_invalid, word_list, dyck, exact.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import ClassVar, Optional

from .commitment import finished_text, is_unfinished
from .core import Score
from .extraction import (
    explicit_answers,
    first_line,
    last_line,
    strip_markup,
    strip_thinking,
)


class InvalidGoldError(ValueError):
    """A gold answer that cannot be read as the scorer's kind of answer."""


class Scorer(ABC):
    """Extracts the final answer of a response and compares it with the gold answer."""

    name: ClassVar[str]
    kind: ClassVar[str]
    value_description: ClassVar[str]
    multiline_answers: ClassVar[bool] = False
    greedy_boxes: ClassVar[bool] = False
    keeps_emphasis: ClassVar[bool] = False  # parse() sees **bold** marks inside the text
    answer_first: ClassVar[bool] = False  # an answer stated up front counts (step 4)
    finished_lines_only: ClassVar[bool] = True  # an unfinished last line gives no answer
    brackets_are_syntax: ClassVar[bool] = True  # an open bracket leaves a line unfinished

    def score(self, response: str, gold: str, *, truncated: bool = False) -> Score:
        """The verdict on ``response``; ``truncated`` when it stopped on ``max_tokens``."""
        gold_answer = self.normalize_gold(gold)
        extracted = self.extract(response, truncated=truncated)
        if extracted is None:
            return Score(correct=False, extracted=None, failure="no_answer")
        correct = self.equivalent(extracted, gold_answer)
        return Score(correct=correct, extracted=extracted, failure=None if correct else "wrong_answer")

    def has_answer(self, response: str, *, truncated: bool = False) -> bool:
        """Whether ``response`` holds a final answer that parses as this kind."""
        return self.extract(response, truncated=truncated) is not None

    def extract(self, response: str, *, truncated: bool = False) -> Optional[str]:
        """The normalized final answer of ``response``, or None when there is none.

        A ``truncated`` response (stopped on ``max_tokens``) keeps only what it finished
        saying, and its last line is not taken as an answer: it is where the cut fell.
        """
        text = strip_thinking(response or "")
        if truncated:
            text = finished_text(text)
        markers = explicit_answers(
            text,
            multiline=self.multiline_answers,
            greedy_boxes=self.greedy_boxes,
            keep_emphasis=self.keeps_emphasis,
        )
        for candidate in markers:
            answer = self.parse(candidate, explicit=True)
            if answer is not None:
                return answer
        if truncated:
            return self.opening_answer(text) if self.answer_first else None
        fallback = self.fallback_text(text)
        answer = None if fallback is None else self.parse(fallback, explicit=False)
        if answer is None and self.answer_first:
            answer = self.opening_answer(text)
        return answer

    def fallback_text(self, text: str) -> Optional[str]:
        """The text to parse when no explicit marker gives an answer: the last line.

        For choices and closed sets of words (``answer_first``), a last line that is a
        question or announces the next step ("Let me check option (B)") gives none; nor,
        for most kinds, does one that stops mid-sentence ("... so it").
        """
        line = last_line(text, keep_emphasis=self.keeps_emphasis)
        if line is None:
            return None
        announces = line.rstrip().endswith("?") or _NEXT_STEP.match(line)
        if self.answer_first and announces:
            return None
        if self.finished_lines_only and is_unfinished(line, brackets=self.brackets_are_syntax):
            return None
        return line

    def opening_answer(self, text: str) -> Optional[str]:
        """An answer stated up front, in the first sentence of the response: emphasized
        ("The argument is **invalid**. Here's why:") or opening it ("No, ...",
        "Option (C): ...").

        That sentence must name a single option, and not announce what is to be worked out
        ("To check whether the argument is **valid**, ...").
        """
        line = first_line(text)
        if line is None:
            return None
        sentence = _SENTENCE_END.split(line, maxsplit=1)[0]
        plain = _OPENING_LABEL.sub("", strip_markup(sentence))
        if _PLANNING.search(plain) or not self.may_open_with_answer(text, plain):
            return None
        if len(self.options_named(plain)) != 1:
            return None
        for match in _EMPHASIS.finditer(sentence):
            span = next(group for group in match.groups() if group is not None)
            answer = self.parse(strip_markup(span), explicit=True)
            if answer is not None:
                return answer
        return self.leading_answer(plain)

    def may_open_with_answer(self, text: str, opening: str) -> bool:
        """Whether the opening sentence ``opening`` of ``text`` can state the answer."""
        return True

    def options_named(self, text: str) -> set[str]:
        """The distinct answers that ``text`` mentions (for the up-front answer)."""
        return set()

    def leading_answer(self, text: str) -> Optional[str]:
        """The answer that ``text`` starts with, if it starts with one."""
        return None

    def normalize_gold(self, gold: str) -> str:
        """The gold answer in normalized form; raises InvalidGoldError when unreadable."""
        answer = self.parse(str(gold), explicit=True)
        if answer is None:
            raise InvalidGoldError(f"gold answer {gold!r} is not {self.value_description}")
        return answer

    def equivalent(self, extracted: str, gold_answer: str) -> bool:
        return extracted == gold_answer

    @abstractmethod
    def parse(self, text: str, *, explicit: bool) -> Optional[str]:
        """The normalized answer in ``text`` or None.

        ``explicit`` is True for text that follows an answer marker (the answer is near its
        start) and False for the fallback last line (the answer is near its end).
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# Emphasized spans of a line: **bold**, __bold__, "quoted", “quoted”.
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|\"([^\"\n]{1,60})\"|“([^”\n]{1,60})”")
_OPENING_LABEL = re.compile(r"^(?:A|(?:final\s+)?answer)\s*[:：]\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# An opening sentence that announces what is to be worked out states no answer.
_PLANNING = re.compile(
    r"\b(?:whether|if|determine|determining|check|checking|evaluate|evaluating|analy[sz]e|analy[sz]ing"
    r"|consider|let's|let\s+us|let\s+me|need\s+to|to\s+see)\b|\?",
    re.IGNORECASE,
)
_NEXT_STEP = re.compile(
    r"^\W*(?:(?:now|next|first|then),?\s+)?(?:let's|let\s+us|let\s+me|we\s+(?:need|must|should|will)"
    r"|i\s+(?:need|will|should)|i'll|to\s+(?:determine|check|find|see))\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|incorrect|wrong|eliminate[sd]?|unlikely|cannot)\b|n't\b", re.IGNORECASE
)


def inside(position: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``position`` falls in one of ``spans``."""
    return any(start <= position < end for start, end in spans)
