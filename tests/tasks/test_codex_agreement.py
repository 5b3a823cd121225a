"""A held-back style check: our BBH verdicts against the benchmark's own on the same outputs.

data/codex_bbh_samples.jsonl holds 110 code-davinci-002 outputs published with BIG-Bench
Hard (suzgunmirac/BIG-Bench-Hard, code-davinci-002-outputs/, MIT licensed): 71 few-shot
chain-of-thought and 39 direct answers over 13 tasks (15 task-modes), read from pages of those files at the
offsets recorded per line.  Long traces are trimmed in the middle ("..." lines); first lines,
last lines and every answer are the model's own.  Several chain-of-thought outputs stop
before a final answer: the published traces were cut off by the generation length.

The benchmark's verdict is exact match: of the text after "So the answer is" (final period
dropped) for chain-of-thought outputs, of the whole output for direct ones.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tasks import BBH_TASK_SCORERS, get_scorer

SAMPLES = [json.loads(line) for line in (Path(__file__).parent / "data" / "codex_bbh_samples.jsonl").open()]
MARKER = "So the answer is "


def benchmark_answer(sample: dict) -> str | None:
    """The answer BBH's exact match compares with the target (None: the output gives none)."""
    if sample["mode"] == "direct":
        return sample["prediction"].strip()
    if MARKER not in sample["prediction"]:
        return None
    answer = sample["prediction"].rsplit(MARKER, 1)[1].strip()
    return answer[:-1].strip() if answer.endswith(".") else answer


def commits(sample: dict) -> bool:
    """Whether the output states one final answer (not none, not two options)."""
    answer = benchmark_answer(sample)
    return answer is not None and len(set(re.findall(r"\(([A-Z])\)", answer))) <= 1


def our_score(sample: dict):
    return get_scorer(BBH_TASK_SCORERS[sample["task"]]).score(sample["prediction"], sample["target"])


def test_the_sample_covers_both_modes_and_the_lenient_classes():
    assert len(SAMPLES) == 110
    assert {s["mode"] for s in SAMPLES} == {"cot", "direct"}
    assert len({s["task"] for s in SAMPLES}) == 13
    assert sum(not commits(s) for s in SAMPLES) == 8  # 6 cut-off traces, "(A) or (B)", "(A) and (B)"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: f"{s['task']}-{s['mode']}-{s['offset']}")
def test_our_verdict_is_the_benchmarks(sample):
    assert our_score(sample).correct == (benchmark_answer(sample) == sample["target"])


@pytest.mark.parametrize("sample", [s for s in SAMPLES if not commits(s)],
                         ids=lambda s: f"{s['task']}-{s['offset']}")
def test_outputs_without_a_final_answer_have_no_answer(sample):
    score = our_score(sample)
    assert (score.extracted, score.failure) == (None, "no_answer")


def test_accuracy_per_task_mode_equals_the_benchmarks():
    ours, theirs = defaultdict(int), defaultdict(int)
    for sample in SAMPLES:
        key = (sample["task"], sample["mode"])
        ours[key] += our_score(sample).correct
        theirs[key] += benchmark_answer(sample) == sample["target"]
    assert ours == theirs and len(ours) == 15
