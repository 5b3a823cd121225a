"""Drive Debian's headless Chromium for the report's browser tests, with no extra dependency.

* `dump_dom` and `screenshot` run `chromium --headless` once each; console messages (errors,
  CSP violations, uncaught exceptions) are read from its `--enable-logging=stderr` output.
* `DevTools` speaks the Chrome DevTools Protocol over `--remote-debugging-pipe` (null-terminated
  JSON on file descriptors 3 and 4: no websocket, no port) to evaluate JavaScript in the page,
  e.g. to dispatch hover, wheel and click events and read the result.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REQUIRE_ENV = "PROMPTBUDGET_REQUIRE_BROWSER"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio"]
CONSOLE_RE = re.compile(r"CONSOLE(?:\(\d+\))?[:\]].*", re.M)


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_or_skip() -> str:
    """The chromium binary; without one the test skips, or fails when $PROMPTBUDGET_REQUIRE_BROWSER=1 (CI)."""
    import os

    import pytest

    binary = chromium_binary()
    if binary is None:
        reason = "Debian's chromium is not installed (apt-get install -y --no-install-recommends chromium)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{reason}, and {REQUIRE_ENV}=1", pytrace=False)
        pytest.skip(reason)
    return binary


@dataclass
class BrowserRun:
    stdout: str
    stderr: str

    @property
    def console(self) -> list[str]:
        """Every console message the page produced (log, error, CSP violation, uncaught exception)."""
        return CONSOLE_RE.findall(self.stderr)


def _run(binary: str, profile: Path, args: list[str], timeout: float = 90) -> BrowserRun:
    cmd = [binary, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "HOME": str(profile)})
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return BrowserRun(done.stdout, done.stderr)


def dump_dom(binary: str, page: Path, profile: Path) -> BrowserRun:
    """The DOM after the page's scripts ran (stdout), with the console in stderr."""
    return _run(binary, profile, ["--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri()])


def screenshot(binary: str, page: Path, profile: Path, out: Path, size: str = "1400,3000") -> BrowserRun:
    return _run(binary, profile, [f"--window-size={size}", f"--screenshot={out}", "--virtual-time-budget=5000",
                                  page.resolve().as_uri()])


class DevTools:
    """A minimal CDP client over --remote-debugging-pipe."""

    def __init__(self, binary: str, profile: Path, size: str = "1400,1000"):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4.

        def child() -> None:
            high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 100)
            high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 100)
            os.dup2(high_r, 3)  # dup2 leaves the copies inheritable
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}", "--remote-debugging-pipe",
             "about:blank"],
            close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(profile)}, preexec_fn=child)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def _send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
              timeout: float = 30) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise TimeoutError("no reply from chromium")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str) -> None:
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self._send(domain, session=self.session)
        self._send("Page.navigate", {"url": url}, session=self.session)
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._read(deadline))

    def evaluate(self, expression: str) -> Any:
        result = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                 "awaitPromise": True}, session=self.session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page exception: {result['exceptionDetails']}")
        return result["result"].get("value")

    def console_problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and browser log errors (CSP violations)."""
        out = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                out.append(str(params.get("exceptionDetails", {}).get("text")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                out.append(str(params["entry"].get("text")))
        return out

    def close(self) -> None:
        try:
            self._send("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
