"""`--prompts` files, read by tasks/custom.py's loader: bad entries exit 2 with one message, nothing written."""

from __future__ import annotations

import pytest

from promptbudget.budget import sweep_cli
from promptbudget.budget.setting_sweep import load_prompts
from promptbudget.errors import UsageError


@pytest.mark.parametrize("lines, message", [
    (['{"prompt": "ok"}', '{"id": "b"}'], "line 2: 'prompt' must be a non-empty string"),
    (['{"prompt": "   "}'], "line 1: 'prompt' must be a non-empty string"),
    (['{"prompt": "a", "answer": ""}'], "line 1: 'answer' must be a non-empty string"),
    (['{"prompt": "a", "answer": NaN}'], "line 1: invalid JSON: NaN is not a JSON number"),
    (['{"prompt": "a", "id": 1}', '{"prompt": "b", "id": 1}'], "line 2: duplicate id '1'"),
    (['{"prompt": "a", "answer": "1"}', '{"prompt": "b"}'], "either every line or no line must have an 'answer'"),
    ([], "has no prompts"),
])
def test_bad_prompt_entries_exit_2_with_one_message_and_nothing_written(tmp_path, capsys, lines, message):
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "sweep.json"
    code = sweep_cli.main(["--prompts", str(prompts), "--model", "mock", "--output", str(out), "--no_cache"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_missing_prompts_file_is_named_as_a_prompts_file(tmp_path):
    with pytest.raises(UsageError, match="prompts file not found"):
        load_prompts(str(tmp_path / "nope.jsonl"), "exact")


def test_prompts_without_answers_are_ungraded_and_ids_default_to_the_line(tmp_path):
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"prompt": "a"}\n\n{"prompt": "b", "split": "test"}\n'.replace(', "split": "test"', ""),
                       encoding="utf-8")
    loaded = load_prompts(str(prompts), "exact")
    assert not loaded.graded and [i.id for i in loaded.split("test")] == ["p/1", "p/3"]
    assert loaded.scorer.score("Answer: x", "").correct is False
