"""Report pieces: figures, PNGs and the plain-data template context."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from promptbudget.confidence import plots, report_section
from promptbudget.confidence.runner import run_split
from promptbudget.records import ConfidenceSplitResults

from ._fakes import config, scripted, write_task


@pytest.fixture
def results(tmp_path: Path) -> ConfidenceSplitResults:
    return ConfidenceSplitResults.model_validate(
        run_split(config(write_task(tmp_path), total_budget=(200, 2048), ratios=(0.0, 0.5, 1.0)),
                  engine=scripted(), progress=False))


def test_figures_cover_every_metric_and_budget(results: ConfidenceSplitResults) -> None:
    figures = plots.figures(results)
    expected = {f"heatmap_{m}" for m in ("accuracy", "ece", "brier", "auroc", "aurc", "parse_failure_rate",
                                          "cost_usd", "mean_output_tokens")}
    expected |= {"reliability_total200", "reliability_total2048", "risk_coverage_total200",
                 "risk_coverage_total2048"}
    assert set(figures) == expected
    assert all(isinstance(f, Figure) for f in figures.values())
    reliability = figures["reliability_total2048"]
    assert len([ax for ax in reliability.axes if ax.get_xlabel()]) == 3  # one panel per ratio
    assert "10 equal-width bins" in reliability.get_suptitle()


def test_heatmap_matrix_rows_are_budgets_and_columns_ratios(results: ConfidenceSplitResults) -> None:
    matrix = plots.heatmap_matrix(results, "ece")
    assert len(matrix) == 2 and all(len(row) == 3 for row in matrix)
    cell = next(c for c in results.cells if c.total_budget == 2048 and c.ratio == 1.0)
    assert matrix[1][2] == pytest.approx(cell.metrics.ece)
    assert plots.heatmap_matrix(results, "cost_usd") == [[None] * 3] * 2  # unpriced engine: no cost, not 0


def test_save_pngs(results: ConfidenceSplitResults, tmp_path: Path) -> None:
    paths = plots.save_pngs(results, tmp_path / "plots")
    assert len(paths) == 12 and len({p.name for p in paths}) == 12
    assert all(p.parent == tmp_path / "plots" and p.read_bytes()[:4] == b"\x89PNG" for p in paths)
    suffix = plots.file_suffix(results)
    # the pattern of the budget and main report PNGs: figure first, then task and model
    assert all(p.name.startswith("confidence_") and p.name.endswith(f"_{suffix}.png") for p in paths)
    assert {plots.figure_name(results, p) for p in paths} == set(plots.figures(results))


def test_context_is_plain_data(results: ConfidenceSplitResults) -> None:
    ctx = report_section.context(results)
    json.dumps(ctx)  # plain data only
    assert ctx["table"]["columns"][5] == "ECE (10 bins)"
    assert len(ctx["table"]["rows"]) == 6 and len(ctx["cells"]) == 6
    assert ctx["table"]["rows"][0][:4] == ["200", "0", "0 / 200", "thinking off / thinking off"]
    assert any("10 equal-width" in note for note in ctx["notes"])
    heatmap = next(h for h in ctx["heatmaps"] if h["metric"] == "accuracy")
    assert heatmap["x"] == [0.0, 0.5, 1.0] and heatmap["y"] == [200, 2048]
    assert heatmap["values"] == plots.heatmap_matrix(results, "accuracy")
    assert len(ctx["reliability"]) == 6 and len(ctx["reliability"][0]["bins"]) == 10
    assert ctx["risk_coverage"][0]["points"][-1][0] == pytest.approx(1.0)
    assert set(ctx["figures"]) == set(plots.figures(results))


def test_render_and_write_report(results: ConfidenceSplitResults, tmp_path: Path) -> None:
    page, pngs = report_section.write_report(results, tmp_path / "report")
    text = page.read_text("utf-8")
    assert text.count("<img ") == len(pngs) == 12
    for png in pngs:  # embedded: the page's policy admits data: images only
        assert f'src="data:image/png;base64,{base64.b64encode(png.read_bytes()).decode()}"' in text
    assert "thinking off / thinking off" in text and "10 equal-width" in text
    html = report_section.render_html({**report_section.context(results), "warnings": ["<b>x</b>"]})
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_all_parse_failures_still_render(tmp_path: Path) -> None:
    engine = scripted()
    engine.confidences = {q: "no idea" for q in engine.confidences}
    results = ConfidenceSplitResults.model_validate(
        run_split(config(write_task(tmp_path), total_budget=(200,), ratios=(0.5,)), engine=engine, progress=False))
    (cell,) = results.cells
    assert cell.metrics.parse_failure_rate == 1.0 and cell.metrics.ece is None
    assert plots.heatmap_matrix(results, "ece") == [[None]]
    assert len(plots.save_pngs(results, tmp_path / "plots")) == 10
    assert report_section.context(results)["table"]["rows"][0][5] == "n/a"


def test_context_fits_the_report_plugin_contract(results: ConfidenceSplitResults) -> None:
    plugin = pytest.importorskip("promptbudget.report.sections.plugin")
    part = plugin.normalize(report_section.context(results), plugin.CHART_ADAPTERS.get("confidence"))
    (table,) = part["tables"]
    assert table["columns"][5] == "ECE (10 bins)" and len(table["rows"]) == 6
    assert any("10 equal-width" in note for note in part["notes"])
    assert len(part["charts"]) == 1  # risk-coverage, one series per cell with parsed confidences


def _policy(text: str) -> dict[str, str]:
    content = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', text).group(1)
    return dict(part.strip().split(" ", 1) for part in content.split(";"))


def test_the_page_has_the_main_reports_strict_content_security_policy(results: ConfidenceSplitResults, tmp_path: Path) -> None:
    page, _ = report_section.write_report(results, tmp_path / "report")
    text = page.read_text("utf-8")
    policy = _policy(text)
    (css,) = re.findall(r"<style>(.*?)</style>", text, re.S)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert policy == {"default-src": "'none'", "script-src": "'none'", "style-src": f"'sha256-{digest}'",
                      "img-src": "data:", "base-uri": "'none'", "form-action": "'none'"}
    # The same directives as the main report's policy (which has a script of its own).
    from promptbudget.report.render import content_security_policy

    main = dict(part.strip().split(" ", 1) for part in content_security_policy("x", css).split(";"))
    assert {k: v for k, v in main.items() if k != "script-src"} == {k: v for k, v in policy.items()
                                                                   if k != "script-src"}


@pytest.mark.browser
def test_the_page_renders_under_its_policy_and_refuses_injected_code_in_chromium(results: ConfidenceSplitResults,
                                                                                 tmp_path: Path) -> None:
    from ..report.browser import DevTools, chromium_or_skip

    binary = chromium_or_skip()
    page, pngs = report_section.write_report(results, tmp_path / "report")
    text = page.read_text("utf-8")
    page.write_text(text.replace("<body>", "<body><script>document.title='pwned'</script>"
                                           "<img id=x src=x onerror=\"document.title='pwned'\">", 1))
    tools = DevTools(binary, tmp_path / "profile")
    try:
        tools.open(page.resolve().as_uri())
        assert tools.evaluate("document.title") != "pwned"
        drawn = tools.evaluate("Array.from(document.images).filter(i => i.id !== 'x' && i.complete && "
                               "i.naturalWidth > 0).length")
        assert drawn == len(pngs) == 12
        assert "sans-serif" in tools.evaluate("getComputedStyle(document.body).fontFamily")  # its own CSS applies
        problems = tools.console_problems()
        assert problems and all("Content Security Policy" in p for p in problems), problems
    finally:
        tools.close()
