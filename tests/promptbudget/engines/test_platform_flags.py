"""--aws_region, --aws_profile, --vertex_region and --vertex_project: override the environment, stored nowhere."""

from __future__ import annotations

import argparse
import os

import pytest

from promptbudget.cli import main
from promptbudget.engines.platform_flags import PLATFORM_FLAGS, add_platform_arguments

from .platform_env import AWS_KEY_ID, AWS_SECRET, BEDROCK_SONNET, VERTEX_HAIKU, unset

PROFILE = "pb-profile-7731"
PROFILE_KEY_ID = "AKIAPROFILEKEY0001"
PROFILE_SECRET = "profile-secret-5521"
COMMANDS_WITH_MODEL = ("optimize", "sweep", "budget-sweep", "allocate", "confidence-split")


@pytest.fixture
def clean_platform_env(monkeypatch):
    unset(monkeypatch, *(variable for variable, _ in PLATFORM_FLAGS.values()))


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_platform_arguments(parser)
    return parser.parse_args(list(argv))


def test_each_flag_overrides_its_platform_variable(clean_platform_env, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("CLOUD_ML_REGION", "us-east5")
    args = parse("--aws_region", "us-west-2", "--aws_profile", PROFILE, "--vertex_region", "global",
                 "--vertex_project", "proj-flag")
    assert (args.aws_region, args.aws_profile, args.vertex_region, args.vertex_project) == (
        "us-west-2", PROFILE, "global", "proj-flag")
    assert [os.environ[v] for v in ("AWS_REGION", "AWS_PROFILE", "CLOUD_ML_REGION", "ANTHROPIC_VERTEX_PROJECT_ID")] \
        == ["us-west-2", PROFILE, "global", "proj-flag"]
    assert parse().aws_region is None and os.environ["AWS_REGION"] == "us-west-2"  # no flag: the variable stands


@pytest.mark.parametrize("value", ["", "us east 1", "a;b"])
def test_a_malformed_value_exits_2_naming_the_flag(clean_platform_env, capsys, value):
    with pytest.raises(SystemExit) as exit_info:
        parse("--aws_region", value)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "argument --aws_region: expected a name such as us-east-1" in err
    assert "AWS_REGION" not in os.environ


@pytest.mark.parametrize("command", COMMANDS_WITH_MODEL)
def test_every_command_that_takes_model_takes_the_platform_flags(command, capsys):
    try:
        code = main([command, "--help"])
    except SystemExit as exit_info:
        code = exit_info.code
    shown = capsys.readouterr().out
    assert code == 0 and "--model" in shown and all(flag in shown for flag in PLATFORM_FLAGS)


def sweep(server, tmp_path, model, *flags):
    return main(["budget-sweep", "--task", "BBH_navigate", "--model", model, "--budgets", "0", "--samples", "2",
                 "--base_url", server.base_url, "--output", str(tmp_path / "out" / "s.json"),
                 "--cache_dir", str(tmp_path / "cache"), *flags])


def written_text(tmp_path) -> str:
    own = {"aws-config", "aws-credentials", "service-account.json"}
    return "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file() and p.name not in own)


def test_bedrock_flags_pick_the_profile_and_region_and_neither_is_written(aws, server, tmp_path, monkeypatch,
                                                                          capsys):
    write_profile(tmp_path, "region = eu-west-3\n")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")  # the profile is the only credential source
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code = sweep(server, tmp_path, f"bedrock/{BEDROCK_SONNET}", "--aws_region", "us-west-2", "--aws_profile", PROFILE)
    shown = capsys.readouterr()
    assert code == 0, shown.err
    calls = server.platform_calls
    assert {c["kind"] for c in calls} == {"inference_profile", "messages"}
    assert {c["signed_region"] for c in calls} == {"us-west-2"}  # the flag beats $AWS_REGION and the profile's
    written = written_text(tmp_path)
    assert (tmp_path / "out" / "s.json").exists() and "bedrock" in written
    leaks = (PROFILE, PROFILE_KEY_ID, PROFILE_SECRET, AWS_KEY_ID, AWS_SECRET)
    assert [s for s in leaks if s in written + shown.out + shown.err] == []


def test_vertex_flags_pick_the_project_and_region(gcp, server, tmp_path, capsys):
    code = sweep(server, tmp_path, f"vertex/{VERTEX_HAIKU}", "--vertex_region", "europe-west1",
                 "--vertex_project", "proj-flag")
    assert code == 0, capsys.readouterr().err
    messages = [c for c in server.platform_calls if c["kind"] in ("messages", "count_tokens")]
    assert messages and {(c["project"], c["region"]) for c in messages} == {("proj-flag", "europe-west1")}


def write_profile(tmp_path, region_line: str) -> None:
    (tmp_path / "aws-config").write_text(f"[profile {PROFILE}]\n{region_line}")
    (tmp_path / "aws-credentials").write_text(
        f"[{PROFILE}]\naws_access_key_id = {PROFILE_KEY_ID}\naws_secret_access_key = {PROFILE_SECRET}\n")


@pytest.mark.parametrize("profile_exists, message", [
    (True, "needs an AWS region: pass --aws_region"),
    (False, "the AWS profile given by --aws_profile (or $AWS_PROFILE) is not in your AWS config"),
])
def test_a_missing_region_or_profile_exits_2_before_any_call(aws, server, tmp_path, monkeypatch, capsys,
                                                             profile_exists, message):
    if profile_exists:
        write_profile(tmp_path, "")
    monkeypatch.delenv("AWS_REGION")
    code = sweep(server, tmp_path, f"bedrock/{BEDROCK_SONNET}", "--aws_profile", PROFILE)
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and PROFILE not in err
    assert server.platform_calls == [] and not (tmp_path / "out").exists()
