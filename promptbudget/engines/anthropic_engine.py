"""Claude through the official `anthropic` SDK (2.x), or any Anthropic-compatible server.

The SDK's own retries are switched off (`max_retries=0`) so that this engine can count
retries per call, honour `retry-after`, and fail a 400 at once with the API's message.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import random
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..errors import EngineError, UsageError
from ..jsonio import write_json_atomic
from .base import Engine
from .capabilities import BUILTIN_CAPABILITIES, GENERIC_COMPATIBLE, Capabilities, from_model_info
from .models import check_lifecycle, lifecycle_of
from .types import Completion, Request, Thinking, Usage

if TYPE_CHECKING:
    import anthropic
    from anthropic.types import Message

    from . import EngineOptions

    AnthropicClient = Union[anthropic.Anthropic, anthropic.AnthropicBedrock, anthropic.AnthropicVertex]

API_KEY_ENV = "ANTHROPIC_API_KEY"
STREAM_ABOVE_MAX_TOKENS = 16384
"""Above this max_tokens the call streams: the SDK refuses long non-streaming calls."""


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 8
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    honor_retry_after: bool = True
    max_retry_after_s: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if self.honor_retry_after and retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after_s)
        backoff = min(self.base_delay_s * (2 ** attempt), self.max_delay_s)
        return backoff * (0.75 + 0.25 * random.random())


class ModelLifecycleWarning(UserWarning):
    """The chosen model is deprecated: it still works, and will reach end of life."""


class AnthropicEngine(Engine):
    engine_name = "anthropic"

    def __init__(self, model: str, *, api_key: str | None = None, base_url: str | None = None,
                 retry: RetryPolicy | None = None, timeout_s: float = 600.0,
                 capabilities_dir: str | os.PathLike | None = None,
                 stream_above_max_tokens: int = STREAM_ABOVE_MAX_TOKENS, client: AnthropicClient | None = None,
                 **kwargs: Any):
        super().__init__(model, **kwargs)
        import anthropic

        self._anthropic = anthropic
        self.base_url = base_url
        self.retry = retry or RetryPolicy()
        self.stream_above_max_tokens = stream_above_max_tokens
        self.client = client if client is not None else anthropic.Anthropic(
            api_key=api_key, base_url=base_url, max_retries=0, timeout=timeout_s)
        self._capabilities: Capabilities | None = None
        self._capabilities_lock = threading.Lock()
        self._capabilities_dir = Path(capabilities_dir) if capabilities_dir else None

    @property
    def canonical_model(self) -> str:
        """The first-party Claude id of this model (capabilities, lifecycle, prices)."""
        return self.model

    def _trusts_sdk_dates(self) -> bool:
        """A retired id is refused offline only when it names a real Claude endpoint's model."""
        return self.base_url is None

    @classmethod
    def create(cls, model: str, options: EngineOptions) -> "AnthropicEngine":
        api_key = os.environ.get(API_KEY_ENV, "").strip()
        if not api_key:
            where = " (any non-empty value works for a local server)" if options.base_url else ""
            raise UsageError(f"the anthropic engine needs an API key: set the {API_KEY_ENV} environment "
                             f"variable{where}, e.g. `export {API_KEY_ENV}=sk-ant-...`")
        cache_dir = getattr(options.cache, "directory", None)
        return cls(model, api_key=api_key, base_url=options.base_url,
                   retry=options.extra.get("retry"), ledger=options.ledger, cache=options.cache,
                   prices=options.prices,
                   capabilities_dir=Path(cache_dir) / "capabilities" if cache_dir else None)

    def cache_identity(self) -> dict[str, Any]:
        return {**super().cache_identity(), "base_url": self.base_url or "https://api.anthropic.com"}

    # --- capabilities ------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        with self._capabilities_lock:
            if self._capabilities is None:
                discovered = self._discover_capabilities()
                self._check_lifecycle(discovered)
                self._capabilities = discovered
            return self._capabilities

    def _check_lifecycle(self, caps: Capabilities) -> None:
        """Refuse a retired model (UsageError), warn once about a deprecated one."""
        from datetime import date

        from_api = caps.source == "models_api"
        lifecycle = lifecycle_of(
            self.canonical_model, api_state=caps.lifecycle if from_api else None,
            api_retires_at=date.fromisoformat(caps.retires_at) if from_api and caps.retires_at else None,
            trust_sdk_dates=self._trusts_sdk_dates())
        platform = self.engine_name if self.engine_name != "anthropic" else None
        warning = check_lifecycle(self.model_string, self.canonical_model, lifecycle, self._is_priced, platform)
        if warning is not None:
            warnings.warn(warning, ModelLifecycleWarning, stacklevel=4)

    def _is_priced(self, model: str) -> bool:
        return self.prices.price_for(self.engine_name, model) is not None

    def _capabilities_file(self) -> Path | None:
        if self._capabilities_dir is None:
            return None
        ident = hashlib.sha256(f"{self.base_url}|{self.model}".encode()).hexdigest()[:24]
        return self._capabilities_dir / f"{ident}.json"

    def _discover_capabilities(self) -> Capabilities:
        cached = self._capabilities_file()
        if cached is not None and cached.exists():
            try:
                return Capabilities.from_dict(json.loads(cached.read_text("utf-8")))
            except (json.JSONDecodeError, KeyError, TypeError):
                pass
        discovered = None
        try:
            discovered = from_model_info(self.client.with_options(timeout=15.0).models.retrieve(self.model))
        except self._anthropic.NotFoundError:
            if self.base_url is None and self.model not in BUILTIN_CAPABILITIES:
                raise UsageError(f"unknown Claude model {self.model!r}: the Models API does not know it; "
                                 f"known models include {', '.join(sorted(BUILTIN_CAPABILITIES))}") from None
        except self._anthropic.AuthenticationError:
            raise UsageError(f"the API rejected the key in {API_KEY_ENV} (401 authentication error)") from None
        except (self._anthropic.APIError, ValueError):
            pass  # offline, or a compatible server without /v1/models: use the built-in table
        if discovered is None:
            discovered = BUILTIN_CAPABILITIES.get(self.model)
            if discovered is None:
                if self.base_url is None:
                    raise UsageError(f"unknown Claude model {self.model!r} (and the Models API is unreachable); "
                                     f"known models: {', '.join(sorted(BUILTIN_CAPABILITIES))}")
                return GENERIC_COMPATIBLE
            return discovered
        if cached is not None:
            write_json_atomic(cached, discovered.to_dict())
        return discovered

    # --- calls -------------------------------------------------------------------------
    def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": "user", "content": request.prompt}],
        }
        if request.system:
            params["system"] = request.system
        thinking = request.thinking
        if thinking.mode == "budget":
            params["thinking"] = {"type": "enabled", "budget_tokens": thinking.budget_tokens}
        elif thinking.mode == "adaptive":
            params["thinking"] = {"type": "adaptive"}
            params["output_config"] = {"effort": thinking.effort}
        elif self.capabilities().source != "generic":
            params["thinking"] = {"type": "disabled"}
        return params

    def _complete(self, request: Request) -> Completion:
        params = self._params(request)
        anthropic = self._anthropic
        retries = 0
        while True:
            started = time.perf_counter()
            try:
                if request.max_tokens > self.stream_above_max_tokens:
                    with self.client.messages.stream(**params) as stream:
                        message = stream.get_final_message()
                else:
                    message = self.client.messages.create(**params)
                latency = time.perf_counter() - started
                return _to_completion(message, self.model, latency, retries)
            except anthropic.BadRequestError as exc:
                raise EngineError(f"{self.model_string}: the API rejected the request (400): {_message(exc)}") from None
            except anthropic.AuthenticationError:
                raise EngineError(f"{self.model_string}: authentication failed (401); check {API_KEY_ENV}") from None
            except (anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError,
                    anthropic.RequestTimeoutError, anthropic.ConflictError) as exc:
                if retries >= self.retry.max_retries:
                    raise EngineError(f"{self.model_string}: {type(exc).__name__} after {retries} retries: "
                                      f"{_message(exc)}") from None
                time.sleep(self.retry.delay(retries, _retry_after(exc)))
                retries += 1
            except anthropic.APIStatusError as exc:
                raise EngineError(f"{self.model_string}: HTTP {exc.status_code}: {_message(exc)}") from None

    def count_input_tokens(self, request: Request) -> int:
        """Exact input tokens from /v1/messages/count_tokens (falls back to the estimate)."""
        params = self._params(request)
        params.pop("max_tokens")
        params.pop("output_config", None)
        try:
            return int(self.client.messages.count_tokens(**params).input_tokens)
        except (self._anthropic.AnthropicError, ValueError):
            return self.estimate_input_tokens(request)

    def close(self) -> None:
        self.client.close()


def _to_completion(message: Message, model: str, latency: float, retries: int) -> Completion:
    texts, thoughts = [], []
    for block in message.content:
        kind = getattr(block, "type", None)
        if kind == "text":
            texts.append(block.text)
        elif kind == "thinking":
            thoughts.append(block.thinking)
    usage = message.usage
    details = getattr(usage, "output_tokens_details", None)
    thinking_tokens = getattr(details, "thinking_tokens", None) if details is not None else None
    return Completion(
        text="".join(texts),
        thinking_text="\n".join(thoughts),
        usage=Usage(
            input_tokens=usage.input_tokens or 0,
            output_tokens=usage.output_tokens or 0,
            thinking_tokens=thinking_tokens,
            cache_creation_input_tokens=usage.cache_creation_input_tokens or 0,
            cache_read_input_tokens=usage.cache_read_input_tokens or 0,
        ),
        stop_reason=message.stop_reason or "unknown",
        model=getattr(message, "model", None) or model,
        latency_s=latency,
        retries=retries,
    )


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    if headers.get("retry-after-ms"):
        try:
            return float(headers["retry-after-ms"]) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    return str(getattr(exc, "message", None) or exc)


__all__ = ["AnthropicEngine", "RetryPolicy", "API_KEY_ENV", "Thinking", "ModelLifecycleWarning"]
