"""Sharing `--sweep_max_cost` among a sweep's runs.

Each run about to start gets a fair share of what is left: what the cap allows, minus what
every run of the sweep has billed (in this invocation or earlier ones), minus the shares of
runs still going, divided by the runs still to start. The run's own ledger enforces it as a
per-run cap (what the run billed before + its share), reserving each call's worst case, so
the runs together never bill more than the cap. A run's unused share goes back to the pool
when it ends.
"""

from __future__ import annotations

from pathlib import Path

from ..jsonio import read_jsonl
from ..optimize.store import RunStore
from .plan import RunSpec


def billed_so_far(spec: RunSpec) -> float:
    """What a run has billed: its call records (written per call), plus the paid calls an
    interrupted resume set aside in orphans.jsonl and has not re-entered yet, plus the worst
    case of calls a kill caught in flight (the server may have billed them)."""
    calls = _records(spec.run_dir / "calls.jsonl")
    entered = {(r.get("cache_key"), r.get("timestamp")) for r in calls}
    set_aside = [r for r in _records(spec.run_dir / "orphans.jsonl")
                 if (r.get("cache_key"), r.get("timestamp")) not in entered]
    in_flight = RunStore(spec.run_dir).unaccounted().worst_case_usd
    return sum(record.get("billed_usd") or 0.0 for record in calls + set_aside) + in_flight


def _records(path: Path) -> list[dict]:
    return read_jsonl(path) if path.exists() else []


class Allotments:
    def __init__(self, cap: float, specs: list[RunSpec]):
        self.cap = cap
        self.spent = sum(billed_so_far(spec) for spec in specs)
        self._held: dict[str, tuple[float, float]] = {}  # run id -> (billed before it started, its share)

    def available(self) -> float:
        return max(0.0, self.cap - self.spent - sum(share for _, share in self._held.values()))

    def grant(self, spec: RunSpec, runs_to_start: int) -> float | None:
        """The cap for a run about to start (``runs_to_start`` counts it), or None when nothing is left."""
        share = self.available() / max(1, runs_to_start)
        if share <= 0:
            return None
        before = billed_so_far(spec)
        self._held[spec.run_id] = (before, share)
        return before + share

    def settle(self, spec: RunSpec) -> None:
        """A run ended: count what it billed and return the rest of its share."""
        before, _ = self._held.pop(spec.run_id)
        self.spent += billed_so_far(spec) - before
