"""What a tester found reading the rendered report in Chromium, each pinned by a test."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from promptbudget.records.run import SavedStats
from promptbudget.report.analysis import Point
from promptbudget.report.render import render, static_text
from promptbudget.report.load import load_results
from promptbudget.report.sections.plugin import normalize
from tests.support.synthetic_results import write_synthetic_results

from .conftest import options


def test_initial_prompts_shared_by_several_runs_get_distinct_labels():
    def point(*labels: str) -> Point:
        return Point("k", "test", 0, "p", SavedStats(n=0), [], [SimpleNamespace(label=label) for label in labels])

    a, b = point("0.3/0.7 s0", "0.3/0.7 s1", "0.3/0.7 s2"), point("0.7/0.3 s0", "0.7/0.3 s1", "0.7/0.3 s2")
    assert a.label != b.label
    assert a.label == "initial prompt (0.3/0.7 s0 and 2 more runs)"
    assert point("x").label == "initial prompt (x)"


def test_plugin_facts_and_cells_say_yes_or_no_not_python_booleans():
    part = normalize({"allocator": {"columns": ["Strategy", "Pareto"], "rows": [["fixed 0", True]],
                                    "held_out": True}})
    table = part["tables"][0]
    assert "Held out: yes" in table["notes"] and table["rows"] == [["fixed 0", "yes"]]


def test_cost_by_role_has_no_row_for_a_role_no_run_used(tmp_path):
    root = tmp_path / "results"
    write_synthetic_results(root, runs=2, epochs=3, eval_samples=10, test_samples=12)
    for path in root.glob("*/summary.json"):
        data = json.loads(path.read_text("utf-8"))
        data["ledger"]["by_role"]["judge"] = {"calls": 0, "cost_usd": 0.0}
        path.write_text(json.dumps(data), encoding="utf-8")
    report = render(load_results(root), options(root, tmp_path))
    ctx = next(s for s in report.sections if s.id == "cost").context
    assert "judge" not in ctx["roles"] and "judge" not in ctx["totals"]
    assert ctx["roles"][:3] == ["answer", "feedback", "optimizer"]


def test_the_html_summary_table_has_the_absolute_reduction(tmp_path):
    root = tmp_path / "results"
    write_synthetic_results(root, runs=2, epochs=3, eval_samples=10, test_samples=12)
    report = render(load_results(root), options(root, tmp_path))
    rows = next(s for s in report.sections if s.id == "summary").context["rows"]
    assert "Reduction<br>(tokens/item)" in report.html
    for row in rows:
        expected = row["initial_tokens"] - row["final_tokens"]
        assert abs(row["token_reduction"] - expected) < 1e-6
        assert f"{row['token_reduction']:+.1f}" in report.html


def test_table_headers_wrap_instead_of_being_cut():
    css = static_text("report.css")
    for rule in re.findall(r"([^{}]*)\{([^}]*)\}", css):
        selectors, body = rule
        if re.search(r"(^|[\s,])th(\.num)?\s*(,|$)", selectors.strip()):
            assert "nowrap" not in body, selectors


def test_the_terminal_sweep_table_keeps_the_seed_readme_column_names():
    from promptbudget.sweep.summary import TABLE_HEADERS

    assert {"Improvement (McNemar p)", "Reduction", "% Reduction", "Final Acc (95% CI)"} <= set(TABLE_HEADERS)
