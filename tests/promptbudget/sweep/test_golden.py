"""The sweep writes the sweep_summary.json, CSV and table the code wrote before its summary was typed."""

from __future__ import annotations

import pytest

from tests.promptbudget.optimize.golden_runs import differences
from tests.promptbudget.sweep.golden_sweeps import NAMES, fixture, sweep_output


@pytest.mark.parametrize("name", NAMES)
def test_the_sweep_summary_is_the_golden_one_key_by_key_in_order(name, tmp_path):
    data, table, csv = sweep_output(name, tmp_path)
    want_data, want_table, want_csv = fixture(name)
    assert differences(data, want_data) == []
    assert table == want_table
    assert csv == want_csv
