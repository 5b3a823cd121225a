"""Claude on Bedrock and Vertex AI through the SDK's own clients, against the loopback fake server."""

from __future__ import annotations

import json

import pytest

from promptbudget.cache import RequestCache
from promptbudget.cli import main
from promptbudget.engines import Thinking, create_engine
from promptbudget.errors import UsageError
from promptbudget.ledger import Ledger
from promptbudget.pricing import load_prices
from tests.support.fake_anthropic import Faults, Reply, make_model_info

from .platform_env import AWS_SECRET, BEDROCK_SONNET, VERTEX_HAIKU, engine


@pytest.mark.parametrize("platform", ["bedrock", "vertex"])
def test_thinking_usage_and_streaming_behave_as_first_party(platform, server, request):
    request.getfixturevalue("aws" if platform == "bedrock" else "gcp")
    spec = f"bedrock/{BEDROCK_SONNET}" if platform == "bedrock" else f"vertex/{VERTEX_HAIKU}"
    reply = Reply(text="Answer: 7", thinking="think", input_tokens=21, output_tokens=60, thinking_tokens=50)
    server.responder = lambda body: reply
    ledger = Ledger()
    claude = engine(spec, server, ledger=ledger)
    small = claude.for_role("answer", max_tokens=4096, thinking=Thinking.budget(2048)).complete("q?", "sys")
    large = claude.for_role("answer", max_tokens=30000, thinking=Thinking.budget(20000)).complete("q?", "sys")
    for completion in (small, large):
        assert completion.text == "Answer: 7" and completion.thinking_text == "think"
        assert (completion.usage.input_tokens, completion.usage.output_tokens, completion.usage.thinking_tokens) == (21, 60, 50)
    bodies = [r["body"] for r in server.requests]
    assert bodies[0]["thinking"] == {"type": "enabled", "budget_tokens": 2048} and bodies[0]["system"] == "sys"
    calls = [c for c in server.platform_calls if c["kind"] == "messages"]
    assert [(c["platform"], c["stream"]) for c in calls] == [(platform, False), (platform, True)]
    assert {c["auth_scheme"] for c in calls} == {"AWS4-HMAC-SHA256" if platform == "bedrock" else "Bearer"}
    assert ledger.totals().output_tokens == server.total_sent_usage()["output_tokens"] == 120
    assert ledger.totals().billed_usd == pytest.approx(2 * (21 * 1.1 + 60 * 5.5) / 1e6)  # regional endpoint


def test_prices_come_from_the_platform_tables_by_endpoint(aws, gcp, server, monkeypatch):
    prices = load_prices()
    assert engine("bedrock/global.anthropic.claude-sonnet-4-6-v1", server).price() == prices.prices["bedrock/claude-sonnet-4-6"]
    assert engine("bedrock/eu.anthropic.claude-sonnet-4-6-v1", server).price() == prices.prices[
        "bedrock-regional/claude-sonnet-4-6"]
    monkeypatch.setenv("CLOUD_ML_REGION", "global")
    assert engine("vertex/claude-sonnet-4-6", server).price() == prices.prices["vertex/claude-sonnet-4-6"]
    assert engine("vertex/claude-opus-4-8", server).price() is None  # no platform row: unknown, not first-party


def test_platform_calls_are_retried_and_cached_like_first_party(aws, server, tmp_path):
    server.faults = Faults(script=("529", None), retry_after_s=0.001)
    server._script = list(server.faults.script)
    ledger, cache = Ledger(), RequestCache(tmp_path / "cache")
    role = engine(f"bedrock/{BEDROCK_SONNET}", server, ledger=ledger, cache=cache).for_role("answer", max_tokens=100)
    first, again = role.complete("q"), role.complete("q")
    assert first.retries == 1 and again.cached
    assert len([c for c in server.platform_calls if c["kind"] == "messages"]) == 2  # one fault, one reply


def test_credentials_are_never_written(aws, gcp, server, tmp_path, private_key_pem):
    ledger, cache = Ledger(), RequestCache(tmp_path / "cache")
    for spec in (f"bedrock/{BEDROCK_SONNET}", f"vertex/{VERTEX_HAIKU}"):
        engine(spec, server, ledger=ledger, cache=cache).for_role("answer", max_tokens=100).complete("q")
    written = "".join(p.read_text(errors="replace") for p in (tmp_path / "cache").rglob("*") if p.is_file())
    written += json.dumps([r.to_dict() for r in ledger.records()], default=str)
    secrets = (AWS_SECRET, "AKIAFAKEFAKEFAKE", private_key_pem.splitlines()[1], "ya29.fake")
    assert written and not [s for s in secrets if s in written]


def test_a_model_vertex_does_not_serve_stops_the_plan_with_a_404_hint(gcp, server):
    claude = engine("vertex/claude-sonnet-9@20300101", server)
    with pytest.raises(UsageError, match=r"not a Claude model id"):
        claude.for_role("answer", max_tokens=100)
    server.models.pop("claude-opus-4-7")
    with pytest.raises(UsageError, match=r"Vertex AI does not serve this model in region us-east5.*404"):
        engine("vertex/claude-opus-4-7", server).for_role("answer", max_tokens=100)
    assert [c for c in server.platform_calls if c["kind"] == "messages"] == []


def test_a_retired_or_malformed_bedrock_model_is_refused_before_any_call(aws, server):
    with pytest.raises(UsageError, match=r"retired .*switch to claude-sonnet-5 \(pass its bedrock model id"):
        engine("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", server).for_role("answer", max_tokens=100)
    with pytest.raises(UsageError, match="Bedrock names Claude models like"):
        engine("bedrock/claude-sonnet-4-6", server).for_role("answer", max_tokens=100)
    with pytest.raises(UsageError, match="does not accept a manual thinking budget"):
        engine("bedrock/global.anthropic.claude-opus-4-7-v1", server).for_role(
            "answer", max_tokens=8000, thinking=Thinking.budget(2048))
    assert server.requests == []


@pytest.mark.parametrize("unset, message", [
    ("AWS_REGION", "needs an AWS region: pass --aws_region"),
    ("AWS_ACCESS_KEY_ID", "found no AWS credentials"),
])
def test_missing_aws_settings_name_the_fix(aws, monkeypatch, unset, message):
    monkeypatch.delenv(unset)
    with pytest.raises(UsageError, match=message):
        create_engine(f"bedrock/{BEDROCK_SONNET}")


@pytest.mark.parametrize("unset, message", [
    ("CLOUD_ML_REGION", "needs a region: pass --vertex_region"),
    ("GOOGLE_APPLICATION_CREDENTIALS", "found no Google credentials"),
])
def test_missing_vertex_settings_name_the_fix(gcp, monkeypatch, unset, message):
    monkeypatch.delenv(unset)
    with pytest.raises(UsageError, match=message):
        create_engine(f"vertex/{VERTEX_HAIKU}")


@pytest.mark.parametrize("model, message", [
    (f"bedrock/{BEDROCK_SONNET}", "needs an AWS region"),
    ("azure/claude-sonnet-4-6", "unknown engine or platform 'azure'"),
])
def test_bad_platform_input_exits_2_with_one_message_and_writes_nothing(model, message, tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "out"
    code = main(["budget-sweep", "--task", "BBH_navigate", "--model", model, "--budgets", "0", "--samples", "2",
                 "--output", str(out / "s.json"), "--cache_dir", str(tmp_path / "cache"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and not (tmp_path / "cache").exists()


def test_input_tokens_are_counted_by_vertex_and_estimated_on_bedrock(aws, gcp, server):
    vertex = engine(f"vertex/{VERTEX_HAIKU}", server)
    request = vertex.for_role("answer", max_tokens=100).request("How many tokens is this?", "Be brief.")
    billed = vertex.complete(request).usage.input_tokens
    assert vertex.count_input_tokens(request) == billed
    bedrock = engine(f"bedrock/{BEDROCK_SONNET}", server)
    bedrock.capabilities()  # the free control-plane check happens here, at plan time
    before = len(server.platform_calls)
    assert bedrock.count_input_tokens(request) == bedrock.estimate_input_tokens(request)
    assert len(server.platform_calls) == before  # the SDK refuses count_tokens on Bedrock without a request


def test_a_model_whose_thinking_no_source_states_runs_only_with_thinking_off(aws, server):
    server.models["claude-fable-5"] = make_model_info("claude-fable-5")
    claude = engine("bedrock/global.anthropic.claude-fable-5-v1", server)
    for thinking in (Thinking.budget(2048), Thinking.adaptive("high")):
        with pytest.raises(UsageError, match=r"claude-fable-5-v1: which thinking settings it accepts is unknown"):
            claude.for_role("answer", max_tokens=8192, thinking=thinking)
    assert [c for c in server.platform_calls if c["kind"] == "messages"] == []
    assert claude.for_role("answer", max_tokens=100, thinking=Thinking.off()).complete("q").text
    assert "thinking" not in server.requests[-1]["body"] or server.requests[-1]["body"]["thinking"]["type"] == "disabled"
