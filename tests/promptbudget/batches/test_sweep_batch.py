"""sweep --batch: refused once, before any run starts, on a server without the Batches API."""

from __future__ import annotations

from promptbudget.sweep import cli
from tests.support.fake_anthropic import FakeAnthropicServer


def test_sweep_refuses_batch_without_the_api_before_any_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    with FakeAnthropicServer(serve_batches_api=False) as server:
        code = cli.main(["--configs", "0.5,0.5", "1,0", "--model", "anthropic/claude-haiku-4-5", "--base_url",
                         server.base_url, "--max_epochs", "1", "--steps_per_epoch", "1", "--test_samples", "4",
                         "--eval_samples", "4", "--batch", "--output_dir", str(tmp_path / "out"),
                         "--cache_dir", str(tmp_path / "cache"), "--quiet"])
        assert server.requests == []
    err = capsys.readouterr().err
    assert code == 2 and "no Message Batches API" in err and err.count("error:") == 1
    assert not (tmp_path / "out").exists()


def test_sweep_takes_no_abbreviated_flags(tmp_path, capsys):
    try:
        code = cli.main(["--configs", "0.5,0.5", "--model", "mock", "--batch_s", "2",
                         "--output_dir", str(tmp_path / "out")])
    except SystemExit as exited:
        code = exited.code
    assert code == 2 and "--batch_s" in capsys.readouterr().err
