"""Shared fixtures: small synthetic results in the real run schema, and an injection payload."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from promptbudget.report.options import ReportOptions
from tests.support.synthetic_results import write_synthetic_results

# Every way a text could try to run a script in the report.
PAYLOAD = ("<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"
           "</script><svg onload=\"document.title='pwned'\"></svg>")


@pytest.fixture
def small_results(tmp_path: Path) -> Path:
    """3 runs x 6 epochs, 10 validation / 12 test items (small-sample warnings apply)."""
    root = tmp_path / "results"
    write_synthetic_results(root, runs=3, epochs=6, eval_samples=10, test_samples=12)
    return root


@pytest.fixture
def injected_results(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    write_synthetic_results(root, runs=2, epochs=6, eval_samples=10, test_samples=12, inject=PAYLOAD)
    return root


def options(root: Path, tmp_path: Path, **kw) -> ReportOptions:
    defaults = dict(results_dir=root, output=tmp_path / "out" / "report.html", plots_dir=None)
    defaults.update(kw)
    return ReportOptions(**defaults)


def chart_specs(html: str) -> list[dict]:
    """The JSON specs of every chart in the page, in order."""
    return [json.loads(m) for m in re.findall(r'<script type="application/json">(.*?)</script>', html, re.S)]
