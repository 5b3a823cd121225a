"""The status an exception that ends a run maps to, and the status of parallel workers' endings."""

from __future__ import annotations

from promptbudget.errors import BudgetExceeded, EngineError
from promptbudget.experiment.status import ending_status, overall_status


def test_cost_cap_stops_with_the_reason():
    assert ending_status(BudgetExceeded("next call could cost $0.02")) == (
        "stopped", "cost cap reached: next call could cost $0.02")


def test_cost_cap_prefix_can_be_left_out():
    assert ending_status(BudgetExceeded("over"), cap_prefix="") == ("stopped", "over")


def test_any_other_error_fails_with_its_message():
    assert ending_status(EngineError("HTTP 500")) == ("failed", "HTTP 500")
    assert ending_status(OSError("disk full")) == ("failed", "disk full")


def test_no_endings_is_completed():
    assert overall_status([]) == ("completed", None)


def test_a_failure_outranks_an_earlier_stop():
    endings = [("stopped", "cap"), ("failed", "first error"), ("failed", "second error")]
    assert overall_status(endings) == ("failed", "first error")


def test_only_stops_give_the_first_stop():
    assert overall_status([("stopped", "a"), ("stopped", "b")]) == ("stopped", "a")
