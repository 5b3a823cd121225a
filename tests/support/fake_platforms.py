"""Amazon Bedrock and Google Vertex AI request paths for the loopback fake Anthropic server.

The SDK's `AnthropicBedrock` and `AnthropicVertex` clients rewrite `/v1/messages` to each
platform's path; the fake serves those paths with the same replies, usage and faults:

* Bedrock: ``POST /model/{id}/invoke`` (a JSON Message) and
  ``/model/{id}/invoke-with-response-stream`` (AWS event-stream frames, each a ``chunk`` whose
  ``bytes`` is one Messages streaming event). The model id travels in the path, not the body.
* Vertex AI: ``POST /projects/{p}/locations/{r}/publishers/anthropic/models/{id}:rawPredict``
  (JSON), ``:streamRawPredict`` (server-sent events, as first-party), and
  ``.../models/count-tokens:rawPredict``.
* Bedrock's control plane: ``GET /foundation-models/{id}`` (GetFoundationModel) and
  ``GET /inference-profiles/{id}`` (GetInferenceProfile), as boto3's ``bedrock`` client calls
  them (point it here with ``AWS_ENDPOINT_URL_BEDROCK``). ``fake.bedrock_control_error`` (an
  AWS error code such as ``AccessDeniedException``) makes every control-plane call fail with
  it; ``fake.bedrock_profile_only`` names base models served only through inference profiles.
* ``POST /token``: a Google OAuth token endpoint, so Application Default Credentials from a
  fake ``authorized_user`` file can be refreshed against the loopback server.

A platform model id is served when its first-party form (``canonical_model_id``) is one of the
server's models; otherwise the reply is the platform's 404.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

_BEDROCK = re.compile(r"^/model/(?P<model>[^/]+)/(?P<kind>invoke|invoke-with-response-stream)$")
_BEDROCK_CONTROL = re.compile(r"^/(?P<kind>foundation-models|inference-profiles)/(?P<model>[^/]+)$")
_AWS_STATUS = {"AccessDeniedException": 403, "ResourceNotFoundException": 404, "ValidationException": 400,
               "ThrottlingException": 429, "InternalServerException": 500}
_VERTEX = re.compile(r"^/projects/(?P<project>[^/]+)/locations/(?P<region>[^/]+)/publishers/anthropic/models/"
                     r"(?P<model>[^/:]+):(?P<kind>rawPredict|streamRawPredict)$")


@dataclass(frozen=True)
class PlatformRoute:
    platform: str  # "bedrock", "vertex" or "oauth"
    kind: str  # "messages", "count_tokens", "token", "foundation_model" or "inference_profile"
    model: str | None = None
    stream: bool = False
    region: str | None = None
    project: str | None = None


def platform_route(path: str) -> PlatformRoute | None:
    if path == "/token":
        return PlatformRoute("oauth", "token")
    match = _BEDROCK.match(path)
    if match:
        return PlatformRoute("bedrock", "messages", unquote(match["model"]),
                             stream=match["kind"] == "invoke-with-response-stream")
    match = _VERTEX.match(path)
    if match:
        model = unquote(match["model"])
        kind = "count_tokens" if model == "count-tokens" else "messages"
        return PlatformRoute("vertex", kind, None if kind == "count_tokens" else model,
                             stream=match["kind"] == "streamRawPredict", region=match["region"],
                             project=match["project"])
    return None


def control_plane_route(path: str) -> PlatformRoute | None:
    """The Bedrock control-plane GET a path names, or None."""
    match = _BEDROCK_CONTROL.match(path)
    if not match:
        return None
    kind = "foundation_model" if match["kind"] == "foundation-models" else "inference_profile"
    return PlatformRoute("bedrock", kind, unquote(match["model"]))


def handle_control_plane(handler: Any, route: PlatformRoute) -> None:
    """GetFoundationModel / GetInferenceProfile with AWS's rest-json error shape."""
    fake = handler.fake
    fake._record_platform_call(route, handler.headers)
    model = str(route.model)
    code = fake.bedrock_control_error
    if code is None and _served_as(fake, "bedrock", model) is None:
        code = "ResourceNotFoundException"
    if code is not None:
        handler._send_json(_AWS_STATUS.get(code, 400), {"message": f"{code} for {model}"},
                           headers={"x-amzn-ErrorType": code})
        return
    arn = f"arn:aws:bedrock:us-east-1::{route.kind.replace('_', '-')}/{model}"
    if route.kind == "inference_profile":
        handler._send_json(200, {"inferenceProfileId": model, "inferenceProfileArn": arn, "inferenceProfileName": model,
                                 "status": "ACTIVE", "type": "SYSTEM_DEFINED", "models": [{"modelArn": arn}]})
        return
    kinds = ["INFERENCE_PROFILE"] if model in fake.bedrock_profile_only else ["ON_DEMAND", "INFERENCE_PROFILE"]
    handler._send_json(200, {"modelDetails": {"modelArn": arn, "modelId": model, "providerName": "Anthropic",
                                              "inferenceTypesSupported": kinds,
                                              "modelLifecycle": {"status": "ACTIVE"}}})


def handle_platform(handler: Any, route: PlatformRoute, raw: bytes) -> None:
    """Serve one platform request on the fake's handler (see fake_anthropic._Handler)."""
    from .fake_anthropic import _APIError, estimate_input_tokens, parse_json_body

    fake = handler.fake
    fake._record_platform_call(route, handler.headers)
    if route.kind == "token":
        handler._send_json(200, {"access_token": f"ya29.fake-{len(fake.platform_calls)}", "expires_in": 3600,
                                 "token_type": "Bearer"})
        return
    try:
        body = parse_json_body(raw)
        if not isinstance(body, dict):
            raise _APIError(400, "invalid_request_error", "Request body must be a JSON object")
        model = route.model or body.get("model")
        if _served_as(fake, route.platform, str(model)) is None:
            raise _APIError(404, "not_found_error", f"{route.platform} does not serve model {model!r}")
        if route.kind == "count_tokens":
            handler._send_json(200, {"input_tokens": estimate_input_tokens(body)})
            return
        body = {**body, "model": model, "stream": route.stream}
        if route.platform == "bedrock" and route.stream:
            handler._messages(body, streamer=lambda message: write_bedrock_stream(handler, message))
        else:
            handler._messages(body)
    except _APIError as exc:
        handler._send_error(exc)


def _served_as(fake: Any, platform: str, model: str) -> str | None:
    from promptbudget.engines.models import canonical_model_id

    canonical = canonical_model_id(platform, model)
    return canonical if canonical in fake.models else None


# ----------------------------------------------------------------------------- AWS event stream


def event_stream_frame(payload: bytes, headers: dict[str, str]) -> bytes:
    """One AWS event-stream message: prelude, prelude CRC, string headers, payload, message CRC."""
    encoded = b"".join(struct.pack("B", len(name)) + name.encode() + b"\x07" + struct.pack(">H", len(value))
                       + value.encode() for name, value in headers.items())
    total = 12 + len(encoded) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded))
    head = prelude + struct.pack(">I", binascii.crc32(prelude)) + encoded + payload
    return head + struct.pack(">I", binascii.crc32(head))


def bedrock_chunk(event: dict) -> bytes:
    payload = json.dumps({"bytes": base64.b64encode(json.dumps(event).encode()).decode()}).encode()
    return event_stream_frame(payload, {":event-type": "chunk", ":content-type": "application/json",
                                        ":message-type": "event"})


def stream_events(message: dict) -> list[dict]:
    """The Messages streaming events of a finished message, in order."""
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None,
             "usage": {**{k: v for k, v in usage.items() if k != "output_tokens_details"}, "output_tokens": 1}}
    events: list[dict] = [{"type": "message_start", "message": start}]
    for i, block in enumerate(message["content"]):
        if block["type"] == "thinking":
            events.append({"type": "content_block_start", "index": i,
                           "content_block": {"type": "thinking", "thinking": "", "signature": ""}})
            events.append({"type": "content_block_delta", "index": i,
                           "delta": {"type": "thinking_delta", "thinking": block["thinking"]}})
            events.append({"type": "content_block_delta", "index": i,
                           "delta": {"type": "signature_delta", "signature": block["signature"]}})
        else:
            events.append({"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}})
            events.append({"type": "content_block_delta", "index": i,
                           "delta": {"type": "text_delta", "text": block["text"]}})
        events.append({"type": "content_block_stop", "index": i})
    events.append({"type": "message_delta", "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                   "usage": {k: v for k, v in usage.items() if k != "service_tier"}})
    return events


def write_bedrock_stream(handler: Any, message: dict) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/vnd.amazon.eventstream")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()

    def chunked(data: bytes) -> bytes:
        return b"%x\r\n%s\r\n" % (len(data), data)

    for event in stream_events(message):
        handler.wfile.write(chunked(bedrock_chunk(event)))
    last = chunked(bedrock_chunk({"type": "message_stop"})) + b"0\r\n\r\n"
    handler._write_committing_usage(last, message["usage"])
