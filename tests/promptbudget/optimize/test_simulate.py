"""The simulated run: the loop's own rules played on measured answers, with the cache's reuse."""

from __future__ import annotations

import numpy as np
import pytest

from promptbudget.engines import Thinking, Usage
from promptbudget.optimize.acceptance import ToleranceRule
from promptbudget.optimize.ladder import Rung
from promptbudget.optimize.loop import VALIDATION_CHUNK
from promptbudget.optimize.simulate import Answer, Draw, Measurements, Schedule, SimulatedRun, draw_parameters
from promptbudget.pricing import Price

PRICE = Price(input=3.0, output=15.0)
RUNG = Rung(Thinking.budget(1024), 2048)


def _answer(correct: bool, output: int, input_tokens: int = 100) -> Answer:
    return Answer(correct, True, input_tokens, output,
                  cost_usd=PRICE.cost(Usage(input_tokens=input_tokens, output_tokens=output)))


def _schedule(focus: str, steps: int, val: list[str], test: list[str], ladder=(RUNG,), start=0,
              validation: bool = True) -> Schedule:
    batches = [(i, focus, [f"train {i} {j}" for j in range(2)]) for i in range(steps)]
    return Schedule(batches, val if validation else [], test, list(ladder), start, validation, ToleranceRule(),
                    PRICE)


def _draw(m: Measurements, *, accuracy: float, stay_right: float, turn_right: float, ratio: float) -> Draw:
    return Draw(np.arange(len(m.keys)), accuracy, stay_right, turn_right, np.array([ratio]),
                np.array(m.feedback_usd), np.array(m.optimizer_usd))


def _measurements(keys: list[str], rungs: dict[int, list[Answer]]) -> Measurements:
    return Measurements(keys, rungs, [(rungs[0][0], rungs[0][0])], [0.01], [0.02])


def _run(schedule, m, draw, seed=0) -> SimulatedRun:
    simulated = SimulatedRun(schedule, m, draw, np.random.default_rng(seed))
    simulated.run()
    return simulated


def test_an_answer_the_run_already_paid_for_is_free():
    keys = [f"q{i}" for i in range(4)]
    m = _measurements(keys, {0: [_answer(True, 300 + 10 * i) for i in range(4)]})
    run = _run(_schedule("efficiency", 0, keys, keys), m, _draw(m, accuracy=1, stay_right=1, turn_right=1, ratio=1))
    assert run.calls["initial test"] == 4
    assert run.cost["initial test"] == pytest.approx(sum(a.cost_usd for a in m.rungs[0]))
    # Validation asks the same questions with the same prompt: the cache serves them; the prompt never changed.
    assert "initial validation" not in run.calls and "final test" not in run.calls


def test_candidates_whose_tokens_never_change_never_pass_the_efficiency_gate():
    keys = [f"q{i}" for i in range(6)]
    m = _measurements(keys, {0: [_answer(i % 2 == 0, 300 + 40 * i) for i in range(6)]})
    run = _run(_schedule("efficiency", 3, keys, ["t1", "t2"]),
               m, _draw(m, accuracy=0.5, stay_right=1, turn_right=0, ratio=1.0))
    assert run.calls["training answers"] == 6 and run.calls["minibatch gate"] == 6
    assert run.calls["feedback (backward)"] == 6 and run.calls["optimizer (TGD)"] == 3
    assert run.cost["optimizer (TGD)"] == pytest.approx(3 * 0.02)
    assert "candidate validation" not in run.calls and "final test" not in run.calls


def test_a_candidate_that_halves_the_tokens_is_validated_in_full_and_shipped():
    keys = [f"q{i}" for i in range(6)]
    m = _measurements(keys, {0: [_answer(True, 400 + 20 * i) for i in range(6)]})
    run = _run(_schedule("efficiency", 2, keys, ["t1", "t2", "t3"]),
               m, _draw(m, accuracy=1, stay_right=1, turn_right=1, ratio=0.5))
    assert run.version == 2
    assert run.calls["candidate validation"] == 2 * len(keys)  # the current prompt's come from the cache
    assert run.calls["final test"] == 3
    assert run.outcome(2, 0, "q1").output_tokens == round(round(420 * 0.5) * 0.5)


def test_validation_stops_once_no_remaining_item_could_make_the_candidate_win():
    keys = [f"q{i}" for i in range(20)]
    m = _measurements(keys, {0: [_answer(True, 300) for _ in keys]})
    # Training items are wrong, the candidate fixes them (gate passes) but breaks every validation item.
    run = _run(_schedule("accuracy", 2, keys, ["t1"]), m, _draw(m, accuracy=0, stay_right=0, turn_right=1, ratio=1))
    assert run.calls["minibatch gate"] == 4
    assert run.calls["candidate validation"] == 2 * VALIDATION_CHUNK
    assert run.version == 0 and "final test" not in run.calls


def test_no_validation_accepts_what_passes_the_gate():
    keys = [f"q{i}" for i in range(4)]
    m = _measurements(keys, {0: [_answer(True, 300) for _ in keys]})
    run = _run(_schedule("accuracy", 1, keys, ["t1", "t2"], validation=False),
               m, _draw(m, accuracy=0, stay_right=1, turn_right=1, ratio=1))
    assert run.version == 1 and run.calls["final test"] == 2 and "candidate validation" not in run.calls


def test_a_thinking_move_to_a_cheaper_rung_is_measured_and_shipped():
    cheap, rich = Rung(Thinking.off(), 2048), RUNG
    # A cut must clear the loss bound (optimize/cuts.py): enough validation items whose thinking it cuts.
    keys = [f"q{i}" for i in range(40)]
    rich_answers = [Answer(True, True, 100, 500, thinking_tokens=400, cost_usd=PRICE.cost(Usage(input_tokens=100, output_tokens=500)),
                           item_id=key) for key in keys]
    m = _measurements(keys, {0: [_answer(True, 100) for _ in keys], 1: rich_answers})
    run = _run(_schedule("efficiency", 1, keys, ["t1", "t2"], ladder=(cheap, rich), start=1),
               m, _draw(m, accuracy=1, stay_right=1, turn_right=1, ratio=1))
    assert [r.move.kind for r in run.step_records] == ["thinking"]
    assert "feedback (backward)" not in run.calls and run.rung == 0
    # The pilot measured the starting prompt at both rungs: validation at the cheap rung costs what it measured.
    assert run.cost["candidate validation"] == pytest.approx(sum(a.cost_usd for a in m.rungs[0]))
    assert run.calls["final test"] == 2 and run.outcome(0, 0, "t1").output_tokens == 100


def test_an_edited_prompt_at_another_rung_changes_as_the_starting_prompt_did():
    keys = ["q0"]
    m = _measurements(keys, {0: [_answer(True, 100)], 1: [_answer(False, 400)]})
    run = SimulatedRun(_schedule("efficiency", 0, keys, keys, ladder=(Rung(Thinking.off(), 2048), RUNG)), m,
                       _draw(m, accuracy=1, stay_right=1, turn_right=1, ratio=0.5), np.random.default_rng(0))
    run.parents[1] = 0
    assert run.outcome(1, 0, "q0").output_tokens == 50
    edited = run.outcome(1, 1, "q0")
    assert edited.output_tokens == 200 and not edited.correct


def test_the_gate_model_follows_the_measured_pairs():
    right, wrong = _answer(True, 300), _answer(False, 300)
    pairs = [(right, right)] * 30 + [(wrong, wrong)] * 30
    m = Measurements(["q"], {0: [right]}, pairs, [0.01], [0.02])
    draws = [draw_parameters(m, 0, np.random.default_rng(seed)) for seed in range(200)]
    assert np.mean([d.stay_right for d in draws]) > 0.9 and np.mean([d.turn_right for d in draws]) < 0.1
    assert all(d.ratios.tolist() == [1.0] * 60 for d in draws)
