"""The engine interface: complete a Request, return a Completion, with a ledger and a cache.

An engine talks to one model. Every call goes through `complete()`, so every call is cached,
priced and recorded in the ledger. `for_role()` returns a view with its own role and
generation settings, so that answers, feedback and optimizer calls are attributed to their
role even on one shared engine. Engines know nothing of TextGrad: the optimize loop presents
a RoleEngine to it through `promptbudget.optimize.textgrad_adapter`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from ..cache import CacheWriteError, RequestCache, cache_key
from ..ledger import CallIntent, CallRecord, Ledger
from ..pricing import Price, PriceTable, load_prices
from .capabilities import Capabilities
from .types import ROLES, Completion, Request, Thinking, Usage

if TYPE_CHECKING:
    from . import EngineOptions


class Engine(ABC):
    engine_name: ClassVar[str] = "base"

    def __init__(self, model: str, *, ledger: Ledger | None = None, cache: RequestCache | None = None,
                 prices: PriceTable | None = None):
        self.model = model
        self.model_string = f"{self.engine_name}/{model}"
        self.ledger = ledger if ledger is not None else Ledger()
        self.cache = cache
        self.prices = prices if prices is not None else load_prices()

    @classmethod
    def create(cls, model: str, options: EngineOptions) -> "Engine":
        """Build from a model spec's model part and shared EngineOptions."""
        return cls(model, ledger=options.ledger, cache=options.cache, prices=options.prices)

    # --- what subclasses provide -------------------------------------------------------
    @abstractmethod
    def _complete(self, request: Request) -> Completion:
        """Make one real call. Raise EngineError when it fails for good."""

    @abstractmethod
    def capabilities(self) -> Capabilities:
        """What this model accepts."""

    def default_max_tokens(self, thinking: Thinking) -> int:
        if thinking.mode == "budget":
            return (thinking.budget_tokens or 0) + 4096
        if thinking.mode == "adaptive":
            return 16000
        return 4096

    def cache_identity(self) -> dict[str, Any]:
        """Everything besides the request that changes the output (never secrets)."""
        return {"engine": self.engine_name, "model": self.model}

    def estimate_input_tokens(self, request: Request) -> int:
        """An upper-leaning estimate used for the cost cap and dry runs."""
        chars = len(request.prompt) + len(request.system or "")
        return math.ceil(chars / 3) + 16

    # --- shared behaviour --------------------------------------------------------------
    def validate(self, thinking: Thinking, max_tokens: int) -> None:
        self.capabilities().validate(self.model_string, thinking, max_tokens)

    def price(self) -> Price | None:
        return self.prices.price_for(self.engine_name, self.model)

    def worst_case_cost(self, request: Request) -> float | None:
        price = self.price()
        if price is None:
            return None
        return price.cost(Usage(input_tokens=self.estimate_input_tokens(request), output_tokens=request.max_tokens))

    def complete(self, request: Request, *, role: str = "answer") -> Completion:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        if self.cache is None:
            return self._paid_call(request, role, None, None)
        material = {**self.cache_identity(), "request": request.to_dict()}
        key = cache_key(material)
        with self.cache.lock(key):
            hit = self.cache.get(key)
            if hit is None:
                return self._paid_call(request, role, key, material)
            completion, paid_at, call_id = hit.as_cached(), None, None
            orphan = self.ledger.claim_orphan(key)
            if orphan is not None:
                completion = replace(hit, cached=False, retries=orphan.retries, latency_s=orphan.latency_s)
                paid_at, call_id = orphan.timestamp, orphan.call_id
        self._record(role, completion, key, paid_at, call_id, orphan if paid_at is not None else None)
        return completion

    def _paid_call(self, request: Request, role: str, key: str | None, material: dict[str, Any] | None) -> Completion:
        """Call the model within a --max_cost reservation, its intent on disk first.

        The reply is cached, then recorded, then the reservation released: other threads never
        see its money as neither reserved nor spent, and a kill after the cache write leaves an
        intent that a resume turns back into the exact record. A kill during the call leaves an
        intent whose worst case is reported as unaccounted."""
        price, worst = self.price(), self.worst_case_cost(request) or 0.0
        free = price is not None and worst == 0.0  # nothing to account for: no intent, no fsync
        intent: CallIntent | None = None if free else {
            "role": role, "engine": self.engine_name, "model": self.model, "cache_key": key,
            "price": price.to_dict() if price else None}
        call_id = self.ledger.begin_call(worst, intent)
        failed, cache_failure = True, None
        try:
            completion = self._complete(request)
            failed = False
            if key is not None and self.cache is not None and material is not None:
                try:
                    self.cache.put(key, material, completion, call_id=call_id)
                except CacheWriteError as exc:  # the call is recorded all the same, then the run hears of it
                    cache_failure = exc
            self._record(role, completion, key, call_id=call_id)
        finally:
            self.ledger.end_call(call_id, worst, failed=failed)
        if cache_failure is not None:
            raise cache_failure
        return completion

    def _record(self, role: str, completion: Completion, key: str | None, paid_at: float | None = None,
                call_id: str | None = None, orphan: CallRecord | None = None) -> None:
        price = self.price()
        cost = price.cost(completion.usage) if price is not None else None
        tier = {"price_tier": "standard", "batch_id": None}
        if orphan is not None:  # a claimed orphan keeps what it was billed (a batch call: the batch rate)
            cost, tier = orphan.cost_usd, {"price_tier": orphan.price_tier, "batch_id": orphan.batch_id}
        self.ledger.record(role=role, engine=self.engine_name, model=self.model, completion=completion,
                           cost_usd=cost, cache_key=key, paid_at=paid_at, call_id=call_id, **tier)

    def for_role(self, role: str, *, max_tokens: int | None = None,
                 thinking: Thinking | None = None) -> "RoleEngine":
        thinking = thinking if thinking is not None else Thinking.off()
        return RoleEngine(self, role, max_tokens or self.default_max_tokens(thinking), thinking)

    def close(self) -> None:
        """Release clients or model weights. Safe to call twice."""


class RoleEngine:
    """An engine seen through one role and one set of generation settings."""

    def __init__(self, engine: Engine, role: str, max_tokens: int, thinking: Thinking):
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
        engine.validate(thinking, max_tokens)
        self.engine = engine
        self.role = role
        self.max_tokens = max_tokens
        self.thinking = thinking
        self.model_string = engine.model_string

    def request(self, prompt: str, system: str | None = None, sample_index: int = 0) -> Request:
        return Request(prompt=prompt, system=system, max_tokens=self.max_tokens, thinking=self.thinking,
                       sample_index=sample_index)

    def complete(self, prompt: str, system: str | None = None, sample_index: int = 0) -> Completion:
        return self.engine.complete(self.request(prompt, system, sample_index), role=self.role)
