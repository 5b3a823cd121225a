"""Answers from closed sets of words: True/False, Yes/No, valid/invalid."""

from __future__ import annotations

import re
from typing import ClassVar, Optional

from .commitment import states_boolean_result
from .scorer import Scorer, inside


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
                if inside(chosen.start(), self._hedges(part)):
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
