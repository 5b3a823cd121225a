from __future__ import annotations

import json

import pytest

from promptbudget.budget import allocate_cli
from promptbudget.budget.allocator import POLICY_SCHEMA

from .conftest import question, write_task


def allocate(capsys, *args: str) -> tuple[int, dict | None, str]:
    code = allocate_cli.main([*args, "--no_cache"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else None), captured.err


def test_classifies_with_one_call_and_prints_the_decision(tmp_path, capsys):
    _, model = write_task(tmp_path, n=4)
    code, decision, _ = allocate(capsys, "--prompt", question(1, "hard"), "--model", model)
    assert code == 0
    assert decision["complexity"] == "complex" and decision["classification"]["parsed"] is True
    assert decision["classifier_calls"] == 1
    assert (decision["thinking_mode"], decision["budget_tokens"], decision["max_tokens"]) == ("budget", 4096, 6144)
    assert decision["policy"] == "default" and "notebook default" in decision["reason"]
    for key in ("complexity", "thinking_mode", "budget_tokens", "effort", "reason", "time_sensitive",
                "cost_constrained", "use_extended_thinking"):
        assert key in decision


def test_flags_change_the_budget_and_complexity_skips_the_classifier(tmp_path, capsys):
    code, decision, _ = allocate(capsys, "--complexity", "very_complex", "--model", "mock", "--time_sensitive",
                                 "--cost_constrained")
    assert code == 0
    assert decision["classifier_calls"] == 0 and decision["classification"]["parsed"] is False
    assert decision["budget_tokens"] == 2048  # 8192 - 4096, halved
    assert "time-sensitive" in decision["reason"] and "cost-constrained" in decision["reason"]
    code, decision, _ = allocate(capsys, "--complexity", "medium", "--model", "mock", "--time_sensitive")
    assert decision["thinking_mode"] == "off" and decision["use_extended_thinking"] is False


def test_a_policy_learned_elsewhere_is_used_with_a_warning(tmp_path, capsys):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"schema": POLICY_SCHEMA, "kind": "budget", "source": {"model": "mock/other.json"},
                                  "classes": {"medium": {"setting": "1024", "learned": True, "reason": "r"}}}))
    code, decision, _ = allocate(capsys, "--complexity", "medium", "--model", "mock", "--policy", str(policy))
    assert code == 0
    assert decision["budget_tokens"] == 1024 and decision["policy"] == "learned"
    assert any("learned on mock/other.json" in w for w in decision["warnings"])


@pytest.mark.parametrize("content, message", [
    ("not json at all", "not valid JSON"),
    ('{"schema": "promptbudget.budget_policy/0", "kind": "budget", "classes": {}}', "schema"),
    ('{"schema": "promptbudget.budget_policy/1", "kind": "budget", "classes": {"medium": {"setting": -1}}}',
     "negative"),
])
def test_a_bad_policy_exits_2_with_a_clear_error(tmp_path, capsys, content, message):
    policy = tmp_path / "policy.json"
    policy.write_text(content)
    code, _, err = allocate(capsys, "--prompt", "hi", "--model", "mock", "--policy", str(policy))
    assert code == 2
    assert err.startswith("error: ") and message in err


def test_missing_inputs_exit_2(tmp_path, capsys):
    code, _, err = allocate(capsys, "--model", "mock")
    assert code == 2 and "--prompt" in err
    code, _, err = allocate(capsys, "--prompt", "hi", "--model", "mock", "--policy", str(tmp_path / "none.json"))
    assert code == 2 and "not found" in err
    code, _, err = allocate(capsys, "--prompt", "   ", "--model", "mock")
    assert code == 2 and "empty" in err


# --- the question comes from --question_file; --prompt_file (the system prompt elsewhere) is refused --------


def test_question_file_is_the_question_allocated_for(tmp_path, capsys):
    _, model = write_task(tmp_path, n=4)
    path = tmp_path / "question.txt"
    path.write_text(question(1, "hard"), encoding="utf-8")
    code, decision, _ = allocate(capsys, "--question_file", str(path), "--model", model)
    assert code == 0 and decision["complexity"] == "complex" and decision["classifier_calls"] == 1


def test_prompt_file_is_refused_with_the_flag_to_use_and_no_call(tmp_path, capsys, monkeypatch):
    from promptbudget.engines.mock import MockEngine

    calls = []
    monkeypatch.setattr(MockEngine, "_complete", lambda self, request: calls.append(request))
    path = tmp_path / "question.txt"
    path.write_text("What is 17 * 23?", encoding="utf-8")
    history = tmp_path / "history.jsonl"
    code, _, err = allocate(capsys, "--prompt_file", str(path), "--model", "mock", "--answer",
                            "--history", str(history))
    assert code == 2 and err.startswith("error: ") and "--question_file FILE" in err and "Traceback" not in err
    assert err.count("\n") == 1 and calls == [] and not history.exists()


def test_help_says_what_each_prompt_flag_reads(capsys):
    with pytest.raises(SystemExit):
        allocate_cli.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--question_file FILE file holding the question (the user prompt)" in text
    assert "--prompt_file" not in text and "--system_prompt" in text


def test_question_file_and_prompt_are_exclusive(tmp_path, capsys):
    path = tmp_path / "question.txt"
    path.write_text("hi", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        allocate_cli.main(["--prompt", "hi", "--question_file", str(path), "--model", "mock"])
    assert exit_info.value.code == 2 and "not allowed with" in capsys.readouterr().err
