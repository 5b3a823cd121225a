"""Learning from use: `allocate --answer --history` records outcomes and the policy learns from them."""

from __future__ import annotations

import json

import pytest

from promptbudget.budget import allocate_cli

from .conftest import question

ALWAYS_RIGHT = {"medium": {"0": 1.0, "1024": 1.0, "2048": 1.0, "4096": 1.0}}


def allocate(capsys, *args: str) -> tuple[int, dict | None, str]:
    code = allocate_cli.main([*args, "--no_cache"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else None), captured.err


@pytest.fixture
def model(tmp_path) -> str:
    answers = {question(i, "plain"): str(i + 3) for i in range(20)}
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"budget_accuracy": ALWAYS_RIGHT, "answers": answers}), encoding="utf-8")
    return f"mock:{script}"


def answer(capsys, model: str, history, i: int, *flags: str) -> dict:
    code, out, err = allocate(capsys, "--prompt", question(i, "plain"), "--complexity", "medium", "--model", model,
                              "--answer", "--history", str(history), "--gold", str(i + 3), "--scorer", "number",
                              "--system_prompt", "Solve it. End with 'Answer: N'.", *flags)
    assert code == 0, err
    return out


def test_a_cheaper_setting_that_matches_moves_the_policy_down_once_evidence_is_enough(tmp_path, capsys, model):
    history = tmp_path / "history.jsonl"
    for i in range(10):
        standard = answer(capsys, model, history, i)
        cheap = answer(capsys, model, history, i, "--cost_constrained")
        assert (standard["outcome"]["setting"], cheap["outcome"]["setting"]) == ("2048", "1024")
        assert standard["outcome"]["correct"] is True and cheap["outcome"]["correct"] is True
        assert standard["outcome"]["output_tokens"] > 0 and standard["calls"] == 1
        code, decision, _ = allocate(capsys, "--complexity", "medium", "--model", model, "--history", str(history))
        assert code == 0
        if i < 9:  # fewer than min_items (10) prompts at both settings: the default stands
            assert decision["budget_tokens"] == 2048 and decision["policy"] == "default"
            assert decision["history"]["policy_n"]["medium"] == 0
        else:
            assert decision["budget_tokens"] == 1024 and decision["policy"] == "learned"
            assert decision["history"]["policy_n"]["medium"] == 10
            assert "from history (20 graded outcomes)" in decision["reason"]
    assert decision["history"]["per_class"]["medium"] == {"outcomes": 20, "graded": 20}
    lines = [json.loads(line) for line in history.read_text("utf-8").splitlines()]
    assert lines[0]["schema"] == "promptbudget.budget_history/1" and len(lines) == 21
    assert all("prompt" not in line and "response" not in line for line in lines[1:])


def test_a_later_verdict_grades_an_outcome_recorded_without_gold(tmp_path, capsys, model):
    history = tmp_path / "history.jsonl"
    code, out, err = allocate(capsys, "--prompt", "Explain tides.", "--complexity", "medium", "--model", model,
                              "--answer", "--history", str(history))
    assert code == 0, err
    assert out["outcome"]["correct"] is None and out["history"]["per_class"]["medium"]["graded"] == 0
    code, verdict, _ = allocate(capsys, "--verdict", out["outcome"]["id"], "--correct", "yes", "--history",
                                str(history), "--model", model)
    assert code == 0 and verdict["correct"] is True
    code, decision, _ = allocate(capsys, "--complexity", "medium", "--model", model, "--history", str(history))
    assert decision["history"]["per_class"]["medium"] == {"outcomes": 1, "graded": 1}


def _write(path, *lines) -> None:
    path.write_text("".join(json.dumps(line) + "\n" if not isinstance(line, str) else line + "\n"
                            for line in lines), encoding="utf-8")


@pytest.mark.parametrize("lines, message", [
    (["{not json"], "line 1: invalid JSON"),
    ([{"schema": "promptbudget.budget_history/2", "model": "mock/default", "kind": "budget"}], "newer than this"),
    ([{"schema": "promptbudget.budget_history/1", "model": "claude-opus-4-5", "kind": "budget"}],
     "records 'claude-opus-4-5', not 'mock/default'"),
    ([{"schema": "promptbudget.budget_history/1", "model": "mock/default", "kind": "budget"}, {"type": "outcome", "id": "x"}],
     "line 2: an outcome needs"),
    ([{"schema": "other/1"}], "not a budget history"),
])
def test_a_bad_history_file_exits_2_with_one_message_and_nothing_written(tmp_path, capsys, lines, message):
    history = tmp_path / "history.jsonl"
    _write(history, *lines)
    before = history.read_bytes()
    code, _, err = allocate(capsys, "--prompt", "Explain tides.", "--complexity", "medium", "--model", "mock",
                            "--answer", "--history", str(history))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert history.read_bytes() == before


def test_answer_needs_a_history_and_gold_needs_answer(tmp_path, capsys):
    code, _, err = allocate(capsys, "--prompt", "x", "--complexity", "medium", "--model", "mock", "--answer")
    assert code == 2 and "--history" in err
    code, _, err = allocate(capsys, "--prompt", "x", "--complexity", "medium", "--model", "mock", "--gold", "3")
    assert code == 2 and "add --answer" in err
    code, _, err = allocate(capsys, "--verdict", "abc", "--correct", "maybe", "--history",
                            str(tmp_path / "h.jsonl"), "--model", "mock")
    assert code == 2 and "yes or no" in err and not (tmp_path / "h.jsonl").exists()


def test_a_history_path_that_cannot_be_written_is_refused_before_the_paid_call(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = allocate(capsys, "--prompt", "x", "--complexity", "medium", "--model", "mock", "--answer",
                            "--history", str(blocker / "history.jsonl"))
    assert code == 2 and "is a file, not a directory" in err
    code, _, err = allocate(capsys, "--prompt", "x", "--complexity", "medium", "--model", "mock", "--answer",
                            "--history", str(tmp_path))
    assert code == 2 and "directory" in err
