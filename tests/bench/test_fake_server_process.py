"""The benchmark's fake server in a child process: serves the real SDK, and stops with the block."""

from __future__ import annotations

import subprocess

import anthropic
import pytest

from bench import fake_server_process as module


def test_serves_the_sdk_from_a_child_process_and_stops_after_the_block(monkeypatch):
    children: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        child = real_popen(*args, **kwargs)
        children.append(child)
        return child

    monkeypatch.setattr(module.subprocess, "Popen", recording_popen)
    with module.fake_server_process() as base_url:
        client = anthropic.Anthropic(api_key="test", base_url=base_url, max_retries=0, timeout=30)
        message = client.messages.create(model="claude-sonnet-4-5-20250929", max_tokens=16,
                                         messages=[{"role": "user", "content": "hello"}])
        client.close()
        assert message.usage.output_tokens > 0
        assert len(children) == 1 and children[0].poll() is None
    assert children[0].returncode == 0


def test_a_child_that_dies_before_printing_its_url_is_an_error(monkeypatch):
    real_popen = subprocess.Popen

    def silent_child(args, **kwargs):
        return real_popen([args[0], "-c", "import sys; sys.exit(1)"], **kwargs)

    monkeypatch.setattr(module.subprocess, "Popen", silent_child)
    with pytest.raises(RuntimeError, match="did not start"):
        with module.fake_server_process():
            pass
