"""On-disk request cache shared by threads and processes.

One JSON file per request, named by a hash of everything that changes the output. A per-key
file lock makes concurrent identical requests (threads or processes of one sweep) wait for
the first one instead of calling the model again. Entries hold no API keys: the key material
is the engine name, model, base URL and the request itself.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .engines.types import Completion
from .errors import PromptBudgetError
from .jsonio import write_text_atomic

CACHE_SCHEMA = "promptbudget.cache/1"


class CacheWriteError(PromptBudgetError):
    """A reply could not be stored in the request cache (full disk, read-only folder)."""


def default_cache_dir() -> Path:
    configured = os.environ.get("PROMPTBUDGET_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "promptbudget"


def cache_key(material: dict[str, Any]) -> str:
    canonical = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class RequestCache:
    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Completion | None:
        try:
            data = json.loads(self._path(key).read_text("utf-8"))
            return Completion.from_dict(data["completion"])
        except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
            return None

    def put(self, key: str, material: dict[str, Any], completion: Completion, *, call_id: str | None = None,
            durable: bool = True) -> None:
        """Store a reply; `call_id` names the paid call it came from (what a resume recovers by);
        `durable=False` skips its fsync (a batch syncs its entries together)."""
        try:
            # Compact, so the C encoder writes it: an indented dump is pure Python and ~5x slower.
            text = json.dumps({"schema": CACHE_SCHEMA, "request": material, "completion": completion.to_dict(),
                               "call_id": call_id}, ensure_ascii=False, separators=(",", ":"))
            write_text_atomic(self._path(key), text + "\n", durable=durable)
        except OSError as exc:
            raise CacheWriteError(f"could not write the request cache in {self.directory} ({exc.strerror or exc}); "
                                  "free disk space or make it writable (or pass --no_cache), then continue with "
                                  "--resume: the call was recorded") from exc

    def paid_by(self, key: str) -> str | None:
        """The id of the paid call whose reply is stored under `key`, if known."""
        try:
            return json.loads(self._path(key).read_text("utf-8")).get("call_id")
        except (FileNotFoundError, json.JSONDecodeError, AttributeError):
            return None

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold an exclusive lock on one key (across threads and processes)."""
        lock_path = self._path(key).with_suffix(".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
