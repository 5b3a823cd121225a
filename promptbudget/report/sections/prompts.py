"""The prompt each configuration ended with, against its starting prompt."""

from __future__ import annotations

import difflib
import re
from typing import Any

from ...records.run import SavedEvaluation, SavedStats
from ..load import LoadedResults, Run
from ..options import ReportOptions

_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Segments `(op, text)` with op in {"same", "del", "ins"}: a word-level diff for display."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("ins", "".join(b[j1:j2])))
    return segments


def lineage(run: Run, version: int) -> list[int]:
    parents = {p.version: p.parent for p in run.prompts}
    chain, seen = [version], {version}
    while parents.get(chain[-1]) is not None and parents[chain[-1]] not in seen:
        chain.append(parents[chain[-1]])
        seen.add(chain[-1])
    return list(reversed(chain))


def _summary(record: SavedEvaluation | None) -> SavedStats | None:
    return record.summary if record is not None else None


class BestPromptsSection:
    id = "prompts"
    title = "Best prompt per configuration"
    template = "sections/prompts.html.j2"

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None:
        if not results.runs:
            return None
        entries = []
        for run in results.runs:
            version = run.current_version
            initial, final = run.prompt_text(0), run.prompt_text(version)
            validation = run.validation
            entries.append({
                "run": run, "version": version, "initial": initial, "final": final,
                "diff": word_diff(initial, final) if version else [],
                "lineage": lineage(run, version),
                "chars": (len(initial), len(final)),
                "val_initial": _summary(validation.get(0)),
                "val_final": _summary(validation.get(version)),
                "test_initial": _summary(run.initial_test),
                "test_final": _summary(run.final_test),
            })
        return {"entries": entries}
