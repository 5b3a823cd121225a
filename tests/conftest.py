"""Every test runs with a private HOME, cache and no API credentials from the environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def pytest_configure(config: pytest.Config) -> None:
    # One llama.cpp thread for the local model and llama-server, set before any fixture starts
    # one. llama.cpp's threads spin while they wait for each other: with other tests (or other
    # users) on the cores, a 48-token answer took 58-92 s on 2 threads and 5 s on 1 (load 15).
    os.environ.setdefault("PROMPTBUDGET_LOCAL_THREADS", "1")


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("PROMPTBUDGET_CACHE_DIR", str(home / "promptbudget-cache"))
    monkeypatch.setenv("TEXTGRAD_LOG_DIR", str(home / "textgrad-logs"))
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield home

