"""confidence-split --batch: answers in one batch, confidence calls in a second, identical cells."""

from __future__ import annotations

import json
import math

from promptbudget.confidence import cli
from tests.support.fake_anthropic import FakeAnthropicServer, Reply
from tests.support.fake_batches import BatchSettings


def responder(body: dict) -> Reply:
    if "probability that the proposed answer is correct" in (body.get("system") or ""):
        return Reply(text="Looks right.\nConfidence: 0.75")
    return Reply(text="Answer: Yes")


def split(server, tmp_path, name: str, *extra: str) -> dict:
    code = cli.main(["--model", "claude-haiku-4-5", "--base_url", server.base_url, "--task", "BBH_navigate",
                     "--samples", "4", "--total_budget", "200", "2048", "--ratios", "0.5", "--quiet",
                     "--cache_dir", str(tmp_path / f"cache_{name}"), "--output", str(tmp_path / f"{name}.json"),
                     "--batch_poll_s", "0.05", *extra])
    assert code == 0
    return json.loads((tmp_path / f"{name}.json").read_text("utf-8"))


def test_two_batches_half_price_identical_cells(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with FakeAnthropicServer(responder=responder, batches=BatchSettings(processing_delay_s=0.05)) as server:
        sync = split(server, tmp_path, "sync")
        sent_sync = len(server.requests)
        batch = split(server, tmp_path, "batch", "--batch")
        assert len(server.requests) == sent_sync  # nothing synchronous in the batch run
        assert len(server.batches.created) == 2 and len(server.batches.billed) == 16
    for mine, theirs in zip(batch["cells"], sync["cells"]):
        assert mine["items"] == theirs["items"] and mine["metrics"] == theirs["metrics"]
    assert batch["cells"][1]["metrics"]["mean_confidence"] == 0.75
    for role in ("answer", "confidence"):
        assert math.isclose(batch["ledger"]["by_role"][role]["billed_usd"],
                            0.5 * sync["ledger"]["by_role"][role]["billed_usd"], rel_tol=1e-9)
    assert batch["ledger"]["by_price_tier"]["batch"]["calls"] == 16


def test_no_cache_with_batch_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with FakeAnthropicServer() as server:
        code = cli.main(["--model", "claude-haiku-4-5", "--base_url", server.base_url, "--task", "BBH_navigate",
                         "--total_budget", "200", "--quiet", "--no_cache", "--batch",
                         "--output", str(tmp_path / "o.json")])
        assert server.requests == [] and server.batches.created == []
    assert code == 2 and "drop --no_cache" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()
