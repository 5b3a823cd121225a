"""Read every saved result the report uses: the files (`documents.py`), the runs among them
(`run.py`), and for a run that has not finished, the live totals of its call records.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..records.ledger import SavedLedger
from .documents import Document, display, json_files, read_document, task_of
from .run import Run, disambiguate, run_order

__all__ = ["Document", "LoadedResults", "Run", "live_ledger", "load_results", "read_document", "task_of"]


@dataclass
class LoadedResults:
    """Everything the report reads. Sections (including plug-ins) receive this object.

    `documents(kind)` gives the files of one kind (`"run"`, `"sweep"`, `"budget_sweep"`,
    `"confidence_split"`), each a `Document(path, schema, kind, version, record)` whose `record` is
    the file's validated typed record (`RunSummary`, `SweepSummary`, `BudgetSweepResults`,
    `ConfidenceSplitResults` of `promptbudget.records`).
    """

    results_dir: Path
    task: str | None = None
    docs: list[Document] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files_seen: int = 0
    cache: dict[str, Any] = field(default_factory=dict)
    """Scratch space for values several sections share (computed once per report)."""

    def documents(self, kind: str) -> list[Document]:
        return [d for d in self.docs if d.kind == kind]

    @property
    def empty(self) -> bool:
        return not self.docs


def _matches_task(doc: Document, task: str) -> bool:
    """A run must name the task; another file that names none may span tasks, so it is kept
    (its section filters its own rows)."""
    named = task_of(doc.record)
    return named == task if (named is not None or doc.kind == "run") else True


CALLS_FILE, ORPHANS_FILE = "calls.jsonl", "orphans.jsonl"


def live_ledger(run_dir: Path, name: str, warnings: list[str]) -> SavedLedger | None:
    """Ledger totals (the summary's `ledger` record) from a run directory's call records: every call
    in calls.jsonl, plus the paid calls a resume set aside in orphans.jsonl and has not re-entered.
    None when there are no call records (or they cannot be read: a warning says so)."""
    from ..ledger import CallRecord, Ledger
    from ..jsonio import read_jsonl
    from ..optimize.store import RunStore

    try:
        calls = read_jsonl(run_dir / CALLS_FILE) if (run_dir / CALLS_FILE).exists() else []
        orphans = read_jsonl(run_dir / ORPHANS_FILE) if (run_dir / ORPHANS_FILE).exists() else []
        entered = {(c.get("cache_key"), c.get("timestamp")) for c in calls}
        records = [CallRecord.from_dict(r) for r in calls]
        records += [CallRecord.from_dict(r) for r in orphans if (r.get("cache_key"), r.get("timestamp")) not in entered]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        warnings.append(f"{name}: the run has not finished and its call records cannot be read "
                        f"({type(exc).__name__}: {exc}); its spend is the summary's, as of its last completed step")
        return None
    if not records:
        return None
    ledger = Ledger(records=records)
    ledger.hold_unaccounted(RunStore(run_dir).unaccounted())  # calls a kill caught in flight, at worst case
    if ledger.unaccounted.calls:
        warnings.append(f"{name}: {ledger.unaccounted.calls} calls were in flight when the run last stopped; "
                        f"up to ${ledger.unaccounted.worst_case_usd:.4f}"
                        f"{' plus an unknown amount' if ledger.unaccounted.unpriced_calls else ''} unaccounted "
                        "(the server may have billed them)")
    return SavedLedger.model_validate(ledger.summary())


def load_results(results_dir: str | os.PathLike, task: str | None = None) -> LoadedResults:
    """Read every results file under `results_dir` (recursively), keeping those for `task`."""
    root = Path(results_dir)
    loaded = LoadedResults(results_dir=root, task=task)
    if not root.is_dir():
        return loaded
    by_run_id: dict[str, Run] = {}
    for path in json_files(root):
        loaded.files_seen += 1
        doc = read_document(path, root, loaded.warnings)
        if doc is None:
            continue
        if task is not None and not _matches_task(doc, task):
            continue
        if doc.kind == "run":
            run = Run(doc)
            previous = by_run_id.get(run.run_id)
            if previous is not None:
                newer, older = sorted([run, previous], key=lambda r: r.record.updated_at or 0, reverse=True)
                loaded.warnings.append(f"{display(older.doc.path, root)}: same run id as "
                                       f"{display(newer.doc.path, root)}; reporting the newer copy only")
                if newer is previous:
                    continue
                loaded.docs.remove(previous.doc)
            by_run_id[run.run_id] = run
        loaded.docs.append(doc)
    loaded.runs = sorted(by_run_id.values(), key=run_order)
    for run in loaded.runs:
        if run.status == "running":
            run.live_ledger = live_ledger(run.doc.path.parent, display(run.doc.path, root), loaded.warnings)
    disambiguate(loaded.runs)
    return loaded
