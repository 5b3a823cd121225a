"""Regressions found by QA: output paths, model-name slugs, failures and Ctrl-C, prompt files, policy files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promptbudget.budget import allocate_cli, sweep_cli
from promptbudget.budget.allocator import POLICY_SCHEMA, Policy
from promptbudget.budget.setting_sweep import load_prompts, slug
from promptbudget.engines.mock import MockEngine
from promptbudget.errors import EngineError, UsageError

from .conftest import write_task


def run_sweep_cli(*args: str) -> int:
    return sweep_cli.main([*args, "--no_cache", "--quiet", "--num_threads", "2"])


# --- output paths are checked before any call, not after the sweep --------------------------------


@pytest.mark.parametrize("where, message", [
    (lambda d: ["--output", str(d / "afile" / "sweep.json")], "is a file, not a directory"),
    (lambda d: ["--output", str(d / "out.json"), "--policy_output", str(d / "afile" / "p.json")],
     "is a file, not a directory"),
    (lambda d: ["--output", str(d / "out.json"), "--policy_output", str(d / "adir")], "is a directory"),
    (lambda d: ["--output", str(d / "adir")], "is a directory"),
    (lambda d: ["--output", "."], "names no file"),
])
def test_unwritable_output_paths_exit_2_before_any_call(tmp_path, capsys, monkeypatch, where, message):
    task, model = write_task(tmp_path, n=8)
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    (tmp_path / "adir").mkdir()
    calls = []
    original = MockEngine._complete
    monkeypatch.setattr(MockEngine, "_complete", lambda self, request: calls.append(1) or original(self, request))
    code = run_sweep_cli("--task", task, "--model", model, "--budgets", "0", "1024", "--samples", "4",
                         *where(tmp_path))
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.startswith("error: ") and "Traceback" not in err
    assert calls == []
    assert not (tmp_path / "out.json").exists() and list((tmp_path / "adir").iterdir()) == []


def test_model_names_with_dots_get_distinct_default_file_names():
    # Path.stem used to cut "qwen2.5:7b" to "qwen2", so two models' sweeps overwrote each other
    assert slug("anthropic/qwen2.5:7b") != slug("anthropic/qwen2.5:14b")
    assert slug("anthropic/llama3.1") == "llama3.1"
    assert slug("mock:/tmp/a/script.json") == "mock-script"
    assert slug("local/models/x.gguf") == "local-x"
    assert slug("jsonl:/tmp/items.jsonl::number") == "items-number"


# --- a call that fails for good keeps what was measured; Ctrl-C writes nothing and says so -------


def test_an_engine_failure_keeps_the_measured_answers_and_exits_1(tmp_path, capsys, monkeypatch):
    task, model = write_task(tmp_path, n=8)
    original = MockEngine._complete

    def failing(self, request):
        if request.thinking.mode == "budget":
            raise EngineError("HTTP 500 after 3 retries")
        return original(self, request)

    monkeypatch.setattr(MockEngine, "_complete", failing)
    output = tmp_path / "out.json"
    code = run_sweep_cli("--task", task, "--model", model, "--budgets", "0", "1024", "--samples", "4",
                         "--output", str(output))
    assert code == 1
    results = json.loads(output.read_text("utf-8"))
    assert results["status"] == "failed" and "HTTP 500" in results["error"]
    assert {r["setting"] for r in results["records"]} == {"0"} and len(results["records"]) == 4
    assert results["policy"] is None and not (tmp_path / "out.policy.json").exists()
    assert "HTTP 500" in capsys.readouterr().err


def test_ctrl_c_writes_no_results_and_says_so(tmp_path, capsys, monkeypatch):
    task, model = write_task(tmp_path, n=8)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_cli, "run_sweep", interrupted)
    output = tmp_path / "out.json"
    args = ["--task", task, "--model", model, "--budgets", "0", "--samples", "4", "--output", str(output)]
    assert run_sweep_cli(*args) == 130
    err = capsys.readouterr().err
    assert "no results written" in err and "kept" not in err and not output.exists()
    output.write_text("{\"earlier\": true}", encoding="utf-8")
    assert run_sweep_cli(*args) == 130
    assert "left unchanged" in capsys.readouterr().err
    assert json.loads(output.read_text("utf-8")) == {"earlier": True}


def test_repeated_budgets_are_swept_once_with_a_warning(tmp_path, capsys):
    task, model = write_task(tmp_path, n=8)
    output = tmp_path / "out.json"
    assert run_sweep_cli("--task", task, "--model", model, "--budgets", "1024", "0", "1024", "--samples", "4",
                         "--output", str(output)) == 0
    results = json.loads(output.read_text("utf-8"))
    assert [s["label"] for s in results["settings"]] == ["0", "1024"]
    assert any("repeated settings" in w for w in results["warnings"])


# --- prompt files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("line", ['{"prompt": "a", "answer": NaN}', '{"prompt": "a", "answer": Infinity}',
                                  '{"prompt": "a", "id": -Infinity}'])
def test_prompts_with_non_json_numbers_are_refused(tmp_path, line):
    path = tmp_path / "p.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 1: invalid JSON"):
        load_prompts(str(path), "exact")


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"prompt": "caf\xc3\xa9", "answer": "1"}\n')
    prompts = load_prompts(str(path), "exact")
    assert prompts.split("test")[0].question == "café" and prompts.graded


# --- policy files with wrong field types are usage errors, not tracebacks or silent misreads ------


@pytest.mark.parametrize("patch, message", [
    ({"classes": {"medium": {"setting": "2048", "n": "abc"}}}, "'n' must be a whole number"),
    ({"classes": {"medium": {"setting": "2048", "n": 1.5}}}, "'n' must be a whole number"),
    ({"classes": {"medium": {"setting": "2048", "learned": "no"}}}, "'learned' must be true or false"),
    ({"classes": {"medium": {"setting": "2048", "reason": 3}}}, "'reason' must be a string"),
    ({"min_items": "ten"}, "'min_items' must be a whole number"),
    ({"min_items": -3}, "'min_items' must be a whole number"),
    ({"created_at": "yesterday"}, "'created_at' must be a number"),
    ({"source": [1, 2]}, "'source' must be an object"),
    ({"rule": 7}, "'rule' must be a string"),
])
def test_policy_fields_of_the_wrong_type_exit_2(tmp_path, capsys, patch, message):
    data = {"schema": POLICY_SCHEMA, "kind": "budget", "classes": {"medium": {"setting": "2048"}}, **patch}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        Policy.load(path)
    assert allocate_cli.main(["--complexity", "medium", "--model", "mock", "--policy", str(path),
                              "--no_cache"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: policy file") and message in err


def test_a_saved_policy_still_loads(tmp_path):
    from promptbudget.budget.allocator import default_policy

    path = Path(tmp_path / "p.json")
    default_policy().save(path)
    loaded = Policy.load(path)
    assert loaded.classes["medium"].setting.value == 2048 and loaded.min_items == default_policy().min_items


def test_a_priced_classifier_beside_a_free_answer_engine_shows_its_cost():
    from promptbudget.budget import report_section

    # the allocator's total is answers ($0, free engine) plus classifier calls (priced): not "$0"
    assert sweep_cli._money(0.0123, "free") == "$0.0123"
    assert sweep_cli._money(0.0, "free") == "$0 (free)"
    assert report_section._money(0.0123, "free") == "$0.0123"
    assert report_section._money(0.0, "free") == "$0 (free engine)"
