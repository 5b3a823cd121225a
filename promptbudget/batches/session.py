"""Answer many requests through Message Batches, with the cache and ledger of a synchronous call.

`BatchSession.complete_all(jobs)` returns one Completion per job, in order. Each request is
looked up in the request cache under the same key a synchronous call uses; the misses go out
in batches (split at the API limits, each one's worst case reserved against --max_cost before
it is created, its id and request ids saved before polling). Results are streamed: each paid
result is recorded in the ledger at the batch rate, with its role, usage and batch id, before
it is cached (a result a killed run already recorded is not recorded again). Requests that come back errored, canceled or expired are resubmitted up to
`rounds` times, then made synchronously. A run killed while a batch is in flight finds the
saved batch on its next attempt and re-attaches to it instead of submitting again.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..cache import cache_key
from ..engines.anthropic_engine import _to_completion
from ..engines.types import Completion, Request, RequestJson, Usage
from ..ledger import call_scope
from .api import BatchAPI, BatchRefused, Limits, PollPolicy, PollStatus, split
from .rate import BatchRate
from .state import BatchState, BatchStateStore, SavedRequest
from .writer import CacheWriter

if TYPE_CHECKING:
    from collections.abc import Iterable

    from anthropic.types import Message
    from anthropic.types.messages import MessageBatchResult

    from ..engines.anthropic_engine import AnthropicEngine
    from ..pricing import Price


@dataclass(frozen=True)
class Job:
    request: Request
    role: str = "answer"
    scope: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Pending:
    job: Job
    material: dict[str, Any]


class BatchSession:
    def __init__(self, engine: AnthropicEngine, *, rate: BatchRate, store: BatchStateStore, poll: PollPolicy = PollPolicy(),
                 limits: Limits = Limits(), rounds: int = 2, on_poll: Callable[[PollStatus], None] | None = None,
                 api: BatchAPI | None = None):
        if engine.cache is None:
            raise ValueError("a batch session needs the request cache")
        self.engine = engine
        self.rate = rate
        self.store = store
        self.poll = poll
        self.limits = limits
        self.rounds = rounds
        self.on_poll = on_poll
        self.api = api or BatchAPI(engine)
        self._sync_only: set[str] = set()
        self._recorded_by_batch: dict[str, set[str]] = {}
        self.created: list[str] = []
        """Batches this session created (re-attached ones are not in it)."""

    @property
    def identity(self) -> dict[str, Any]:
        return self.engine.cache_identity()

    def batch_price(self) -> Price | None:
        return self.rate.price(self.engine.price())

    def complete_all(self, jobs: Sequence[Job]) -> list[Completion]:
        materials = [self._material(job) for job in jobs]
        keys = [cache_key(material) for material in materials]
        done: dict[str, Completion] = {}
        pending: dict[str, _Pending] = {}
        for job, key, material in zip(jobs, keys, materials):
            if key not in done and key not in pending:
                hit = self.engine.cache.get(key)
                if hit is None:
                    pending[key] = _Pending(job, material)
                else:
                    done[key] = self._record_hit(job, key, hit)
        self._reattach(pending, done)
        for _ in range(self.rounds):
            if not pending.keys() - self._sync_only:
                break
            self._submit_round({k: v for k, v in pending.items() if k not in self._sync_only}, done)
            for key in [k for k in pending if k in done]:
                del pending[key]
        for key, item in list(pending.items()):
            with call_scope(**item.job.scope):
                done[key] = self.engine.complete(item.job.request, role=item.job.role)
            del pending[key]
        return self._in_job_order(jobs, keys, done)

    def _in_job_order(self, jobs: Sequence[Job], keys: list[str], done: dict[str, Completion]) -> list[Completion]:
        """A request asked twice is paid once; the repeat is a free cache hit, as in a synchronous run."""
        seen: set[str] = set()
        out = []
        for job, key in zip(jobs, keys):
            if key in seen:
                hit = done[key].as_cached()
                with call_scope(**job.scope):
                    self._record(job.role, hit, key, None)
                out.append(hit)
            else:
                seen.add(key)
                out.append(done[key])
        return out

    # --- batches -------------------------------------------------------------------------
    def _reattach(self, pending: dict[str, _Pending], done: dict[str, Completion]) -> None:
        """Collect saved batches holding pending requests; wait for those another live process collects."""
        with self.store.lock():
            self._find_created()
        for state in self.store.in_flight(self.identity):
            overlap = pending.keys() & state.requests.keys()
            if not overlap:
                if all(self.engine.cache.get(key) is not None for key in state.requests):
                    self.store.remove(state.batch_id)  # collected before a kill removed its file
                continue
            if state.owned_by_another_live_process():
                self._wait_for_owner(state)
                for key in overlap:
                    hit = self.engine.cache.get(key)
                    if hit is not None:
                        done[key] = self._record_hit(pending.pop(key).job, key, hit)
                if not self.store.exists(state.batch_id):
                    continue
            self._collect(self.store.adopt(state), pending, done, time.monotonic())

    def _find_created(self) -> None:
        """Turn the intents a killed run left (it died between `create` and saving the batch id)
        into saved batches, or drop them when the server has no such batch. Under the store lock,
        which every create is made under, so no intent is of a create still under way."""
        for intent in self.store.intents(self.identity):
            found = self.api.created_since(intent.submitted_at, len(intent.requests), self.store.known_batch_ids())
            for batch_id in found:  # usually one; a batch that is not ours has none of our custom ids
                self.store.save(batch_id, self.identity, intent.requests, intent)
            if not found:
                self.store.remove_intent(intent)
                self.engine.ledger.close_intent(intent.call_id, "not created")

    def _wait_for_owner(self, state: BatchState) -> None:
        delays = self.poll.delays()
        while self.store.exists(state.batch_id) and state.owned_by_another_live_process():
            time.sleep(next(delays))

    def _submit_round(self, pending: dict[str, _Pending], done: dict[str, Completion]) -> None:
        """Submit every pending request (in chunks within the API limits), then collect each batch.

        The worst case of all the chunks is reserved before the first is created, so a cap never
        leaves some batches running unaccounted for."""
        entries = [{"custom_id": key, "params": self.engine._params(item.job.request)} for key, item in pending.items()]
        chunks = split(entries, self.limits)
        worsts = [self._worst_case(pending[entry["custom_id"]].job.request for entry in chunk) for chunk in chunks]
        self.engine.ledger.reserve(sum(worsts))
        created: list[tuple[BatchState, float]] = []
        try:
            with self.store.lock():
                busy = any(pending.keys() & s.requests.keys() for s in self.store.in_flight(self.identity))
                for chunk, worst in [] if busy else zip(chunks, worsts):  # busy: another process submitted some
                    created.append(self._create(chunk, pending, worst))
        except BaseException:
            self.engine.ledger.release(sum(worsts))
            raise
        if busy:
            self.engine.ledger.release(sum(worsts))
            self._reattach(pending, done)
            return
        for index, (state, started) in enumerate(created):
            try:
                self._collect(state, pending, done, started, reserved=worsts[index])
            except BaseException:
                self.engine.ledger.release(sum(worsts[index + 1:]))
                raise

    def _create(self, chunk: list[dict[str, Any]], pending: dict[str, _Pending], worst: float
                ) -> tuple[BatchState, float]:
        """Create one batch: its intent on disk (the store's and the run journal's) first, its
        state saved before anything polls it."""
        requests: dict[str, SavedRequest] = {entry["custom_id"]: {"role": pending[entry["custom_id"]].job.role,
                                         "request": pending[entry["custom_id"]].material["request"]} for entry in chunk}
        price = self.batch_price()
        call_id = self.engine.ledger.open_intent(worst, {
            "role": "batch", "engine": self.engine.engine_name, "model": self.engine.model, "calls": len(chunk),
            "price": price.to_dict() if price is not None else None, "batch_id": None})
        intent = self.store.save_intent(self.identity, requests, call_id)
        started = time.monotonic()
        try:
            batch_id = self.api.create(chunk, intent.submitted_at, self.store.known_batch_ids)
        except BatchRefused:
            self.store.remove_intent(intent)
            self.engine.ledger.close_intent(call_id, "refused")
            raise
        self.created.append(batch_id)
        return self.store.save(batch_id, self.identity, requests, intent), started

    def _collect(self, state: BatchState, pending: dict[str, _Pending], done: dict[str, Completion],
                 started: float, reserved: float | None = None) -> None:
        """Wait for one batch and take in its results; its worst case stays reserved until then."""
        if reserved is None:
            worst = self._worst_case(pending[key].job.request for key in state.requests if key in pending)
            self.engine.ledger.reserve(worst)
        else:
            worst = reserved
        writer, taken = CacheWriter(self.engine.cache), False
        try:
            self.api.wait(state.batch_id, self.poll, started, self.on_poll)
            latency = time.monotonic() - started
            for line in self.api.results(state.batch_id):
                result = line.result
                if result.type == "succeeded":
                    self._take(state, line.custom_id, result.message, latency, pending, done, writer)
                elif result.type == "errored" and _is_invalid_request(result) and line.custom_id in pending:
                    self._sync_only.add(line.custom_id)  # resubmitting cannot help; the sync call reports it
            taken = True
        finally:
            try:
                writer.finish(raise_failure=taken)  # an interrupted collection still lets its writes land
            finally:
                self.engine.ledger.release(worst)
        os.sync()  # the batch's cache entries reach the disk before its state file lets go of them
        self.engine.ledger.close_intent(state.call_id, "collected")
        self.store.remove(state.batch_id)

    def _take(self, state: BatchState, key: str, message: Message, latency: float,
              pending: dict[str, _Pending], done: dict[str, Completion], writer: CacheWriter) -> None:
        completion = _to_completion(message, self.engine.model, latency, 0)
        item = pending.pop(key, None)
        if item is None:
            if key not in state.requests or self.engine.cache.get(key) is not None:
                return  # recorded before (a run killed after taking it in), or not ours
            saved = state.requests[key]
            request = _request_from_dict(saved["request"])
            item = _Pending(Job(request, saved["role"], {"phase": "batch result not asked for again"}),
                            {**self.identity, "request": saved["request"]})
        else:
            done[key] = completion
        with call_scope(**item.job.scope):
            self._record_once(item.job.role, completion, key, state.batch_id)
        writer.put(key, item.material, completion)  # after its record: see _record_once for a kill in between

    def _record_once(self, role: str, completion: Completion, key: str, batch_id: str) -> None:
        """Record a batch result unless a run killed between its record and its cache write
        already did: that record is either still in the ledger or set aside as an orphan."""
        if key in self._recorded(batch_id):
            return
        orphan = self.engine.ledger.claim_orphan(key)
        if orphan is not None and orphan.batch_id == batch_id:
            self.engine.ledger.record(role=role, engine=self.engine.engine_name, model=self.engine.model,
                                      completion=completion, cost_usd=orphan.cost_usd, cache_key=key,
                                      paid_at=orphan.timestamp, price_tier=orphan.price_tier, batch_id=batch_id)
            return
        if orphan is not None:  # someone else's paid attempt: it stays set aside for them
            self.engine.ledger.hold_orphans([orphan])
        self._record(role, completion, key, batch_id)

    def _recorded(self, batch_id: str) -> set[str]:
        """Keys the ledger already held for this batch when its results started coming in."""
        if batch_id not in self._recorded_by_batch:
            self._recorded_by_batch[batch_id] = {r.cache_key for r in self.engine.ledger.records()
                                                 if r.batch_id == batch_id and r.cache_key is not None}
        return self._recorded_by_batch[batch_id]

    # --- ledger --------------------------------------------------------------------------
    def _record_hit(self, job: Job, key: str, hit: Completion) -> Completion:
        """A cache hit, or the paid record of an interrupted attempt (an orphan) re-entered."""
        orphan = self.engine.ledger.claim_orphan(key)
        with call_scope(**job.scope):
            if orphan is None:
                self._record(job.role, hit.as_cached(), key, None)
                return hit.as_cached()
            completion = replace(hit, cached=False, retries=orphan.retries, latency_s=orphan.latency_s)
            self.engine.ledger.record(role=job.role, engine=self.engine.engine_name, model=self.engine.model,
                                      completion=completion, cost_usd=orphan.cost_usd, cache_key=key,
                                      paid_at=orphan.timestamp, price_tier=orphan.price_tier,
                                      batch_id=orphan.batch_id)
            return completion

    def _record(self, role: str, completion: Completion, key: str, batch_id: str | None) -> None:
        price = self.batch_price() if batch_id is not None else self.engine.price()
        self.engine.ledger.record(role=role, engine=self.engine.engine_name, model=self.engine.model,
                                  completion=completion, cost_usd=price.cost(completion.usage) if price else None,
                                  cache_key=key, price_tier="batch" if batch_id else "standard", batch_id=batch_id)

    def _worst_case(self, requests: Iterable[Request]) -> float:
        price = self.batch_price()
        if price is None:
            return 0.0
        return sum(price.cost(Usage(input_tokens=self.engine.estimate_input_tokens(r), output_tokens=r.max_tokens))
                   for r in requests)

    def _material(self, job: Job) -> dict[str, Any]:
        return {**self.identity, "request": job.request.to_dict()}


def _is_invalid_request(result: MessageBatchResult) -> bool:
    error = getattr(getattr(result, "error", None), "error", None)
    return getattr(error, "type", None) == "invalid_request_error"


def _request_from_dict(data: RequestJson) -> Request:
    from ..engines.types import Thinking

    return Request(prompt=data["prompt"], system=data["system"], max_tokens=data["max_tokens"],
                   thinking=Thinking.from_dict(data["thinking"]), sample_index=data["sample_index"])
