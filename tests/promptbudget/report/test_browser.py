"""The report in a real headless browser (Debian's chromium): charts draw, no console errors,
hover / zoom / legend toggles work, and no script from the data runs.

Skipped when chromium is missing, unless PROMPTBUDGET_REQUIRE_BROWSER=1 (CI), which fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from promptbudget.report.cli import main as report_main
from tests.support.synthetic_results import write_synthetic_results

from .browser import DevTools, chromium_or_skip, dump_dom, screenshot
from .conftest import PAYLOAD

pytestmark = pytest.mark.browser
TITLE = "promptbudget analysis report"


@pytest.fixture
def chromium() -> str:
    return chromium_or_skip()


@pytest.fixture
def mock_sweep(tmp_path: Path) -> Path:
    """Two optimize runs with the mock model (one starting from a prompt that carries a script
    payload), written by the real optimize loop, then the report and its PNGs."""
    from promptbudget.optimize.cli import main as optimize_main

    results = tmp_path / "results"
    common = ["--task", "GSM8K_DSPy", "--model", "mock", "--max_epochs", "2", "--steps_per_epoch", "2",
              "--batch_size", "2", "--eval_samples", "6", "--test_samples", "8", "--num_threads", "1", "--output_dir", str(results),
              "--cache_dir", str(tmp_path / "cache"), "--quiet"]
    prompt = ("Solve the math problem step by step. End with a line 'Answer: $VALUE' where VALUE is a number. "
              + PAYLOAD)
    assert optimize_main(common + ["--accuracy_weight", "0.3", "--efficiency_weight", "0.7",
                                   "--custom_prompt", prompt]) == 0
    assert optimize_main(common + ["--accuracy_weight", "0.7", "--efficiency_weight", "0.3"]) == 0
    page = tmp_path / "report.html"
    assert report_main(["--results_dir", str(results), "--output", str(page), "--plots_dir",
                        str(tmp_path / "plots")]) == 0
    return page


def _attr(dom: str, name: str) -> str | None:
    match = re.search(rf'<html[^>]*\s{name}="([^"]*)"', dom)
    return match.group(1) if match else None


def test_report_from_mock_sweep_renders_in_chromium(chromium, mock_sweep, tmp_path):
    run = dump_dom(chromium, mock_sweep, tmp_path / "profile")
    dom = run.stdout
    figures = dom.count('<figure class="chart')
    assert figures >= 6
    assert _attr(dom, "data-charts-rendered") == str(figures)
    assert _attr(dom, "data-js-errors") == "0"
    assert dom.count('data-rendered="true"') == figures and 'data-chart-error="' not in dom
    assert dom.count("<svg") == figures
    assert len(re.findall(r'<path d="M[^"]+" class="marker"', dom)) >= 10  # markers drawn
    assert run.console == [], run.console
    shot = tmp_path / "report.png"
    run = screenshot(chromium, mock_sweep, tmp_path / "profile", shot)
    assert run.console == [], run.console
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 60_000  # a drawn page, not a blank one
    keep = os.environ.get("PROMPTBUDGET_SCREENSHOT_DIR")
    if keep:  # for a person to look at
        shutil.copy(shot, Path(keep) / "report_screenshot.png")


def test_no_script_from_the_data_runs_in_chromium(chromium, tmp_path):
    root = tmp_path / "results"
    write_synthetic_results(root, runs=2, epochs=6, eval_samples=10, test_samples=12, inject=PAYLOAD)
    page = tmp_path / "report.html"
    assert report_main(["--results_dir", str(root), "--output", str(page), "--no_plots"]) == 0
    run = dump_dom(chromium, page, tmp_path / "profile")
    dom = run.stdout
    assert re.search(r"<title>([^<]*)</title>", dom).group(1) == TITLE
    assert '<img src="x"' not in dom and "<svg onload" not in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # shown as text
    assert _attr(dom, "data-js-errors") == "0"
    assert run.console == [], run.console


def test_csp_blocks_a_script_that_slipped_through(chromium, tmp_path):
    """Defence in depth: were escaping ever broken, the page's CSP still refuses the script."""
    root = tmp_path / "results"
    write_synthetic_results(root, runs=1, epochs=2, eval_samples=10, test_samples=12)
    page = tmp_path / "report.html"
    assert report_main(["--results_dir", str(root), "--output", str(page), "--no_plots"]) == 0
    html = page.read_text()
    page.write_text(html.replace("<main>", "<main><script>document.title='pwned'</script>"
                                           "<img src=x onerror=\"document.title='pwned'\">", 1))
    run = dump_dom(chromium, page, tmp_path / "profile")
    assert re.search(r"<title>([^<]*)</title>", run.stdout).group(1) == TITLE
    assert any("Content Security Policy" in line for line in run.console), run.console
    assert _attr(run.stdout, "data-charts-rendered") not in (None, "0")  # the page's own script still ran


def test_hover_zoom_and_legend_toggle(chromium, tmp_path):
    root = tmp_path / "results"
    write_synthetic_results(root, runs=5, epochs=4, eval_samples=10, test_samples=12)
    page = tmp_path / "report.html"
    assert report_main(["--results_dir", str(root), "--output", str(page), "--no_plots"]) == 0
    tools = DevTools(chromium, tmp_path / "profile")
    try:
        tools.open(page.resolve().as_uri())
        fig = "document.querySelector('#tradeoff figure.chart')"
        tools.evaluate(f"{fig}.scrollIntoView({{block: 'center'}})")
        # Hover: move the mouse onto a marker; the tooltip shows that point's numbers.
        box = tools.evaluate(f"(() => {{ const r = {fig}.querySelector('path.marker').getBoundingClientRect();"
                             " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        tools._send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0], "y": box[1]},
                    session=tools.session)
        tip = tools.evaluate(f"(() => {{ const t = {fig}.querySelector('.chart-tip');"
                             " return [t.hidden, t.textContent]; })()")
        assert tip[0] is False and "accuracy" in tip[1] and "mean tokens" in tip[1]
        # Zoom: a wheel step over the plot changes the axis ticks; Reset zoom restores them.
        ticks = f"Array.from({fig}.querySelectorAll('text.tick')).map(t => t.textContent).join('|')"
        before = tools.evaluate(ticks)
        tools._send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": box[0], "y": box[1], "deltaX": 0,
                                                 "deltaY": -300}, session=tools.session)
        zoomed = tools.evaluate(ticks)
        assert zoomed != before
        tools.evaluate(f"{fig}.querySelector('.chart-reset').click()")
        assert tools.evaluate(ticks) == before
        # Legend: hiding a series removes its markers and marks the button.
        count = f"{fig}.querySelectorAll('path.marker').length"
        shown = tools.evaluate(count)
        tools.evaluate(f"{fig}.querySelectorAll('.legend-item')[1].click()")
        assert tools.evaluate(count) < shown
        assert tools.evaluate(f"{fig}.querySelectorAll('.legend-item')[1].getAttribute('aria-pressed')") == "false"
        tools.evaluate(f"{fig}.querySelectorAll('.legend-item')[1].click()")
        assert tools.evaluate(count) == shown
        assert tools.console_problems() == []
    finally:
        tools.close()


def test_budget_sweep_responses_picker_and_headers_in_chromium(chromium, tmp_path, capsys):
    from promptbudget.budget import sweep_cli

    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"prompt": "Explain tides."}\n{"prompt": "Design a city (hard)."}\n', encoding="utf-8")
    root = tmp_path / "results"
    assert sweep_cli.main(["--prompts", str(prompts), "--model", "mock", "--budgets", "0", "1024", "4096",
                           "--output", str(root / "budget_sweep_p.json"), "--quiet", "--no_cache"]) == 0
    capsys.readouterr()
    page = tmp_path / "report.html"
    assert report_main(["--results_dir", str(root), "--output", str(page), "--no_plots"]) == 0
    tools = DevTools(chromium, tmp_path / "profile")
    try:
        tools.open(page.resolve().as_uri())
        shown = ("Array.from(document.querySelector('.cmp-item').querySelectorAll('.cmp-cell'))"
                 ".filter(c => getComputedStyle(c).display !== 'none').map(c => c.dataset.setting).join(',')")
        assert tools.evaluate(shown) == "0,4096"
        tools.evaluate("(() => { const s = document.querySelectorAll('select.cmp-pick'); s[1].value = '1024';"
                       " s[1].dispatchEvent(new Event('change')); })()")
        assert tools.evaluate(shown) == "0,1024"
        assert "items differ" in tools.evaluate("document.querySelector('.cmp-count').textContent")
        # At a 1000-pixel window the wide budget tables fit: no sideways scrolling, no cut header.
        tools._send("Emulation.setDeviceMetricsOverride", {"width": 1000, "height": 800, "deviceScaleFactor": 1,
                                                           "mobile": False}, session=tools.session)
        wide = ("Array.from(document.querySelectorAll('#budget .table-wrap'))"
                ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.textContent.slice(0, 40))")
        assert tools.evaluate(wide) == []
        assert tools.console_problems() == []
    finally:
        tools.close()
