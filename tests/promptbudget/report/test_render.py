"""The rendered page: escaping, CSP, charts, recommendations, warnings, sections."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
import types

import numpy as np
import pytest

from tests.promptbudget.records.conftest import fixture_data
from promptbudget.report.load import load_results
from promptbudget.report.render import build_report, render
from promptbudget.report.sections import default_sections
from promptbudget.report.sections.plugin import PluginSection
from promptbudget.report.sections.prompts import word_diff
from tests.support.synthetic_results import write_synthetic_results
from promptbudget.stats import cheapest_within_margin, knee_point, pareto_front

from .conftest import chart_specs, options


def _render(root, tmp_path, **kw):
    opts = options(root, tmp_path, **kw)
    return render(load_results(root, opts.task), opts)


def test_injected_markup_is_text(injected_results, tmp_path):
    html = _render(injected_results, tmp_path).html
    # The payload is in prompts, feedback, decision reasons and errors; all of it escaped.
    assert html.count("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;") >= 3
    assert "<script>document.title" not in html
    assert "<img src=x" not in html and "<svg onload" not in html
    markup = re.sub(r'<script type="application/json">.*?</script>', "", html, flags=re.S)
    assert "onerror=" not in markup.replace("onerror=&#34;", "")  # only as escaped text
    # The only <script> elements: one per chart (JSON data) and the report's own script.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts.count(' type="application/json"') == len(scripts) - 1
    assert scripts.count("") == 1
    for blob in re.findall(r'<script type="application/json">(.*?)</script>', html, re.S):
        assert "<" not in blob  # tojson escapes <, so no data can close the element


def test_csp_allows_only_the_pages_own_script_and_style(small_results, tmp_path):
    html = _render(small_results, tmp_path).html
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)

    def digest(text):
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert "default-src 'none'" in csp
    assert f"script-src {digest(script)};" in csp
    assert f"style-src {digest(style)};" in csp
    assert "unsafe-inline" not in csp and "http" not in csp
    assert "&gt;" not in style and "&#34;" not in style  # static text is not entity-escaped
    assert "src=\"http" not in html and "href=\"http" not in html  # nothing from the network


def test_tradeoff_chart_marks_front_and_initial(small_results, tmp_path):
    report = _render(small_results, tmp_path)
    section = next(s for s in report.sections if s.id == "tradeoff")
    val_chart = section.context["figures"][0]["chart"]
    series = {s["name"]: s for s in val_chart["series"]}
    assert "initial prompt" in series and series["initial prompt"]["symbol"] == "star"
    runs = load_results(small_results).runs
    # Independent computation of the validation front over every validated version (deduplicated).
    points = {}
    for run in runs:
        for version, rec in run.validation.items():
            key = (run.prompt_text(version), tuple(i.item_id for i in rec.items))
            points.setdefault(key, (rec.summary.accuracy, rec.summary.mean_output_tokens))
    coords = list(points.values())
    front = sorted(coords[i] for i in pareto_front(coords))
    drawn = sorted((p["y"], p["x"]) for p in series["Pareto front"]["points"])
    assert drawn == front
    ringed = sorted((p["y"], p["x"]) for s in val_chart["series"] for p in s["points"] if p.get("ring"))
    assert ringed == front
    assert sum(len(s["points"]) for s in val_chart["series"] if s["name"] != "Pareto front") == len(coords)


def test_recommendations_match_stats(tmp_path):
    root = tmp_path / "results"
    write_synthetic_results(root, runs=10, epochs=6, eval_samples=30, test_samples=40, sweep=False)
    report = _render(root, tmp_path, margin=0.03)
    picks = {p.kind: p for p in next(s for s in report.sections if s.id == "recommendations").context["groups"][0]["picks"]}
    runs = load_results(root).runs
    pts = {}
    for run in runs:
        for rec in (run.initial_test, run.final_test):
            s = rec.summary
            pts.setdefault(run.prompt_text(rec.prompt_version), (s.accuracy, s.mean_output_tokens))
    coords = list(pts.values())
    best = max(coords, key=lambda c: (c[0], -c[1]))
    assert (picks["best"].point.accuracy, picks["best"].point.tokens) == best
    cheap = coords[cheapest_within_margin(coords, 0.03)]
    assert (picks["cheapest_within_margin"].point.accuracy, picks["cheapest_within_margin"].point.tokens) == cheap
    knee = knee_point(coords, pareto_front(coords))
    if knee is None:
        assert picks["knee"].point is None
    else:
        assert (picks["knee"].point.accuracy, picks["knee"].point.tokens) == coords[knee]
    html = report.html
    assert "Cheapest within 3.0 points of the best" in html
    assert f"{cheap[0]:.3f}" in html


def test_small_sample_warnings_only_where_due(small_results, tmp_path):
    html = _render(small_results, tmp_path).html
    assert "Only 12 samples (&lt; 30)" in html
    assert "&#9888; small n" in html
    big = tmp_path / "big"
    write_synthetic_results(big, runs=2, epochs=2, eval_samples=30, test_samples=40, sweep=False)
    html = _render(big, tmp_path).html
    assert "(&lt; 30)" not in html and "small n" not in html
    html = _render(big, tmp_path, min_samples=50).html
    assert "Only 40 samples (&lt; 50)" in html


def test_token_table_shows_tails(small_results, tmp_path):
    report = _render(small_results, tmp_path)
    rows = next(s for s in report.sections if s.id == "tokens").context["groups"][0]["rows"]
    run = load_results(small_results).runs[0]
    values = [i.output_tokens for i in run.initial_test.items]
    initial = next(r for r in rows if r["point"].is_initial)
    assert initial["stats"]["p99"] == pytest.approx(np.percentile(values, 99))
    assert initial["stats"]["max"] == max(values)
    assert initial["stats"]["tail_ratio"] == pytest.approx(np.percentile(values, 99) / np.median(values))
    ecdf = next(c for c in chart_specs(report.html) if c["title"].startswith("Distribution of billed"))
    assert ecdf["x_log"] is True
    line = ecdf["series"][0]["points"]
    assert line[-1]["y"] == 1.0 and line[-1]["x"] == max(values)


def test_cost_by_role_includes_every_role(small_results, tmp_path):
    report = _render(small_results, tmp_path)
    ctx = next(s for s in report.sections if s.id == "cost").context
    assert ctx["roles"][:4] == ["answer", "feedback", "optimizer", "judge"]
    runs = load_results(small_results).runs
    for role in ("answer", "feedback", "optimizer", "judge"):
        expected = sum(r.ledger.by_role[role].cost_usd if role in r.ledger.by_role else 0 for r in runs)
        assert ctx["totals"][role]["cost_usd"] == pytest.approx(expected)
    assert ctx["totals"]["judge"]["calls"] > 0  # the synthetic odd seeds have judge calls
    assert ctx["priced"] and ctx["chart"]["unit"] == "USD"


def test_trajectory_marks_accept_revert_and_gate(small_results, tmp_path):
    report = _render(small_results, tmp_path)
    runs_ctx = next(s for s in report.sections if s.id == "runs").context["runs"]
    outcomes = []
    for entry in runs_ctx:
        run, traj = entry["run"], entry["trajectory"]
        acc_chart = traj["charts"][0]
        validated = [s for s in run.steps if s.candidate_validation]
        cands = acc_chart["series"][1]["points"]
        assert [p["symbol"] == "circle" for p in cands] == [s.decision.accepted for s in validated]
        assert [p["y"] for p in cands] == [s.candidate_validation.new.accuracy for s in validated]
        assert [b["color"] for b in acc_chart["bands"]] == [
            {"accuracy": "#dbe8fb", "efficiency": "#fdebd3"}[s.focus] for s in run.steps]
        # After each step, the line holds the validation accuracy of the prompt in use.
        version = 0
        for step, point in zip(run.steps, acc_chart["series"][0]["points"][1:]):
            if step.decision.accepted:
                version = step.candidate_version
            assert point["y"] == run.validation[version].summary.accuracy
        outcomes += [row.outcome for row in traj["rows"]]
    assert {"accepted", "reverted", "rejected at gate"} <= set(outcomes)
    assert "rejected at gate" in report.html


def test_partial_validation_is_left_out_of_the_tradeoff(small_results, tmp_path):
    path = sorted(small_results.glob("*/summary.json"))[0]
    data = json.loads(path.read_text())
    partial = data["validation"]["0"] | {"complete": False, "prompt_version": 99}
    data["validation"]["99"] = partial
    data["prompts"].append({"version": 99, "text": "partial", "parent": 0, "step": 0, "accepted": False})
    path.write_text(json.dumps(data))
    report = _render(small_results, tmp_path)
    chart = next(s for s in report.sections if s.id == "tradeoff").context["figures"][0]["chart"]
    tips = [line for s in chart["series"] for p in s["points"] for line in p.get("tip", [])]
    assert tips and not any("prompt v99" in t for t in tips)


def test_best_prompt_diff():
    segments = word_diff("Think step by step. Answer: X", "Think briefly. Answer: X <b>")
    assert ("del", "step by step.") in segments
    assert ("ins", "briefly.") in segments
    assert "".join(t for op, t in segments if op != "del") == "Think briefly. Answer: X <b>"
    assert "".join(t for op, t in segments if op != "ins") == "Think step by step. Answer: X"


def test_diff_in_page_is_escaped(injected_results, tmp_path):
    html = _render(injected_results, tmp_path).html
    diffs = re.findall(r'<div class="diff prompt-diff">(.*?)</div>', html, re.S)
    assert diffs and all("<ins>" in d or "<del>" in d for d in diffs)
    assert all(re.sub(r"</?(ins|del)>", "", d).count("<") == 0 for d in diffs)


def test_incomplete_and_minimal_runs_render(small_results, tmp_path):
    path = sorted(small_results.glob("*/summary.json"))[0]
    data = json.loads(path.read_text())
    data.update(status="running", final=None, pareto=None, ledger=None, steps=data["steps"][:1])
    path.write_text(json.dumps(data))
    minimal = {"schema": "promptbudget.run/1", "run_id": "bare", "config": {}, "task": {"name": "GSM8K_DSPy"},
               "prompts": [{"version": 0, "text": "Say hi"}]}
    (small_results / "bare").mkdir()
    (small_results / "bare" / "summary.json").write_text(json.dumps(minimal))
    report = _render(small_results, tmp_path)
    assert "running" in report.html and "bare" in report.html
    assert len(report.results.runs) == 4


def test_no_runs_only_sweep_renders_summary(tmp_path):
    root = tmp_path / "r"
    write_synthetic_results(root, runs=2, epochs=2)
    for path in root.glob("*/summary.json"):
        path.unlink()
    report = _render(root, tmp_path)
    ids = [s.id for s in report.sections]
    assert ids == ["summary"]
    assert "engine error: overloaded" in report.html
    assert report.html.count("Sweep configurations without a run summary") == 1


@pytest.fixture
def fake_plugin(monkeypatch):
    module = types.ModuleType("fake_budget_section")
    seen = []

    def context(record):
        seen.append(record)
        if getattr(record, "explode", False):
            raise ValueError("bad file")
        return {"title": "Budgets <b>", "status": "completed", "warnings": ["few items <i>"],
                "model": "m<script>", "settings_table": {"columns": ["Setting", "Accuracy"],
                                                         "rows": [["1024 <x>", 0.5], ["2048", 0.75]]},
                "series": {"cost_vs_accuracy": {"x_label": "tokens", "pareto": ["2048"], "points": [
                    {"setting": "1024 <x>", "x": 10.0, "accuracy": 0.5, "low": 0.2, "high": 0.8},
                    {"setting": "2048", "x": 20.0, "accuracy": 0.75, "low": 0.4, "high": 0.9}]}}}

    module.context = context
    monkeypatch.setitem(sys.modules, "fake_budget_section", module)
    return seen


def test_plugin_section_renders_each_file_escaped(small_results, tmp_path, fake_plugin):
    # Real budget-sweep records (the records tests' fixture); "value"/"explode" are extra fields,
    # which records keep, for the fake plugin to see and to fail on.
    real = fixture_data("budget_sweep.json")
    (small_results / "budget.json").write_text(json.dumps({**real, "value": 1}))
    (small_results / "budget2.json").write_text(json.dumps({**real, "explode": True}))
    sections = default_sections()[:1] + [PluginSection(id="budget", title="Thinking budgets", kinds=("budget_sweep",),
                                                       context_module="fake_budget_section")]
    opts = options(small_results, tmp_path)
    results = load_results(small_results)
    report = render(results, opts, sections=sections)
    assert [r.value for r in fake_plugin if hasattr(r, "value")] == [1]  # called with the file's record
    assert "Budgets &lt;b&gt;" in report.html and "1024 &lt;x&gt;" in report.html
    assert "m&lt;script&gt;" in report.html and "few items &lt;i&gt;" in report.html
    assert any("budget2.json" in w and "bad file" in w for w in report.warnings)
    chart = next(c for c in chart_specs(report.html) if c["title"].startswith("Accuracy against cost"))
    assert [p.get("ring") for p in chart["series"][1]["points"]] == [None, True]


def test_missing_plugin_module_is_a_warning(small_results, tmp_path):
    (small_results / "conf.json").write_text(json.dumps(fixture_data("confidence_split.json")))
    sections = [PluginSection(id="confidence", title="Confidence", kinds=("confidence_split",),
                              context_module="promptbudget_no_such_module.report_section")]
    opts = options(small_results, tmp_path)
    report = render(load_results(small_results), opts, sections=sections)
    assert report.sections == []
    assert any("promptbudget_no_such_module" in w and "left out" in w for w in report.warnings)
    assert "promptbudget_no_such_module" in report.html  # shown in the page's warning box


def test_build_report_writes_atomically(small_results, tmp_path):
    opts = options(small_results, tmp_path)
    report, pngs = build_report(opts)
    assert pngs == []
    assert opts.output.read_text() == report.html
    assert [p.name for p in opts.output.parent.iterdir()] == ["report.html"]  # no temp file left


def test_a_run_with_no_validated_candidate_renders_and_plots(small_results, tmp_path):
    from promptbudget.report.plots import trajectories_png

    path = sorted(small_results.glob("*/summary.json"))[0]
    data = json.loads(path.read_text())
    for step in data["steps"]:  # every candidate rejected before validation
        step.update(candidate_validation={}, decision={"accepted": False, "reason": "rejected at the gate"})
    path.write_text(json.dumps(data))
    opts = options(small_results, tmp_path)
    results = load_results(small_results, opts.task)
    report = render(results, opts)
    run_entry = next(e for e in next(s for s in report.sections if s.id == "runs").context["runs"]
                     if e["run"].run_id == data["run_id"])
    assert [len(chart["series"]) for chart in run_entry["trajectory"]["charts"]] == [1, 1]
    written = trajectories_png(results, tmp_path / "trajectories.png")
    assert written is not None and written.stat().st_size > 0


def test_a_plugin_gets_the_files_typed_record(small_results, tmp_path, monkeypatch):
    from promptbudget.records import BudgetSweepResults

    seen = []
    module = types.ModuleType("typed_budget_section")
    module.context = lambda record: seen.append(("context", record)) or {"title": f"on {record.task.name}"}
    module.save_pngs = lambda record, plots_dir: seen.append(("save_pngs", record)) or []
    monkeypatch.setitem(sys.modules, "typed_budget_section", module)
    (small_results / "budget.json").write_text(json.dumps(fixture_data("budget_sweep.json")))
    section = PluginSection(id="budget", title="Thinking budgets", kinds=("budget_sweep",),
                            context_module="typed_budget_section", plots_module="typed_budget_section")
    results = load_results(small_results)
    assert section.save_pngs(results, tmp_path / "plots") == []
    report = render(results, options(small_results, tmp_path), sections=[section])
    (doc,) = results.documents("budget_sweep")
    assert [name for name, _ in seen] == ["save_pngs", "context"]
    assert all(record is doc.record for _, record in seen)
    assert isinstance(doc.record, BudgetSweepResults)
    assert f"on {doc.record.task.name}" in report.html


def test_the_budget_and_confidence_sections_hand_their_plugins_the_typed_records(small_results, tmp_path,
                                                                                  monkeypatch):
    from promptbudget.budget import plots as budget_plots, report_section as budget_section
    from promptbudget.confidence import plots as confidence_plots, report_section as confidence_section
    from promptbudget.records import BudgetSweepResults, ConfidenceSplitResults

    seen = []
    for module, name in ((budget_section, "context"), (budget_plots, "save_pngs"),
                         (confidence_section, "context"), (confidence_plots, "save_pngs")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda given, *rest, real=real: seen.append(given) or real(given, *rest))
    (small_results / "budget.json").write_text(json.dumps(fixture_data("budget_sweep.json")))
    (small_results / "conf.json").write_text(json.dumps(fixture_data("confidence_split.json")))
    opts = options(small_results, tmp_path)
    results = load_results(small_results, opts.task)
    plugins = [section for section in default_sections() if isinstance(section, PluginSection)]
    assert [section.id for section in plugins] == ["budget", "confidence"]
    assert all(section.save_pngs(results, tmp_path / "plots") for section in plugins)
    report = render(results, opts)
    assert sorted(type(given).__name__ for given in seen) == ["BudgetSweepResults"] * 2 + ["ConfidenceSplitResults"] * 2
    assert {s.id for s in report.sections} >= {"budget", "confidence"}
    assert not [w for w in results.warnings if "could not read" in w or "plots failed" in w]
    assert isinstance(results.documents("budget_sweep")[0].record, BudgetSweepResults)
    assert isinstance(results.documents("confidence_split")[0].record, ConfidenceSplitResults)
