"""Finding and reading results files: schemas, corrupted files, task filter."""

from __future__ import annotations

import json
from pathlib import Path

from promptbudget.records.ledger import SavedUnaccounted
from promptbudget.report.load import load_results


def _first_summary(root: Path) -> Path:
    return sorted(root.glob("*/summary.json"))[0]


def test_reads_runs_and_sweep(small_results):
    loaded = load_results(small_results)
    assert len(loaded.runs) == 3
    assert len(loaded.documents("sweep")) == 1
    assert loaded.warnings == []
    assert [r.weights for r in loaded.runs] == sorted(r.weights for r in loaded.runs)


def test_truncated_and_corrupted_files_are_named_and_skipped(small_results):
    path = _first_summary(small_results)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    (small_results / "broken").mkdir()
    (small_results / "broken" / "summary.json").write_text('{"schema": "promptbudget.run/1", "run_id": }')
    loaded = load_results(small_results)
    assert len(loaded.runs) == 2
    rel = str(path.relative_to(small_results))
    assert any(rel in w and "truncated" in w for w in loaded.warnings), loaded.warnings
    assert any("broken/summary.json" in w and "corrupted" in w for w in loaded.warnings), loaded.warnings


def test_newer_and_older_schema_versions_are_refused_clearly(small_results):
    data = json.loads(_first_summary(small_results).read_text())
    for version, folder in ((2, "newer"), (0, "older")):
        data["schema"] = f"promptbudget.run/{version}"
        data["run_id"] = folder
        (small_results / folder).mkdir()
        (small_results / folder / "summary.json").write_text(json.dumps(data))
    loaded = load_results(small_results)
    assert {r.run_id for r in loaded.runs}.isdisjoint({"newer", "older"})
    newer = [w for w in loaded.warnings if w.startswith("newer/summary.json")]
    older = [w for w in loaded.warnings if w.startswith("older/summary.json")]
    assert newer and "newer promptbudget" in newer[0] and "promptbudget.run/1" in newer[0]
    assert older and "older format" in older[0]


def test_other_files_are_ignored_silently(small_results):
    (small_results / "cache" / "ab").mkdir(parents=True)
    (small_results / "cache" / "ab" / "x.json").write_text('{"schema": "promptbudget.cache/1", "request": {}}')
    (small_results / "notes.json").write_text('[1, 2, 3]')
    (small_results / "other.json").write_text('{"hello": "world"}')
    (small_results / ".hidden").mkdir()
    (small_results / ".hidden" / "broken.json").write_text("{")
    loaded = load_results(small_results)
    assert loaded.warnings == []
    assert len(loaded.runs) == 3


def test_run_summary_without_prompts_is_skipped_with_warning(small_results):
    path = _first_summary(small_results)
    data = json.loads(path.read_text())
    del data["prompts"]
    path.write_text(json.dumps(data))
    loaded = load_results(small_results)
    assert len(loaded.runs) == 2
    assert any("'prompts' is missing" in w and w.endswith("skipped") for w in loaded.warnings), loaded.warnings


def test_task_filter(small_results, tmp_path):
    from tests.support.synthetic_results import write_synthetic_results

    write_synthetic_results(small_results / "bbh", runs=1, epochs=2, task="BBH_word_sorting", sweep=False)
    assert len(load_results(small_results).runs) == 4
    only = load_results(small_results, task="BBH_word_sorting")
    assert [r.task for r in only.runs] == ["BBH_word_sorting"]
    assert only.documents("sweep") == []  # the sweep names GSM8K_DSPy
    assert load_results(small_results, task="nope").empty


def test_duplicate_run_keeps_the_newer_copy(small_results):
    path = _first_summary(small_results)
    data = json.loads(path.read_text())
    data["updated_at"] += 100
    data["status"] = "completed-copy"
    (small_results / "copy").mkdir()
    (small_results / "copy" / "summary.json").write_text(json.dumps(data))
    loaded = load_results(small_results)
    assert len(loaded.runs) == 3
    assert [r.status for r in loaded.runs if r.run_id == data["run_id"]] == ["completed-copy"]
    assert any("same run id" in w for w in loaded.warnings)


def test_a_killed_run_with_calls_in_flight_reports_them_as_unaccounted(small_results):
    from promptbudget.optimize.store import RunStore

    path = _first_summary(small_results)
    data = json.loads(path.read_text())
    data["status"] = "running"
    path.write_text(json.dumps(data))
    (path.parent / "calls.jsonl").write_text(json.dumps({
        "seq": 0, "role": "answer", "engine": "anthropic", "model": "m", "scope": {}, "usage": {"input_tokens": 1,
        "output_tokens": 1}, "stop_reason": "end_turn", "latency_s": 0.1, "retries": 0, "cached": False,
        "cost_usd": 0.01, "billed_usd": 0.01}) + "\n")
    store = RunStore(path.parent)
    store.begin({"call_id": "a", "worst_case_usd": 0.25})
    store.begin({"call_id": "b", "worst_case_usd": 0.5})
    store.end("b", "failed")
    loaded = load_results(small_results)
    (run,) = [r for r in loaded.runs if r.live_ledger is not None]
    assert run.live_ledger.unaccounted == SavedUnaccounted(calls=1, worst_case_usd=0.25, unpriced_calls=0)
    assert run.live_ledger.total.billed_usd == 0.01
    assert any("1 calls were in flight" in w and "up to $0.2500 unaccounted" in w for w in loaded.warnings)


def test_a_mistyped_field_the_report_reads_is_a_warning_naming_it(small_results):
    # These blocks were read as untyped JSON: a budget written as text reached the page as it was.
    path = _first_summary(small_results)
    data = json.loads(path.read_text())
    data["engines"]["thinking"]["budget_tokens"] = "16000"
    data["config"]["accuracy_weight"] = True
    path.write_text(json.dumps(data))
    loaded = load_results(small_results)
    assert len(loaded.runs) == 2
    (warning,) = loaded.warnings
    assert warning.startswith(f"{path.parent.name}/summary.json: ")
    assert "config: 'accuracy_weight' must be a number (got true) (and 1 more problem)" in warning
    assert warning.endswith("; skipped")


def test_the_runs_read_the_typed_record_of_their_file(small_results):
    loaded = load_results(small_results)
    for run in loaded.runs:
        record = run.doc.record
        assert run.record is record and not hasattr(run.doc, "data")
        assert run.weights == (record.config.accuracy_weight, record.config.efficiency_weight)
        assert run.final_test is record.final.test and run.ledger is record.ledger
    (sweep,) = loaded.documents("sweep")
    assert [row.run_id for row in sweep.record.rows][:3] == [r.run_id for r in loaded.runs]
