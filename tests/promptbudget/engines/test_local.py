"""The embedded llama.cpp engine: the real SmolLM2 GGUF, and budget enforcement on a stand-in."""

from __future__ import annotations

import pytest

from promptbudget.engines import Request, Thinking, create_engine
from promptbudget.engines.local import EARLY_STOP_NOTICE, LocalEngine, find_smollm2_gguf
from promptbudget.errors import UsageError
from promptbudget.optimize.textgrad_adapter import as_textgrad_engine
from promptbudget.textgrad_env import textgrad as tg


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


def test_textgrad_tgd_step_runs_on_the_local_engine(smollm2):
    prompt = tg.Variable("Answer the question.", requires_grad=True, role_description="system prompt")
    feedback = as_textgrad_engine(smollm2.for_role("feedback", max_tokens=16))
    optimizer = as_textgrad_engine(smollm2.for_role("optimizer", max_tokens=16))
    response = tg.BlackboxLLM(as_textgrad_engine(smollm2.for_role("answer", max_tokens=16)), system_prompt=prompt)(
        tg.Variable("What is 2 + 3?", requires_grad=False, role_description="question"))
    loss = tg.TextLoss("Is the answer correct and short?", engine=as_textgrad_engine(smollm2.for_role("judge", max_tokens=16)))(response)
    loss.backward(feedback)
    step = tg.TGD(parameters=[prompt], engine=optimizer)
    try:
        step.step()
    except IndexError:
        pass  # a 135M model often omits the <IMPROVED_VARIABLE> tags; the call still happened
    roles = [r.role for r in smollm2.ledger.records()]
    assert {"answer", "judge", "feedback", "optimizer"} <= set(roles)


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
