"""What every command shares: one-line errors with exit code 2 for bad input, and path checks."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import PromptBudgetError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STOPPED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


def run_command(body: Callable[[], int]) -> int:
    """Run a command body; bad input prints `error: ...` and returns 2."""
    try:
        return body()
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PromptBudgetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def check_output_path(path: Path, flag: str, *, directory: bool = False) -> None:
    """Refuse, before anything is written, a file or folder path the command could not write."""
    kind = "directory" if directory else "file"
    if not directory and (not path.name or path.name in (".", "..")):
        raise UsageError(f"{flag} {path} names no file; give a file path")
    if path.exists() and path.is_dir() != directory:
        raise UsageError(f"{flag} {path} is a {'file' if directory else 'directory'}; give a {kind} path")
    parent = path if directory and path.exists() else path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise UsageError(f"{flag} {path}: {parent} is a file, not a directory; give a path inside a directory")
    if parent.is_dir() and not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {path}: cannot write in {parent}; give a {kind} path you can write to")


def check_input_file(path: Path, flag: str) -> None:
    """Refuse a directory where a file to read is expected (a missing file is left to its reader)."""
    if path.is_dir():
        raise UsageError(f"{flag} {path} is a directory; give the path of a file")


def interrupted_message(output: Path, *, cached: bool) -> str:
    """What Ctrl-C leaves behind in a command that writes one results file at the end: nothing new."""
    kept = f"; the earlier {output} is left unchanged" if output.exists() else ""
    if cached:
        rerun = "rerunning the same command repeats the finished calls from the request cache at no cost"
    else:
        rerun = "--no_cache was given, so a rerun repeats every call"
    return f"interrupted: no results written{kept}; {rerun}"
