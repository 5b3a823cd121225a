"""Joint search (prompt + thinking setting) against prompt-only search, same seed and data.

The mock engine's thinking is documented in promptbudget/engines/mock.py: an answer thinks
min(budget, 2.5 x its visible length) tokens, billed as output, and each doubling of the budget
from 1024 adds half the accuracy the previous one did. The script below gives answers long
enough reasoning (900-2100 visible tokens) that budgets up to 4096 bind, so a cheaper setting
costs real tokens and some accuracy. Both searches run the same configuration (seed, data, steps)
except the ladder: prompt-only pins the starting setting (--no_thinking_search), joint searches
off/1024/4096/16000 from 16000.

On this seed the validation subset holds no item whose draw lies between the off and 16000
accuracies, so every cut of the first accepted prompt ties on 30 items; the thinking-cut bound
(promptbudget/optimize/cuts.py) rejects the cuts to 1024 and off (they cut every answer), and the
ladder stage takes 4096 for the final prompt (it cuts only the long answers).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.loop import OptimizationRun

SCRIPT = {"base_tokens": 900, "token_spread": 1200, "accuracy": 0.55, "thinking_gain": 0.04}


def _run(tmp: str, name: str, **extra) -> dict:
    config = OptimizeConfig(task="GSM8K_DSPy", model=f"mock:{tmp}/script.json", max_epochs=extra.pop("epochs"),
                            steps_per_epoch=3, batch_size=3, eval_samples=30, test_samples=30, seed=0,
                            output_dir=f"{tmp}/{name}", cache_dir=f"{tmp}/cache-{name}", quiet=True, **extra)
    return OptimizationRun(config).run()


def _chosen_validation(summary: dict) -> dict:
    final = summary["final"]
    key = f"{final['test']['prompt_version']}|{final.get('rung', summary.get('start_rung', 0))}"
    return summary["pair_validation"][key]["summary"]


def joint_vs_prompt_only(epochs: int = 10) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "script.json").write_text(json.dumps(SCRIPT))
        prompt_only = _run(tmp, "prompt_only", epochs=epochs, thinking_search=False)
        joint = _run(tmp, "joint", epochs=epochs, budgets=("0", "1024", "4096", "16000"))
    calls = {name: s["ledger"]["total"]["engine_calls"] for name, s in (("p", prompt_only), ("j", joint))}
    val = {name: _chosen_validation(s) for name, s in (("p", prompt_only), ("j", joint))}
    return {
        "joint_engine_calls_ratio": calls["j"] / calls["p"],
        "joint_val_tokens": val["j"]["mean_output_tokens"], "prompt_only_val_tokens": val["p"]["mean_output_tokens"],
        "joint_val_accuracy": val["j"]["accuracy"], "prompt_only_val_accuracy": val["p"]["accuracy"],
        "joint_test_tokens": joint["final"]["test"]["summary"]["mean_output_tokens"],
        "prompt_only_test_tokens": prompt_only["final"]["test"]["summary"]["mean_output_tokens"],
        "joint_tokens_ratio": val["j"]["mean_output_tokens"] / val["p"]["mean_output_tokens"],
        "joint_accuracy_not_lower": float(val["j"]["accuracy"] >= val["p"]["accuracy"]),
        "joint_setting": joint["final"]["thinking"],
    }
