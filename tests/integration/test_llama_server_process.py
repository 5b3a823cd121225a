"""tests/support/llama_server.py: the server's thread count, and no server outliving its starter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.llama_server import LlamaServer

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
STARTER = """
import sys
from tests.support.llama_server import LlamaServer
server = LlamaServer(binary=sys.argv[1], log_path=sys.argv[2]).start()
print(server.proc.pid, flush=True)
sys.stdin.read()
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_thread_count_follows_the_local_engine_setting(monkeypatch, llama_server_binary_path):
    monkeypatch.setenv("PROMPTBUDGET_LOCAL_THREADS", "1")
    def threads(server: LlamaServer) -> str:
        command = server.command()
        return command[command.index("-t") + 1]

    assert threads(LlamaServer(binary=llama_server_binary_path, port=1)) == "1"
    assert threads(LlamaServer(binary=llama_server_binary_path, port=1, threads=3)) == "3"


def test_a_server_dies_with_the_process_that_started_it(llama_server_binary_path, tmp_path):
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(llama_server_binary_path), str(tmp_path / "log")],
                               cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        server_pid = int(starter.stdout.readline())
        assert _alive(server_pid)
    finally:
        os.kill(starter.pid, signal.SIGKILL)
        starter.wait()
    deadline = time.monotonic() + 60  # against a hang only
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(server_pid):
        os.kill(server_pid, signal.SIGKILL)
        pytest.fail("llama-server outlived the process that started it")
