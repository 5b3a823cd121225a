"""Running both stages per cell: enforcement, ledger roles, parse failures, cost caps."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptbudget.confidence.runner import SCHEMA, run_split
from promptbudget.engines import Completion, Thinking
from promptbudget.engines.local import EARLY_STOP_NOTICE, SMALL_MODEL_WARNING
from promptbudget.ledger import Ledger
from promptbudget.pricing import Price

from ._fakes import QUESTIONS, ScriptedEngine, config, local_engine, scripted, words, write_task

approx = pytest.approx


def test_two_stages_with_real_budgets_and_counted_parse_failures(tmp_path: Path) -> None:
    engine = scripted(price=Price(input=1.0, output=5.0))
    results = run_split(config(write_task(tmp_path), output_allowance=300), engine=engine, progress=False)
    assert results["schema"] == SCHEMA and results["status"] == "completed"
    (cell,) = results["cells"]
    assert (cell["answer_budget"], cell["confidence_budget"]) == (1024, 1024)
    assert cell["enforcement"] == "thinking budget / thinking budget"

    # Exactly one answer call and one confidence call per item: nothing retried.
    assert len(engine.requests) == 8
    answer_requests = [r for r in engine.requests if "<PROPOSED_ANSWER>" not in r.prompt]
    judge_requests = [r for r in engine.requests if "<PROPOSED_ANSWER>" in r.prompt]
    assert all(r.thinking == Thinking.budget(1024) and r.max_tokens == 1324 for r in engine.requests)
    assert all("probability that the proposed answer is correct" in r.system for r in judge_requests)
    assert all(r.system == results["prompts"]["answer_system"] for r in answer_requests)
    # The proposed answer reaches stage 2 without the answer's thinking.
    first = next(r for r in judge_requests if "What is 2+2?" in r.prompt)
    assert "secret" not in first.prompt and "Answer: 4" in first.prompt

    by_role = results["ledger"]["by_role"]
    assert by_role["answer"]["calls"] == 4 and by_role["confidence"]["calls"] == 4
    assert set(by_role) == {"answer", "confidence"}
    assert {r.scope["cell"] for r in engine.ledger.records()} == {"B2048_r0.5"}

    m = cell["metrics"]
    assert (m["n"], m["correct"], m["n_parsed"], m["parse_failures"]) == (4, 2, 3, 1)
    assert m["parse_failure_rate"] == approx(0.25)
    # Parsed: (0.9, right), (0.2, wrong), (0.7, wrong) -> ECE = (0.1 + 0.2 + 0.7) / 3, one item per bin
    assert m["ece"] == approx(1.0 / 3)
    assert m["brier"] == approx((0.01 + 0.04 + 0.49) / 3)
    assert m["auroc"] == approx(1.0)
    failed = next(i for i in cell["items"] if i["item_id"] == "s2")
    assert failed["confidence"] is None and failed["correct"] is True
    assert failed["parse_error"] == "no 'Confidence:' line" and failed["confidence_raw"] == "I cannot say."
    # Cost: per call (10 input x $1 + (7 + 1024) output x $5) per million tokens, two calls per item.
    per_call = (10 * 1.0 + 1031 * 5.0) / 1e6
    assert m["cost_usd"] == approx(8 * per_call)
    assert failed["answer_thinking_tokens"] == 1024 and failed["answer_output_tokens"] == 1031


def test_seed_total_200_runs_thinking_off_on_api_models_and_says_so(tmp_path: Path) -> None:
    engine = scripted()
    results = run_split(config(write_task(tmp_path), total_budget=(200,), ratios=(1.0, 0.5, 0.0)),
                        engine=engine, progress=False)
    cells = {c["ratio"]: c for c in results["cells"]}
    assert sorted(cells) == [0.0, 0.5, 1.0]
    assert [(cells[r]["answer_budget"], cells[r]["confidence_budget"]) for r in (1.0, 0.5, 0.0)] == \
        [(200, 0), (100, 100), (0, 200)]
    assert all(c["enforcement"] == "thinking off / thinking off" for c in cells.values())
    assert all(r.thinking == Thinking.off() for r in engine.requests)
    assert any("at least 1024" in w and "100, 200" in w for w in results["warnings"])
    assert any("identical requests" in w for w in results["warnings"])


def test_local_thinking_model_stops_thinking_at_the_stage_budget(tmp_path: Path) -> None:
    engine, backend = local_engine(tmp_path, "qwen3-fake.gguf", thinks=True)
    results = run_split(config(write_task(tmp_path), total_budget=(200,), ratios=(0.75, 0.0), output_allowance=64),
                        engine=engine, progress=False)
    cells = {c["ratio"]: c for c in results["cells"]}
    assert cells[0.75]["enforcement"] == "forced stop / forced stop"
    assert cells[0.0]["enforcement"] == "thinking off / forced stop"
    thinking_calls = [c for c in backend.calls if c["stop"] and "</think>" in c["stop"]]
    # Per item of the 0.75 cell: 150 for the answer, 50 for the confidence; 0.0 cell: 200 for confidence.
    assert sorted({c["max_tokens"] for c in thinking_calls}) == [50, 150, 200]
    notice = words(EARLY_STOP_NOTICE)
    item = cells[0.75]["items"][0]
    assert item["answer_thinking_tokens"] == 150 + notice
    assert item["confidence_thinking_tokens"] == 50 + notice
    assert item["confidence"] == approx(0.8) and item["correct"] is False  # the fake always says "Yes"
    no_think = [c for c in backend.calls if c["prompt"].endswith("<think>\n\n</think>\n\n")]
    assert len(no_think) == len(QUESTIONS)  # the 0.0 cell's answers ran with an empty think block
    assert SMALL_MODEL_WARNING not in results["warnings"]


def test_small_local_model_without_thinking_gets_caps_and_the_warning(tmp_path: Path) -> None:
    engine, backend = local_engine(tmp_path, "SmolLM2-135M-fake.gguf", thinks=False)
    results = run_split(config(write_task(tmp_path), total_budget=(200,), ratios=(1.0,), min_answer_tokens=32),
                        engine=engine, progress=False)
    (cell,) = results["cells"]
    assert cell["enforcement"] == "max_tokens cap / max_tokens cap"
    assert (cell["answer_stage"]["max_tokens"], cell["confidence_stage"]["max_tokens"]) == (200, 32)
    assert sorted({c["max_tokens"] for c in backend.calls}) == [32, 200]
    assert SMALL_MODEL_WARNING in results["warnings"]
    assert any("does not think" in w for w in results["warnings"])


def test_cost_cap_stops_the_run_and_keeps_finished_items(tmp_path: Path) -> None:
    # Worst case per call ~ 2048 output tokens x $5/M ~ $0.0103, actual ~ $0.0052: two calls fit in $0.02.
    engine = scripted(price=Price(input=1.0, output=5.0), ledger=Ledger(max_cost=0.02))
    results = run_split(config(write_task(tmp_path)), engine=engine, progress=False)
    assert results["status"] == "stopped" and "cost cap" in results["error"]
    (cell,) = results["cells"]
    assert cell["complete"] is False
    assert cell["metrics"]["n"] == 1  # the first item finished both stages
    assert engine.ledger.spent_usd <= 0.02


def test_a_ratio_or_budget_given_twice_runs_once_with_a_warning(tmp_path: Path) -> None:
    engine = scripted()
    results = run_split(config(write_task(tmp_path), ratios=(0.5, 1.0, 0.5), total_budget=(2048, 2048)),
                        engine=engine, progress=False)
    assert [(c["answer_budget"], c["confidence_budget"]) for c in results["cells"]] == [(1024, 1024), (2048, 0)]
    assert "--ratios 0.5 is given 2 times; it runs once" in results["warnings"]
    assert "--total_budget 2048 is given 2 times; it runs once" in results["warnings"]
    assert not any("--ratios 1 " in w for w in results["warnings"])


def test_an_answer_cut_at_max_tokens_gets_no_credit_and_counts_as_truncated(tmp_path: Path) -> None:
    class CutFirstAnswer(ScriptedEngine):
        def _complete(self, request):
            completion = super()._complete(request)
            if request.prompt != "What is 2+2?":
                return completion
            return Completion(text="2+2 is four, so the sum is 4", usage=completion.usage, stop_reason="max_tokens",
                              model=completion.model)

    base = scripted()
    results = run_split(config(write_task(tmp_path)), engine=CutFirstAnswer(base.answers, base.confidences),
                        progress=False)
    (cell,) = results["cells"]
    cut = next(i for i in cell["items"] if i["item_id"] == "s0")
    assert (cut["correct"], cut["extracted"], cut["answer_failure"]) == (False, None, "no_answer")
    assert cell["metrics"]["correct"] == 1 and cell["metrics"]["answer_truncation_rate"] == approx(0.25)
