"""Many evaluation cells (a prompt x setting x split each) answered by one set of batches.

A sweep's cells are independent, so waiting for one batch per cell would add up to hours;
`prefetch` sends every cell's requests together and returns a stand-in session whose
`complete_all` hands each cell its completions, so `answer_items` scores them unchanged.
Each request is recorded in the ledger once, with its own cell's scope, by the real session.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..engines.types import Completion
from .session import Job

if TYPE_CHECKING:
    from tasks.core import Item, ItemSource

    from ..engines import Engine, RoleEngine
    from ..engines.types import Request


class CompletesJobs(Protocol):
    """A BatchSession, or prefetched completions standing in for one."""

    def complete_all(self, jobs: Sequence[Job]) -> list[Completion]: ...


@dataclass(frozen=True)
class Cell:
    prompt: str
    items: Sequence[Item]
    engine: RoleEngine
    """The RoleEngine answering this cell."""
    task: ItemSource
    scope: dict[str, Any]


def cell_jobs(cell: Cell) -> list[Job]:
    """The jobs `answer_items` builds for a cell (same requests, same per-item scope)."""
    return [Job(cell.engine.request(cell.task.format_question(item), cell.prompt), cell.engine.role,
                {**cell.scope, "sample_id": item.id}) for item in cell.items]


def _key(job: Job) -> str:
    return json.dumps([job.request.to_dict(), job.role, job.scope], sort_keys=True, default=str)


class Prefetched:
    """Completions already fetched (and recorded) for known jobs."""

    def __init__(self, jobs: Sequence[Job], completions: Sequence[Completion]):
        self._by_job = {_key(job): completion for job, completion in zip(jobs, completions)}

    def complete_all(self, jobs: Sequence[Job]) -> list[Completion]:
        missing = [job for job in jobs if _key(job) not in self._by_job]
        if missing:
            raise KeyError(f"{len(missing)} requests were not in the prefetched batch")
        return [self._by_job[_key(job)] for job in jobs]


def prefetch(session: CompletesJobs, cells: Sequence[Cell]) -> Prefetched:
    jobs = [job for cell in cells for job in cell_jobs(cell)]
    return Prefetched(jobs, session.complete_all(jobs))


class PrefetchedEngine:
    """An engine whose `complete` answers prefetched requests (matched with the caller's call scope)
    and passes any other request to the real engine."""

    def __init__(self, engine: Engine | PrefetchedEngine, prefetched: Prefetched):
        self._engine = engine
        self._prefetched = prefetched

    def complete(self, request: Request, *, role: str = "answer") -> Completion:
        from ..ledger import current_scope

        completion = self._prefetched._by_job.get(_key(Job(request, role, current_scope())))
        return completion if completion is not None else self._engine.complete(request, role=role)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


def prefetch_jobs(session: CompletesJobs, jobs: Sequence[Job]) -> Prefetched:
    return Prefetched(jobs, session.complete_all(jobs))
