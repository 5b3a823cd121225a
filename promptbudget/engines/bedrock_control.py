"""Ask Amazon Bedrock's control plane whether it serves a model, before any paid call.

The SDK offers no free call on Bedrock that names a model (count-tokens is refused there), so
the check uses boto3's `bedrock` client: GetFoundationModel for a base model id
(`anthropic.claude-...-v1:0`) and GetInferenceProfile for an inference profile
(`us.`, `eu.`, `apac.`, `global.` ...). Both are free. The endpoint is boto3's usual one for the
region, or `$AWS_ENDPOINT_URL_BEDROCK` (how the tests point it at the loopback fake).

An unknown model stops the plan (UsageError, exit 2). A check that cannot be made (no
permission for the control plane, no network, throttling) does not block a model the runtime
may still serve: it returns a warning and the run goes on.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import UsageError

_PROFILE = re.compile(r"^[a-z]{2,6}\.anthropic\.")
_NOT_SERVED = {"ResourceNotFoundException", "ValidationException"}
_NO_PERMISSION = {"AccessDeniedException", "UnauthorizedException", "UnrecognizedClientException"}
EXAMPLE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


class BedrockCheckWarning(UserWarning):
    """Bedrock's control plane could not confirm the model; the first call will tell."""


def is_inference_profile(model: str) -> bool:
    return bool(_PROFILE.match(model))


def check_bedrock_model(model: str, model_string: str, *, region: str, profile: str | None) -> str | None:
    """None when Bedrock serves `model` in `region`; a warning when it cannot tell; UsageError when it does not."""
    import botocore.exceptions

    try:
        client = _control_client(region, profile)
        if is_inference_profile(model):
            client.get_inference_profile(inferenceProfileIdentifier=model)
            return None
        details = client.get_foundation_model(modelIdentifier=model).get("modelDetails") or {}
    except botocore.exceptions.ClientError as exc:
        return _client_error(exc, model, model_string, region)
    except botocore.exceptions.BotoCoreError as exc:
        return (f"{model_string}: could not ask Bedrock's control plane whether it serves this model "
                f"({type(exc).__name__}); going on, the first call will tell")
    _require_on_demand(details, model, model_string, region)
    return None


def _control_client(region: str, profile: str | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=5, read_timeout=15, retries={"max_attempts": 2, "mode": "standard"})
    return boto3.Session(profile_name=profile, region_name=region).client("bedrock", config=config)


def _client_error(exc: Any, model: str, model_string: str, region: str) -> str:
    error = exc.response.get("Error") or {}
    code = str(error.get("Code") or "")
    status = (exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    if code in _NOT_SERVED or status == 404:
        kind = "inference profile" if is_inference_profile(model) else "model"
        raise UsageError(f"{model_string}: Bedrock does not serve this {kind} in region {region} ({code or status}: "
                         f"{error.get('Message') or 'not found'}); check the id (e.g. {EXAMPLE}), the region "
                         "(--aws_region) and that the model is enabled under Model access in the Bedrock "
                         "console") from None
    if code in _NO_PERMISSION or status == 403:
        return (f"{model_string}: these AWS credentials may not read Bedrock's model catalogue ({code or status}; "
                "bedrock:GetFoundationModel / bedrock:GetInferenceProfile), so the model id is unchecked; "
                "going on, the first call will tell")
    return (f"{model_string}: Bedrock's control plane did not answer whether it serves this model "
            f"({code or status}); going on, the first call will tell")


def _require_on_demand(details: dict, model: str, model_string: str, region: str) -> None:
    """A base model that Bedrock serves only through inference profiles cannot be called by its own id."""
    kinds = details.get("inferenceTypesSupported") or []
    if kinds and "ON_DEMAND" not in kinds:
        raise UsageError(f"{model_string}: in region {region} Bedrock serves this model only through an "
                         f"inference profile; use us.{model}, eu.{model}, apac.{model} or global.{model} "
                         "(whichever your region offers)")
