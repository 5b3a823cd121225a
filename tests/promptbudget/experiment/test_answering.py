"""answer_items scores what each call returned: a response cut off at max_tokens is credited only
for an answer it finished stating, and counts in both the truncation and the format rate."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from promptbudget.engines import Completion, Request, Usage
from promptbudget.engines.base import Engine
from promptbudget.engines.capabilities import Capabilities
from promptbudget.experiment.answering import ItemResult, answer_items, summarize
from promptbudget.pricing import PriceTable
from tasks import Item, Task, get_scorer

CUT = "Janet sells 16 - 3 - 4 = 9 duck eggs a day.\nShe makes 9 * 2 = 18"
REPLIES = {  # question: (text, stop_reason)
    "q-cut": (CUT, "max_tokens"),
    "q-whole": (CUT, "end_turn"),
    "q-answered-then-cut": ("The answer is 18.\nExplanation: she sells nine", "max_tokens"),
}


class FixedEngine(Engine):
    engine_name = "fixed"

    def capabilities(self) -> Capabilities:
        return Capabilities(thinking_budget=False, thinking_adaptive=False, max_tokens=None, source="generic")

    def _complete(self, request: Request) -> Completion:
        text, stop = REPLIES[request.prompt]
        return Completion(text=text, usage=Usage(input_tokens=5, output_tokens=20), stop_reason=stop, model=self.model)


def test_a_response_cut_at_max_tokens_is_no_answer_and_is_counted():
    items = [Item(id=question, question=question, answer="18") for question in REPLIES]
    task = Task(name="t", train=[], val=[], test=items, instruction="", scorer=get_scorer("number"))
    engine = FixedEngine("m", prices=PriceTable({}, "2026-01-01", "test"))
    results = [result for result, _ in answer_items("p", items, engine.for_role("answer", max_tokens=20), task,
                                                    threads=1, scope={})]
    by_id = {result.item_id: result for result in results}
    assert (by_id["q-cut"].correct, by_id["q-cut"].has_answer, by_id["q-cut"].failure) == (False, False, "no_answer")
    assert by_id["q-whole"].correct and by_id["q-whole"].has_answer
    assert by_id["q-answered-then-cut"].correct and by_id["q-answered-then-cut"].extracted == "18"
    summary = summarize(results)
    assert summary.truncation_rate == 2 / 3 and summary.format_rate == 2 / 3
    assert (summary.correct, summary.answered) == (2, 2)


def test_the_results_and_their_statistics_are_the_records_they_are_saved_as():
    from promptbudget.records.run import SavedItem, SavedStats

    result = ItemResult(item_id="q", correct=True, extracted="1", failure=None, has_answer=True, input_tokens=5,
                        output_tokens=7, thinking_tokens=None, stop_reason="end_turn", cost_usd=None)
    assert isinstance(result, SavedItem) and list(result.to_json())[:2] == ["item_id", "correct"]
    stats = summarize([result])
    assert isinstance(stats, SavedStats) and (stats.n, stats.correct, stats.cost_usd) == (1, 1, None)
    assert summarize([]).to_json() == {"n": 0}  # nothing evaluated: only the count, as the files say
    with pytest.raises(ValidationError, match="output_tokens"):
        result.but(output_tokens="7")  # strict: a count as text is refused where it is made


def test_parallel_map_keeps_job_order_on_threads_and_inline():
    import threading

    from promptbudget.experiment.answering import parallel_map

    seen: set[str] = set()

    def square(n: int) -> int:
        seen.add(threading.current_thread().name)
        return n * n

    assert parallel_map(square, list(range(20)), threads=4, name="probe") == [n * n for n in range(20)]
    assert all(name.startswith("probe") for name in seen)
    seen.clear()
    assert parallel_map(square, [3, 4], threads=1, name="probe") == [9, 16]
    assert seen == {threading.current_thread().name}
