"""Response quality across budgets: the responses of two settings side by side, in data and in the page."""

from __future__ import annotations

import json

from promptbudget.budget import sweep_cli
from promptbudget.budget.report_responses import answer_key, comparison
from promptbudget.budget.report_section import context
from promptbudget.records import BudgetSweepResults, read_record
from promptbudget.report.options import ReportOptions
from promptbudget.report.render import build_report

PAYLOAD = "<script>document.title='pwned'</script>"


def _ungraded_sweep(tmp_path, capsys) -> BudgetSweepResults:
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(json.dumps({"prompt": "Explain tides " + PAYLOAD}) + "\n"
                       + json.dumps({"prompt": "Name a prime."}) + "\n", encoding="utf-8")
    out = tmp_path / "results" / "budget_sweep_p.json"
    assert sweep_cli.main(["--prompts", str(prompts), "--model", "mock", "--budgets", "0", "1024", "4096",
                           "--output", str(out), "--quiet", "--no_cache"]) == 0
    capsys.readouterr()
    return read_record(out, BudgetSweepResults)


def test_records_keep_each_response_and_the_comparison_pairs_smallest_with_largest(tmp_path, capsys):
    results = _ungraded_sweep(tmp_path, capsys)
    assert all(isinstance(r.response, str) and r.response for r in results.records)
    assert {r.setting: bool(r.thinking) for r in results.records}["4096"] is True
    assert results.questions["prompts/1"].startswith("Explain tides")
    cmp = comparison(results)
    assert (cmp["left"], cmp["right"], cmp["settings"]) == ("0", "4096", ["0", "1024", "4096"])
    assert cmp["graded"] is False and cmp["total"] == 2
    item = cmp["items"][0]
    record = next(r for r in results.records if r.id == item["id"] and r.setting == "4096")
    cell = next(c for c in item["cells"] if c["setting"] == "4096")
    assert cell["response"] == record.response and f"{record.output_tokens} output tokens" in cell["facts"]
    assert "ungraded" in cell["facts"]


def test_differing_answers_come_first():
    def record(item, setting, extracted, correct):
        return {"id": item, "split": "test", "setting": setting, "complexity": "medium", "extracted": extracted,
                "correct": correct, "output_tokens": 10, "thinking_tokens": None, "latency_s": 0.5,
                "stop_reason": "end_turn", "response": f"Answer: {extracted}", "thinking": ""}

    results = BudgetSweepResults.model_validate({
        "schema": BudgetSweepResults.schema_name(), "status": "completed", "config": {"model": "mock"},
        "task": {"name": "t", "split": "test", "graded": True}, "engine": {"model": "mock", "pricing": "free"},
        "kind": "budget", "settings": [{"label": "0"}, {"label": "2048"}], "summary": {},
        "records": [record("same", "0", "4", True), record("same", "2048", "4", True),
                    record("differs", "0", "5", False), record("differs", "2048", "4", True)]})
    cmp = comparison(results)
    assert [i["id"] for i in cmp["items"]] == ["differs", "same"] and cmp["differ_count"] == 1
    assert answer_key(results.records[0]) != answer_key(results.records[2])


def test_the_page_shows_both_responses_escaped_with_a_picker_for_any_two_settings(tmp_path, capsys):
    results = _ungraded_sweep(tmp_path, capsys)
    ctx = context(results)
    assert ctx["comparison"]["items"] and ctx["allocation_strategy"]["rows"]
    page = tmp_path / "report.html"
    report, _ = build_report(ReportOptions(results_dir=tmp_path / "results", output=page, plots_dir=None))
    html = page.read_text("utf-8")
    assert PAYLOAD not in html and "&lt;script&gt;document.title=" in html
    assert html.count('class="cmp-pick"') == 2 and html.count('<option value="1024"') == 2
    assert 'data-setting="0"' in html and 'class="cmp-cell cmp-left" data-setting="0"' in html
    assert 'class="cmp-cell cmp-right" data-setting="4096"' in html
    assert "no gold answers: reading the responses is the quality signal" in html
    assert "Allocation strategy" in html and "Held out: True" not in html
