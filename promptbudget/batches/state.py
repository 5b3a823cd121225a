"""Batches in flight, on disk: written before polling starts, so a killed run re-attaches.

One JSON file per submitted batch under `<cache dir>/batches/`, holding the batch id, the
engine it belongs to, and for each request its custom id (the request's cache key), role and
request. Nothing secret: the same material as the request cache.
"""

from __future__ import annotations

import json
import os
import time
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

    def to_dict(self) -> dict[str, Any]:
        return {"schema": STATE_SCHEMA, "batch_id": self.batch_id, "identity": self.identity,
                "submitted_at": self.submitted_at, "requests": self.requests}


class BatchStateStore:
    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def _path(self, batch_id: str) -> Path:
        return self.directory / f"{batch_id}.json"

    def save(self, batch_id: str, identity: dict[str, Any], requests: dict[str, dict[str, Any]]) -> BatchState:
        state = BatchState(batch_id, identity, requests, time.time())
        write_json_atomic(self._path(batch_id), state.to_dict())
        return state

    def remove(self, batch_id: str) -> None:
        self._path(batch_id).unlink(missing_ok=True)

    def in_flight(self, identity: dict[str, Any]) -> list[BatchState]:
        """Saved batches of this engine, oldest first (unreadable files are skipped)."""
        states = []
        for path in sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []:
            try:
                data = json.loads(path.read_text("utf-8"))
                state = BatchState(data["batch_id"], data["identity"], data["requests"], data["submitted_at"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if state.identity == identity:
                states.append(state)
        return sorted(states, key=lambda s: s.submitted_at)
