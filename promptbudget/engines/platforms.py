"""Claude on Amazon Bedrock and Google Vertex AI, through the SDK's `AnthropicBedrock` / `AnthropicVertex`.

Calls, thinking settings, usage, retries and the request cache work exactly as for the
first-party API (the same `AnthropicEngine`, another client). What differs:

* credentials and region come from each platform's usual environment, which the flags
  --aws_region, --aws_profile, --vertex_region and --vertex_project override
  (platform_flags.py): for Bedrock
  `AWS_REGION` / `AWS_DEFAULT_REGION` (or the profile's region), `AWS_PROFILE`,
  `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` or
  `AWS_BEARER_TOKEN_BEDROCK`; for Vertex AI `CLOUD_ML_REGION`, `ANTHROPIC_VERTEX_PROJECT_ID` and
  Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`, or
  `gcloud auth application-default login`). They are checked before any call and never stored.
* neither platform serves the Models API: capabilities and lifecycle come from the built-in
  table and the SDK's data, under the model's first-party id (`canonical_model_id`). Whether
  the platform serves the id is asked at plan time, free: Vertex AI's count-tokens, Bedrock's
  control plane (bedrock_control.py).
* prices come from the platform's own table in prices.json (`bedrock/...`, `vertex/...`, with
  `-regional` tables for regional endpoints), never from the first-party rows.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..pricing import Price, PriceTable
from .anthropic_engine import AnthropicEngine
from .bedrock_control import BedrockCheckWarning, check_bedrock_model
from .capabilities import BUILTIN_CAPABILITIES, Capabilities
from .models import bedrock_endpoint_scope, canonical_model_id

if TYPE_CHECKING:
    from . import EngineOptions

BEDROCK_EXTRA = "pip install 'anthropic[bedrock]'"
VERTEX_EXTRA = "pip install 'anthropic[vertex]'"


class PlatformEngine(AnthropicEngine):
    """Shared behaviour of the cloud platforms: no Models API, platform price tables."""

    platform_label = "platform"
    client_class = ""
    """The anthropic SDK's client for this platform (`AnthropicBedrock`, `AnthropicVertex`)."""

    @staticmethod
    def client_settings() -> dict[str, Any]:
        """Region and credentials for the client, checked before any call."""
        raise NotImplementedError

    @classmethod
    def create(cls, model: str, options: EngineOptions) -> "PlatformEngine":
        import anthropic

        client = getattr(anthropic, cls.client_class)(**cls.client_settings(), base_url=options.base_url,
                                                      max_retries=0, timeout=600.0)
        return cls(model, client=client, base_url=options.base_url, retry=options.extra.get("retry"),
                   ledger=options.ledger, cache=options.cache, prices=options.prices)

    @property
    def canonical_model(self) -> str:
        return canonical_model_id(self.engine_name, self.model)

    def _trusts_sdk_dates(self) -> bool:
        return True

    def endpoint_scope(self) -> str:
        return "regional"

    def cache_identity(self) -> dict[str, Any]:
        return {"engine": self.engine_name, "model": self.model, "endpoint": str(self.client.base_url)}

    def _discover_capabilities(self) -> Capabilities:
        caps = BUILTIN_CAPABILITIES.get(self.canonical_model)
        if caps is None:
            raise UsageError(f"{self.model_string}: {self.canonical_model!r} is not a Claude model id this "
                             f"version knows, so its thinking settings cannot be checked; known ids include "
                             f"{', '.join(sorted(BUILTIN_CAPABILITIES))}")
        return caps

    def price(self) -> Price | None:
        return platform_price(self.prices, self.engine_name, self.model, self.canonical_model, self.endpoint_scope())

    def _is_priced(self, model: str) -> bool:
        return platform_price(self.prices, self.engine_name, model, model, self.endpoint_scope()) is not None


def platform_price(prices: PriceTable, platform: str, model: str, canonical: str, scope: str) -> Price | None:
    """The user's row for the exact id, else the platform's table for the endpoint scope; else unknown."""
    table = prices.prices
    keys = [f"{platform}/{model}"]
    if scope == "regional":
        keys.append(f"{platform}-regional/{canonical}")
    keys.append(f"{platform}/{canonical}")
    for key in keys:
        if key in table:
            return table[key]
    return None


class BedrockEngine(PlatformEngine):
    engine_name = "bedrock"
    client_class = "AnthropicBedrock"

    @staticmethod
    def client_settings() -> dict[str, Any]:
        return bedrock_settings()

    def endpoint_scope(self) -> str:
        return bedrock_endpoint_scope(self.model)

    def _discover_capabilities(self) -> Capabilities:
        if not self.model.startswith(("anthropic.", "global.")) and ".anthropic." not in self.model:
            raise UsageError(f"{self.model_string}: Bedrock names Claude models like "
                             "us.anthropic.claude-sonnet-4-5-20250929-v1:0 (an inference profile) or "
                             "anthropic.claude-sonnet-4-5-20250929-v1:0")
        caps = super()._discover_capabilities()
        warning = check_bedrock_model(self.model, self.model_string, region=self.client.aws_region,
                                      profile=self.client.aws_profile)
        if warning is not None:
            warnings.warn(warning, BedrockCheckWarning, stacklevel=4)
        return caps


def bedrock_settings() -> dict[str, Any]:
    """Region and credential source for AnthropicBedrock, checked before any call."""
    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        raise UsageError(f"the bedrock engine needs boto3: {BEDROCK_EXTRA}") from None
    profile = os.environ.get("AWS_PROFILE") or None
    token = os.environ.get("AWS_BEARER_TOKEN_BEDROCK") or None
    try:
        session = boto3.Session(profile_name=profile)
    except botocore.exceptions.ProfileNotFound:
        raise UsageError("the AWS profile given by --aws_profile (or $AWS_PROFILE) is not in your AWS config; "
                         "run `aws configure --profile NAME` or pass a profile that exists") from None
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or session.region_name
    if not region:
        raise UsageError("the bedrock engine needs an AWS region: pass --aws_region (e.g. --aws_region us-east-1), "
                         "set AWS_REGION, or give your AWS profile a region")
    if token is None and session.get_credentials() is None:
        raise UsageError("the bedrock engine found no AWS credentials: set AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY, pass --aws_profile NAME, or set AWS_BEARER_TOKEN_BEDROCK "
                         "(a Bedrock API key)")
    if token is not None:
        return {"aws_region": region, "api_key": token}
    return {"aws_region": region, "aws_profile": profile}


class VertexEngine(PlatformEngine):
    engine_name = "vertex"
    client_class = "AnthropicVertex"

    @staticmethod
    def client_settings() -> dict[str, Any]:
        return vertex_settings()

    def endpoint_scope(self) -> str:
        return "global" if self.client.region == "global" else "regional"

    def _discover_capabilities(self) -> Capabilities:
        caps = super()._discover_capabilities()
        self._probe_model()
        return caps

    def _probe_model(self) -> None:
        """Ask the free count-tokens endpoint about the model, so that a 404 stops the plan, not a run."""
        anthropic = self._anthropic
        try:
            self.client.with_options(timeout=15.0).messages.count_tokens(
                model=self.model, messages=[{"role": "user", "content": "ping"}])
        except anthropic.NotFoundError as exc:
            raise UsageError(f"{self.model_string}: Vertex AI does not serve this model in region "
                             f"{self.client.region} of project {self.client.project_id} (404: {_text(exc)}); check "
                             "the model id (e.g. claude-sonnet-4-5@20250929), CLOUD_ML_REGION and that the model "
                             "is enabled in Model Garden") from None
        except (anthropic.AuthenticationError, anthropic.PermissionDeniedError) as exc:
            raise UsageError(f"{self.model_string}: Vertex AI refused the credentials ({exc.status_code}); check "
                             "GOOGLE_APPLICATION_CREDENTIALS or run `gcloud auth application-default login`") from None
        except (anthropic.AnthropicError, ValueError):
            pass  # count-tokens unavailable or a transient fault: the first call will tell


def vertex_settings() -> dict[str, Any]:
    """Region, project and Application Default Credentials for AnthropicVertex, checked before any call."""
    try:
        import google.auth
        import google.auth.exceptions
    except ImportError:
        raise UsageError(f"the vertex engine needs google-auth: {VERTEX_EXTRA}") from None
    region = os.environ.get("CLOUD_ML_REGION") or None
    if not region:
        raise UsageError("the vertex engine needs a region: pass --vertex_region (e.g. --vertex_region us-east5, "
                         "or global) or set CLOUD_ML_REGION")
    try:
        credentials, found_project = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    except google.auth.exceptions.DefaultCredentialsError:
        raise UsageError("the vertex engine found no Google credentials: run `gcloud auth application-default "
                         "login` or set GOOGLE_APPLICATION_CREDENTIALS to a credentials file") from None
    project = os.environ.get("ANTHROPIC_VERTEX_PROJECT_ID") or found_project
    if not project:
        raise UsageError("the vertex engine needs a Google Cloud project: pass --vertex_project PROJECT_ID or set "
                         "ANTHROPIC_VERTEX_PROJECT_ID")
    return {"region": region, "project_id": project, "credentials": credentials}


def _text(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(exc)
