"""Bedrock's control plane (boto3 `bedrock` client) checks a model id at plan time, against the loopback fake."""

from __future__ import annotations

import warnings

import pytest

from promptbudget.cli import main
from promptbudget.engines.bedrock_control import BedrockCheckWarning, is_inference_profile
from promptbudget.errors import UsageError
from promptbudget.ledger import Ledger

from .platform_env import BEDROCK_SONNET, engine

BASE_HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0"


def control_calls(server):
    return [c for c in server.platform_calls if c["kind"] in ("foundation_model", "inference_profile")]


def paid_calls(server):
    return [c for c in server.platform_calls if c["kind"] == "messages"]


@pytest.mark.parametrize("model, kind", [(BEDROCK_SONNET, "inference_profile"), (BASE_HAIKU, "foundation_model")])
def test_a_served_model_is_confirmed_by_the_matching_free_call(aws, server, model, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("error", BedrockCheckWarning)
        engine(f"bedrock/{model}", server).for_role("answer", max_tokens=100)
    calls = control_calls(server)
    assert [(c["kind"], c["model"]) for c in calls] == [(kind, model)]
    assert (calls[0]["auth_scheme"], calls[0]["signed_region"], calls[0]["signed_service"]) == (
        "AWS4-HMAC-SHA256", "us-east-1", "bedrock")
    assert paid_calls(server) == []


@pytest.mark.parametrize("model, kind", [("eu.anthropic.claude-opus-4-7-v1", "inference profile"),
                                         ("anthropic.claude-opus-4-7-v1", "model")])
def test_a_model_bedrock_does_not_serve_stops_the_plan_naming_the_fix(aws, server, model, kind):
    server.models.pop("claude-opus-4-7")
    with pytest.raises(UsageError, match=rf"does not serve this {kind} in region us-east-1 \(ResourceNotFound"
                                         r"Exception.*--aws_region.*Model access"):
        engine(f"bedrock/{model}", server).for_role("answer", max_tokens=100)
    assert len(control_calls(server)) == 1 and paid_calls(server) == []


def test_a_base_model_served_only_through_inference_profiles_names_the_profile_ids(aws, server):
    server.bedrock_profile_only.add(BASE_HAIKU)
    with pytest.raises(UsageError, match=rf"only through an inference profile; use us\.{BASE_HAIKU}"):
        engine(f"bedrock/{BASE_HAIKU}", server).for_role("answer", max_tokens=100)
    assert paid_calls(server) == []


@pytest.mark.parametrize("code, says", [("AccessDeniedException", "may not read Bedrock's model catalogue"),
                                        ("ThrottlingException", "did not answer")])
def test_a_control_plane_that_cannot_tell_warns_and_the_runtime_still_serves(aws, server, code, says):
    server.bedrock_control_error = code
    ledger = Ledger()
    claude = engine(f"bedrock/{BEDROCK_SONNET}", server, ledger=ledger)
    with pytest.warns(BedrockCheckWarning, match=says):
        role = claude.for_role("answer", max_tokens=100)
    assert role.complete("q").text
    assert len(paid_calls(server)) == 1 and len(ledger.records()) == 1


def test_an_unreachable_control_plane_warns_instead_of_blocking(aws, server, monkeypatch, unused_port):
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", f"http://127.0.0.1:{unused_port}")
    with pytest.warns(BedrockCheckWarning, match=r"could not ask Bedrock's control plane .*EndpointConnectionError"):
        engine(f"bedrock/{BEDROCK_SONNET}", server).for_role("answer", max_tokens=100)


def test_inference_profile_ids_are_told_from_base_model_ids():
    assert [is_inference_profile(m) for m in (
        "us.anthropic.claude-x-v1:0", "global.anthropic.claude-x-v1", "apac.anthropic.claude-x", BASE_HAIKU)] == [
        True, True, True, False]


def test_the_cli_exits_2_before_any_paid_call_and_writes_nothing(aws, server, tmp_path, capsys):
    server.models.pop("claude-haiku-4-5-20251001")
    out = tmp_path / "out"
    code = main(["budget-sweep", "--task", "BBH_navigate", "--model", f"bedrock/{BEDROCK_SONNET}", "--budgets", "0",
                 "--samples", "2", "--base_url", server.base_url, "--output", str(out / "s.json"),
                 "--cache_dir", str(tmp_path / "cache"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "Bedrock does not serve this inference profile" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists() and not (tmp_path / "cache").exists()
    assert paid_calls(server) == [] and server.requests == []
