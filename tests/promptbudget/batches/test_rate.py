"""The batch price: one multiplier in the price data, overridable by --prices."""

from __future__ import annotations

import json

import pytest

from promptbudget.batches.rate import load_batch_rate
from promptbudget.engines.types import Usage
from promptbudget.errors import UsageError
from promptbudget.pricing import Price


def test_bundled_rate_is_half_with_its_date():
    rate = load_batch_rate()
    assert rate.multiplier == 0.5 and rate.read_on == "2026-11-01"
    price = rate.price(Price(3.0, 15.0, 3.75, 6.0, 0.3))
    assert price == Price(1.5, 7.5, 1.875, 3.0, 0.15)
    assert price.cost(Usage(1_000_000, 1_000_000)) == 9.0
    assert rate.price(None) is None


def test_a_price_file_may_override_it(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"models": {}, "batch": {"multiplier": 0.4, "read_on": "2027-01-01"}}))
    assert load_batch_rate(path).multiplier == 0.4
    path.write_text(json.dumps({"models": {}}))
    assert load_batch_rate(path).multiplier == 0.5


@pytest.mark.parametrize("row", [{"multiplier": 0}, {"multiplier": 1.5}, {"multiplier": "half"}, {}])
def test_a_bad_override_is_a_usage_error(tmp_path, row):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"models": {}, "batch": row}))
    with pytest.raises(UsageError, match="batch"):
        load_batch_rate(path)
