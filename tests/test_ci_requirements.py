"""CI sets PROMPTBUDGET_REQUIRE_LLAMA_SERVER=1 / PROMPTBUDGET_REQUIRE_BROWSER=1: a test that
needs the missing tool then fails instead of skipping (run in a child pytest without the tool)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def child_pytest(env: dict[str, str], tmp_path: Path, *node_ids: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "--basetemp", str(tmp_path / "basetemp"), *node_ids],
                          cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


def test_a_missing_llama_server_fails_the_test_when_required(tmp_path):
    node = ("tests/integration/test_anthropic_engine_llama_server.py::"
            "test_killing_the_server_gives_a_connection_error_after_retries")
    result = child_pytest({"PROMPTBUDGET_LLAMA_SERVER": str(tmp_path / "absent"),
                           "PROMPTBUDGET_REQUIRE_LLAMA_SERVER": "1"}, tmp_path, node)
    assert result.returncode == 1 and "skipped" not in result.stdout, result.stdout + result.stderr
    assert "llama-server binary not found" in result.stdout


def test_a_missing_chromium_fails_every_browser_test_when_required(tmp_path):
    nodes = ["tests/promptbudget/report/test_decision.py::"
             "test_the_section_renders_in_chromium_with_no_script_from_the_prompt",
             "tests/promptbudget/confidence/test_report.py::"
             "test_the_page_renders_under_its_policy_and_refuses_injected_code_in_chromium"]
    result = child_pytest({"PATH": str(tmp_path), "PROMPTBUDGET_REQUIRE_BROWSER": "1"}, tmp_path, *nodes)
    assert "2 failed" in result.stdout and "skipped" not in result.stdout, result.stdout + result.stderr
    assert "chromium is not installed" in result.stdout
