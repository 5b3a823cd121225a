"""Find and read saved results for the report.

Every result file is JSON with a `schema` field, `promptbudget.<kind>/<version>`. The loader
walks the results directory, keeps the files whose kind the report knows, and turns every
problem into a warning that names the file: a truncated or corrupted file, a schema version
this build cannot read (older or newer), a run summary missing the fields the report needs.
The rest are reported.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# kind -> the schema version this build reads
KNOWN_SCHEMAS: dict[str, int] = {
    "run": 1,
    "sweep": 1,
    "budget_sweep": 1,
    "confidence_split": 1,
}
SCHEMA_RE = re.compile(r"^promptbudget\.([A-Za-z0-9_.-]+)/(\d+)$")
# Cheap look at the head of a file: our writers put `schema` first, so most files that are
# not report inputs (cache entries, say) are passed over without parsing all of them.
_HEAD_SCHEMA_RE = re.compile(r'^\s*\{\s*"schema"\s*:\s*"promptbudget\.([A-Za-z0-9_.-]+)/', re.S)
_HEAD_BYTES = 256
_SKIP_DIRS = {"__pycache__", "node_modules"}
RUN_REQUIRED = ("run_id", "config", "task", "prompts")


@dataclass(frozen=True)
class Document:
    """One results file the report can read."""

    path: Path
    schema: str
    kind: str
    version: int
    data: dict[str, Any]


@dataclass
class Run:
    """An optimize run (`promptbudget.run/1` summary) with the lookups the sections share."""

    doc: Document
    label_suffix: str = ""
    """What tells this run apart from other runs with the same weights and seed (set by the loader)."""
    live_ledger: dict[str, Any] | None = None
    """For a run that has not finished (status running: in progress or killed), the totals of its
    call records, which are written per call; the summary's ledger stops at the last completed step."""

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data

    @property
    def run_id(self) -> str:
        return str(self.data["run_id"])

    @property
    def task(self) -> str:
        return task_of(self.data) or "?"

    @property
    def config(self) -> dict[str, Any]:
        return self.data.get("config") or {}

    @property
    def status(self) -> str:
        return str(self.data.get("status") or "unknown")

    @property
    def weights(self) -> tuple[float, float]:
        return (float(self.config.get("accuracy_weight", 0.0)), float(self.config.get("efficiency_weight", 0.0)))

    @property
    def seed(self) -> Any:
        return self.config.get("seed")

    @property
    def base_label(self) -> str:
        acc, eff = self.weights
        return f"{acc:g}/{eff:g} s{self.seed}"

    @property
    def label(self) -> str:
        """Short name for charts and tables: weights and seed, plus what tells it apart from other
        runs with the same weights and seed (task, model, thinking, validation, or its run id's hash)."""
        return self.base_label + self.label_suffix

    @property
    def thinking_text(self) -> str:
        thinking = (self.data.get("engines") or {}).get("thinking") or {}
        mode = thinking.get("mode")
        if mode == "off":
            return "thinking off"
        if thinking.get("effort"):
            return f"effort {thinking['effort']}"
        if thinking.get("budget_tokens"):
            return f"thinking {thinking['budget_tokens']}"
        return f"thinking {mode}" if mode else "thinking ?"

    @property
    def validation_enabled(self) -> bool:
        return self.config.get("run_validation", True) is not False

    @property
    def model(self) -> str:
        return str((self.data.get("engines") or {}).get("answer") or self.config.get("model") or "?")

    @property
    def prompts(self) -> list[dict[str, Any]]:
        return self.data.get("prompts") or []

    def prompt_text(self, version: int) -> str:
        for prompt in self.prompts:
            if prompt.get("version") == version:
                return str(prompt.get("text", ""))
        return ""

    @property
    def current_version(self) -> int:
        return int(self.data.get("current_version") or 0)

    @property
    def validation(self) -> dict[int, dict[str, Any]]:
        """Complete validation records by prompt version (a candidate rejected early, on part of the
        items, is left out: its numbers are not comparable with the others')."""
        out = {}
        for key, record in (self.data.get("validation") or {}).items():
            summary = (record or {}).get("summary") or {}
            if summary.get("n") and record.get("complete", True) is not False:
                out[int(key)] = record
        return out

    @property
    def steps(self) -> list[dict[str, Any]]:
        return self.data.get("steps") or []

    @property
    def initial_test(self) -> dict[str, Any] | None:
        return ((self.data.get("initial") or {}).get("test")) or None

    @property
    def final_test(self) -> dict[str, Any] | None:
        return ((self.data.get("final") or {}).get("test")) or None

    @property
    def comparison(self) -> dict[str, Any] | None:
        return (self.data.get("final") or {}).get("comparison")

    @property
    def ledger(self) -> dict[str, Any]:
        if self.live_ledger is not None:
            return self.live_ledger
        return self.data.get("ledger") or {}

    @property
    def val_ids(self) -> tuple[str, ...]:
        return tuple((self.data.get("task") or {}).get("val_ids") or ())

    @property
    def test_ids(self) -> tuple[str, ...]:
        return tuple((self.data.get("task") or {}).get("test_ids") or ())

    @property
    def warnings(self) -> list[str]:
        return [str(w) for w in self.data.get("warnings") or []]


@dataclass
class LoadedResults:
    """Everything the report reads. Sections (including plug-ins) receive this object.

    `documents(kind)` gives the files of one kind (`"run"`, `"sweep"`, `"budget_sweep"`,
    `"confidence_split"`), each a `Document(path, schema, kind, version, data)`.
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


def task_of(data: dict[str, Any]) -> str | None:
    """The task a results file is about, wherever its writer put it."""
    task = data.get("task")
    if isinstance(task, dict):
        task = task.get("name")
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    if not isinstance(task, str):
        task = config.get("task")
    if not isinstance(task, str) and isinstance(config.get("optimize"), dict):
        task = config["optimize"].get("task")  # a sweep summary
    return task if isinstance(task, str) else None


# What may tell runs with the same weights and seed apart, in the order they are named.
_DISTINGUISHERS = (
    lambda run: run.task,
    lambda run: run.model,
    lambda run: run.thinking_text,
    lambda run: "validated" if run.validation_enabled else "no validation",
)


def _disambiguate(runs: list[Run]) -> None:
    """Give runs that share weights and seed a label suffix naming what differs between them: the
    group is split by task, then what still collides by model, thinking and validation, and runs
    that nothing shown tells apart get the hash part of their run ids."""

    def split(group: list[Run], parts: list[str], distinguishers: tuple[Any, ...]) -> None:
        if len(group) > 1 and distinguishers:
            describe, rest = distinguishers[0], distinguishers[1:]
            values: dict[str, list[Run]] = {}
            for run in group:
                values.setdefault(str(describe(run)), []).append(run)
            if len(values) == 1:
                split(group, parts, rest)
            else:
                for value, members in values.items():
                    split(members, [*parts, value], rest)
            return
        for run in group:
            tail = [*parts, "#" + run.run_id.rsplit("_", 1)[-1]] if len(group) > 1 else parts
            run.label_suffix = "".join(f" · {part}" for part in tail)

    groups: dict[str, list[Run]] = {}
    for run in runs:
        groups.setdefault(run.base_label, []).append(run)
    for group in groups.values():
        if len(group) > 1:
            split(group, [], _DISTINGUISHERS)


def _run_order(run: Run) -> tuple[Any, ...]:
    seed = run.seed
    return (run.task, run.weights, (0, seed, "") if isinstance(seed, (int, float)) else (1, 0, str(seed)), run.run_id)


def _matches_task(doc: Document, task: str) -> bool:
    """A run must name the task; another file that names none may span tasks, so it is kept
    (its section filters its own rows)."""
    named = task_of(doc.data)
    return named == task if (named is not None or doc.kind == "run") else True


def _json_files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".json") and not name.startswith("."):
                yield Path(dirpath) / name


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_document(path: Path, root: Path, warnings: list[str]) -> Document | None:
    """Read one file; None (with a warning when it matters) if the report cannot use it."""
    name = _display(path, root)
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
            match = _HEAD_SCHEMA_RE.match(head.decode("utf-8", errors="replace"))
            if match and match.group(1) not in KNOWN_SCHEMAS:
                return None  # one of ours, but not a report input (a cache entry, say)
            raw = head + handle.read()
    except OSError as exc:
        warnings.append(f"{name}: cannot be read ({exc.strerror or exc}); skipped")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        warnings.append(f"{name}: not UTF-8 text (byte {exc.start}); skipped")
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        end = len(text.rstrip())
        if end == 0:
            warnings.append(f"{name}: empty file; skipped")
            return None
        # A file cut short fails at its very end, or inside a string that never closes.
        truncated = exc.pos >= end or exc.msg.startswith("Unterminated string")
        warnings.append(f"{name}: {'truncated' if truncated else 'corrupted'} JSON ({exc.msg} at line {exc.lineno}, "
                        f"column {exc.colno}); skipped")
        return None
    if not isinstance(data, dict) or "schema" not in data:
        return None  # some other JSON file: not ours to judge
    schema = data["schema"]
    match = SCHEMA_RE.match(schema) if isinstance(schema, str) else None
    if match is None:
        if isinstance(schema, str) and schema.startswith("promptbudget"):
            warnings.append(f"{name}: unrecognised schema {schema!r}; skipped")
        return None
    kind, version = match.group(1), int(match.group(2))
    if kind not in KNOWN_SCHEMAS:
        return None
    readable = KNOWN_SCHEMAS[kind]
    if version > readable:
        warnings.append(f"{name}: schema {schema} was written by a newer promptbudget; this version reads "
                        f"promptbudget.{kind}/{readable}. Upgrade promptbudget to report it; skipped")
        return None
    if version < readable:
        warnings.append(f"{name}: schema {schema} is an older format this version no longer reads (it reads "
                        f"promptbudget.{kind}/{readable}); re-run it with this version; skipped")
        return None
    if kind == "run":
        missing = [key for key in RUN_REQUIRED if key not in data]
        if missing or not isinstance(data.get("prompts"), list) or not data["prompts"]:
            what = ", ".join(missing) if missing else "prompts"
            warnings.append(f"{name}: run summary without {what}; skipped")
            return None
    return Document(path=path, schema=schema, kind=kind, version=version, data=data)


CALLS_FILE, ORPHANS_FILE = "calls.jsonl", "orphans.jsonl"


def live_ledger(run_dir: Path, name: str, warnings: list[str]) -> dict[str, Any] | None:
    """Ledger totals (the summary's `ledger` shape) from a run directory's call records: every call
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
    return ledger.summary()


def load_results(results_dir: str | os.PathLike, task: str | None = None) -> LoadedResults:
    """Read every results file under `results_dir` (recursively), keeping those for `task`."""
    root = Path(results_dir)
    loaded = LoadedResults(results_dir=root, task=task)
    if not root.is_dir():
        return loaded
    by_run_id: dict[str, Run] = {}
    for path in _json_files(root):
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
                newer, older = sorted([run, previous], key=lambda r: r.data.get("updated_at") or 0, reverse=True)
                loaded.warnings.append(f"{_display(older.doc.path, root)}: same run id as "
                                       f"{_display(newer.doc.path, root)}; reporting the newer copy only")
                if newer is previous:
                    continue
                loaded.docs.remove(previous.doc)
            by_run_id[run.run_id] = run
        loaded.docs.append(doc)
    loaded.runs = sorted(by_run_id.values(), key=_run_order)
    for run in loaded.runs:
        if run.status == "running":
            run.live_ledger = live_ledger(run.doc.path.parent, _display(run.doc.path, root), loaded.warnings)
    _disambiguate(loaded.runs)
    return loaded
