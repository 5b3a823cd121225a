"""A loopback fake of the Anthropic Messages API, for tests and benchmarks.

Stdlib only. It speaks the wire format the ``anthropic`` Python SDK (2.12.x) parses:

* ``POST /v1/messages``: a JSON ``Message``, or with ``"stream": true`` the server-sent
  event sequence ``message_start``, ``ping``, ``content_block_start`` /
  ``content_block_delta`` (``thinking_delta`` then ``signature_delta``, or ``text_delta``) /
  ``content_block_stop`` per block, ``message_delta`` (stop reason and cumulative usage),
  ``message_stop``.
* ``POST /v1/messages/count_tokens``: ``{"input_tokens": N}``, estimated exactly as the
  ``input_tokens`` of a reply to the same request (see :func:`estimate_input_tokens`).
* ``GET /v1/models/{id}`` and ``GET /v1/models``: ``ModelInfo``-shaped JSON (``max_tokens``,
  ``capabilities.thinking.types``, ``capabilities.effort``, ``lifecycle``), or 404
  ``not_found_error`` when ``serve_models_api=False`` or the model is unknown.

Errors use the real envelope ``{"type": "error", "error": {"type": ..., "message": ...},
"request_id": ...}``. Faults (429 / 529 with ``retry-after``, 500, dropped connection, slow
reply) are injected per ``/v1/messages`` attempt from a seeded RNG, so a given sequence of
attempts is reproducible.

Typical use::

    with FakeAnthropicServer(latency_s=0.05) as server:
        client = anthropic.Anthropic(api_key="test-key", base_url=server.base_url)
        client.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[...])
        server.total_sent_usage()   # the tokens a real API would have billed

SDK retry behaviour worth knowing when injecting faults: the SDK honours ``retry-after``
(seconds, floats accepted) and the non-standard ``retry-after-ms`` only when the value is
> 0; a value of 0, a 500 without the header or a dropped connection falls back to its
exponential backoff (0.5 s * 2**n, capped at 8 s, times a 0.75-1.0 jitter). Use a small
positive ``Faults.retry_after_s`` (e.g. 0.001) for fast retrying tests.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import json
import random
import re
import socket
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl

from .fake_batches import BatchError, BatchSettings, FakeBatches

from .fake_platforms import control_plane_route, handle_control_plane, handle_platform, platform_route

__all__ = [
    "Reply",
    "Faults",
    "FakeAnthropicServer",
    "FAULT_KINDS",
    "DEFAULT_MODELS",
    "estimate_input_tokens",
    "estimate_tokens",
    "make_model_info",
]

FAULT_KINDS = ("429", "529", "500", "drop", "slow")

_AUTH_HEADERS = ("authorization", "x-api-key")


# ----------------------------------------------------------------------------- data types


@dataclass
class Reply:
    """What the server sends for one successful ``/v1/messages`` call."""

    text: str = "Answer: 42"
    thinking: str | None = None  # if set, a thinking block (fake signature) precedes the text
    input_tokens: int | None = None  # None -> estimate_input_tokens(request)
    output_tokens: int | None = None  # None -> text tokens + thinking tokens (billed total)
    thinking_tokens: int | None = None  # None -> estimated from `thinking` when it is set
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    stop_reason: str = "end_turn"
    # The real API may leave out usage.output_tokens_details; set to test that path.
    omit_output_tokens_details: bool = False


@dataclass
class Faults:
    """Per-attempt fault injection on ``POST /v1/messages``."""

    rate: float = 0.0  # probability that an attempt is faulted
    kinds: tuple = ("429", "529", "500", "drop")  # chosen uniformly when faulted
    retry_after_s: float = 0.0  # retry-after header value on 429/529
    slow_s: float = 0.0  # extra delay for the "slow" kind
    seed: int = 0
    # Deterministic outcomes for the first attempts, consumed before the random draw:
    # e.g. ("529", None) faults the first attempt and lets the second through.
    script: tuple = ()


# ----------------------------------------------------------------------------- helpers


def estimate_tokens(text: str) -> int:
    """Crude token count: one token per 4 characters, at least 1."""
    return max(1, (len(text) + 3) // 4)


def estimate_input_tokens(body: dict) -> int:
    """Input-token estimate used for both replies and ``count_tokens``.

    Depends only on ``system``, ``messages`` and ``tools``, so a create request and a
    count_tokens request with the same prompt get the same number.
    """
    relevant = {k: body.get(k) for k in ("system", "messages", "tools") if body.get(k) is not None}
    text = json.dumps(relevant, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return estimate_tokens(text)


def _support(flag: bool) -> dict:
    return {"supported": bool(flag)}


def make_model_info(
    model_id: str,
    *,
    display_name: str | None = None,
    max_tokens: int = 64000,
    max_input_tokens: int = 200000,
    thinking_enabled: bool = True,
    thinking_adaptive: bool = False,
    thinking_disabled: bool = True,
    efforts: Iterable[str] = (),
    lifecycle: str = "active",
    created_at: str = "2025-10-01T00:00:00Z",
) -> dict:
    """A complete ModelInfo JSON object as ``GET /v1/models/{id}`` returns it."""
    efforts = set(efforts)
    return {
        "type": "model",
        "id": model_id,
        "display_name": display_name or model_id,
        "created_at": created_at,
        "lifecycle": lifecycle,
        "deprecated_at": None,
        "retires_at": None,
        "line": None,
        "max_tokens": max_tokens,
        "max_input_tokens": max_input_tokens,
        "capabilities": {
            "batch": _support(True),
            "citations": _support(True),
            "code_execution": _support(False),
            "context_management": {"supported": False},
            "effort": {
                "supported": bool(efforts),
                "low": _support("low" in efforts),
                "medium": _support("medium" in efforts),
                "high": _support("high" in efforts),
                "max": _support("max" in efforts),
                "xhigh": _support("xhigh" in efforts),
            },
            "image_input": _support(True),
            "pdf_input": _support(True),
            "server_tools": {
                "supported": False,
                "code_execution": _support(False),
                "web_search": _support(False),
            },
            "structured_outputs": _support(True),
            "thinking": {
                "supported": thinking_enabled or thinking_adaptive,
                "types": {
                    "enabled": _support(thinking_enabled),
                    "adaptive": _support(thinking_adaptive),
                    "disabled": _support(thinking_disabled),
                    "between_tools": _support(False),
                },
            },
        },
    }


def _default_models() -> dict[str, dict]:
    # Illustrative defaults following /work/shared/docs/claude_api.md, not an authoritative
    # capability table: manual budgets on the 4.5 models, adaptive on 4.6+, manual budgets
    # rejected from Opus 4.7 / Sonnet 5 on.
    table: dict[str, dict] = {}
    for mid, name, created, efforts in (
        ("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-01T00:00:00Z", ()),
        ("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z", ()),
        ("claude-opus-4-5-20251101", "Claude Opus 4.5", "2025-11-01T00:00:00Z", ("low", "medium", "high")),
    ):
        info = make_model_info(mid, display_name=name, created_at=created, efforts=efforts)
        table[mid] = info
        alias = mid.rsplit("-", 1)[0]
        table[alias] = {**info, "id": alias}
    for mid, name, enabled, efforts in (
        ("claude-sonnet-4-6", "Claude Sonnet 4.6", True, ("low", "medium", "high", "max")),
        ("claude-opus-4-6", "Claude Opus 4.6", True, ("low", "medium", "high", "max")),
        ("claude-opus-4-7", "Claude Opus 4.7", False, ("low", "medium", "high", "xhigh", "max")),
        ("claude-sonnet-5", "Claude Sonnet 5", False, ("low", "medium", "high", "xhigh", "max")),
    ):
        table[mid] = make_model_info(
            mid, display_name=name, thinking_enabled=enabled, thinking_adaptive=True,
            efforts=efforts, max_tokens=128000,
        )
    return table


DEFAULT_MODELS: dict[str, dict] = _default_models()


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _request_id() -> str:
    return "req_fake" + uuid.uuid4().hex[:20]


def _chunks(text: str, size: int = 16) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class _APIError(Exception):
    def __init__(self, status: int, err_type: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.err_type, self.message = status, err_type, message
        self.headers = headers or {}


def parse_json_body(raw: bytes) -> Any:
    """A request body as JSON, or the API's 400 for one that is not."""
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise _APIError(400, "invalid_request_error", "Request body is not valid JSON") from None


def _thinking_on(body: dict) -> bool:
    th = body.get("thinking")
    return isinstance(th, dict) and th.get("type") in ("enabled", "adaptive")


def default_responder(body: dict) -> Reply:
    """'Answer: 42', preceded by a short thinking block when thinking is on."""
    if _thinking_on(body):
        return Reply(thinking="The user asks a question. The answer is 42.")
    return Reply()


# ----------------------------------------------------------------------------- server


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256
    fake: "FakeAnthropicServer"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # quiet: a client hanging up mid-reply is expected (timeouts, cancelled streams)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the SDK's connection pool is exercised
    disable_nagle_algorithm = True  # headers and body go out in separate writes: avoid 40 ms delayed-ACK stalls
    server_version = "FakeAnthropic/1.0"
    timeout = 120  # idle keep-alive connections give up eventually

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, add=True)  # type: ignore[attr-defined]

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        self.server.fake._track(self.connection, add=False)  # type: ignore[attr-defined]

    # -- plumbing

    @property
    def fake(self) -> "FakeAnthropicServer":
        return self.server.fake  # type: ignore[attr-defined]

    def _path(self) -> str:
        return self.path.split("?", 1)[0].rstrip("/")

    def _read_body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def version_string(self) -> str:
        return self.server_version

    def _send_json(self, status: int, obj: Any, headers: dict | None = None, request_id: str | None = None,
                   usage: dict | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", request_id or _request_id())
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if usage is None:
            self.wfile.write(data)
        else:
            self._write_committing_usage(data, usage)
        self.wfile.flush()

    def _write_committing_usage(self, data: bytes, usage: dict) -> None:
        """Write the last bytes of a successful reply, recording its usage first.

        Recording before the write means a client that has just received the reply always
        finds it in ``sent_usage``; a write that fails (client gone) takes the record back.
        """
        token = self.fake._record_usage(usage)
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except BaseException:
            self.fake._unrecord_usage(token)
            raise

    def _send_error(self, err: _APIError) -> None:
        body = {
            "type": "error",
            "error": {"type": err.err_type, "message": err.message},
            "request_id": _request_id(),
        }
        self._send_json(err.status, body, err.headers, request_id=body["request_id"])

    def _drop(self) -> None:
        """Close the connection without writing a single byte."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- routes

    def do_GET(self) -> None:  # noqa: N802
        path = self._path()
        try:
            if path.startswith("/v1/messages/batches"):
                self._batches_get(path)
            elif path == "/v1/models" and self.fake.serve_models_api:
                self._send_json(200, self.fake._models_list())
            elif path.startswith("/v1/models/") and self.fake.serve_models_api:
                self._send_json(200, self.fake._model_info(path[len("/v1/models/"):]))
            elif control_plane_route(path) is not None:  # Bedrock's control plane (fake_platforms.py)
                handle_control_plane(self, control_plane_route(path))
            else:
                raise _APIError(404, "not_found_error", f"Not found: {path}")
        except _APIError as e:
            self._send_error(e)

    def do_POST(self) -> None:  # noqa: N802
        path = self._path()
        raw = self._read_body()
        route = platform_route(path)
        if route is not None:  # Bedrock / Vertex AI paths (fake_platforms.py)
            handle_platform(self, route, raw)
            return
        try:
            body = parse_json_body(raw)
            if path == "/v1/messages":
                self._messages(body)
            elif path.startswith("/v1/messages/batches"):
                self._batches_post(path, body, len(raw))
            elif path == "/v1/messages/count_tokens":
                self.fake._record_count_tokens(body, self.headers)
                if not isinstance(body, dict):
                    raise _APIError(400, "invalid_request_error", "Request body must be a JSON object")
                for field in ("model", "messages"):
                    if field not in body:
                        raise _APIError(400, "invalid_request_error", f"{field}: Field required")
                self._send_json(200, {"input_tokens": estimate_input_tokens(body)})
            else:
                raise _APIError(404, "not_found_error", f"Not found: {path}")
        except _APIError as e:
            self._send_error(e)

    # -- Message Batches (state and billing in fake_batches.py)

    def _batch_api(self) -> FakeBatches:
        if self.fake.batches is None:
            raise _APIError(404, "not_found_error", f"Not found: {self._path()}")
        return self.fake.batches

    def _batches_get(self, path: str) -> None:
        batches = self._batch_api()
        parts = path.split("/")[4:]  # after /v1/messages/batches
        try:
            if not parts:
                self._send_json(200, batches.list(dict(parse_qsl(self.path.partition("?")[2]))))
            elif len(parts) == 1:
                self._send_json(200, batches.retrieve(parts[0]))
            elif len(parts) == 2 and parts[1] == "results":
                self._send_jsonl(batches.results_lines(parts[0]))
            else:
                raise _APIError(404, "not_found_error", f"Not found: {path}")
        except BatchError as e:
            raise _APIError(e.status, e.err_type, e.message) from None

    def _batches_post(self, path: str, body: Any, size: int) -> None:
        batches = self._batch_api()
        parts = path.split("/")[4:]
        try:
            if not parts:
                self._send_json(200, batches.create(body, size))
            elif len(parts) == 2 and parts[1] == "cancel":
                self._send_json(200, batches.cancel(parts[0]))
            else:
                raise _APIError(404, "not_found_error", f"Not found: {path}")
        except BatchError as e:
            raise _APIError(e.status, e.err_type, e.message) from None

    def _send_jsonl(self, lines: list[bytes]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/binary")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", _request_id())
        self.end_headers()
        for start in range(0, len(lines), 256):
            chunk = b"".join(lines[start:start + 256])
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _messages(self, body: Any, streamer: Callable[[dict], None] | None = None) -> None:
        fake = self.fake
        fault = fake._next_fault()
        fake._record_request(body, self.headers, fault)
        if fake.latency_s > 0:
            time.sleep(fake.latency_s)
        if fault == "drop":
            self._drop()
            return
        if fault in ("429", "529"):
            ra = fake.faults.retry_after_s
            hdr = {"retry-after": str(int(ra)) if float(ra).is_integer() else repr(float(ra))}
            if fault == "429":
                raise _APIError(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit (fake)", hdr)
            raise _APIError(529, "overloaded_error", "Overloaded (fake)", hdr)
        if fault == "500":
            raise _APIError(500, "api_error", "Internal server error (fake)")
        if fault == "slow" and fake.faults.slow_s > 0:
            time.sleep(fake.faults.slow_s)

        fake._validate(body)
        try:
            reply = fake.responder(body)
        except _APIError:
            raise
        except Exception as e:  # a broken responder shows up as an api_error, not a hang
            raise _APIError(500, "api_error", f"fake responder failed: {e!r}") from None
        if isinstance(reply, str):
            reply = Reply(text=reply)
        message = fake._build_message(body, reply)
        if body.get("stream"):
            (streamer or self._stream)(message)
        else:
            self._send_json(200, message, usage=message["usage"])

    def _stream(self, message: dict) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", _request_id())
        self.end_headers()

        def frame(event: str, data: dict) -> bytes:
            payload = f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()
            return b"%x\r\n%s\r\n" % (len(payload), payload)

        def emit(event: str, data: dict) -> None:
            self.wfile.write(frame(event, data))

        usage = message["usage"]
        start = {**message, "content": [], "stop_reason": None, "stop_sequence": None,
                 "usage": {**{k: v for k, v in usage.items() if k != "output_tokens_details"}, "output_tokens": 1}}
        emit("message_start", {"type": "message_start", "message": start})
        emit("ping", {"type": "ping"})
        for i, block in enumerate(message["content"]):
            if block["type"] == "thinking":
                emit("content_block_start", {"type": "content_block_start", "index": i,
                                             "content_block": {"type": "thinking", "thinking": "", "signature": ""}})
                for piece in _chunks(block["thinking"]):
                    emit("content_block_delta", {"type": "content_block_delta", "index": i,
                                                 "delta": {"type": "thinking_delta", "thinking": piece}})
                emit("content_block_delta", {"type": "content_block_delta", "index": i,
                                             "delta": {"type": "signature_delta", "signature": block["signature"]}})
            else:
                emit("content_block_start", {"type": "content_block_start", "index": i,
                                             "content_block": {"type": "text", "text": ""}})
                for piece in _chunks(block["text"]):
                    emit("content_block_delta", {"type": "content_block_delta", "index": i,
                                                 "delta": {"type": "text_delta", "text": piece}})
            emit("content_block_stop", {"type": "content_block_stop", "index": i})
        delta_usage = {k: v for k, v in usage.items() if k != "service_tier"}
        emit("message_delta", {"type": "message_delta",
                               "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                               "usage": delta_usage})
        self._write_committing_usage(frame("message_stop", {"type": "message_stop"}) + b"0\r\n\r\n", usage)


class FakeAnthropicServer:
    """Loopback Anthropic Messages API; see the module docstring.

    Introspection (thread-safe, each returns a snapshot):

    * ``requests``: one record per ``POST /v1/messages`` attempt, faulted ones included:
      ``{"path", "body", "headers" (lower-cased, auth headers removed), "had_api_key",
      "retry_count" (SDK's x-stainless-retry-count, or None), "fault" (kind or None)}``.
    * ``count_tokens_requests``: the same records for ``/v1/messages/count_tokens``.
    * ``sent_usage``: the ``usage`` object of every successful reply fully written.
    * ``fault_counts``: Counter of injected fault kinds.
    """

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        responder: Callable[[dict], Reply] | None = None,
        faults: Faults | None = None,
        models: dict[str, dict] | None = None,
        serve_models_api: bool = True,
        batches: BatchSettings | None = None,
        serve_batches_api: bool = True,
    ) -> None:
        self.latency_s = latency_s
        self.responder: Callable[[dict], Reply] = responder or default_responder
        self.faults = faults or Faults()
        for k in tuple(self.faults.kinds) + tuple(x for x in self.faults.script if x is not None):
            if k not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind {k!r}; expected one of {FAULT_KINDS}")
        if models is None:
            self.models = copy.deepcopy(DEFAULT_MODELS)
        else:
            self.models = {mid: _deep_merge(make_model_info(mid), {**info, "id": mid}) for mid, info in models.items()}
        self.serve_models_api = serve_models_api
        self.batches: FakeBatches | None = None
        if serve_batches_api:
            self.batches = FakeBatches(batches or BatchSettings(), self._batch_message, self._validate, _APIError)

        self._lock = threading.Lock()
        self._rng = random.Random(self.faults.seed)
        self._script = list(self.faults.script)
        self._requests: list[dict] = []
        self._count_tokens_requests: list[dict] = []
        self._sent_usage: list[dict] = []
        self._fault_counts: Counter = Counter()
        self._platform_calls: list[dict] = []
        self.bedrock_control_error: str | None = None
        self.bedrock_profile_only: set[str] = set()
        self._ids = itertools.count(1)
        self._conns: set = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- lifecycle

    def start(self) -> "FakeAnthropicServer":
        if self._httpd is not None:
            return self
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.fake = self
        self._httpd = httpd
        self.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
        if self.batches is not None:
            self.batches.base_url = self.base_url
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-anthropic", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:  # wake handler threads parked on idle keep-alive connections
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FakeAnthropicServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- introspection

    @property
    def requests(self) -> list[dict]:
        with self._lock:
            return list(self._requests)

    @property
    def count_tokens_requests(self) -> list[dict]:
        with self._lock:
            return list(self._count_tokens_requests)

    @property
    def sent_usage(self) -> list[dict]:
        with self._lock:
            return [copy.deepcopy(u) for u in self._sent_usage]

    @property
    def fault_counts(self) -> Counter:
        with self._lock:
            return Counter(self._fault_counts)

    @property
    def platform_calls(self) -> list[dict]:
        """Bedrock / Vertex / OAuth requests: platform, kind, model, stream, region, project, auth scheme,
        and for SigV4-signed calls the signed region and service."""
        with self._lock:
            return [dict(c) for c in self._platform_calls]

    def _record_platform_call(self, route: Any, headers: Any) -> None:
        auth = str(headers.get("authorization") or "")
        scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request", auth)  # SigV4: region, service
        record = {**route.__dict__, "auth_scheme": auth.split(" ", 1)[0] if auth else None,
                  "signed_region": scope.group(1) if scope else None, "signed_service": scope.group(2) if scope else None}
        with self._lock:
            self._platform_calls.append(record)

    def total_sent_usage(self) -> dict[str, int]:
        """Sum of the integer usage fields (thinking_tokens included) over successful replies."""
        keys = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
                "thinking_tokens")
        tot = dict.fromkeys(keys, 0)
        for u in self.sent_usage:
            for k in keys[:-1]:
                tot[k] += int(u.get(k) or 0)
            tot["thinking_tokens"] += int((u.get("output_tokens_details") or {}).get("thinking_tokens") or 0)
        tot["calls"] = len(self.sent_usage)
        return tot

    def reset(self) -> None:
        """Forget recorded requests / usage / fault counts (the RNG keeps its state)."""
        with self._lock:
            self._requests.clear()
            self._count_tokens_requests.clear()
            self._sent_usage.clear()
            self._fault_counts.clear()

    # -- internals used by the handler

    def _track(self, conn: Any, *, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def _next_fault(self) -> str | None:
        with self._lock:
            if self._script:
                kind = self._script.pop(0)
            elif self.faults.rate > 0 and self.faults.kinds and self._rng.random() < self.faults.rate:
                kind = self._rng.choice(tuple(self.faults.kinds))
            else:
                kind = None
            if kind is not None:
                self._fault_counts[kind] += 1
            return kind

    @staticmethod
    def _record(body: Any, headers: Any, path: str, fault: str | None) -> dict:
        hdrs = {k.lower(): v for k, v in headers.items()}
        had_key = any(hdrs.get(h) for h in _AUTH_HEADERS)
        for h in _AUTH_HEADERS:
            hdrs.pop(h, None)
        rc = hdrs.get("x-stainless-retry-count")
        return {
            "path": path,
            "body": body,
            "headers": hdrs,
            "had_api_key": bool(had_key),
            "retry_count": int(rc) if rc and rc.isdigit() else None,
            "fault": fault,
        }

    def _record_request(self, body: Any, headers: Any, fault: str | None) -> None:
        rec = self._record(body, headers, "/v1/messages", fault)
        with self._lock:
            self._requests.append(rec)

    def _record_count_tokens(self, body: Any, headers: Any) -> None:
        rec = self._record(body, headers, "/v1/messages/count_tokens", None)
        with self._lock:
            self._count_tokens_requests.append(rec)

    def _record_usage(self, usage: dict) -> dict:
        rec = copy.deepcopy(usage)
        with self._lock:
            self._sent_usage.append(rec)
        return rec

    def _unrecord_usage(self, rec: dict) -> None:
        with self._lock:
            for i, u in enumerate(self._sent_usage):
                if u is rec:
                    del self._sent_usage[i]
                    break

    def _batch_message(self, params: dict) -> dict:
        """The Message one batch request gets (same responder and usage as /v1/messages)."""
        try:
            reply = self.responder(params)
        except _APIError:
            raise
        except Exception as e:
            raise _APIError(500, "api_error", f"fake responder failed: {e!r}") from None
        return self._build_message(params, Reply(text=reply) if isinstance(reply, str) else reply)

    def _model_info(self, model_id: str) -> dict:
        info = self.models.get(model_id)
        if info is None:
            raise _APIError(404, "not_found_error", f"model: {model_id}")
        return copy.deepcopy(info)

    def _models_list(self) -> dict:
        data = [copy.deepcopy(v) for v in self.models.values()]
        return {"data": data, "has_more": False,
                "first_id": data[0]["id"] if data else None, "last_id": data[-1]["id"] if data else None}

    def _validate(self, body: Any) -> None:
        def bad(msg: str) -> _APIError:
            return _APIError(400, "invalid_request_error", msg)

        if not isinstance(body, dict):
            raise bad("Request body must be a JSON object")
        for field in ("model", "max_tokens", "messages"):
            if field not in body:
                raise bad(f"{field}: Field required")
        mt = body["max_tokens"]
        if not isinstance(mt, int) or isinstance(mt, bool) or mt < 1:
            raise bad("max_tokens: Input should be greater than or equal to 1")
        if not isinstance(body["messages"], list) or not body["messages"]:
            raise bad("messages: at least one message is required")
        th = body.get("thinking")
        if th is None:
            return
        if not isinstance(th, dict) or th.get("type") not in ("enabled", "disabled", "adaptive"):
            raise bad("thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'")
        ttype = th["type"]
        types = ((self.models.get(body["model"]) or {}).get("capabilities") or {}).get("thinking", {}).get("types", {})
        if types and not (types.get(ttype) or {}).get("supported", True):
            raise bad(f"thinking.type '{ttype}' is not supported on model {body['model']}")
        if ttype == "enabled":
            budget = th.get("budget_tokens")
            if not isinstance(budget, int) or isinstance(budget, bool):
                raise bad("thinking.enabled.budget_tokens: Field required")
            if budget < 1024:
                raise bad("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")
            if budget >= mt:
                raise bad("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
                          "documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
                          "#max-tokens-and-context-window-size")
        if ttype in ("enabled", "adaptive"):
            for p in ("temperature", "top_p", "top_k"):
                if p in body:
                    raise bad(f"`{p}` is not supported when thinking is enabled")

    def _build_message(self, body: dict, reply: Reply) -> dict:
        n = next(self._ids)
        content: list[dict] = []
        thinking_tokens = reply.thinking_tokens
        if reply.thinking is not None:
            sig = base64.b64encode(hashlib.sha256(f"{n}:{reply.thinking}".encode()).digest() * 2).decode()
            content.append({"type": "thinking", "thinking": reply.thinking, "signature": sig})
            if thinking_tokens is None:
                thinking_tokens = estimate_tokens(reply.thinking)
        content.append({"type": "text", "text": reply.text})
        output_tokens = reply.output_tokens
        if output_tokens is None:
            output_tokens = estimate_tokens(reply.text) + (thinking_tokens or 0)
        input_tokens = reply.input_tokens if reply.input_tokens is not None else estimate_input_tokens(body)
        usage: dict[str, Any] = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": reply.cache_creation_input_tokens,
            "cache_read_input_tokens": reply.cache_read_input_tokens,
            "service_tier": "standard",
        }
        if thinking_tokens is not None and not reply.omit_output_tokens_details:
            usage["output_tokens_details"] = {"thinking_tokens": thinking_tokens}
        return {
            "id": f"msg_fake{n:08d}{uuid.uuid4().hex[:12]}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": usage,
        }
