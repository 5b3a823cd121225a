"""budget-sweep --batch: every cell in one batch at half price, identical measurements."""

from __future__ import annotations

import json
import math

import pytest

from promptbudget.budget import sweep_cli
from tests.support.fake_anthropic import FakeAnthropicServer
from tests.support.fake_batches import BatchSettings

from ..budget.conftest import write_task

MEASURED = ("id", "split", "setting", "correct", "extracted", "input_tokens", "output_tokens", "thinking_tokens",
            "stop_reason", "cost_usd")


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with FakeAnthropicServer(batches=BatchSettings(processing_delay_s=0.1)) as fake:
        yield fake


def sweep(server, tmp_path, name: str, *extra: str) -> int:
    task, _ = write_task(tmp_path, n=24)
    return sweep_cli.main(["--task", task, "--model", "anthropic/claude-haiku-4-5", "--base_url", server.base_url,
                           "--budgets", "0", "1024", "--samples", "12", "--no_policy", "--quiet",
                           "--output", str(tmp_path / f"{name}.json"), "--cache_dir", str(tmp_path / f"cache_{name}"),
                           "--batch_poll_s", "0.05", *extra])


def answer_billed(ledger_records: list[dict]) -> float:
    return sum(r["billed_usd"] for r in ledger_records)


def test_every_cell_goes_in_one_batch_at_half_price(server, tmp_path):
    assert sweep(server, tmp_path, "sync") == 0
    assert sweep(server, tmp_path, "batch", "--batch") == 0
    sync = json.loads((tmp_path / "sync.json").read_text())
    batch = json.loads((tmp_path / "batch.json").read_text())
    assert [[r[k] for k in MEASURED] for r in batch["records"]] == [[r[k] for k in MEASURED] for r in sync["records"]]
    assert len(server.batches.created) == 1 and len(server.batches.billed) == 24
    sync_answers = sync["ledger"]["by_role"]["answer"]["billed_usd"]
    batch_answers = batch["ledger"]["by_role"]["answer"]["billed_usd"]
    assert sync_answers > 0 and math.isclose(batch_answers, 0.5 * sync_answers, rel_tol=1e-9)
    assert batch["ledger"]["by_price_tier"]["batch"]["calls"] == 24
    assert batch["ledger"]["by_role"]["classifier"] == sync["ledger"]["by_role"]["classifier"]


@pytest.mark.parametrize("extra,message", [
    (["--batch", "--no_cache"], "drop --no_cache"),
    (["--batch_fallback"], "only applies with --batch"),
])
def test_bad_batch_flags_exit_2(server, tmp_path, capsys, extra, message):
    assert sweep(server, tmp_path, "bad", *extra) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("error:") == 1
    assert not (tmp_path / "bad.json").exists() and server.requests == []


def test_mock_engine_with_batch_exits_2_before_any_call(tmp_path, capsys):
    task, model = write_task(tmp_path)
    code = sweep_cli.main(["--task", task, "--model", model, "--budgets", "0", "--output", str(tmp_path / "o.json"),
                           "--cache_dir", str(tmp_path / "c"), "--quiet", "--batch"])
    assert code == 2 and "has no Message Batches API" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()
