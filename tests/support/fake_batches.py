"""The Message Batches endpoints of the loopback fake Anthropic server.

Routes (all under ``/v1/messages/batches``): ``POST`` create, ``GET /{id}`` retrieve,
``GET`` list (``limit``, ``after_id``), ``GET /{id}/results`` (JSONL, streamed in chunks, in
a shuffled order as the real API does not promise request order), ``POST /{id}/cancel``.

A batch is processed in request order over ``BatchSettings.processing_delay_s`` after its
creation: each request is answered (or errored / expired by the seeded draws) when its turn
comes, and only then billed, at ``BATCH_DISCOUNT`` of the synchronous price. A client
that is killed while polling and comes back later finds the same batch and the same results.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

BATCH_DISCOUNT = 0.5
MAX_BATCH_REQUESTS = 100_000
MAX_BATCH_BYTES = 256 * 1024 * 1024
_CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
OUTCOMES = ("succeeded", "errored", "expired", "canceled")


@dataclass
class BatchSettings:
    """How the fake processes batches."""

    processing_delay_s: float = 0.0
    error_rate: float = 0.0  # chance that a request comes back errored (api_error)
    expire_rate: float = 0.0  # chance that a request comes back expired
    seed: int = 0
    max_requests: int = MAX_BATCH_REQUESTS
    max_bytes: int = MAX_BATCH_BYTES
    # Decides one request's fate from (custom_id, params); overrides the rates when set.
    outcome: Callable[[str, dict], str] | None = None


class BatchError(Exception):
    def __init__(self, status: int, err_type: str, message: str):
        super().__init__(message)
        self.status, self.err_type, self.message = status, err_type, message


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat().replace("+00:00", "Z")


class FakeBatches:
    """Batch state and billing; the handler in fake_anthropic.py routes requests here."""

    def __init__(self, settings: BatchSettings, build_message: Callable[[dict], dict],
                 validate: Callable[[dict], None], api_error: type[Exception]):
        self.settings = settings
        self._build_message = build_message  # params -> Message JSON (raises api_error on a bad request)
        self._validate = validate
        self._api_error = api_error
        self._lock = threading.Lock()
        self._rng = random.Random(settings.seed)
        self._batches: dict[str, dict] = {}
        self.created: list[str] = []
        self.billed: list[dict] = []  # {"batch_id", "custom_id", "model", "usage"} per succeeded request
        self.base_url = ""

    # --- routes ------------------------------------------------------------------------
    def create(self, body: Any, raw_size: int) -> dict:
        if raw_size > self.settings.max_bytes:
            raise BatchError(413, "request_too_large", f"Batch exceeds the {self.settings.max_bytes}-byte limit")
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests:
            raise BatchError(400, "invalid_request_error", "requests: at least one request is required")
        if len(requests) > self.settings.max_requests:
            raise BatchError(400, "invalid_request_error",
                             f"requests: at most {self.settings.max_requests} requests per batch")
        seen: set[str] = set()
        for request in requests:
            custom_id = request.get("custom_id") if isinstance(request, dict) else None
            if not isinstance(custom_id, str) or not _CUSTOM_ID.match(custom_id):
                raise BatchError(400, "invalid_request_error", f"custom_id {custom_id!r} must match ^[a-zA-Z0-9_-]{{1,64}}$")
            if custom_id in seen:
                raise BatchError(400, "invalid_request_error", f"custom_id {custom_id!r} is not unique in the batch")
            if not isinstance(request.get("params"), dict):
                raise BatchError(400, "invalid_request_error", f"{custom_id}: params must be an object")
            seen.add(custom_id)
        batch_id = "msgbatch_fake" + uuid.uuid4().hex[:20]
        now = time.time()
        with self._lock:
            self._batches[batch_id] = {"id": batch_id, "created": now, "requests": requests, "results": [],
                                       "canceled_at": None, "ended": None}
            self.created.append(batch_id)
        return self.retrieve(batch_id)

    def retrieve(self, batch_id: str) -> dict:
        with self._lock:
            batch = self._get(batch_id)
            self._advance(batch)
            return self._public(batch)

    def list(self, query: dict[str, str]) -> dict:
        limit = int(query.get("limit", "20"))
        with self._lock:
            ids = list(reversed(self.created))
            if query.get("after_id") in ids:
                ids = ids[ids.index(query["after_id"]) + 1:]
            page = ids[:limit]
            data = []
            for batch_id in page:
                self._advance(self._batches[batch_id])
                data.append(self._public(self._batches[batch_id]))
        return {"data": data, "has_more": len(ids) > limit,
                "first_id": page[0] if page else None, "last_id": page[-1] if page else None}

    def cancel(self, batch_id: str) -> dict:
        with self._lock:
            batch = self._get(batch_id)
            self._advance(batch)
            if batch["ended"] is None and batch["canceled_at"] is None:
                batch["canceled_at"] = time.time()
                self._advance(batch)
            return self._public(batch)

    def results_lines(self, batch_id: str) -> list[bytes]:
        with self._lock:
            batch = self._get(batch_id)
            self._advance(batch)
            if batch["ended"] is None:
                raise BatchError(400, "invalid_request_error", f"Batch {batch_id} is still in progress")
            results = list(batch["results"])
        random.Random(batch_id).shuffle(results)
        return [json.dumps(r).encode() + b"\n" for r in results]

    # --- billing -----------------------------------------------------------------------
    def billed_usd(self, prices: dict[str, dict[str, float]]) -> float:
        """What the server charged for batch requests: BATCH_DISCOUNT of `prices` (USD/MTok)."""
        total = 0.0
        for entry in list(self.billed):
            price, usage = prices[entry["model"]], entry["usage"]
            total += (usage["input_tokens"] * price["input"] + usage["output_tokens"] * price["output"]) / 1e6
        return total * BATCH_DISCOUNT

    # --- internals (under self._lock) ----------------------------------------------------
    def _get(self, batch_id: str) -> dict:
        batch = self._batches.get(batch_id)
        if batch is None:
            raise BatchError(404, "not_found_error", f"message batch {batch_id} not found")
        return batch

    def _advance(self, batch: dict) -> None:
        """Process the requests whose turn has come; cancel the rest of a canceled batch."""
        requests, results = batch["requests"], batch["results"]
        delay = self.settings.processing_delay_s
        elapsed = time.time() - batch["created"]
        due = len(requests) if delay <= 0 or elapsed >= delay else int(len(requests) * elapsed / delay)
        for request in requests[len(results):due]:
            results.append(self._process(batch["id"], request))
        if batch["canceled_at"] is not None and len(results) < len(requests):
            for request in requests[len(results):]:
                results.append({"custom_id": request["custom_id"], "result": {"type": "canceled"}})
        if batch["ended"] is None and len(results) == len(requests):
            batch["ended"] = time.time()

    def _process(self, batch_id: str, request: dict) -> dict:
        custom_id, params = request["custom_id"], request["params"]
        fate = self._fate(custom_id, params)
        if fate == "succeeded":
            try:
                self._validate(params)
                message = self._build_message(params)
            except self._api_error as exc:
                err = {"type": getattr(exc, "err_type", "api_error"), "message": getattr(exc, "message", str(exc))}
                return {"custom_id": custom_id, "result": {"type": "errored", "error": {
                    "type": "error", "error": err, "request_id": None}}}
            self.billed.append({"batch_id": batch_id, "custom_id": custom_id, "model": params["model"],
                                "usage": dict(message["usage"])})
            return {"custom_id": custom_id, "result": {"type": "succeeded", "message": message}}
        if fate == "errored":
            return {"custom_id": custom_id, "result": {"type": "errored", "error": {
                "type": "error", "error": {"type": "api_error", "message": "Internal server error (fake)"},
                "request_id": None}}}
        return {"custom_id": custom_id, "result": {"type": fate}}

    def _fate(self, custom_id: str, params: dict) -> str:
        if self.settings.outcome is not None:
            fate = self.settings.outcome(custom_id, params)
            if fate not in OUTCOMES:
                raise ValueError(f"outcome must be one of {OUTCOMES}, got {fate!r}")
            return fate
        draw = self._rng.random()
        if draw < self.settings.error_rate:
            return "errored"
        if draw < self.settings.error_rate + self.settings.expire_rate:
            return "expired"
        return "succeeded"

    def _public(self, batch: dict) -> dict:
        counts = dict.fromkeys(("processing", "succeeded", "errored", "canceled", "expired"), 0)
        for result in batch["results"]:
            counts[result["result"]["type"]] += 1
        counts["processing"] = len(batch["requests"]) - len(batch["results"])
        ended = batch["ended"]
        status = "ended" if ended is not None else ("canceling" if batch["canceled_at"] else "in_progress")
        return {
            "id": batch["id"], "type": "message_batch", "processing_status": status,
            "request_counts": counts,
            "created_at": _iso(batch["created"]),
            "expires_at": _iso(batch["created"] + timedelta(hours=24).total_seconds()),
            "ended_at": _iso(ended) if ended is not None else None,
            "cancel_initiated_at": _iso(batch["canceled_at"]) if batch["canceled_at"] else None,
            "archived_at": None,
            "results_url": f"{self.base_url}/v1/messages/batches/{batch['id']}/results" if ended is not None else None,
        }
