"""The thinking-setting ladder: defaults from capabilities, flags, and one clear error per bad ladder."""

from __future__ import annotations

import pytest

from promptbudget.engines.capabilities import BUILTIN_CAPABILITIES, Capabilities
from promptbudget.engines.types import Thinking
from promptbudget.errors import UsageError
from promptbudget.optimize.ladder import build_ladder, parse_settings, rung_index

SONNET = BUILTIN_CAPABILITIES["claude-sonnet-4-5"]
OPUS_47 = BUILTIN_CAPABILITIES["claude-opus-4-7"]
NO_OFF = Capabilities(thinking_budget=True, thinking_adaptive=False, thinking_off=False, max_tokens=64000)


def room(thinking):
    return (thinking.budget_tokens or 0) + 4096 if thinking.mode == "budget" else 16000


def labels(rungs):
    return [rung.label for rung in rungs]


def test_default_ladder_of_a_budget_model_runs_from_off_to_16000():
    rungs = build_ladder(None, Thinking.budget(16000), SONNET, "m", room)
    assert labels(rungs) == ["off", "budget 1024", "budget 2048", "budget 4096", "budget 8192", "budget 16000"]
    assert [r.max_tokens for r in rungs][1:] == [5120, 6144, 8192, 12288, 20096]


def test_default_ladder_of_an_adaptive_only_model_is_its_effort_levels():
    rungs = build_ladder(None, Thinking.adaptive("high"), OPUS_47, "m", room)
    assert labels(rungs) == ["off"] + [f"adaptive, effort {e}" for e in ("low", "medium", "high", "xhigh", "max")]


def test_the_starting_setting_is_always_a_rung():
    rungs = build_ladder(parse_settings(["0", "2048"], None), Thinking.budget(3000), SONNET, "m", room)
    assert labels(rungs) == ["off", "budget 2048", "budget 3000"]
    assert rung_index(rungs, Thinking.budget(3000)) == 2


def test_a_default_rung_that_does_not_fit_max_tokens_is_left_out():
    rungs = build_ladder(None, Thinking.budget(1024), SONNET, "m", lambda t: 2048)
    assert labels(rungs) == ["off", "budget 1024"]


@pytest.mark.parametrize("budgets, efforts, start, caps, message", [
    (["1024", "4096"], None, Thinking.adaptive("high"), OPUS_47, "does not accept a manual thinking budget"),
    (None, ["low", "xhigh"], Thinking.adaptive("low"), BUILTIN_CAPABILITIES["claude-sonnet-4-6"],
     "does not offer effort 'xhigh'"),
    (["0", "1024"], None, Thinking.budget(1024), NO_OFF, "cannot run with thinking off"),
    ([], None, Thinking.budget(1024), SONNET, "--budgets is empty"),
    (["4096", "1024"], None, Thinking.budget(1024), SONNET, "must be sorted from cheapest to richest"),
    (["1024", "1024"], None, Thinking.budget(1024), SONNET, "must be sorted from cheapest to richest"),
    (None, ["high", "low"], Thinking.adaptive("low"), OPUS_47, "must be sorted"),
    (["500"], None, Thinking.budget(1024), SONNET, "below the minimum of 1024"),
    (["many"], None, Thinking.budget(1024), SONNET, "whole numbers of tokens"),
    (None, ["huge"], Thinking.adaptive("low"), OPUS_47, "--efforts takes off or low"),
    (["1024"], ["low"], Thinking.budget(1024), SONNET, "either --budgets"),
    (None, ["low", "high"], Thinking.budget(1024), BUILTIN_CAPABILITIES["claude-sonnet-4-6"], "not both"),
])
def test_a_bad_ladder_is_one_usage_error_naming_the_fix(budgets, efforts, start, caps, message):
    with pytest.raises(UsageError, match=message):
        build_ladder(parse_settings(budgets, efforts), start, caps, "claude-x", room)
