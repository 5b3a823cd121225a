"""--max_cost at 8 threads and 16k thinking against the fake server: the cap is used, never passed."""

from __future__ import annotations

import pytest

from bench.max_cost_bench import capped_run


def test_eight_threads_bill_at_least_ninety_percent_of_cap_minus_one_worst_case_and_never_above_it():
    run = capped_run(cap_usd=1.0, calls=64)
    assert run["uncapped_usd"] > run["cap_usd"]  # the cap binds
    assert run["ledger_billed_usd"] == pytest.approx(run["server_billed_usd"], abs=1e-9)
    assert run["server_billed_usd"] <= run["cap_usd"]
    assert run["server_billed_usd"] >= 0.9 * (run["cap_usd"] - run["worst_case_usd"])
