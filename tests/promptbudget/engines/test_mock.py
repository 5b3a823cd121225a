"""The mock engine is a real, deterministic engine that answers by the call's role; TextGrad runs on it."""

from __future__ import annotations

import json

import pytest

from promptbudget.engines import Thinking, create_engine, parse_model_spec
from promptbudget.engines.mock import MockEngine, MockScript, PromptRule
from promptbudget.errors import UsageError
from promptbudget.optimize.textgrad_adapter import as_textgrad_engine
from promptbudget.textgrad_env import textgrad as tg
from tasks import load_task

FORMAT = "Think step by step. The last line of your response should be 'Answer: $VALUE'."


def test_specs_resolve_to_registered_engines():
    assert (parse_model_spec("mock").engine, parse_model_spec("mock").model) == ("mock", "default")
    assert parse_model_spec("mock:/tmp/s.json").model == "/tmp/s.json"
    assert parse_model_spec("claude-sonnet-4-5-20250929").engine == "anthropic"
    assert parse_model_spec("anthropic/smollm2").model == "smollm2"
    assert parse_model_spec("local/x.gguf").engine == "local"
    with pytest.raises(UsageError, match="unknown model 'gpt-4o'"):
        parse_model_spec("gpt-4o")


def test_answers_are_deterministic_and_scored_by_the_task():
    task = load_task("GSM8K_DSPy")
    engine = MockEngine()
    role = engine.for_role("answer", max_tokens=2000)
    items = task.test[:20]
    first = [role.complete(i.question, FORMAT) for i in items]
    again = [MockEngine().for_role("answer", max_tokens=2000).complete(i.question, FORMAT) for i in items]
    assert [c.text for c in first] == [c.text for c in again]
    correct = sum(task.scorer.score(c.text, i.answer).correct for c, i in zip(first, items))
    assert 0 < correct < len(items)
    assert all(task.scorer.has_answer(c.text) for c in first)


def test_prompt_rules_change_tokens_and_format():
    question = load_task("GSM8K_DSPy").test[0].question
    engine = MockEngine(script=MockScript(prompt_rules=[PromptRule("concise", token_scale=0.5),
                                                        PromptRule("no answer line", drops_format=True)]))
    role = engine.for_role("answer", max_tokens=4000)
    plain = role.complete(question, FORMAT)
    concise = role.complete(question, FORMAT + " Be concise.")
    broken = role.complete(question, FORMAT + " Use no answer line.")
    assert concise.usage.output_tokens < plain.usage.output_tokens
    assert "Answer:" in plain.text and "Answer:" not in broken.text


def test_thinking_tokens_are_billed_as_output_and_capped_by_the_budget():
    question = load_task("GSM8K_DSPy").test[1].question
    engine = MockEngine()
    off = engine.for_role("answer", max_tokens=20000).complete(question, FORMAT)
    on = engine.for_role("answer", max_tokens=20000, thinking=Thinking.budget(1024)).complete(question, FORMAT)
    assert off.usage.thinking_tokens is None
    assert 0 < on.usage.thinking_tokens <= 1024
    assert on.usage.output_tokens == off.usage.output_tokens + on.usage.thinking_tokens


def test_truncation_at_max_tokens():
    question = load_task("GSM8K_DSPy").test[2].question
    completion = MockEngine().for_role("answer", max_tokens=10).complete(question, FORMAT)
    assert completion.stop_reason == "max_tokens" and completion.usage.output_tokens == 10


def test_script_file_errors_are_usage_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(UsageError, match="not valid JSON"):
        create_engine(f"mock:{bad}")
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"acuracy": 1}))
    with pytest.raises(UsageError, match="unknown keys"):
        create_engine(f"mock:{unknown}")


def test_textgrad_tgd_step_runs_on_the_mock_engine():
    engine = MockEngine()
    prompt = tg.Variable(FORMAT, requires_grad=True, role_description="system prompt")
    model = tg.BlackboxLLM(as_textgrad_engine(engine.for_role("answer")), system_prompt=prompt)
    question = tg.Variable(load_task("GSM8K_DSPy").test[0].question, requires_grad=False,
                           role_description="question")
    response = model(question)
    loss = tg.TextLoss("Evaluate the response.", engine=as_textgrad_engine(engine.for_role("judge")))(response)
    loss.backward(as_textgrad_engine(engine.for_role("feedback")))
    tg.TGD(parameters=[prompt], engine=as_textgrad_engine(engine.for_role("optimizer"))).step()
    assert prompt.value != FORMAT and prompt.value.startswith(FORMAT.split(" The")[0])
    roles = {r.role for r in engine.ledger.records()}
    assert roles == {"answer", "judge", "feedback", "optimizer"}


def test_replies_follow_the_role_not_marker_strings_in_the_prompt():
    engine = MockEngine()
    tagged = "Rewrite <VARIABLE>Be brief.</VARIABLE> and reply in <IMPROVED_VARIABLE> tags."
    as_answer = engine.for_role("answer", max_tokens=2000).complete(tagged, FORMAT)
    as_optimizer = engine.for_role("optimizer", max_tokens=2000).complete(tagged, FORMAT)
    assert "<IMPROVED_VARIABLE>" not in as_answer.text, "an answer call must not turn into an optimizer reply"
    assert as_optimizer.text.startswith("<IMPROVED_VARIABLE>Be brief.")
    plain = "How should the prompt change?"
    assert engine.for_role("feedback", max_tokens=500).complete(plain).text == engine.script.feedback
    script = MockScript(complexity_rules=[{"contains": "city", "class": "complex"}])
    classifier = MockEngine(script=script).for_role("classifier", max_tokens=50)
    assert classifier.complete("Design a traffic system for a city").text == "complex"
    confidence = engine.for_role("confidence", max_tokens=500).complete(
        "<QUESTION>q</QUESTION><PROPOSED_ANSWER>1</PROPOSED_ANSWER>")
    assert confidence.text.startswith("Confidence: ")


def test_the_same_request_under_two_roles_has_two_cache_entries(tmp_path):
    from promptbudget.cache import RequestCache

    engine = MockEngine(cache=RequestCache(tmp_path / "cache"))
    text = "<VARIABLE>Be brief.</VARIABLE>"
    first = engine.for_role("answer", max_tokens=500).complete(text, FORMAT)
    second = engine.for_role("optimizer", max_tokens=500).complete(text, FORMAT)
    assert not second.cached and second.text != first.text
