"""Fake AWS and Google Cloud environments for the platform engines, pointed at the loopback fake server."""

from __future__ import annotations

import json

import pytest

from promptbudget.engines import EngineOptions, create_engine
from promptbudget.engines.anthropic_engine import RetryPolicy
from tests.support.fake_anthropic import FakeAnthropicServer

NO_WAIT = RetryPolicy(max_retries=5, base_delay_s=0.0, max_delay_s=0.0)
AWS_KEY_ID = "AKIAFAKEFAKEFAKE"
AWS_SECRET = "fake-aws-secret-9f8e7d"
BEDROCK_SONNET = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
VERTEX_HAIKU = "claude-haiku-4-5@20251001"
AWS_VARIABLES = ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK")
VERTEX_VARIABLES = ("CLOUD_ML_REGION", "ANTHROPIC_VERTEX_PROJECT_ID", "GOOGLE_APPLICATION_CREDENTIALS")


def unset(monkeypatch, *names: str) -> None:
    """Remove variables so that teardown removes them again even if the code under test sets them
    (a bare `delenv` of an absent variable records nothing; the platform flags set variables)."""
    for name in names:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture
def server():
    with FakeAnthropicServer() as fake:
        yield fake


@pytest.fixture
def aws(monkeypatch, tmp_path, server):
    """Static keys and a region; boto3's files in tmp_path; the control plane on the fake server."""
    unset(monkeypatch, *AWS_VARIABLES)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AWS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", server.base_url)


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture
def gcp(monkeypatch, tmp_path, server, private_key_pem):
    """A fake service account whose token endpoint is the loopback server."""
    unset(monkeypatch, *VERTEX_VARIABLES)
    credentials = tmp_path / "service-account.json"
    credentials.write_text(json.dumps({
        "type": "service_account", "project_id": "proj-1", "private_key_id": "k1", "private_key": private_key_pem,
        "client_email": "fake@proj-1.iam.gserviceaccount.com", "client_id": "1",
        "token_uri": f"{server.base_url}/token"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(credentials))
    monkeypatch.setenv("CLOUD_ML_REGION", "us-east5")
    monkeypatch.setenv("ANTHROPIC_VERTEX_PROJECT_ID", "proj-1")
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    return credentials


def engine(spec, server, **options):
    return create_engine(spec, EngineOptions(base_url=server.base_url, extra={"retry": NO_WAIT}, **options))


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound and released at once)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
