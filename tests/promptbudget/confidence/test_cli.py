"""`python -m promptbudget confidence-split`: offline runs on mock and Claude's wire format, bad flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promptbudget import cli as dispatcher
from promptbudget.confidence import cli
from tests.support.fake_anthropic import FakeAnthropicServer, Reply


def mock_args(tmp_path: Path, *extra: str) -> list[str]:
    return ["--model", "mock", "--task", "BBH_navigate", "--samples", "6", "--quiet", "--no_cache",
            "--output", str(tmp_path / "out.json"), *extra]


def test_mock_run_through_the_dispatcher_writes_results_and_report(tmp_path: Path, capsys) -> None:
    rc = dispatcher.main(["confidence-split", *mock_args(tmp_path, "--total_budget", "200", "2048",
                                                          "--ratios", "1", "0.5", "0", "--num_threads", "3",
                                                          "--report_dir", str(tmp_path / "report"))])
    out = capsys.readouterr().out
    assert rc == 0
    results = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert results["schema"] == "promptbudget.confidence_split/1" and results["status"] == "completed"
    assert results["calibration"]["ece_bins"] == 10
    assert [(c["total_budget"], c["ratio"]) for c in results["cells"]] == \
        [(200, 0.0), (200, 0.5), (200, 1.0), (2048, 0.0), (2048, 0.5), (2048, 1.0)]
    cells = {c["cell_id"]: c for c in results["cells"]}
    assert cells["B200_r0.5"]["enforcement"] == "thinking off / thinking off"
    assert cells["B2048_r0.5"]["enforcement"] == "thinking budget / thinking budget"  # 1024 / 1024
    assert cells["B2048_r1"]["enforcement"] == "thinking budget / thinking off"  # 2048 / 0
    assert results["ledger"]["by_role"]["answer"]["calls"] == 36
    assert results["ledger"]["by_role"]["confidence"]["calls"] == 36
    for cell in results["cells"]:
        assert cell["complete"] and cell["metrics"]["n"] == 6 and len(cell["items"]) == 6
        assert cell["metrics"]["parse_failures"] == 0  # the mock always states a confidence
    assert "10 equal-width" in out and "thinking off / thinking off" in out and "results:" in out
    pages = list((tmp_path / "report").glob("*.html"))
    assert len(pages) == 1 and "10 equal-width" in pages[0].read_text("utf-8")
    pngs = sorted((tmp_path / "report" / "plots").glob("*.png"))
    assert len(pngs) == 8 + 2 * 2  # 8 heatmaps, a reliability and a risk-coverage figure per total budget
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_default_output_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rc = cli.main(["--model", "mock", "--task", "BBH_navigate", "--samples", "2", "--quiet", "--no_cache",
                   "--total_budget", "100", "--ratios", "0.5"])
    assert rc == 0
    path = tmp_path / "results" / "confidence_split_BBH_navigate_mock.json"
    assert json.loads(path.read_text("utf-8"))["task"]["n_items"] == 2


@pytest.mark.parametrize("flags, message", [
    (["--total_budget", "200", "--ratios", "1.5"], "--ratios values must lie in [0, 1] (got 1.5)"),
    (["--total_budget", "200", "--ratios", "1", "-0.25"], "--ratios values must lie in [0, 1] (got -0.25)"),
    (["--total_budget", "200", "--ratios", "nan"], "--ratios values must lie in [0, 1]"),
    (["--total_budget", "-200"], "--total_budget must not be negative (got -200)"),
    (["--total_budget", "200", "1024", "-1"], "--total_budget must not be negative (got -1)"),
    (["--total_budget", "200", "--samples", "0"], "--samples must be at least 1"),
    (["--total_budget", "200", "--num_threads", "0"], "--num_threads must be at least 1"),
    (["--total_budget", "200", "--task", "NoSuchTask"], "NoSuchTask"),
    (["--total_budget", "200", "--model", "nonsense"], "unknown model"),
    (["--total_budget", "200", "--max_cost", "-1"], "--max_cost"),
    (["--total_budget", "200", "--ratios", "half"], "invalid float value"),
    (["--ratios", "0.5"], "--total_budget"),
])
def test_bad_flags_exit_2_and_write_nothing(tmp_path: Path, monkeypatch, capsys, flags: list[str],
                                            message: str) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["--model", "mock", "--task", "BBH_navigate", "--quiet", "--cache_dir", str(tmp_path / "cache"),
            "--output", str(tmp_path / "out.json"), "--report_dir", str(tmp_path / "report"), *flags]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "error" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no results, cache or report


def test_adaptive_only_claude_is_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with FakeAnthropicServer() as server:
        rc = cli.main(["--model", "claude-opus-4-7", "--base_url", server.base_url, "--task", "BBH_navigate",
                       "--total_budget", "2048", "--quiet", "--no_cache", "--output", str(tmp_path / "o.json")])
        assert server.requests == []  # refused before any message call
    assert rc == 2 and "manual thinking budget" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()


def test_claude_wire_format_thinking_budget_or_disabled(tmp_path: Path, monkeypatch) -> None:
    """Through the real anthropic SDK against a loopback fake: what Claude would receive."""

    def responder(body: dict) -> Reply:
        if "probability that the proposed answer is correct" in body.get("system", ""):
            return Reply(text="Looks right.\nConfidence: 0.75")
        return Reply(text="Answer: Yes")

    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with FakeAnthropicServer(responder=responder) as server:
        rc = cli.main(["--model", "claude-haiku-4-5", "--base_url", server.base_url, "--task", "BBH_navigate",
                       "--samples", "2", "--total_budget", "200", "2048", "--ratios", "0.5", "--quiet",
                       "--no_cache", "--num_threads", "1", "--output", str(tmp_path / "o.json")])
        bodies = [r["body"] for r in server.requests]
    assert rc == 0
    assert len(bodies) == 2 * 2 * 2  # cells x items x stages: no retries
    small = [b for b in bodies if b["thinking"] == {"type": "disabled"}]
    large = [b for b in bodies if b["thinking"] == {"type": "enabled", "budget_tokens": 1024}]
    assert len(small) == 4 and len(large) == 4
    assert all(b["max_tokens"] == 1024 for b in small) and all(b["max_tokens"] == 2048 for b in large)
    results = json.loads((tmp_path / "o.json").read_text("utf-8"))
    cells = {c["cell_id"]: c for c in results["cells"]}
    assert cells["B200_r0.5"]["enforcement"] == "thinking off / thinking off"
    assert cells["B2048_r0.5"]["enforcement"] == "thinking budget / thinking budget"
    assert cells["B2048_r0.5"]["metrics"]["mean_confidence"] == pytest.approx(0.75)
    assert cells["B2048_r0.5"]["metrics"]["cost_usd"] > 0  # Haiku 4.5 is priced
