"""Find the results files under a folder and read each through the one record path.

Every result file is JSON with a `schema` field, `promptbudget.<kind>/<version>`. A file whose
kind the report reads is parsed and validated as its typed record (`promptbudget.records`),
and the report reads only that record: no section sees the file's raw JSON. Every problem becomes a warning that names the file: a truncated or corrupted file, a schema
version this build cannot read (older or newer), a field missing or of the wrong type.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ..records import (REPORTED, BudgetSweepResults, ConfidenceSplitResults, Record, RecordError, RunSummary,
                       SweepSummary, load_json, parse_schema, validate_record)

R = TypeVar("R", bound=Record)

# Cheap look at the head of a file: our writers put `schema` first, so most files that are
# not report inputs (cache entries, say) are passed over without parsing all of them.
_HEAD_SCHEMA_RE = re.compile(r'^\s*\{\s*"schema"\s*:\s*"promptbudget\.([A-Za-z0-9_.-]+)/', re.S)
_HEAD_BYTES = 256
_SKIP_DIRS = {"__pycache__", "node_modules"}


@dataclass(frozen=True)
class Document(Generic[R]):
    """One results file the report can read, as its validated typed record."""

    path: Path
    schema: str
    kind: str
    version: int
    record: R


def task_of(record: Record) -> str | None:
    """The task a results file is about, wherever its kind records it (a sweep: its optimize settings)."""
    if isinstance(record, RunSummary):
        return record.task.name or record.config.task
    if isinstance(record, SweepSummary):
        optimize = record.config.optimize
        return record.config.task or (optimize.task if optimize is not None else None)
    if isinstance(record, (BudgetSweepResults, ConfidenceSplitResults)):
        return record.task.name
    return None


def json_files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".json") and not name.startswith("."):
                yield Path(dirpath) / name


def display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_document(path: Path, root: Path, warnings: list[str]) -> Document | None:
    """Read one file; None (with a warning when it matters) if the report cannot use it."""
    name = display(path, root)
    try:
        with open(path, "rb") as handle:
            match = _HEAD_SCHEMA_RE.match(handle.read(_HEAD_BYTES).decode("utf-8", errors="replace"))
    except OSError as exc:
        warnings.append(f"{name}: cannot be read ({exc.strerror or exc}); skipped")
        return None
    if match and match.group(1) not in REPORTED:
        return None  # one of ours, but not a report input (a cache entry, say)
    try:
        data = load_json(path, where=name)
    except RecordError as exc:
        warnings.append(f"{exc.where}: {exc.problem}; skipped")
        return None
    if not isinstance(data, dict) or "schema" not in data:
        return None  # some other JSON file: not ours to judge
    parsed = parse_schema(data["schema"])
    if parsed is None:
        if isinstance(data["schema"], str) and data["schema"].startswith("promptbudget"):
            warnings.append(f"{name}: unrecognised schema {data['schema']!r}; skipped")
        return None
    kind, version = parsed
    if kind not in REPORTED:
        return None
    try:
        record = validate_record(data, REPORTED[kind], where=name)
    except RecordError as exc:
        warnings.append(f"{exc}; skipped")
        return None
    return Document(path=path, schema=data["schema"], kind=kind, version=version, record=record)
