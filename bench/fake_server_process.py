"""The loopback fake Anthropic server in a child process, so its work does not share our GIL.

A real API server is never in the client's process; in-process, the fake server's request
handling competes with the client threads for the GIL and skews throughput figures.
`python -m bench.fake_server_process --latency_s 0.2` prints the base URL on one line and
serves until its standard input closes; `--responder MODULE:NAME` answers with that function.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from contextlib import contextmanager
from typing import Iterator

from tests.support.fake_anthropic import FakeAnthropicServer


@contextmanager
def fake_server_process(latency_s: float = 0.0, responder: str | None = None) -> Iterator[str]:
    """Yield the base URL of a fake server running in a child process; stop it on exit.

    `responder` ("module:function") replaces the default responder."""
    command = [sys.executable, "-m", "bench.fake_server_process", "--latency_s", str(latency_s)]
    child = subprocess.Popen(command + (["--responder", responder] if responder else []),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        base_url = child.stdout.readline().strip()
        if not base_url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the fake server process did not start (printed {base_url!r})")
        yield base_url
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fake_server_process")
    parser.add_argument("--latency_s", type=float, default=0.0)
    parser.add_argument("--responder", help="module:function answering each request (default: the fake's own)")
    args = parser.parse_args(argv)
    responder = None
    if args.responder:
        module, name = args.responder.split(":")
        responder = getattr(importlib.import_module(module), name)
    with FakeAnthropicServer(latency_s=args.latency_s, responder=responder) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
