"""Deterministic, programmatic scoring of model responses (no LLM involved).

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

import math
import re
import string
from abc import ABC, abstractmethod
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Optional

from .commitment import (
    commits_to_letter,
    finished_text,
    is_trace_step,
    is_unfinished,
    ranks_letters,
    states_boolean_result,
)
from .core import Score
from .extraction import (
    explicit_answers,
    first_line,
    has_content,
    last_line,
    strip_markup,
    strip_thinking,
    unwrap_latex,
)


class InvalidGoldError(ValueError):
    """A gold answer that cannot be read as the scorer's kind of answer."""


class UnknownScorerError(ValueError):
    """A scorer name that does not exist."""


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


# --- numbers ---------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|(?<![\w.])-?\.\d+")
_FRACTION_TAIL = re.compile(r"\s*/\s*(\d+(?:\.\d+)?)(?![\d.,]*\d|\s*/)")  # not dates
_LATEX_FRACTION = re.compile(r"\\[dt]?frac\s*\{\s*(-?[\d.,]+)\s*\}\s*\{\s*(-?[\d.,]+)\s*\}")
_NEGATIVE_CURRENCY = re.compile(r"(?<!\d)(?<!\d\s)-\s*[$€£¥]\s*")  # "-$5", not "10 - $5"
_CURRENCY = re.compile(r"[$€£¥]\s*")
_DIGIT_GROUP_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f\u2009](?=\d{3}\b)")  # "1 234" (no-break/thin)
_ARITHMETIC = re.compile(r"[+*/×÷^]|\s[x-]\s")
_EMPHASIZED = re.compile(r"\*\*(.+?)\*\*")
# Numbers that name a part of the response, not a quantity: "**Step 4:**", "Part 2".
_COUNTER_LABEL = re.compile(
    r"\b(?:step|part|phase|stage|method|option|question|problem|example)\s*#?\s*\d+(?:\.\d+)*\b",
    re.IGNORECASE,
)
_HEADING_NUMBER = re.compile(r"^\s*#+\s*\d+[.)]\s+(?=\D)")  # "#### 3. Calculate the revenue"
_PARENTHESIZED_ASIDE = re.compile(r"\(([^()]*)\)")
_RESTATEMENT = re.compile(r"[,;]\s+(?:or|i\.e\.|that is)\s+(?=\S*\d)", re.IGNORECASE)
_NUMBER_HEDGE = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)\s+or\s+(-?\d[\d,]*(?:\.\d+)?)(?![\d.,]*\d)")


class NumberScorer(Scorer):
    """Numeric answers: "$1,234.50", "-5", "18 apples", "25%", "\\frac{1}{2}".

    Compared numerically with a small tolerance; never by substring ("18" is not "180").
    A number in bold ("Janet makes **$18** per day") is the answer when it is the only
    bold number.  Otherwise, after a marker the first number counts, unless the text is a
    calculation ("9 × $2 = $18"), in which case the number after the last "=" counts; in
    the fallback last line the last number counts.  Calculations in parentheses ("$18 per
    day (9 × $2)") and the numbers of steps and headings ("**Step 4:**", "### 3. Total")
    are not answers; "12 or 13" is a hedge.
    """

    name = "number"
    kind = "numeric"
    value_description = "a numerical value"
    keeps_emphasis = True
    finished_lines_only = False

    def parse(self, text: str, *, explicit: bool) -> Optional[str]:
        emphasized = _emphasized_number(text)
        if emphasized is not None:
            return emphasized
        text = _without_calculation_asides(_prepare_numbers(text.replace("**", "")))
        if explicit:
            for part in (_result_of_calculation(text), text):
                match = _NUMBER.search(part)
                if match:
                    return None if _inside(match.start(), _number_hedges(part)) else _first_number(part)
            return None
        text = _HEADING_NUMBER.sub("", text)
        matches = list(_NUMBER.finditer(text))
        if not matches or _inside(matches[-1].start(), _number_hedges(text)):
            return None
        return _canonical_number(matches[-1].group())

    def equivalent(self, extracted: str, gold_answer: str) -> bool:
        return math.isclose(float(extracted), float(gold_answer), rel_tol=1e-6, abs_tol=1e-6)


def _prepare_numbers(text: str) -> str:
    text = unwrap_latex(text).replace("\u2212", "-").replace("\u2013", "-")
    text = _COUNTER_LABEL.sub(" ", text)
    text = _DIGIT_GROUP_SPACE.sub("", text)
    text = _LATEX_FRACTION.sub(r"\1/\2", text)
    text = _NEGATIVE_CURRENCY.sub("-", text)
    return _CURRENCY.sub("", text)


def _emphasized_number(text: str) -> Optional[str]:
    """The value of the bold numbers in ``text`` when they all agree, else None."""
    values = set()
    for span in _EMPHASIZED.findall(text):
        span = _without_calculation_asides(_prepare_numbers(span))
        value = _first_number(_result_of_calculation(span)) or _first_number(span)
        if value is not None:
            values.add(value)
    return values.pop() if len(values) == 1 else None


def _without_calculation_asides(text: str) -> str:
    """``text`` without asides after its answer, when a number remains outside them.

    Asides are parenthesized calculations ("$18 per day (9 × $2)") and restatements in
    other units after ", or" ("160 minutes, or 2 hours and 40 minutes").
    """
    def drop_calculation(match: re.Match[str]) -> str:
        inside = match.group(1)
        is_calculation = ("=" in inside or _ARITHMETIC.search(inside)) and _NUMBER.search(inside)
        return " " if is_calculation else match.group()

    stripped = _PARENTHESIZED_ASIDE.sub(drop_calculation, text)
    before_restatement = _RESTATEMENT.split(stripped, maxsplit=1)[0]
    if _NUMBER.search(before_restatement):
        return before_restatement
    return stripped if _NUMBER.search(stripped) else text


def _number_hedges(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that offer two different numbers as alternatives ("12 or 13")."""
    spans = []
    for match in _NUMBER_HEDGE.finditer(text):
        first, second = (_canonical_number(group) for group in match.groups())
        if first is not None and second is not None and first != second:
            spans.append(match.span())
    return spans


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _result_of_calculation(text: str) -> str:
    """The part after the last "=" when ``text`` is a calculation, else ``text``."""
    if "=" not in text:
        return text
    before_last_equals, _, after_last_equals = text.rpartition("=")
    starts_without_number = not _NUMBER.search(text.split("=", 1)[0])
    if starts_without_number or _ARITHMETIC.search(before_last_equals):
        return after_last_equals
    return text


def _first_number(text: str) -> Optional[str]:
    match = _NUMBER.search(text)
    if match is None:
        return None
    fraction = _FRACTION_TAIL.match(text, match.end())
    if fraction and "," not in match.group():
        denominator = Decimal(fraction.group(1))
        if denominator != 0:
            return _canonical_number(str(Decimal(match.group()) / denominator))
    return _canonical_number(match.group())


def _canonical_number(text: str) -> Optional[str]:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


# --- multiple-choice letters -------------------------------------------------------------

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
        if match is None or _inside(match.start(1), _letter_hedges(text)):
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


# --- closed sets of words ----------------------------------------------------------------


class KeywordScorer(Scorer):
    """Answers from a closed set of words, found as whole words, case-insensitively.

    After a marker the first keyword counts; in the fallback last line the first or the
    last one, depending on the kind (``fallback_takes_last``).  Weaker synonyms
    (``secondary``, e.g. "plausible" for Yes) count only where no keyword appears.  Two
    different keywords offered as alternatives ("yes or no") give no answer.
    """

    pattern: ClassVar[re.Pattern[str]]
    secondary: ClassVar[Optional[re.Pattern[str]]] = None
    canonical: ClassVar[dict[str, str]]
    fallback_takes_last: ClassVar[bool] = False
    answer_first = True

    def parse(self, text: str, *, explicit: bool) -> Optional[str]:
        part = self._relevant_part(text, explicit).replace("**", "")
        for pattern in (self.pattern, self.secondary):
            if pattern is None:
                continue
            matches = [match for match in pattern.finditer(part) if self._is_answer(match, part, explicit)]
            if matches:
                chosen = matches[-1] if (self.fallback_takes_last and not explicit) else matches[0]
                if _inside(chosen.start(), self._hedges(part)):
                    return None
                if not explicit and not self._concludes(part, chosen):
                    return None
                return self._canonical(chosen.group(0))
        return None

    def options_named(self, text: str) -> set[str]:
        return {
            self._canonical(match.group(0))
            for pattern in (self.pattern, self.secondary)
            if pattern is not None
            for match in pattern.finditer(text)
            if self._is_answer(match, text, explicit=False)
        }

    def leading_answer(self, text: str) -> Optional[str]:
        """A keyword that opens ``text`` as a sentence of its own: "No, ...", "Valid."."""
        match = self.pattern.match(text)
        if match and re.match(r"\s*(?:[.,;:!)\u2014\u2013-]|$)", text[match.end():]):
            return self._canonical(match.group(0))
        return None

    def _canonical(self, word: str) -> str:
        return self.canonical[re.sub(r"\s+", " ", word.lower())]

    def _is_answer(self, match: re.Match[str], text: str, explicit: bool) -> bool:
        """Whether ``match`` states an answer rather than using the word in passing."""
        return True

    def _concludes(self, line: str, match: re.Match[str]) -> bool:
        """Whether the keyword ``match`` on the fallback last ``line`` is its conclusion."""
        return True

    def _hedges(self, text: str) -> list[tuple[int, int]]:
        """The spans of ``text`` that offer two different answers as alternatives."""
        words = "|".join(p.pattern for p in (self.pattern, self.secondary) if p is not None)
        alternatives = re.compile(
            rf"({words})[\s\"'`*_]*,?\s*(?:or|nor|/)\s*[\"'`*_]*({words})", re.IGNORECASE
        )
        return [
            match.span()
            for match in alternatives.finditer(text)
            if self._canonical(match.group(1)) != self._canonical(match.group(2))
        ]

    def _relevant_part(self, text: str, explicit: bool) -> str:
        return text


class BooleanScorer(KeywordScorer):
    """True/False (BBH boolean_expressions); "not True = False" counts the result.

    No up-front answer: the first line of a step-by-step evaluation holds intermediate
    values.  "or" is an operator of the expressions, so only "True or False?" is a hedge.
    A fallback last line counts only when it ends on its result ("Z = A and B = False.",
    "The result is **False**"), not on a sub-step ("Let's evaluate B: ...").
    """

    name = "boolean"
    kind = "True/False"
    value_description = "either True or False"
    pattern = re.compile(r"\b(?:true|false)\b", re.IGNORECASE)
    canonical = {"true": "True", "false": "False"}
    fallback_takes_last = True
    answer_first = False

    def _hedges(self, text: str) -> list[tuple[int, int]]:
        # "or" is an operator of the expressions ("True or False = True"); only the
        # question "True or False?" is a hedge.
        pattern = re.compile(r"\b(?:true\s+or\s+false|false\s+or\s+true)\s*\?", re.IGNORECASE)
        return [match.span() for match in pattern.finditer(text)]

    def _concludes(self, line: str, match: re.Match[str]) -> bool:
        return states_boolean_result(line, match.start(), match.end())

    def _relevant_part(self, text: str, explicit: bool) -> str:
        if explicit and "=" in text:
            after_last_equals = text.rpartition("=")[2]
            if self.pattern.search(after_last_equals):
                return after_last_equals
        return text


# "no" followed by a word that is not a conjunction or pronoun: "no evidence", "no one".
_NO_AS_DETERMINER = re.compile(
    r"\s+(?!(?:because|since|as|but|and|so|he|she|it|they|we|i|you|this|that|there|not)\b)[a-z]"
)


class YesNoScorer(KeywordScorer):
    """Yes/No (causal_judgement, navigate, sports_understanding, web_of_lies).

    "No" followed by a word ("there is no evidence") is the determiner, not an answer,
    unless it opens the text after a marker ("the answer is no because...").  Where no
    Yes/No is given, a verdict of "plausible" counts as Yes and "implausible"/"not
    plausible" as No (sports_understanding asks whether a sentence is plausible); "it is
    plausible that..." only says something might be so, and counts as nothing.
    """

    name = "yes_no"
    kind = "Yes/No"
    value_description = "either Yes or No"
    pattern = re.compile(r"\b(?:yes|no)\b", re.IGNORECASE)
    secondary = re.compile(
        r"\b(?:not\s+(?:very\s+|at\s+all\s+)?plausible|implausible|plausible)\b", re.IGNORECASE
    )
    canonical = {
        "yes": "Yes",
        "no": "No",
        "plausible": "Yes",
        "implausible": "No",
        "not plausible": "No",
        "not very plausible": "No",
        "not at all plausible": "No",
    }

    def _is_answer(self, match: re.Match[str], text: str, explicit: bool) -> bool:
        if "plausible" in match.group(0).lower():
            return re.match(r"\W*that\b", text[match.end():]) is None
        if match.group(0).lower() != "no":
            return True
        if explicit and not text[: match.start()].strip(" \t\"'`*_:("):
            return True
        return _NO_AS_DETERMINER.match(text, match.end()) is None


class ValidInvalidScorer(KeywordScorer):
    """valid/invalid (BBH formal_fallacies); "invalid" never counts as "valid"."""

    name = "valid_invalid"
    kind = "valid/invalid"
    value_description = "either valid or invalid"
    pattern = re.compile(
        r"\b(?:not\s+(?:deductively\s+|logically\s+|formally\s+)?valid|invalid|valid)\b", re.IGNORECASE
    )
    canonical = {
        "valid": "valid",
        "invalid": "invalid",
        "not valid": "invalid",
        "not deductively valid": "invalid",
        "not logically valid": "invalid",
        "not formally valid": "invalid",
    }


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

SCORERS: dict[str, Scorer] = {
    scorer.name: scorer
    for scorer in (
        NumberScorer(),
        ChoiceScorer(),
        BooleanScorer(),
        YesNoScorer(),
        ValidInvalidScorer(),
        WordListScorer(),
        DyckScorer(),
        EXACT,
    )
}
SCORER_NAMES: tuple[str, ...] = tuple(SCORERS)


def get_scorer(name: str) -> Scorer:
    """The scorer called ``name``; raises UnknownScorerError listing the known names."""
    try:
        return SCORERS[name]
    except KeyError:
        raise UnknownScorerError(
            f"unknown scorer {name!r}; known scorers: {', '.join(SCORER_NAMES)}"
        ) from None


# The answer kind of each BIG-Bench Hard task, checked against every target in the data.
BBH_TASK_SCORERS: dict[str, str] = {
    "boolean_expressions": "boolean",
    "causal_judgement": "yes_no",
    "date_understanding": "choice",
    "disambiguation_qa": "choice",
    "dyck_languages": "dyck",
    "formal_fallacies": "valid_invalid",
    "geometric_shapes": "choice",
    "hyperbaton": "choice",
    "logical_deduction_five_objects": "choice",
    "logical_deduction_seven_objects": "choice",
    "logical_deduction_three_objects": "choice",
    "movie_recommendation": "choice",
    "multistep_arithmetic_two": "number",
    "navigate": "yes_no",
    "object_counting": "number",
    "penguins_in_a_table": "choice",
    "reasoning_about_colored_objects": "choice",
    "ruin_names": "choice",
    "salient_translation_error_detection": "choice",
    "snarks": "choice",
    "sports_understanding": "yes_no",
    "temporal_sequences": "choice",
    "tracking_shuffled_objects_five_objects": "choice",
    "tracking_shuffled_objects_seven_objects": "choice",
    "tracking_shuffled_objects_three_objects": "choice",
    "web_of_lies": "yes_no",
    "word_sorting": "word_list",
}
