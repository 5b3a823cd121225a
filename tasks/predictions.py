"""Scoring a JSONL file of model predictions, and the accuracy's confidence interval.

Each non-blank line is a JSON object with ``response`` (string, or null for a failed call,
which scores as no answer) and ``answer`` (the gold: string or number), and optionally the
call's ``stop_reason``: a response that stopped on ``"max_tokens"`` is credited only for an
answer it finished stating before the cut.  Other fields are kept.  The whole file is
validated before anything is scored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

from .jsonlines import json_object
from .scoring import InvalidGoldError, Scorer

Z_95 = NormalDist().inv_cdf(0.975)


class PredictionFileError(ValueError):
    """A predictions file that is missing, unreadable or has a malformed line."""


@dataclass(frozen=True)
class Accuracy:
    correct: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"accuracy {self.value:.3f} (95% CI {self.low:.3f}-{self.high:.3f}), n={self.total}"


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion (0, 1 when total is 0; exactly 0 below
    when nothing succeeded and exactly 1 above when everything did). promptbudget.stats uses it too."""
    if total == 0:
        return 0.0, 1.0
    p = successes / total
    z2 = z * z
    denom = 1.0 + z2 / total
    center = (p + z2 / (2.0 * total)) / denom
    half = (z / denom) * math.sqrt(p * (1.0 - p) / total + z2 / (4.0 * total * total))
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == total else min(1.0, center + half)
    return low, high


def read_predictions(path: Path, scorer: Scorer) -> list[dict[str, Any]]:
    """All records of ``path``, checked; raises PredictionFileError naming the bad line."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise PredictionFileError(f"predictions file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PredictionFileError(f"cannot read predictions file {path}: {error}") from None
    records = [
        _checked_record(line, path, line_number, scorer)
        for line_number, line in enumerate(lines, start=1)
        if line.strip()
    ]
    if not records:
        raise PredictionFileError(f"predictions file has no predictions: {path}")
    return records


def score_predictions(records: list[dict[str, Any]], scorer: Scorer) -> tuple[list[dict[str, Any]], Accuracy]:
    """Each record with ``correct``, ``extracted`` and ``failure`` added, and the accuracy."""
    scored = []
    for record in records:
        truncated = record.get("stop_reason") == "max_tokens"
        score = scorer.score(record["response"] or "", str(record["answer"]), truncated=truncated)
        scored.append({**record, "correct": score.correct, "extracted": score.extracted, "failure": score.failure})
    correct = sum(record["correct"] for record in scored)
    low, high = wilson_interval(correct, len(scored))
    return scored, Accuracy(correct=correct, total=len(scored), low=low, high=high)


def _checked_record(line: str, path: Path, line_number: int, scorer: Scorer) -> dict[str, Any]:
    def fail(problem: str) -> PredictionFileError:
        return PredictionFileError(f"{path}, line {line_number}: {problem}")

    record = json_object(line, fail)
    if "response" not in record or not (record["response"] is None or isinstance(record["response"], str)):
        raise fail("'response' must be a string (or null)")
    if not isinstance(record.get("stop_reason", ""), (str, type(None))):
        raise fail("'stop_reason' must be a string (or null), such as \"end_turn\" or \"max_tokens\"")
    answer = record.get("answer")
    if isinstance(answer, bool) or not isinstance(answer, (str, int, float)) or not str(answer).strip():
        raise fail("'answer' must be a non-empty string or a number")
    try:
        scorer.normalize_gold(str(answer))
    except InvalidGoldError as error:
        raise fail(f"{error} (scorer {scorer.name!r})") from None
    return record
