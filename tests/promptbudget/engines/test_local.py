"""The embedded llama.cpp engine: the real SmolLM2 GGUF, and budget enforcement on a stand-in.

TextGrad on this engine (feedback, optimizer, TGD step) runs end to end in the README quick start
(tests/promptbudget/test_cli.py), through the optimize loop rather than a hand-built graph."""

from __future__ import annotations

import pytest

from promptbudget.engines import Request, Thinking, create_engine
from promptbudget.engines.local import EARLY_STOP_NOTICE, LocalEngine, find_smollm2_gguf
from promptbudget.errors import UsageError


@pytest.fixture(scope="module")
def smollm2():
    return create_engine("local")


def test_default_model_is_the_smollm2_gguf_from_its_package():
    path = find_smollm2_gguf()
    assert path.suffix == ".gguf" and "SmolLM2" in path.name


def test_generates_with_usage_from_model_token_counts(smollm2):
    role = smollm2.for_role("answer", max_tokens=24)
    completion = role.complete("What is the capital of France?", "Answer briefly.")
    again = role.complete("What is the capital of France?", "Answer briefly.")
    assert completion.text and completion.text == again.text
    assert completion.usage.input_tokens > 5
    assert 0 < completion.usage.output_tokens <= 24
    assert completion.stop_reason in ("end_turn", "max_tokens")


def test_max_tokens_truncates(smollm2):
    completion = smollm2.for_role("answer", max_tokens=3).complete("Write a long story about a dragon.")
    assert completion.stop_reason == "max_tokens" and completion.usage.output_tokens == 3


def test_smollm2_does_not_think_so_a_thinking_budget_is_refused(smollm2):
    with pytest.raises(UsageError, match="does not accept a manual thinking budget"):
        smollm2.for_role("answer", max_tokens=4096, thinking=Thinking.budget(1024))


def test_missing_gguf_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="GGUF file not found"):
        create_engine(f"local/{tmp_path / 'absent.gguf'}")


def test_the_model_runs_with_flash_attention_and_the_cache_key_says_so(smollm2):
    # Fused attention cut a 1,000-token prompt from 20.8 to 13.5 CPU-s; a cached answer made without it
    # came from different arithmetic, so the setting is part of the request-cache identity.
    import llama_cpp

    assert smollm2.backend.context_params.flash_attn_type == llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
    assert smollm2.cache_identity()["flash_attn"] is True


def test_prompts_use_the_configured_thread_count_too(smollm2):
    # llama-cpp-python gives prompt evaluation one thread per core unless told: PROMPTBUDGET_LOCAL_THREADS=1
    # (tests/conftest.py) used to leave two threads spinning on every prompt.
    from promptbudget.engines.local import llama_threads

    params = smollm2.backend.context_params
    assert params.n_threads == params.n_threads_batch == llama_threads() == 1


class ThinkingBackend:
    """Stands in for a Qwen3-style model: thinks at length inside <think> tags."""

    metadata = {"tokenizer.chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}<think>"}

    def __init__(self):
        self.prompts = []

    def tokenize(self, text, add_bos=True, special=False):
        return text.split()

    def create_completion(self, prompt, max_tokens, stop=None, **kwargs):
        self.prompts.append((prompt, max_tokens, stop))
        if prompt.endswith("</think>.\n\n") or prompt.endswith("</think>\n\n"):
            return {"choices": [{"text": "Answer: 5", "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 2}}
        words = ["hmm"] * max_tokens
        return {"choices": [{"text": " ".join(words), "finish_reason": "length"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": max_tokens}}


def test_thinking_budget_is_enforced_with_a_forced_stop():
    backend = ThinkingBackend()

    class Formatter:
        def __call__(self, messages):
            class Result:
                prompt = " ".join(m["content"] for m in messages) + " <think>"
                stop = ["<|end|>"]
            return Result()

    engine = LocalEngine("thinker.gguf", backend=backend, chat_template=Formatter())
    assert engine.capabilities().thinking_budget
    completion = engine.complete(Request("q", max_tokens=200, thinking=Thinking.budget(40)))
    first_prompt, first_max, first_stop = backend.prompts[0]
    assert first_max == 40 and "</think>" in first_stop
    assert backend.prompts[1][0].endswith(EARLY_STOP_NOTICE)
    forced = len(EARLY_STOP_NOTICE.split())
    assert completion.usage.thinking_tokens == 40 + forced
    assert completion.usage.output_tokens == 40 + forced + 2
    assert completion.text == "Answer: 5"


def test_llama_threads_come_from_the_environment_else_one_per_core(monkeypatch):
    import os

    from promptbudget.engines.local import THREADS_ENV, llama_threads

    monkeypatch.setenv(THREADS_ENV, "1")
    assert llama_threads() == 1
    monkeypatch.delenv(THREADS_ENV)
    assert llama_threads() == (os.cpu_count() or 2)
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(UsageError, match=f"{THREADS_ENV} must be a whole number"):
            llama_threads()
