"""When a step moves the thinking setting, and which way."""

from __future__ import annotations

from types import SimpleNamespace

from promptbudget.engines.types import Thinking
from promptbudget.optimize.ladder import Rung
from promptbudget.optimize.moves import propose, tried_rungs
from promptbudget.records.run import SavedMove, SavedStep

RUNGS = [Rung(Thinking.off(), 4096), Rung(Thinking.budget(1024), 5120), Rung(Thinking.budget(2048), 6144)]


def answers(*specs):
    return [SimpleNamespace(correct=c, stop_reason=s) for c, s in specs]


def test_efficiency_bisects_the_cheaper_rungs_not_yet_tried():
    batch = answers((True, "end_turn"))
    five = RUNGS + [Rung(Thinking.budget(4096), 8192), Rung(Thinking.budget(8192), 12288)]
    assert propose(0, "efficiency", five, 4, batch, set()).target == 2
    assert propose(0, "efficiency", five, 4, batch, {2}).target == 1
    assert propose(0, "efficiency", five, 2, batch, set()).target == 1
    assert propose(0, "efficiency", RUNGS, 2, batch, {1}).target == 0
    assert propose(0, "efficiency", RUNGS, 2, batch, {0, 1}) is None
    assert propose(0, "efficiency", RUNGS, 0, batch, set()) is None


def test_accuracy_tries_a_richer_rung_only_when_answers_were_wrong_or_cut():
    assert propose(0, "accuracy", RUNGS, 0, answers((True, "end_turn")), set()) is None
    move = propose(0, "accuracy", RUNGS, 0, answers((False, "max_tokens"), (True, "end_turn")), set())
    assert move.target == 1 and "1 of 2 training answers were wrong (1 truncated)" in move.why
    assert propose(0, "accuracy", RUNGS, 2, answers((False, "end_turn")), set()) is None
    assert propose(0, "accuracy", RUNGS, 0, answers((False, "end_turn")), {1}) is None


def test_odd_steps_and_single_rung_ladders_edit_the_prompt():
    batch = answers((False, "end_turn"))
    assert propose(1, "efficiency", RUNGS, 2, batch, set()) is None
    assert propose(0, "efficiency", RUNGS[:1], 0, batch, set()) is None


def test_tried_rungs_come_from_the_step_records_of_the_same_prompt():
    def step(version, move=None):
        return SavedStep(index=0, epoch=0, step=0, focus="efficiency", prompt_version=version,
                         move=None if move is None else SavedMove(kind=move[0], to_rung=move[1]))

    steps = [step(0, ("thinking", 1)), step(0, ("prompt", 2)), step(1, ("thinking", 0)), step(0)]
    assert tried_rungs(steps, 0) == {1}
    assert tried_rungs(steps, 1) == {0}
