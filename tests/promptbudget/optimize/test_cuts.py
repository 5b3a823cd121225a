"""The thinking-cut bound: a cheaper setting passes only when the validation sample bounds what it may lose."""

from __future__ import annotations

import pytest

from promptbudget.engines.types import Thinking
from promptbudget.experiment.answering import ItemResult
from promptbudget.optimize.cuts import CUT_MARGIN, binomial_upper, cut_rejection, loss_bound
from promptbudget.optimize.ladder import Rung

OFF, B1024, B4096, LOW = (Rung(Thinking.off(), 4096), Rung(Thinking.budget(1024), 5120),
                          Rung(Thinking.budget(4096), 8192), Rung(Thinking.adaptive("low"), 8192))


def answer(i, correct, thinking):
    return ItemResult(item_id=f"q{i}", correct=correct, extracted="1", failure=None, has_answer=True, input_tokens=10,
                      output_tokens=100 + thinking, thinking_tokens=thinking, stop_reason="end_turn", cost_usd=None)


def answers(n, thinking, wrong=()):
    return [answer(i, i not in wrong, thinking(i)) for i in range(n)]


def test_the_upper_bound_is_clopper_pearson():
    assert binomial_upper(0, 30) == pytest.approx(1 - 0.2 ** (1 / 30))
    assert binomial_upper(0, 3) == pytest.approx(1 - 0.2 ** (1 / 3))
    assert binomial_upper(3, 3) == 1.0 and binomial_upper(0, 0) == 0.0
    assert binomial_upper(1, 10) > binomial_upper(0, 10)


def test_a_tie_on_30_items_cannot_pass_a_cut_of_every_answer():
    old = answers(30, lambda i: 2000)
    rejection = cut_rejection(old, answers(30, lambda i: 0), OFF, 0.0)
    assert rejection is not None and "30 of the 30 validation answers" in rejection.reason
    assert cut_rejection(old, [], B1024, 0.0) is not None  # known before any call
    assert loss_bound(old, old, OFF)["bound"] == pytest.approx(binomial_upper(0, 30))


def test_a_cut_that_binds_on_few_answers_passes_on_a_tie_but_not_with_a_loss():
    old = answers(30, lambda i: 6000 if i < 3 else 2000)
    assert loss_bound(old, [], B4096)["cut"] == 3
    assert cut_rejection(old, answers(30, lambda i: min(4096, 6000 if i < 3 else 2000)), B4096, 0.0) is None
    lost_one = answers(30, lambda i: 2000, wrong={0})
    assert cut_rejection(old, lost_one, B4096, 0.0) is not None


def test_losses_where_thinking_was_not_cut_count_in_full():
    old = answers(30, lambda i: 6000 if i == 0 else 2000)
    new = answers(30, lambda i: 2000, wrong={5, 6})
    bound = loss_bound(old, new, B4096)
    assert (bound["cut"], bound["lost_uncut"]) == (1, 2)
    assert bound["bound"] == pytest.approx((2 + binomial_upper(0, 1)) / 30)


def test_an_effort_level_cuts_every_answer_and_more_items_let_a_tie_pass():
    assert loss_bound(answers(30, lambda i: 0), [], LOW)["cut"] == 30
    old = answers(40, lambda i: 2000)
    assert cut_rejection(old, old, OFF, 0.0) is None
    assert loss_bound(old, old, OFF)["bound"] <= CUT_MARGIN


def test_a_larger_accuracy_tolerance_widens_the_margin():
    old = answers(30, lambda i: 2000)
    assert cut_rejection(old, old, OFF, 0.06) is None
