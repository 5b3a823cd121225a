"""Deterministic, programmatic scoring of model responses (no LLM involved).

The scorers by name, and the answer kind of each BIG-Bench Hard task.  The steps every
scorer follows are in ``tasks.scorer`` (and ``tasks.commitment`` for what counts as a
committed answer); each kind of answer has its module: ``tasks.numbers``,
``tasks.choices``, ``tasks.keywords`` (True/False, Yes/No, valid/invalid) and
``tasks.texts`` (word lists, Dyck sequences, exact strings).

Scorer names: number, choice, boolean, yes_no, valid_invalid, word_list, dyck, exact.
"""

from __future__ import annotations

from .choices import ChoiceScorer
from .keywords import BooleanScorer, ValidInvalidScorer, YesNoScorer
from .numbers import NumberScorer
from .scorer import InvalidGoldError, Scorer
from .texts import EXACT, DyckScorer, WordListScorer

__all__ = ["BBH_TASK_SCORERS", "SCORERS", "SCORER_NAMES", "InvalidGoldError", "Scorer", "UnknownScorerError",
           "get_scorer"]


class UnknownScorerError(ValueError):
    """A scorer name that does not exist."""


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
