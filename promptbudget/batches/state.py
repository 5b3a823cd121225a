"""Batches in flight, on disk: written before polling starts, so a killed run re-attaches.

One JSON file per submitted batch under `<cache dir>/batches/`, holding the batch id, the
engine it belongs to, and for each request its custom id (the request's cache key), role and
request. Nothing secret: the same material as the request cache.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..jsonio import write_json_atomic

STATE_SCHEMA = "promptbudget.batch_state/1"


@dataclass(frozen=True)
class BatchState:
    batch_id: str
    identity: dict[str, Any]
    requests: dict[str, dict[str, Any]]
    """custom id (the cache key) -> {"role", "request"}"""
    submitted_at: float
    owner_pid: int = 0
    """The process collecting it; another live process waits for it instead of paying twice."""

    def to_dict(self) -> dict[str, Any]:
        return {"schema": STATE_SCHEMA, "batch_id": self.batch_id, "identity": self.identity,
                "submitted_at": self.submitted_at, "owner_pid": self.owner_pid, "requests": self.requests}

    def owned_by_another_live_process(self) -> bool:
        if self.owner_pid in (0, os.getpid()):
            return False
        try:
            os.kill(self.owner_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class BatchStateStore:
    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def _path(self, batch_id: str) -> Path:
        return self.directory / f"{batch_id}.json"

    def save(self, batch_id: str, identity: dict[str, Any], requests: dict[str, dict[str, Any]]) -> BatchState:
        state = BatchState(batch_id, identity, requests, time.time(), os.getpid())
        write_json_atomic(self._path(batch_id), state.to_dict())
        return state

    def adopt(self, state: BatchState) -> BatchState:
        """Take over a batch whose collecting process is gone."""
        adopted = BatchState(state.batch_id, state.identity, state.requests, state.submitted_at, os.getpid())
        write_json_atomic(self._path(state.batch_id), adopted.to_dict())
        return adopted

    def exists(self, batch_id: str) -> bool:
        return self._path(batch_id).exists()

    def remove(self, batch_id: str) -> None:
        self._path(batch_id).unlink(missing_ok=True)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Held while checking for batches in flight and creating new ones (across processes)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a+") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def in_flight(self, identity: dict[str, Any]) -> list[BatchState]:
        """Saved batches of this engine, oldest first (unreadable files are skipped)."""
        states = []
        for path in sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []:
            try:
                data = json.loads(path.read_text("utf-8"))
                state = BatchState(data["batch_id"], data["identity"], data["requests"], data["submitted_at"],
                                   int(data.get("owner_pid") or 0))
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if state.identity == identity:
                states.append(state)
        return sorted(states, key=lambda s: s.submitted_at)
