"""Atomic, versioned JSON files: the source of truth for every result."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_text_atomic(path: str | os.PathLike, text: str, *, mode: int | None = None, durable: bool = True) -> None:
    """Write text to a temporary file beside `path`, fsync it (unless not `durable`: the caller
    syncs many files at once), then rename over `path`: readers see the old file or the new one,
    never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        # mkstemp makes the file private (0600); results get the permissions any new file would.
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_json_atomic(path: str | os.PathLike, data: Any, *, durable: bool = True) -> None:
    """Write JSON atomically (see `write_text_atomic`)."""
    text = json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False, default=_default) + "\n"
    write_text_atomic(path, text, durable=durable)


def append_jsonl(path: str | os.PathLike, record: Any) -> None:
    """Append one JSON line and fsync: an append-only event log survives a kill."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, default=_default) + "\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def read_jsonl(path: str | os.PathLike) -> list[Any]:
    """Read a JSONL file, ignoring a torn last line left by a kill mid-write."""
    records = []
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            if number >= len(lines) - 1:
                break
            raise
    return records


def _default(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
