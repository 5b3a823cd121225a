"""Numeric answers (GSM8K, BBH object_counting and multistep_arithmetic_two)."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Optional

from .extraction import unwrap_latex
from .scorer import Scorer, inside

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
                    return None if inside(match.start(), _number_hedges(part)) else _first_number(part)
            return None
        text = _HEADING_NUMBER.sub("", text)
        matches = list(_NUMBER.finditer(text))
        if not matches or inside(matches[-1].start(), _number_hedges(text)):
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
