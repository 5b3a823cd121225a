"""budget-sweep through the real anthropic SDK against the loopback fake server (no network)."""

from __future__ import annotations

import json

from promptbudget.budget import sweep_cli
from tests.support.fake_anthropic import FakeAnthropicServer, Reply


def _prompts(tmp_path, *texts: str):
    path = tmp_path / "prompts.jsonl"
    path.write_text("".join(json.dumps({"prompt": t}) + "\n" for t in texts), encoding="utf-8")
    return path


def responder(body: dict) -> Reply:
    if "complexity" in (body.get("system") or "").lower():
        return Reply(text="complex")
    if body.get("thinking", {}).get("type") in ("enabled", "adaptive"):
        return Reply(text="Thought it through. Answer: 42", thinking="Summary: weigh both options.")
    return Reply(text="Answer: 41")


def test_records_keep_the_response_and_the_thinking_summary_claude_returns(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    out = tmp_path / "sweep.json"
    with FakeAnthropicServer(responder=responder) as server:
        code = sweep_cli.main(["--prompts", str(_prompts(tmp_path, "Plan a route.")), "--model", "claude-haiku-4-5",
                               "--base_url", server.base_url, "--budgets", "0", "1024", "--output", str(out),
                               "--quiet", "--no_cache", "--num_threads", "1"])
    capsys.readouterr()
    assert code == 0
    records = {r["setting"]: r for r in json.loads(out.read_text("utf-8"))["records"]}
    assert records["0"]["response"] == "Answer: 41" and records["0"]["thinking"] == ""
    assert records["1024"]["response"] == "Thought it through. Answer: 42"
    assert records["1024"]["thinking"] == "Summary: weigh both options."
    assert "test-key" not in out.read_text("utf-8")


def test_a_case_study_on_an_adaptive_only_model_uses_neighbouring_effort_levels(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    out = tmp_path / "case.json"
    with FakeAnthropicServer(responder=responder) as server:
        code = sweep_cli.main(["--prompts", str(_prompts(tmp_path, "Design a city.")), "--model", "claude-opus-4-7",
                               "--base_url", server.base_url, "--case_study", "--output", str(out), "--quiet",
                               "--no_cache", "--num_threads", "1"])
        sent = [r["body"].get("thinking") for r in server.requests]
    err = capsys.readouterr().err
    assert code == 0, err
    results = json.loads(out.read_text("utf-8"))
    study = results["case_study"]
    assert results["kind"] == "effort"
    roles = {r["role"]: r["setting"] for r in study["rows"]}
    assert all(r["measured"] for r in study["rows"])
    assert sum(1 for t in sent if isinstance(t, dict) and t.get("type") == "adaptive") >= 2
    assert len(results["records"]) == 3
    assert study["complexity"] == "complex"  # notebook default 4096 -> effort high; neighbours medium, xhigh
    assert roles == {"half": "medium", "recommended": "high", "double": "xhigh"}
