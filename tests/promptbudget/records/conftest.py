"""Result files written by the code on main before typed records (`fixtures/`), by kind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from promptbudget.records import (BudgetPolicy, BudgetSweepResults, ConfidenceSplitResults, Recommendation,
                                  RunSummary, SweepSummary)

FIXTURES = Path(__file__).parent / "fixtures"
KINDS = {
    "run_summary.json": RunSummary,
    "recommendation.json": Recommendation,
    "sweep_summary.json": SweepSummary,
    "budget_sweep.json": BudgetSweepResults,
    "budget_policy.json": BudgetPolicy,
    "confidence_split.json": ConfidenceSplitResults,
}


def fixture_data(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text("utf-8"))


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A copy of the fixture run as a run directory (summary.json inside)."""
    folder = tmp_path / "results" / "GSM8K_DSPy_run"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "run_summary.json", folder / "summary.json")
    return folder
