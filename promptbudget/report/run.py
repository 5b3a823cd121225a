"""An optimize run as the report sees it: its saved summary and the lookups the sections share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .documents import Document

# The summary's blocks as this module reads them: raw JSON (optimize/schema.py, their TypedDicts, is gone;
# the typed records are records.run's SavedComparison, SavedEvaluation, SavedPromptVersion, SavedStep).
Comparison = EvaluationRecord = PromptVersion = StepRecord = dict[str, Any]


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
    def prompts(self) -> list[PromptVersion]:
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
    def validation(self) -> dict[int, EvaluationRecord]:
        """Complete validation records by prompt version (a candidate rejected early, on part of the
        items, is left out: its numbers are not comparable with the others')."""
        out = {}
        for key, record in (self.data.get("validation") or {}).items():
            summary = (record or {}).get("summary") or {}
            if summary.get("n") and record.get("complete", True) is not False:
                out[int(key)] = record
        return out

    @property
    def steps(self) -> list[StepRecord]:
        return self.data.get("steps") or []

    @property
    def initial_test(self) -> EvaluationRecord | None:
        return ((self.data.get("initial") or {}).get("test")) or None

    @property
    def final_test(self) -> EvaluationRecord | None:
        return ((self.data.get("final") or {}).get("test")) or None

    @property
    def comparison(self) -> Comparison | None:
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


def disambiguate(runs: list[Run]) -> None:
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


def run_order(run: Run) -> tuple[Any, ...]:
    seed = run.seed
    return (run.task, run.weights, (0, seed, "") if isinstance(seed, (int, float)) else (1, 0, str(seed)), run.run_id)
