"""`python -m tasks list` and `python -m tasks score`, run as subprocesses."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def run_cli(*arguments):
    return subprocess.run(
        [sys.executable, "-m", "tasks", *arguments], cwd=PROJECT, capture_output=True, text=True, timeout=60
    )


def write_predictions(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def test_list_shows_sizes():
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()[1:]}
    assert result.stdout.splitlines()[0].split() == ["task", "scorer", "train", "val", "test"]
    assert len(rows) == 28
    assert rows["GSM8K_DSPy"] == ["number", "200", "300", "1319"]
    assert rows["BBH_object_counting"] == ["number", "50", "100", "100"]
    assert rows["BBH_snarks"] == ["choice", "50", "100", "28"]


def test_score_writes_lines_and_accuracy(tmp_path):
    predictions = write_predictions(
        tmp_path / "preds.jsonl",
        [
            {"id": "x1", "response": "3 + 4 = 7 eggs.\nAnswer: 7", "answer": "7"},
            {"id": "x2", "response": "So the answer is 18.", "answer": "180"},
            {"id": "x3", "response": "I am not sure.", "answer": 0},
            {"id": "x4", "response": "<think>12?</think>Answer: $1,200", "answer": "1200"},
        ],
    )
    result = run_cli("score", "--task", "GSM8K_DSPy", "--predictions", str(predictions))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["x1", "x2", "x3", "x4"]
    assert [line["correct"] for line in lines] == [True, False, False, True]
    assert [line["extracted"] for line in lines] == ["7", "18", None, "1200"]
    assert [line["failure"] for line in lines] == [None, "wrong_answer", "no_answer", None]
    assert "accuracy 0.500 (95% CI 0.150-0.850), n=4" in result.stderr


def test_score_accuracy_format_matches_wilson(tmp_path):
    records = [{"response": "Answer: (A)", "answer": "(A)"}] * 3 + [{"response": "Answer: (B)", "answer": "(A)"}]
    predictions = write_predictions(tmp_path / "preds.jsonl", records)
    result = run_cli("score", "--task", "BBH_snarks", "--predictions", str(predictions))
    assert result.returncode == 0
    assert result.stderr.splitlines()[0] == "accuracy 0.750 (95% CI 0.301-0.954), n=4"


def test_malformed_line_fails_without_partial_output(tmp_path):
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text(
        json.dumps({"response": "Answer: 1", "answer": "1"}) + "\n"
        + json.dumps({"response": "Answer: 2", "answer": "2"}) + "\n"
        + '{"response": "Answer: 3", "answer": \n'
    )
    result = run_cli("score", "--task", "GSM8K_DSPy", "--predictions", str(predictions))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and "line 3" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "line, problem",
    [
        ({"answer": "1"}, "'response'"),
        ({"response": "Answer: 1"}, "'answer'"),
        ({"response": 5, "answer": "1"}, "'response'"),
        ({"response": "Answer: 1", "answer": "one"}, "not a numerical value"),
    ],
)
def test_missing_fields_are_malformed(tmp_path, line, problem):
    predictions = write_predictions(tmp_path / "preds.jsonl", [{"response": "Answer: 1", "answer": "1"}, line])
    result = run_cli("score", "--task", "GSM8K_DSPy", "--predictions", str(predictions))
    assert (result.returncode, result.stdout) == (2, "")
    assert "line 2" in result.stderr and problem in result.stderr


def test_unknown_task(tmp_path):
    predictions = write_predictions(tmp_path / "preds.jsonl", [{"response": "Answer: 1", "answer": "1"}])
    result = run_cli("score", "--task", "GSM8K", "--predictions", str(predictions))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("error: unknown task 'GSM8K'")
    assert "GSM8K_DSPy" in result.stderr and "BBH_word_sorting" in result.stderr


def test_missing_predictions_file(tmp_path):
    result = run_cli("score", "--task", "GSM8K_DSPy", "--predictions", str(tmp_path / "absent.jsonl"))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.strip() == f"error: predictions file not found: {tmp_path / 'absent.jsonl'}"


def test_score_with_custom_task(tmp_path):
    task_file = tmp_path / "yn.jsonl"
    task_file.write_text(json.dumps({"question": "Is the sky blue?", "answer": "Yes"}) + "\n")
    predictions = write_predictions(tmp_path / "preds.jsonl", [{"response": "Answer: yes", "answer": "Yes"}])
    result = run_cli("score", "--task", f"jsonl:{task_file}::yes_no", "--predictions", str(predictions))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["correct"] is True


def test_score_counts_a_response_cut_at_max_tokens_only_for_a_finished_answer(tmp_path):
    cut = "Janet sells 9 duck eggs a day.\nShe makes 9 * 2 = 18"
    records = [
        {"response": cut, "answer": "18", "stop_reason": "max_tokens"},
        {"response": cut, "answer": "18", "stop_reason": "end_turn"},
        {"response": "The answer is 18.\nExplanation: she sells", "answer": "18", "stop_reason": "max_tokens"},
        {"response": cut, "answer": "18", "stop_reason": None},
    ]
    result = run_cli("score", "--task", "GSM8K_DSPy", "--predictions", str(write_predictions(tmp_path / "p.jsonl", records)))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["failure"] for line in lines] == ["no_answer", None, None, None]
    assert [line["stop_reason"] for line in lines] == ["max_tokens", "end_turn", "max_tokens", None]
    assert "no_answer=1 wrong_answer=0" in result.stderr


def test_score_rejects_a_stop_reason_that_is_not_text(tmp_path):
    records = [{"response": "Answer: 1", "answer": "1"}, {"response": "Answer: 1", "answer": "1", "stop_reason": 3}]
    result = run_cli("score", "--task", "GSM8K_DSPy", "--predictions", str(write_predictions(tmp_path / "p.jsonl", records)))
    assert (result.returncode, result.stdout) == (2, "")
    assert "line 2" in result.stderr and "'stop_reason' must be a string" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
