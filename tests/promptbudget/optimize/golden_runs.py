"""Runs on the mock engine whose summary.json is pinned in fixtures/ (written by the code before
the loop moved onto typed records): the loop's output must not change, key by key.

`python -m tests.promptbudget.optimize.golden_runs` writes the fixtures again (only after a change
to the JSON a run writes that is meant)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.loop import OptimizationRun

FIXTURES = Path(__file__).parent / "fixtures"
TIMESTAMPS = {"created_at", "updated_at", "timestamp", "time", "started_at", "finished_at"}
SCRIPTS: dict[str, dict[str, Any]] = {
    "prompt_search": dict(accuracy=0.7, optimizer_edits=[{"reply": "no tags here"},
                                                         {"append": "Be concise: write only the steps you need."},
                                                         {"append": "Skip the final answer line."}],
                          prompt_rules=[{"contains": "concise", "token_scale": 0.5},
                                        {"contains": "skip the final answer line", "drops_format": True}]),
    "joint_search": dict(base_tokens=900, token_spread=1200, accuracy=0.6, thinking_gain=0.0),
}
SETTINGS: dict[str, dict[str, Any]] = {
    "prompt_search": dict(max_epochs=5, steps_per_epoch=1, batch_size=2, eval_samples=8, test_samples=8),
    "joint_search": dict(max_epochs=2, steps_per_epoch=2, batch_size=3, eval_samples=40, test_samples=8,
                         budgets=("0", "1024", "4096"), accuracy_weight=0, efficiency_weight=1),
}


def run_summary(name: str, work: Path) -> dict[str, Any]:
    """The summary.json a run of `name` writes in `work`, without timestamps, `work` and the run id (a hash of it)."""
    script = work / "script.json"
    script.write_text(json.dumps(SCRIPTS[name]))
    config = OptimizeConfig(task="GSM8K_DSPy", model=f"mock:{script}", output_dir=str(work / "out"),
                            cache_dir=str(work / "cache"), quiet=True, **SETTINGS[name])
    OptimizationRun(config).run()
    (path,) = (work / "out").glob("*/summary.json")
    text = path.read_text("utf-8").replace(str(work), "<work>").replace(path.parent.name, "<run_id>")
    return normalized(json.loads(text))


def normalized(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: normalized(item) for key, item in value.items() if key not in TIMESTAMPS}
    if isinstance(value, list):
        return [normalized(item) for item in value]
    return value


def differences(got: Any, want: Any, path: str = "") -> list[str]:
    """Where two JSON values differ: a value, a key, or the order of the keys (`schema` first)."""
    if isinstance(got, dict) and isinstance(want, dict):
        if list(got) != list(want):
            return [f"{path or '(top)'}: keys {list(got)} != {list(want)}"]
        return [d for key in got for d in differences(got[key], want[key], f"{path}.{key}")]
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [d for i, (g, w) in enumerate(zip(got, want)) for d in differences(g, w, f"{path}[{i}]")]
    same = got == want and type(got) is type(want)
    return [] if same else [f"{path}: {json.dumps(got)[:80]} != {json.dumps(want)[:80]}"]


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"golden_{name}.json").read_text("utf-8"))


if __name__ == "__main__":
    for name in sys.argv[1:] or SCRIPTS:
        with tempfile.TemporaryDirectory() as work:
            (FIXTURES / f"golden_{name}.json").write_text(json.dumps(run_summary(name, Path(work)), indent=1) + "\n")
