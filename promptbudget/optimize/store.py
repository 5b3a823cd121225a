"""A run directory: `summary.json` (the typed, versioned source of truth, rewritten atomically
after every step), `events.jsonl` (append-only log), `calls.jsonl` (every ledger record) and
`intents.jsonl` (the journal: each paid call's intent, fsync'd before the call, then its end).

An intent that nothing ended and no record names is a call a kill or a write failure caught in
flight. When the cache holds the reply that call paid for, a resume turns it back into its
exact record; otherwise its worst case is counted as unaccounted (and against the cap)."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..cache import RequestCache
from ..errors import PromptBudgetError, UsageError
from ..jsonio import append_jsonl, read_jsonl, write_json_atomic
from ..ledger import CallRecord, Ledger, Unaccounted
from ..pricing import Price
from ..records import RecordError, ResumableRun, load_json, validate_record

SUMMARY = "summary.json"
EVENTS = "events.jsonl"
CALLS = "calls.jsonl"
ORPHANS = "orphans.jsonl"
INTENTS = "intents.jsonl"
LOCK = ".lock"


class RunWriteError(PromptBudgetError):
    """A run file could not be written (full disk, read-only folder). No paid call is lost."""


class RunStore:
    def __init__(self, run_dir: str | os.PathLike):
        self.dir = Path(run_dir)
        self.write_failure: RunWriteError | None = None

    @property
    def summary_path(self) -> Path:
        return self.dir / SUMMARY

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the run directory for this process; a second process gets a UsageError."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / LOCK, "a+") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageError(f"{self.dir} is being written by another process; wait for it to finish "
                                 "(or stop it) before running or resuming this run") from None
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def exists(self) -> bool:
        return self.summary_path.exists()

    def load(self) -> ResumableRun:
        """The saved summary, validated as a `ResumableRun` (UsageError naming the field when it is not one)."""
        data = load_json(self.summary_path, fix=ResumableRun.FIX)  # RecordError: unreadable, not JSON
        try:
            return validate_record(data, ResumableRun, where=str(self.summary_path))
        except RecordError as exc:
            raise UsageError(f"cannot be resumed by this version (which reads {ResumableRun.schema_name()}): {exc}") from None

    def save(self, summary: ResumableRun) -> ResumableRun:
        """Write the summary atomically; returns it as written (its `updated_at` now)."""
        stamped = summary.but(updated_at=time.time())
        write_json_atomic(self.summary_path, stamped.to_json())
        return stamped

    def save_final(self, summary: ResumableRun) -> ResumableRun:
        """Save how the run ended. When the folder takes no new file (read-only, full disk),
        overwrite summary.json in place, so that it does not keep saying "running"."""
        try:
            return self.save(summary)
        except OSError:
            if not self.summary_path.exists():
                raise
            stamped = summary.but(updated_at=time.time())
            with open(self.summary_path, "r+", encoding="utf-8") as handle:
                handle.write(json.dumps(stamped.to_json(), indent=2, ensure_ascii=False) + "\n")
                handle.truncate()
                handle.flush()
                os.fsync(handle.fileno())
            return stamped

    def append_event(self, event: dict[str, Any]) -> None:
        """Log an event. Once a write has failed (and stopped the run), log lines that cannot be
        written are dropped: the summary says how the run ended."""
        try:
            self._append(EVENTS, {"time": time.time(), **event})
        except RunWriteError:
            if self.write_failure is None:
                raise

    def append_call(self, record: CallRecord) -> None:
        self._append(CALLS, record.to_dict())

    def _append(self, name: str, data: dict[str, Any]) -> None:
        try:
            append_jsonl(self.dir / name, data)
        except OSError as exc:
            failure = RunWriteError(
                f"could not write {self.dir / name} ({exc.strerror or exc}); free disk space or make the folder "
                "writable, then continue with --resume: every paid call so far is kept")
            self.write_failure = self.write_failure or failure
            raise failure from exc

    # --- the journal of paid calls (a ledger's CallJournal) ----------------------------
    def begin(self, intent: dict[str, Any]) -> None:
        self._append(INTENTS, {"begin": intent})

    def end(self, call_id: str, outcome: str) -> None:
        self._append(INTENTS, {"end": call_id, "outcome": outcome})

    def open_intents(self) -> list[dict[str, Any]]:
        """Intents of paid calls that neither ended nor have a record in calls.jsonl or orphans.jsonl."""
        path = self.dir / INTENTS
        if not path.exists():
            return []
        lines = read_jsonl(path)
        closed = {line["end"] for line in lines if "end" in line}
        for name in (CALLS, ORPHANS):
            if (self.dir / name).exists():
                closed |= {record.get("call_id") for record in read_jsonl(self.dir / name)}
        return [line["begin"] for line in lines if "begin" in line and line["begin"]["call_id"] not in closed]

    def unaccounted(self) -> Unaccounted:
        """Calls in flight when the last attempt ended, at their worst case (before a resume settles them)."""
        return Unaccounted.of(self.open_intents())

    def attach(self, ledger: Ledger, cache: RequestCache | None) -> Unaccounted:
        """Settle the calls an earlier attempt left in flight, then keep this ledger's calls and
        intents here. Returns what stays unaccounted (also held against the ledger's cap)."""
        recovered, lost = [], []
        for intent in self.open_intents():
            record = _recovered(intent, cache)
            if record is None:
                lost.append(intent)
            else:
                recovered.append(record)
        if recovered:
            self.save_orphans(self.load_orphans() + recovered)
            ledger.hold_orphans(recovered)
        unaccounted = Unaccounted.of(lost)
        ledger.hold_unaccounted(unaccounted)
        ledger.subscribe(self.append_call)
        ledger.keep_journal(self)
        return unaccounted

    def settle_orphans(self, ledger: Ledger) -> None:
        """At the end of an attempt, enter the set-aside calls no redo claimed. When that cannot be
        written, orphans.jsonl keeps them for the next resume."""
        try:
            for orphan in ledger.unclaimed_orphans():
                ledger.restore(orphan)
        except RunWriteError:
            return
        self.clear_orphans()

    def set_aside_unfinished(self, checkpoint: int, ledger: Ledger) -> None:
        """On resume: the ledger keeps the calls of completed checkpoints; the paid calls of unfinished
        ones are set aside (orphans.jsonl) until their redo claims them."""
        calls = self.load_calls()
        kept, orphans = [], []
        for record in calls:
            (kept if record.scope.get("checkpoint", 0) <= checkpoint else orphans).append(record)
        # Orphans of an earlier resume that was itself interrupted, unless re-entered since.
        entered = {(record.cache_key, record.timestamp) for record in calls}
        orphans += [r for r in self.load_orphans() if (r.cache_key, r.timestamp) not in entered]
        self.save_orphans(orphans)  # before calls.jsonl lets go of them
        self.rewrite_calls(kept)
        ledger.reset(kept)
        ledger.hold_orphans(orphans)

    def load_calls(self) -> list[CallRecord]:
        path = self.dir / CALLS
        return [CallRecord.from_dict(r) for r in read_jsonl(path)] if path.exists() else []

    def load_orphans(self) -> list[CallRecord]:
        path = self.dir / ORPHANS
        return [CallRecord.from_dict(r) for r in read_jsonl(path)] if path.exists() else []

    def save_orphans(self, records: list[CallRecord]) -> None:
        """Paid calls of unfinished steps, kept on disk until the redo claims them or the run ends."""
        if records:
            self._write_records(self.dir / ORPHANS, records)
        else:
            self.clear_orphans()

    def clear_orphans(self) -> None:
        (self.dir / ORPHANS).unlink(missing_ok=True)

    def rewrite_calls(self, records: list[CallRecord]) -> None:
        self._write_records(self.dir / CALLS, records)

    @staticmethod
    def _write_records(path: Path, records: list[CallRecord]) -> None:
        tmp = path.with_suffix(".jsonl.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)


def _recovered(intent: dict[str, Any], cache: RequestCache | None) -> CallRecord | None:
    """The record of a call caught in flight, rebuilt from the reply it cached, if it did."""
    key = intent.get("cache_key")
    if cache is None or key is None or cache.paid_by(key) != intent["call_id"]:
        return None
    reply = cache.get(key)
    if reply is None:
        return None
    price = intent.get("price")
    cost = Price(**price).cost(reply.usage) if price is not None else None
    return CallRecord(seq=0, role=intent["role"], engine=intent["engine"], model=intent["model"],
                      scope=intent.get("scope") or {}, usage=reply.usage, stop_reason=reply.stop_reason,
                      latency_s=reply.latency_s, retries=reply.retries, cached=False, cost_usd=cost,
                      billed_usd=cost, cache_key=key, timestamp=intent["time"], call_id=intent["call_id"])
