"""budget-sweep, allocate and confidence-split compose the experiment layer, never the optimize package."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import promptbudget.budget.sweep_cli, promptbudget.budget.allocate_cli, promptbudget.confidence.cli
print(sorted(m for m in sys.modules if m.startswith('promptbudget.optimize')))
print('promptbudget.experiment.answering' in sys.modules)
"""


def test_budget_and_confidence_do_not_import_optimize():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120)
    imported, uses_layer = done.stdout.splitlines()
    assert imported == "[]"
    assert uses_layer == "True"
