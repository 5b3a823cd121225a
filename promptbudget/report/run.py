"""An optimize run as the report sees it: its saved summary and the lookups the sections share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..records import RunSummary
from ..records.ledger import SavedLedger
from ..records.run import SavedComparison, SavedEvaluation, SavedPromptVersion, SavedStep
from ..records.run_setup import SavedConfig, SavedThinking
from .documents import Document, task_of


@dataclass
class Run:
    """An optimize run (`promptbudget.run/1` summary) with the lookups the sections share."""

    doc: Document[RunSummary]
    label_suffix: str = ""
    """What tells this run apart from other runs with the same weights and seed (set by the loader)."""
    live_ledger: SavedLedger | None = None
    """For a run that has not finished (status running: in progress or killed), the totals of its
    call records, which are written per call; the summary's ledger stops at the last completed step."""

    @property
    def record(self) -> RunSummary:
        return self.doc.record

    @property
    def run_id(self) -> str:
        return self.record.run_id

    @property
    def task(self) -> str:
        return task_of(self.record) or "?"

    @property
    def config(self) -> SavedConfig:
        return self.record.config

    @property
    def status(self) -> str:
        return self.record.status or "unknown"

    @property
    def weights(self) -> tuple[float, float]:
        return (self.config.accuracy_weight, self.config.efficiency_weight)

    @property
    def seed(self) -> Any:
        return self.config.seed

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
    def thinking(self) -> SavedThinking | None:
        """The answer engine's thinking setting."""
        return self.record.engines.thinking if self.record.engines is not None else None

    @property
    def thinking_text(self) -> str:
        thinking = self.thinking or SavedThinking()
        if thinking.mode == "off":
            return "thinking off"
        if thinking.effort:
            return f"effort {thinking.effort}"
        if thinking.budget_tokens:
            return f"thinking {thinking.budget_tokens}"
        return f"thinking {thinking.mode}" if thinking.mode else "thinking ?"

    @property
    def validation_enabled(self) -> bool:
        return self.config.run_validation is not False

    @property
    def model(self) -> str:
        engines = self.record.engines
        return str((engines.answer if engines is not None else None) or self.config.model or "?")

    @property
    def prompts(self) -> list[SavedPromptVersion]:
        return self.record.prompts

    def prompt_text(self, version: int) -> str:
        for prompt in self.prompts:
            if prompt.version == version:
                return prompt.text
        return ""

    @property
    def current_version(self) -> int:
        return self.record.current_version or 0

    @property
    def validation(self) -> dict[int, SavedEvaluation]:
        """Complete validation records by prompt version (a candidate rejected early, on part of the
        items, is left out: its numbers are not comparable with the others')."""
        return {int(key): record for key, record in self.record.validation.items()
                if record.summary.n and record.complete is not False}

    @property
    def steps(self) -> list[SavedStep]:
        return self.record.steps

    @property
    def initial_test(self) -> SavedEvaluation | None:
        return (self.record.initial or {}).get("test")

    @property
    def final_test(self) -> SavedEvaluation | None:
        return self.record.final.test if self.record.final is not None else None

    @property
    def comparison(self) -> SavedComparison | None:
        return self.record.final.comparison if self.record.final is not None else None

    @property
    def ledger(self) -> SavedLedger:
        if self.live_ledger is not None:
            return self.live_ledger
        return self.record.ledger or SavedLedger()

    @property
    def val_ids(self) -> tuple[str, ...]:
        return tuple(self.record.task.val_ids)

    @property
    def test_ids(self) -> tuple[str, ...]:
        return tuple(self.record.task.test_ids)

    @property
    def warnings(self) -> list[str]:
        return list(self.record.warnings)


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

    def split(group: list[Run], parts: list[str], distinguishers: tuple[Callable[[Run], str], ...]) -> None:
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
