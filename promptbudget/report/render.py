"""Render the report: load results, build each section's context, fill the Jinja templates.

Autoescaping is on for every template, so every text from a prompt or a model is shown as
text. Chart data goes into the page as JSON through `|tojson` (which escapes `<`, `>`, `&`
and `'`), and the page's Content-Security-Policy allows only the report's own inline script
and stylesheet, by hash: even markup that slipped through could not run a script.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from ..errors import UsageError
from ..jsonio import write_text_atomic
from . import fmt
from .load import LoadedResults, load_results
from .options import ReportOptions
from .sections import Section, default_sections


@dataclass
class BuiltSection:
    id: str
    title: str
    template: str
    context: dict[str, Any]


@dataclass
class Report:
    html: str
    sections: list[BuiltSection]
    results: LoadedResults
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("promptbudget.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(fmt.FILTERS)
    return env


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    text = resources.files("promptbudget.report").joinpath("static", name).read_text("utf-8")
    closing = "</script" if name.endswith(".js") else "</style"
    if closing in text.lower():
        raise RuntimeError(f"static/{name} must not contain {closing}")
    return text


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(js: str, css: str) -> str:
    """Nothing may load or run but the page's own inline script and stylesheet."""
    return (f"default-src 'none'; script-src {csp_hash(js)}; style-src {csp_hash(css)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def load_or_refuse(options: ReportOptions) -> LoadedResults:
    """Loaded results, or a UsageError (exit 2) when there is nothing to report."""
    root = Path(options.results_dir)
    if not root.exists():
        raise UsageError(f"results directory {root} does not exist; run balanced_prompt_optimization.py (or "
                         "`python -m promptbudget sweep`) first, or point --results_dir at its output")
    if not root.is_dir():
        raise UsageError(f"--results_dir {root} is not a directory")
    results = load_results(root, options.task)
    if results.empty:
        skipped = "".join(f"\n  warning: {w}" for w in results.warnings)
        if options.task is not None:
            raise UsageError(f"no results for task {options.task!r} in {root} ({results.files_seen} JSON files "
                             f"looked at); drop --task to report every task{skipped}")
        if results.files_seen == 0:
            raise UsageError(f"results directory {root} is empty: no results files to report; run "
                             "balanced_prompt_optimization.py (or `python -m promptbudget sweep`) first")
        raise UsageError(f"no readable results in {root} ({results.files_seen} JSON files looked at){skipped}")
    return results


def build_sections(results: LoadedResults, options: ReportOptions,
                   sections: list[Section] | None = None) -> list[BuiltSection]:
    built = []
    for section in sections if sections is not None else default_sections():
        context = section.build(results, options)
        if context is not None:
            title = context.get("title") or section.title
            built.append(BuiltSection(section.id, title, section.template, context))
    return built


def _counts(results: LoadedResults) -> str:
    parts = []
    for kind, name in (("run", "run"), ("sweep", "sweep"), ("budget_sweep", "budget sweep"),
                       ("confidence_split", "confidence split")):
        n = len(results.documents(kind))
        if n:
            parts.append(f"{n} {name}{'s' if n != 1 else ''}")
    return ", ".join(parts)


def render(results: LoadedResults, options: ReportOptions, *, sections: list[Section] | None = None,
           plots: list[Path] | None = None) -> Report:
    built = build_sections(results, options, sections)
    js, css = static_text("charts.js") + "\n" + static_text("compare.js"), static_text("report.css")
    html = environment().get_template("report.html.j2").render(
        title=options.title, version=__version__, csp=Markup(content_security_policy(js, css)),  # our own text: no quotes or markup
        js=Markup(js), css=Markup(css), sections=built, load_warnings=results.warnings,
        results_dir=str(options.results_dir), task=options.task, counts=_counts(results),
        generated=time.strftime("%Y-%m-%d %H:%M"),
        plots=(str(Path(options.plots_dir)) if plots and options.plots_dir is not None else ""),
    )
    return Report(html=html, sections=built, results=results, warnings=list(results.warnings))


def write_atomic(path: Path, text: str) -> None:
    write_text_atomic(path, text, mode=0o644)


def build_report(options: ReportOptions, *, with_plots: bool = True) -> tuple[Report, list[Path]]:
    """Load, write the PNGs (unless `with_plots` is off or plots_dir is None), render and write the HTML."""
    results = load_or_refuse(options)
    written: list[Path] = []
    sections = default_sections()
    if with_plots and options.plots_dir is not None:
        from .plots import save_all

        written = save_all(results, options, Path(options.plots_dir), sections)
    report = render(results, options, sections=sections, plots=written)
    write_atomic(Path(options.output), report.html)
    return report, written
