"""Prices: only finite, non-negative numbers load (a NaN or infinite price would defeat --max_cost)."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pytest

from promptbudget import pricing
from promptbudget.engines.types import Usage
from promptbudget.errors import UsageError
from promptbudget.pricing import Price, load_prices, require_prices


def price_file(tmp_path, text: str):
    path = tmp_path / "prices.json"
    path.write_text('{"models": {"claude-x": ' + text + '}}')
    return path


@pytest.mark.parametrize("row, complaint", [
    ('{"input": NaN, "output": 15}', "input price of 'claude-x' is nan"),
    ('{"input": 3, "output": Infinity}', "output price of 'claude-x' is inf"),
    ('{"input": 3, "output": -Infinity}', "output price of 'claude-x' is -inf"),
    ('{"input": "inf", "output": 15}', 'input price of \'claude-x\' is "inf", not a number'),
    ('{"input": "3", "output": 15}', 'input price of \'claude-x\' is "3", not a number'),
    ('{"input": true, "output": 15}', "input price of 'claude-x' is true, not a number"),
    ('{"input": 3, "output": 15, "cache_read": null}', "cache_read price of 'claude-x' is null, not a number"),
    ('{"input": -1, "output": 15}', "input price of 'claude-x' is -1"),
])
def test_a_price_that_is_not_a_finite_non_negative_number_is_refused(tmp_path, row, complaint):
    with pytest.raises(UsageError) as error:
        load_prices(price_file(tmp_path, row))
    assert complaint in str(error.value)
    assert "USD per million tokens" in str(error.value)


def test_a_bundled_table_with_a_nan_price_is_refused_too(tmp_path, monkeypatch):
    (tmp_path / "prices.json").write_text('{"models": {"claude-x": {"input": NaN, "output": 15}}}')
    monkeypatch.setattr(pricing.resources, "files", lambda package: tmp_path)
    with pytest.raises(UsageError, match="bundled prices: input price of 'claude-x' is nan"):
        load_prices()


def test_integer_and_float_prices_load_and_cost_stays_finite(tmp_path):
    table = load_prices(price_file(tmp_path, '{"input": 3, "output": 15.5, "cache_read": 0}'))
    price = table.prices["claude-x"]
    assert price == Price(input=3.0, output=15.5, cache_read=0.0)
    cost = price.cost(Usage(input_tokens=1_000_000, output_tokens=2_000_000))
    assert math.isfinite(cost) and cost == pytest.approx(34.0)


def test_every_bundled_price_is_finite():
    for model, price in load_prices().prices.items():
        assert all(math.isfinite(v) and v >= 0 for v in price.to_dict().values()), model


def test_a_cap_needs_every_paid_model_priced_and_the_message_names_prices():
    priced = SimpleNamespace(model_string="anthropic/claude-sonnet-4-5", price=lambda: Price(3, 15))
    unpriced = SimpleNamespace(model_string="anthropic/claude-new-9", price=lambda: None)
    require_prices([priced], "--sweep_max_cost")
    with pytest.raises(UsageError) as error:
        require_prices([priced, unpriced], "--sweep_max_cost")
    assert "--sweep_max_cost needs a price for anthropic/claude-new-9" in str(error.value)
    assert "--prices FILE" in str(error.value)
    json.loads(str(error.value).split("(JSON: ")[1].rsplit(", USD per", 1)[0].replace("USD", "1"))


UNPRICED = "claude-mystery-1"


def _commands(server, tmp_path):
    common = ["--task", "GSM8K_DSPy", "--model", f"anthropic/{UNPRICED}", "--base_url", server.base_url,
              "--max_epochs", "1", "--steps_per_epoch", "1", "--batch_size", "2", "--eval_samples", "2",
              "--test_samples", "2", "--no_thinking_enabled", "--max_tokens", "64", "--quiet",
              "--output_dir", str(tmp_path / "results"), "--cache_dir", str(tmp_path / "cache")]
    return common


@pytest.fixture()
def unpriced_server(monkeypatch):
    from tests.support.fake_anthropic import FakeAnthropicServer

    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with FakeAnthropicServer(models={UNPRICED: {}}) as server:
        yield server


@pytest.mark.parametrize("cap", [["--max_cost", "1"], ["--sweep_max_cost", "1"]])
def test_an_unpriced_paid_model_under_a_cap_exits_2_naming_prices_before_any_call_or_write(
        tmp_path, capsys, unpriced_server, cap):
    from promptbudget.optimize.cli import main as optimize_main
    from promptbudget.sweep.cli import main as sweep_main

    args = _commands(unpriced_server, tmp_path) + cap
    if cap[0] == "--sweep_max_cost":
        code = sweep_main(args + ["--configs", "0.5,0.5", "--repeats", "1"])
    else:
        code = optimize_main(args)
    err = capsys.readouterr().err
    assert code == 2 and err.count("error:") == 1
    assert f"{cap[0]} needs a price for anthropic/{UNPRICED}" in err and "--prices FILE" in err
    assert unpriced_server.requests == [] and not (tmp_path / "results").exists()


def test_an_unpriced_paid_model_without_a_cap_runs_and_says_its_cost_is_unknown(tmp_path, capsys, unpriced_server):
    from promptbudget.optimize.cli import main as optimize_main

    code = optimize_main([*_commands(unpriced_server, tmp_path), "--yes"])
    out = capsys.readouterr().out
    assert code == 0 and unpriced_server.requests
    assert "cost unknown for" in out and "spent $0.0000" not in out
