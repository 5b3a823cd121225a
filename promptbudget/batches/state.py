"""Batches in flight, on disk: written before polling starts, so a killed run re-attaches.

One JSON file per submitted batch under `<cache dir>/batches/`, holding the batch id, the
engine it belongs to, and for each request its custom id (the request's cache key), role and
request. Nothing secret: the same material as the request cache.

Before a batch is created, the same content goes to `<token>.intent` (no batch id yet): a run
killed between `create` returning and the state file being written finds the intent and looks
for the batch on the server instead of creating a second one.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypedDict

from ..engines.types import RequestJson
from ..jsonio import write_text_atomic

STATE_SCHEMA = "promptbudget.batch_state/1"
INTENT_SUFFIX = ".intent"


class SavedRequest(TypedDict):
    """One request of a batch, as its state file keeps it (to record a result no run asks for again)."""

    role: str
    request: RequestJson


@dataclass(frozen=True)
class BatchState:
    batch_id: str
    identity: dict[str, Any]
    requests: dict[str, SavedRequest]
    """custom id (the cache key) -> its role and request"""
    submitted_at: float
    owner_pid: int = 0
    """The process collecting it; another live process waits for it instead of paying twice."""
    token: str = ""
    """The intent this batch was created from."""
    call_id: str | None = None
    """Its intent in the run's journal of paid calls (closed once its results are in)."""

    def to_dict(self) -> dict[str, Any]:
        return {"schema": STATE_SCHEMA, "batch_id": self.batch_id, "identity": self.identity,
                "submitted_at": self.submitted_at, "owner_pid": self.owner_pid, "token": self.token,
                "call_id": self.call_id, "requests": self.requests}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchState:
        return cls(data["batch_id"], data["identity"], data["requests"], data["submitted_at"],
                   int(data.get("owner_pid") or 0), data.get("token") or "", data.get("call_id"))

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

    def save(self, batch_id: str, identity: dict[str, Any], requests: dict[str, SavedRequest],
             intent: BatchState | None = None) -> BatchState:
        """Save a created batch (from its `intent`, which this removes)."""
        token, call_id = (intent.token, intent.call_id) if intent is not None else ("", None)
        state = BatchState(batch_id, identity, requests, time.time(), os.getpid(), token, call_id)
        _write(self._path(batch_id), state)
        if intent is not None:
            self.remove_intent(intent)
        return state

    def adopt(self, state: BatchState) -> BatchState:
        """Take over a batch whose collecting process is gone."""
        adopted = replace(state, owner_pid=os.getpid())
        _write(self._path(state.batch_id), adopted)
        return adopted

    # --- intents: written (and synced) before `create` ----------------------------------
    def save_intent(self, identity: dict[str, Any], requests: dict[str, SavedRequest],
                    call_id: str | None) -> BatchState:
        intent = BatchState("", identity, requests, time.time(), os.getpid(), uuid.uuid4().hex, call_id)
        _write(self.directory / f"{intent.token}{INTENT_SUFFIX}", intent)
        return intent

    def remove_intent(self, intent: BatchState) -> None:
        (self.directory / f"{intent.token}{INTENT_SUFFIX}").unlink(missing_ok=True)

    def intents(self, identity: dict[str, Any]) -> list[BatchState]:
        """Intents of this engine whose batch may or may not have been created, oldest first."""
        return self._read(f"*{INTENT_SUFFIX}", identity)

    def known_batch_ids(self) -> set[str]:
        """Every batch id saved here, whatever its engine."""
        return {state.batch_id for state in self._read("*.json", None)}

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
        return self._read("*.json", identity)

    def _read(self, pattern: str, identity: dict[str, Any] | None) -> list[BatchState]:
        states = []
        for path in sorted(self.directory.glob(pattern)) if self.directory.is_dir() else []:
            try:
                state = BatchState.from_dict(json.loads(path.read_text("utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if identity is None or state.identity == identity:
                states.append(state)
        return sorted(states, key=lambda s: s.submitted_at)


def _write(path: Path, state: BatchState) -> None:
    """Compact JSON (the C encoder: a batch of 10,000 requests indented takes seconds to write)."""
    write_text_atomic(path, json.dumps(state.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n")
