"""Any OpenAI-compatible Chat Completions server (vLLM, SGLang, Ollama, LM Studio, llama-server).

Through the official `openai` SDK: `--model openai/MODEL --base_url URL`. Billed tokens come
from `usage` (`completion_tokens` includes reasoning; `completion_tokens_details.reasoning_tokens`
is the thinking share where the server gives it). How a thinking setting reaches the server
is declared with PROMPTBUDGET_OPENAI_THINKING or discovered, never guessed from the model name:

* `enable_thinking`: Qwen3-style chat templates (`chat_template_kwargs.enable_thinking`); a
  thinking budget is enforced only as the max_tokens cap. Discovered when llama-server's
  `/props` shows a chat template that reads `enable_thinking`.
* `reasoning_effort`: servers of reasoning models (`reasoning_effort` low/medium/high): `--effort`.
* `none` (the default otherwise): thinking off only; a thinking setting is refused (exit 2).

A local base_url (loopback or private address) costs nothing unless --prices names the model.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from ..errors import EngineError, UsageError
from ..pricing import FREE, Price
from .anthropic_engine import RetryPolicy, _retry_after
from .base import Engine
from .capabilities import Capabilities
from .types import Completion, Request, Usage

if TYPE_CHECKING:
    import httpx
    from openai.types.chat import ChatCompletion

    from . import EngineOptions

API_KEY_ENV = "OPENAI_API_KEY"
THINKING_ENV = "PROMPTBUDGET_OPENAI_THINKING"
THINKING_CONTROLS = ("enable_thinking", "reasoning_effort", "none")
OPENAI_EFFORTS = ("low", "medium", "high")
_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "content_filter": "refusal"}


class OpenAIEngine(Engine):
    engine_name = "openai"

    def __init__(self, model: str, *, base_url: str | None, api_key: str, thinking_control: str | None = None,
                 retry: RetryPolicy | None = None, timeout_s: float = 600.0, http_client: httpx.Client | None = None,
                 **kwargs: Any):
        super().__init__(model, **kwargs)
        import openai

        self._openai = openai
        self.base_url = normalize_base_url(base_url) if base_url else None
        self.declared_control = thinking_control
        self.retry = retry or RetryPolicy()
        self.client = openai.OpenAI(api_key=api_key, base_url=self.base_url, max_retries=0, timeout=timeout_s,
                                    http_client=http_client)
        self._http_client = http_client
        self._capabilities: Capabilities | None = None
        self._lock = threading.RLock()

    @classmethod
    def create(cls, model: str, options: EngineOptions) -> "OpenAIEngine":
        base_url = options.base_url or os.environ.get("OPENAI_BASE_URL") or None
        if not base_url:
            raise UsageError("the openai engine needs the server's address: pass --base_url "
                             "(e.g. --base_url http://127.0.0.1:8000/v1 for vLLM)")
        api_key = os.environ.get(API_KEY_ENV, "").strip()
        if not api_key:
            if not is_local_url(base_url):
                raise UsageError(f"{base_url} is not a local server: set {API_KEY_ENV} to its API key")
            api_key = "sk-local"  # local servers ignore it; the SDK needs one
        control = os.environ.get(THINKING_ENV, "").strip() or None
        if control is not None and control not in THINKING_CONTROLS:
            raise UsageError(f"{THINKING_ENV}={control!r} is not a thinking control; choose one of "
                             f"{', '.join(THINKING_CONTROLS)} (or unset it to discover)")
        return cls(model, base_url=base_url, api_key=api_key, thinking_control=control,
                   retry=options.extra.get("retry"), ledger=options.ledger, cache=options.cache,
                   prices=options.prices)

    def cache_identity(self) -> dict[str, Any]:
        return {**super().cache_identity(), "base_url": self.base_url, "thinking_control": self.thinking_control()}

    def price(self) -> Price | None:
        row = self.prices.prices.get(f"openai/{self.model}")
        if row is not None:
            return row
        return FREE if self.base_url and is_local_url(self.base_url) else None

    # --- capabilities ------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        with self._lock:
            if self._capabilities is None:
                self._check_model_is_served()
                self._capabilities = capabilities_for(self.thinking_control())
            return self._capabilities

    def thinking_control(self) -> str:
        with self._lock:
            if self.declared_control is None:
                self.declared_control = self._discover_control()
            return self.declared_control

    def _check_model_is_served(self) -> None:
        openai = self._openai
        try:
            served = [m.id for m in self.client.with_options(timeout=15.0).models.list()]
        except openai.NotFoundError:
            return  # no /v1/models: the first call will tell
        except openai.AuthenticationError:
            raise UsageError(f"{self.base_url} rejected the key in {API_KEY_ENV} (401)") from None
        except openai.APIConnectionError:
            raise UsageError(f"no OpenAI-compatible server answers at {self.base_url}; start it or fix "
                             "--base_url") from None
        except openai.APIError:
            return
        if served and self.model not in served:
            raise UsageError(f"{self.base_url} does not serve model {self.model!r}; it serves "
                             f"{', '.join(served)} (use --model openai/{served[0]})")

    def _discover_control(self) -> str:
        """llama-server's /props shows the chat template; a template reading enable_thinking is Qwen3-style."""
        import httpx2

        root = self.base_url.rsplit("/v1", 1)[0] if self.base_url else ""
        try:
            http = self._http_client or httpx2
            response = http.get(f"{root}/props", timeout=10.0)
            template = str(response.json().get("chat_template") or "") if response.status_code == 200 else ""
        except (httpx2.HTTPError, ValueError, AttributeError):
            template = ""
        return "enable_thinking" if "enable_thinking" in template else "none"

    # --- calls -------------------------------------------------------------------------
    def _params(self, request: Request) -> dict[str, Any]:
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages.append({"role": "user", "content": request.prompt})
        params: dict[str, Any] = {"model": self.model, "messages": messages, "max_tokens": request.max_tokens}
        if request.sample_index == 0:
            params["temperature"] = 0.0
        else:
            params.update(temperature=0.7, seed=request.sample_index)
        control, thinking = self.thinking_control(), request.thinking
        if control == "enable_thinking":
            params["extra_body"] = {"chat_template_kwargs": {"enable_thinking": thinking.enabled}}
        elif control == "reasoning_effort" and thinking.mode == "adaptive":
            params["reasoning_effort"] = thinking.effort
        return params

    def _complete(self, request: Request) -> Completion:
        openai, params, retries = self._openai, self._params(request), 0
        while True:
            started = time.perf_counter()
            try:
                response = self.client.chat.completions.create(**params)
                return to_completion(response, self.model, time.perf_counter() - started, retries)
            except openai.BadRequestError as exc:
                raise EngineError(f"{self.model_string}: the server rejected the request (400): {exc.message}") from None
            except openai.NotFoundError as exc:
                raise EngineError(f"{self.model_string}: {self.base_url} does not serve this model (404): "
                                  f"{exc.message}") from None
            except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as exc:
                if retries >= self.retry.max_retries:
                    raise EngineError(f"{self.model_string}: {type(exc).__name__} after {retries} retries") from None
                time.sleep(self.retry.delay(retries, _retry_after(exc)))
                retries += 1
            except openai.APIStatusError as exc:
                raise EngineError(f"{self.model_string}: HTTP {exc.status_code}: {exc.message}") from None

    def close(self) -> None:
        self.client.close()


def capabilities_for(control: str) -> Capabilities:
    if control == "enable_thinking":
        return Capabilities(thinking_budget=True, thinking_adaptive=False, source="openai:enable_thinking",
                            notes=("a thinking budget is enforced only as the max_tokens cap",))
    if control == "reasoning_effort":
        return Capabilities(thinking_budget=False, thinking_adaptive=True, effort_levels=OPENAI_EFFORTS,
                            source="openai:reasoning_effort",
                            notes=("thinking off sends no reasoning_effort: the server's default applies",))
    return Capabilities(thinking_budget=False, thinking_adaptive=False, source="openai:none")


def to_completion(response: ChatCompletion, model: str, latency: float, retries: int) -> Completion:
    choice = response.choices[0]
    message = choice.message
    usage = response.usage
    details = getattr(usage, "completion_tokens_details", None)
    cached = getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", None) or 0
    reasoning = getattr(details, "reasoning_tokens", None) if details is not None else None
    prompt_tokens = (usage.prompt_tokens or 0) if usage is not None else 0
    thinking_text = getattr(message, "reasoning_content", None) or (getattr(message, "model_extra", None) or {}).get(
        "reasoning_content") or ""
    return Completion(
        text=message.content or "",
        thinking_text=str(thinking_text),
        usage=Usage(input_tokens=prompt_tokens - cached, output_tokens=(usage.completion_tokens or 0) if usage else 0,
                    thinking_tokens=reasoning, cache_read_input_tokens=cached),
        stop_reason=_STOP_REASONS.get(choice.finish_reason or "", choice.finish_reason or "unknown"),
        model=getattr(response, "model", None) or model,
        latency_s=latency,
        retries=retries,
    )


def normalize_base_url(url: str) -> str:
    """Servers serve the API under /v1; a bare host:port gets it appended."""
    url = url.rstrip("/")
    return url if urlparse(url).path not in ("", "/") else f"{url}/v1"


def is_local_url(url: str) -> bool:
    host = (urlparse(url if "//" in url else f"//{url}").hostname or "").lower()
    if host == "localhost" or host.endswith((".local", ".localhost")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local
