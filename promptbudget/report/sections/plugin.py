"""Sections that live in other packages (thinking-budget sweeps, confidence splits).

A plug-in is a module with `context(results) -> dict`, called once per results file of its
kind, and optionally a plots module with `save_pngs(results, plots_dir) -> list | dict of paths`.
`results` is the file's validated typed record (`BudgetSweepResults`, `ConfidenceSplitResults`
of `promptbudget.records`); a plug-in that wants the file's JSON object calls `results.to_json()`.
Each file becomes one part of the section. The generic template shows, from the context:

* `title`, `status`, `error`; `warnings` and `notes` (lists of str);
* every value shaped `{"columns": [...], "rows": [[...]]}` as a table (its key is the caption;
  a `caption`, `rule`, `notes` inside it are shown too);
* other top-level strings and numbers as facts;
* `charts`: chart specs in `promptbudget.report.charts` form, plus charts converted from the
  plug-in's own series by an adapter registered in `CHART_ADAPTERS`;
* the PNGs its `save_pngs` wrote in this invocation, embedded as images.

Every string is escaped: a plug-in cannot add markup. A missing plug-in module leaves its
section out with a warning; an exception inside one leaves out that file's part only.
"""

from __future__ import annotations

import base64
import importlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import charts, fmt
from ..load import Document, LoadedResults
from ..options import ReportOptions

KIND_NAMES = {"budget_sweep": "thinking-budget sweep", "confidence_split": "confidence-split"}
SKIP_FACTS = {"title", "status", "error", "warnings", "notes", "charts", "comparison"}
MAX_EMBEDDED_PNG = 2_000_000  # bytes per image


def _budget_charts(ctx: dict[str, Any]) -> list[charts.Chart]:
    """promptbudget.budget: accuracy against the cost axis, with its Pareto settings ringed."""
    series = (ctx.get("series") or {}).get("cost_vs_accuracy") or {}
    front = set(series.get("pareto") or [])
    points = [charts.point(p["x"], p["accuracy"],
                           [str(p["setting"]), f"accuracy {p['accuracy']:.3f} [{p.get('low') or 0:.3f}, "
                                               f"{p.get('high') or 1:.3f}]", f"{series.get('x_label', 'cost')}: "
                                                                              f"{p['x']:.4g}"],
                           ring=p["setting"] in front or None)
              for p in series.get("points") or [] if p.get("x") is not None and p.get("accuracy") is not None]
    if not points:
        return _by_setting_charts(ctx)
    line = sorted((p for p, src in zip(points, series["points"]) if src["setting"] in front), key=lambda p: p["x"])
    return [charts.xy_chart("Accuracy against cost per thinking setting", str(series.get("x_label") or "cost"),
                            "accuracy", [{"name": "Pareto front", "color": charts.FRONT_COLOR, "line": True,
                                          "markers": False, "dash": True, "points": line},
                                         {"name": "settings", "color": charts.color(0), "points": points}],
                            y_min=0, y_max=1, caption="Accuracy against cost (ringed: Pareto front)")] \
        + _by_setting_charts(ctx)


BY_SETTING_CHARTS = (
    ("latency_p50_s", "Response time per setting (p50)", "seconds per answer", "s", None),
    ("mean_output_tokens", "Token usage per setting", "billed output tokens per item (thinking included)", "tokens",
     None),
    ("cost_per_item_usd", "Cost per setting", "USD per item", "USD", "priced"),
    ("accuracy_per_dollar", "Accuracy per dollar per setting", "correct answers per USD", "", "priced"),
)


def _by_setting_charts(ctx: dict[str, Any]) -> list[charts.Chart]:
    """promptbudget.budget: the notebook's time, tokens and cost views, and accuracy per dollar."""
    series = ctx.get("series") or {}
    rows = series.get("by_setting") or []
    out = []
    for key, title, label, unit, needs in BY_SETTING_CHARTS:
        if needs and series.get("pricing") != needs:
            continue
        measured = [r for r in rows if isinstance(r.get(key), (int, float))]
        if not measured:
            continue
        caption = title + (" (replaces the notebook's tokens per second, which rewards waste)"
                           if key == "accuracy_per_dollar" else "")
        if all(float(r[key]) == 0 for r in measured):
            caption += f": every measured value is 0 {unit}".rstrip()
        out.append({**charts.bar_chart(title, label, [str(r["setting"]) for r in measured],
                                       [{"name": label, "color": charts.color(len(out)),
                                         "values": [float(r[key]) for r in measured]}], unit=unit),
                    "caption": caption})
    return out


def _confidence_charts(ctx: dict[str, Any]) -> list[charts.Chart]:
    """promptbudget.confidence: risk-coverage curves, one series per cell."""
    series = []
    for index, cell in enumerate(ctx.get("risk_coverage") or []):
        pts = [charts.point(c, r) for c, r in cell.get("points") or []]
        if pts:
            aurc = cell.get("aurc")
            name = str(cell.get("label")) + (f" (AURC {aurc:.3f})" if isinstance(aurc, (int, float)) else "")
            series.append({"name": name, "color": charts.color(index), "line": True, "markers": False,
                           "points": pts})
    if not series:
        return []
    return [charts.xy_chart("Risk against coverage per cell", "coverage (answers kept, most confident first)",
                            "risk (error rate of kept answers)", series, y_min=0,
                            caption="Selective risk against coverage (lower is better)")]


ChartAdapter = Callable[[dict[str, Any]], list[charts.Chart]]
"""Charts from a plug-in's own series in its context (a plain JSON object)."""

CHART_ADAPTERS: dict[str, ChartAdapter] = {
    "budget": _budget_charts,
    "confidence": _confidence_charts,
}


@dataclass
class PluginSection:
    id: str
    title: str
    kinds: tuple[str, ...]
    context_module: str
    plots_module: str | None = None
    template: str = "sections/plugin.html.j2"

    def documents(self, results: LoadedResults) -> list[Document]:
        return [doc for kind in self.kinds for doc in results.documents(kind)]

    def _import(self, name: str, results: LoadedResults, attribute: str) -> Callable[..., Any] | None:
        count = len(self.documents(results))
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            kinds = " / ".join(KIND_NAMES.get(k, k) for k in self.kinds)
            results.warnings.append(f"{count} {kinds} result file{'s' if count != 1 else ''} found, but {name} is "
                                    f"not available in this build ({exc}); the '{self.title}' section is left out")
            return None
        function = getattr(module, attribute, None)
        if not callable(function):
            results.warnings.append(f"{name} has no {attribute}(); the '{self.title}' section is left out")
            return None
        return function

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None:
        docs = self.documents(results)
        if not docs:
            return None
        context = self._import(self.context_module, results, "context")
        if context is None:
            return None
        images = results.cache.get(f"plugin-pngs:{self.id}", {})
        parts = []
        for doc in docs:
            name = _name(doc, results)
            try:
                raw = context(doc.record)
            except Exception as exc:  # a broken plug-in or file must not take the whole report down
                results.warnings.append(f"{name}: the '{self.title}' section could not read it "
                                        f"({type(exc).__name__}: {exc}); left out")
                continue
            if not isinstance(raw, dict):
                results.warnings.append(f"{self.context_module}.context() returned {type(raw).__name__} for {name}, "
                                        "not a dict; left out")
                continue
            part = normalize(raw, CHART_ADAPTERS.get(self.id))
            part["file"] = name
            part["images"] = images.get(str(doc.path), [])
            parts.append(part)
        return {"parts": parts} if parts else None

    def save_pngs(self, results: LoadedResults, plots_dir: Path) -> list[Path]:
        docs = self.documents(results)
        if not self.plots_module or not docs:
            return []
        save = self._import(self.plots_module, results, "save_pngs")
        if save is None:
            return []
        written: list[Path] = []
        images: dict[str, list[dict[str, str]]] = {}
        plots_dir = Path(plots_dir)
        for doc in docs:
            # Each file's plots are drawn in a scratch directory, then moved in: files of the same task and
            # model would otherwise write the same names, and the last would overwrite the others' PNGs.
            plots_dir.mkdir(parents=True, exist_ok=True)
            scratch = Path(tempfile.mkdtemp(prefix=".plugin-", dir=plots_dir))
            try:
                try:
                    out = save(doc.record, scratch)
                except Exception as exc:
                    results.warnings.append(f"{_name(doc, results)}: the '{self.title}' plots failed "
                                            f"({type(exc).__name__}: {exc})")
                    continue
                paths = [self._move_in(Path(p), scratch, plots_dir, doc, results, written)
                         for p in (out.values() if isinstance(out, dict) else out or [])]
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            written.extend(paths)
            images[str(doc.path)] = [image for image in map(_embed, paths) if image]
        results.cache[f"plugin-pngs:{self.id}"] = images
        return written

    @staticmethod
    def _move_in(path: Path, scratch: Path, plots_dir: Path, doc: Document, results: LoadedResults,
                 taken: list[Path]) -> Path:
        """Move a PNG drawn in `scratch` to `plots_dir`, under its own name unless an earlier file of this
        report already wrote that name: then the results file's name is added to it."""
        try:
            relative = path.resolve().relative_to(scratch.resolve())
        except ValueError:
            return path  # written somewhere else by the plug-in: leave it there
        target = plots_dir / relative
        if target in taken:
            slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(Path(_name(doc, results)).with_suffix(""))).strip("-.")
            target = target.with_name(f"{target.stem}_{slug or 'results'}{target.suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        return target


def _name(doc: Document, results: LoadedResults) -> str:
    try:
        return str(doc.path.relative_to(results.results_dir))
    except ValueError:
        return str(doc.path)


def _embed(path: Path) -> dict[str, str] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(b"\x89PNG") or len(data) > MAX_EMBEDDED_PNG:
        return None
    return {"name": path.stem, "src": "data:image/png;base64," + base64.b64encode(data).decode("ascii")}


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _humanize(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def _fact(value: Any) -> Any:
    """A fact as the reader should see it: yes / no, never Python's True / False."""
    return ("yes" if value else "no") if isinstance(value, bool) else value


def _table(key: str, value: dict[str, Any]) -> dict[str, Any]:
    columns = [str(c) for c in value.get("columns") or []]
    rows = [list(row) for row in value.get("rows") or [] if isinstance(row, (list, tuple))]
    rows = [[_fact(cell) for cell in row] for row in rows]
    numeric = [bool(rows) and all(isinstance(r[i], (int, float)) and not isinstance(r[i], bool)
                                  for r in rows if i < len(r)) for i in range(len(columns))]
    extras = [f"{_humanize(k)}: {_fact(v)}" for k, v in value.items()
              if k not in ("columns", "rows", "caption", "notes") and isinstance(v, (str, int, float)) and v != ""]
    return {"caption": str(value.get("caption") or _humanize(key)), "columns": columns, "rows": rows,
            "numeric": numeric, "notes": extras + _strings(value.get("notes"))}


def normalize(raw: dict[str, Any], adapter: ChartAdapter | None = None) -> dict[str, Any]:
    """What the generic template renders, from a plug-in's context."""
    tables, facts = [], []
    for key, value in raw.items():
        if key in SKIP_FACTS:
            continue
        if isinstance(value, dict) and isinstance(value.get("columns"), list) and isinstance(value.get("rows"), list):
            tables.append(_table(key, value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and key.endswith("_usd"):
            facts.append((_humanize(key[:-4]) + " (USD)", fmt.usd(value)))
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != "":
            facts.append((_humanize(key), value))
        elif isinstance(value, bool):
            facts.append((_humanize(key), "yes" if value else "no"))
    chart_list = [c for c in raw.get("charts") or [] if isinstance(c, dict) and c.get("kind") in ("xy", "bar")]
    if adapter is not None:
        try:
            chart_list += adapter(raw)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # the plug-in's series changed shape: its tables and PNGs still show
    return {"title": str(raw["title"]) if raw.get("title") else None, "status": raw.get("status"),
            "error": raw.get("error"), "warnings": _strings(raw.get("warnings")), "notes": _strings(raw.get("notes")),
            "tables": tables, "facts": facts, "charts": chart_list,
            "comparison": raw.get("comparison") if isinstance(raw.get("comparison"), dict) else None}
