"""Model ids, the default model and lifecycles, checked against the installed SDK's own data."""

from __future__ import annotations

from datetime import date

import pytest
from anthropic._data import DEPRECATED_MODELS, MODELS_TO_WARN_WITH_THINKING_ENABLED

from promptbudget.budget.setting_sweep import DEFAULT_MODEL as SWEEP_DEFAULT
from promptbudget.confidence.runner import DEFAULT_MODEL as SPLIT_DEFAULT
from promptbudget.engines import Thinking, models
from promptbudget.engines.capabilities import BUILTIN_CAPABILITIES, Capabilities
from promptbudget.engines.models import (DEFAULT_MODEL, RECORDED_END_OF_LIFE, Lifecycle, canonical_model_id,
                                         check_lifecycle, lifecycle_of, model_line, parse_sdk_date,
                                         sdk_end_of_life, sdk_model_ids, suggested_replacement)
from promptbudget.errors import UsageError
from promptbudget.optimize.config import DEFAULT_MODEL as OPTIMIZE_DEFAULT
from promptbudget.pricing import load_prices

TODAY = date(2026, 12, 1)


def test_the_default_model_is_current_in_the_installed_sdks_own_data():
    assert DEFAULT_MODEL not in DEPRECATED_MODELS, "the default model is deprecated: pick a current one"
    assert DEFAULT_MODEL in sdk_model_ids()
    assert load_prices().price_for("anthropic", DEFAULT_MODEL) is not None
    assert OPTIMIZE_DEFAULT == SWEEP_DEFAULT == SPLIT_DEFAULT == DEFAULT_MODEL


def test_the_capability_table_covers_every_model_id_the_sdk_knows():
    known = sdk_model_ids()
    assert len(known) >= 20 and "claude-sonnet-4-6" in known
    assert sorted(set(known) - set(BUILTIN_CAPABILITIES)) == []


def test_our_retirement_record_holds_every_date_the_installed_sdk_gives():
    assert {m: d for m, d in RECORDED_END_OF_LIFE.items() if m in sdk_end_of_life()} == sdk_end_of_life(), \
        "the installed SDK announces an end-of-life date our record lacks: add it to RECORDED_END_OF_LIFE"


def test_a_retired_model_stays_retired_after_the_sdk_forgets_it(monkeypatch):
    # anthropic 2.15 dropped claude-sonnet-4-5 from DEPRECATED_MODELS once it retired
    forgetful = {m: d for m, d in sdk_end_of_life().items() if not m.startswith("claude-sonnet-4-5")}
    monkeypatch.setattr(models, "sdk_end_of_life", lambda: forgetful)
    for model in ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929"):
        lifecycle = lifecycle_of(model, today=TODAY)
        assert (lifecycle.state, lifecycle.end_of_life, lifecycle.source) == (
            "retired", date(2026, 11, 30), models.RECORDED_SOURCE)
        with pytest.raises(UsageError, match=r"retired \(end of life 2026-11-30, per promptbudget's retirement record"):
            check_lifecycle(f"anthropic/{model}", model, lifecycle)
    assert lifecycle_of("claude-opus-4-5", today=TODAY).source == models.SDK_SOURCE


@pytest.mark.parametrize("model", ["claude-haiku-5-5", "claude-mythos-5", "claude-mythos-5-2", "claude-fable-5-1"])
def test_models_no_source_describes_run_thinking_off_only_and_say_why(model):
    caps = BUILTIN_CAPABILITIES[model]
    caps.validate(model, Thinking.off(), 4096)
    for thinking in (Thinking.budget(2048), Thinking.adaptive("high")):
        with pytest.raises(UsageError, match=r"unknown here .*--no_thinking_enabled"):
            caps.validate(model, thinking, 8192)
    with pytest.raises(UsageError, match=rf"{model}: which thinking settings"):
        caps.default_thinking(model)
    assert Capabilities.from_dict(caps.to_dict()) == caps


@pytest.mark.parametrize("model", ["claude-opus-4-8", "claude-opus-5-5", "claude-sonnet-5-5"])
def test_newer_opus_and_sonnet_ids_get_only_what_the_docs_state(model):
    caps = BUILTIN_CAPABILITIES[model]
    with pytest.raises(UsageError, match="does not accept a manual thinking budget"):
        caps.validate(model, Thinking.budget(2048), 8192)
    caps.validate(model, Thinking.adaptive("max"), 200_000)  # no stated ceiling: the API's own 400 will name one
    with pytest.raises(UsageError, match=r"effort 'xhigh' \(the built-in table lists only the levels its sources"):
        caps.validate(model, Thinking.adaptive("xhigh"), 8192)
    assert caps.max_tokens is None and caps.default_thinking() == Thinking.adaptive("high")


def test_models_where_the_sdk_deprecates_a_manual_budget_default_to_adaptive_thinking():
    for model in (*MODELS_TO_WARN_WITH_THINKING_ENABLED, "claude-sonnet-4-6", "claude-opus-4-6"):
        caps = BUILTIN_CAPABILITIES[model]
        assert caps.thinking_budget and caps.budget_deprecated
        assert caps.default_thinking().mode == "adaptive"
    assert BUILTIN_CAPABILITIES["claude-sonnet-4-5"].default_thinking().mode == "budget"
    assert not BUILTIN_CAPABILITIES["claude-opus-4-7"].thinking_budget


def test_sdk_dates_parse():
    assert parse_sdk_date("November 30th, 2026") == date(2026, 11, 30)
    assert parse_sdk_date("January 22nd, 2027") == date(2027, 1, 22)
    assert parse_sdk_date("June 1st, 2026") == date(2026, 6, 1)


def test_lifecycle_combines_the_models_api_and_the_sdk_data():
    assert lifecycle_of("claude-sonnet-4-5-20250929", today=TODAY).state == "retired"
    assert lifecycle_of("claude-sonnet-4-5-20250929", today=date(2026, 11, 1)).state == "deprecated"
    assert lifecycle_of("claude-sonnet-4-5-20250929", trust_sdk_dates=False, today=TODAY).state == "deprecated"
    assert lifecycle_of("claude-sonnet-4-5-20250929", api_state="active", today=TODAY).state == "deprecated"
    retired = lifecycle_of("claude-haiku-4-5", api_state="retired", api_retires_at=date(2026, 10, 1), today=TODAY)
    assert (retired.state, retired.end_of_life, retired.source) == ("retired", date(2026, 10, 1), "the Models API")
    assert lifecycle_of("claude-opus-4-5", today=TODAY) == Lifecycle(
        "deprecated", date(2027, 1, 22), "the anthropic SDK's deprecation data")
    assert lifecycle_of("claude-sonnet-4-6", today=TODAY).state == "active"


def test_a_retired_model_is_refused_and_a_deprecated_one_warned_with_date_and_replacement():
    with pytest.raises(UsageError, match=r"retired \(end of life 2026-11-30.*use --model claude-sonnet-\S+ instead"):
        check_lifecycle("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5",
                        lifecycle_of("claude-sonnet-4-5", today=TODAY))
    warning = check_lifecycle("anthropic/claude-opus-4-5", "claude-opus-4-5", lifecycle_of("claude-opus-4-5", today=TODAY))
    assert "deprecated" in warning and "2027-01-22" in warning and "--model claude-opus-" in warning
    assert check_lifecycle("anthropic/x", "claude-sonnet-4-6", lifecycle_of("claude-sonnet-4-6", today=TODAY)) is None


def test_the_suggested_replacement_is_a_current_model_of_the_same_line_with_a_price():
    prices = load_prices()

    def priced(model):
        return prices.price_for("anthropic", model) is not None

    for old in DEPRECATED_MODELS:
        new = suggested_replacement(old, priced)
        assert new not in DEPRECATED_MODELS and new in sdk_model_ids()
        if any(model_line(m) == model_line(old) and priced(m) and m not in DEPRECATED_MODELS for m in sdk_model_ids()):
            assert model_line(new) == model_line(old) and priced(new)
    assert suggested_replacement("claude-sonnet-4-5", priced) == "claude-sonnet-5"
    assert suggested_replacement("claude-opus-4-5", priced) == "claude-opus-4-7"


@pytest.mark.parametrize("platform, model, canonical", [
    ("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929"),
    ("bedrock", "global.anthropic.claude-opus-4-6-v1", "claude-opus-4-6"),
    ("bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5-20251001"),
    ("vertex", "claude-sonnet-4-5@20250929", "claude-sonnet-4-5-20250929"),
    ("vertex", "claude-opus-4-7", "claude-opus-4-7"),
])
def test_platform_ids_map_to_first_party_ids(platform, model, canonical):
    assert canonical_model_id(platform, model) == canonical


def test_unpriced_sdk_models_have_no_price_rather_than_a_guessed_one():
    prices = load_prices()
    assert prices.read_on == "2026-11-01"
    assert prices.price_for("anthropic", "claude-opus-4-8") is None
    assert prices.price_for("anthropic", "claude-mythos-5") is None
