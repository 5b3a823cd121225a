"""Learning from use: a history of answered prompts, and the policy it supports.

The notebook's allocator keeps a performance history but never reads it. Here `allocate --answer`
appends one outcome per answer to a JSONL history (complexity, setting, billed tokens, latency,
cost, and correctness when a gold answer or a later verdict is given), and the policy is updated
from that history by the same non-inferiority rule `learn_policy` applies to sweep records:
prompts answered at several settings of a class are the paired items (the same prompt is one
item, identified by the SHA-256 of its text; its latest outcome per setting counts).

File layout (schema promptbudget.budget_history/1): the first line is a header
`{"schema", "model", "kind", "created_at"}`; then `{"type": "outcome", ...}` lines and
`{"type": "verdict", "id": OUTCOME_ID, "correct": true|false}` lines. The prompt text itself is
not stored, only its hash.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tasks.jsonlines import json_object

from ..errors import UsageError
from .allocator import ClassPolicy, Policy, Setting, learn_policy
from .classifier import COMPLEXITY_CLASSES

if TYPE_CHECKING:
    from .outcomes import HistoryOutcome, HistoryVerdict

HISTORY_SCHEMA = "promptbudget.budget_history/1"
SCHEMA_PREFIX = "promptbudget.budget_history/"
OUTCOME_FIELDS = ("id", "prompt_sha256", "complexity", "setting", "input_tokens", "output_tokens", "latency_s",
                  "cost_usd", "correct")


@dataclass
class History:
    path: Path
    model: str | None
    kind: str | None
    outcomes: list[HistoryOutcome] = field(default_factory=list)
    verdicts: dict[str, bool] = field(default_factory=dict)

    def graded(self) -> list[HistoryOutcome]:
        """Outcomes with their latest verdict applied; only those with a known correctness."""
        result = []
        for outcome in self.outcomes:
            correct = self.verdicts.get(outcome["id"], outcome.get("correct"))
            if correct is not None:
                result.append({**outcome, "correct": bool(correct)})
        return result

    def counts(self) -> dict[str, dict[str, int]]:
        """Per class: outcomes recorded and outcomes with a verdict."""
        graded = {o["id"] for o in self.graded()}
        return {name: {"outcomes": sum(o["complexity"] == name for o in self.outcomes),
                       "graded": sum(o["complexity"] == name and o["id"] in graded for o in self.outcomes)}
                for name in COMPLEXITY_CLASSES}


def read_history(path: str | Path, model: str, kind: str) -> History:
    """The history at `path` (empty when the file does not exist yet); UsageError for a bad file."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"--history {path} is a directory; give a file path such as results/budget_history.jsonl")
    if not path.exists():
        return History(path, model, kind)
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read history file {path}: {exc}") from None
    history: History | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"history file {path}, line {number}"
        entry = json_object(line, lambda problem: UsageError(f"{where}: {problem}"),
                            invalid_hint="; fix or remove that line")
        if history is None:
            history = _header(entry, path, where, model, kind)
        else:
            _add_entry(history, entry, where)
    return history or History(path, model, kind)


def _header(entry: dict[str, Any], path: Path, where: str, model: str, kind: str) -> History:
    schema = entry.get("schema")
    if schema != HISTORY_SCHEMA:
        if isinstance(schema, str) and schema.startswith(SCHEMA_PREFIX):
            raise UsageError(f"{where}: schema {schema!r} is newer than this promptbudget reads "
                             f"({HISTORY_SCHEMA!r}); upgrade promptbudget or give another --history file")
        raise UsageError(f"{where}: not a budget history (schema {schema!r}, expected {HISTORY_SCHEMA!r})")
    if entry.get("model") != model:
        raise UsageError(f"history file {path} records {entry.get('model')!r}, not {model!r}: outcomes of one "
                         "model say nothing about another; give a separate --history file per model")
    if entry.get("kind") != kind:
        raise UsageError(f"history file {path} records {entry.get('kind')!r} settings, but this policy chooses "
                         f"{kind!r} settings; give a separate --history file")
    return History(path, model, kind)


def _add_entry(history: History, entry: dict[str, Any], where: str) -> None:
    kind = entry.get("type")
    if kind == "verdict":
        if not isinstance(entry.get("id"), str) or not isinstance(entry.get("correct"), bool):
            raise UsageError(f"{where}: a verdict needs an 'id' (string) and 'correct' (true or false)")
        history.verdicts[entry["id"]] = entry["correct"]
        return
    if kind != "outcome":
        raise UsageError(f"{where}: 'type' must be 'outcome' or 'verdict' (got {kind!r})")
    missing = [name for name in OUTCOME_FIELDS if name not in entry]
    if missing:
        raise UsageError(f"{where}: an outcome needs {', '.join(missing)}")
    if entry["complexity"] not in COMPLEXITY_CLASSES:
        raise UsageError(f"{where}: unknown complexity {entry['complexity']!r}")
    if entry["correct"] is not None and not isinstance(entry["correct"], bool):
        raise UsageError(f"{where}: 'correct' must be true, false or null")
    try:
        Setting.parse(history.kind or "budget", entry["setting"])
    except UsageError as exc:
        raise UsageError(f"{where}: {exc}") from None
    history.outcomes.append(cast("HistoryOutcome", entry))  # its fields are present, its class and setting known


def append_entries(history: History, entries: Sequence[HistoryOutcome | HistoryVerdict]) -> None:
    """Append outcome or verdict lines (and the header first, for a new file)."""
    lines: list[Mapping[str, Any]] = []
    if not history.path.exists() or history.path.stat().st_size == 0:
        lines.append({"schema": HISTORY_SCHEMA, "model": history.model, "kind": history.kind,
                      "created_at": time.time()})
    lines += entries
    history.path.parent.mkdir(parents=True, exist_ok=True)
    with open(history.path, "a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def learn_from_history(history: History, base: Policy) -> Policy:
    """`base` with each class re-learned from the history wherever the history supports it.

    A class is re-learned when its graded prompts were answered at two or more settings; it then
    follows `learn_policy` over those settings (with base's margin and min_items), so it keeps
    base's setting until at least min_items prompts were answered at every one of them.
    """
    graded = history.graded()
    classes: dict[str, ClassPolicy] = {}
    for name in COMPLEXITY_CLASSES:
        rows = [{**o, "id": o["prompt_sha256"]} for o in graded if o["complexity"] == name]
        labels = sorted({r["setting"] for r in rows}, key=lambda label: Setting.parse(base.kind, label).tier)
        entry = base.classes[name]
        if len(labels) < 2:
            classes[name] = ClassPolicy(entry.setting, entry.learned,
                                        f"{entry.reason}; history: {len(rows)} graded outcome(s) of {name} at "
                                        f"{len(labels)} setting(s), at least two settings are needed to compare",
                                        entry.evidence, entry.n)
            continue
        settings = [Setting.parse(base.kind, label) for label in labels]
        learned = learn_policy(rows, settings, margin=base.margin, min_items=base.min_items).classes[name]
        if not learned.learned:
            classes[name] = ClassPolicy(entry.setting, entry.learned,
                                        f"{entry.reason}; history: {learned.reason.split(';')[0]}", entry.evidence,
                                        entry.n)
            continue
        classes[name] = ClassPolicy(learned.setting, True, f"from history ({len(rows)} graded outcomes): "
                                    f"{learned.reason}", learned.evidence, learned.n)
    source = {**base.source, "history": str(history.path), "history_outcomes": len(history.outcomes)}
    return Policy(base.kind, classes, base.rule, base.margin, base.min_items, source)
