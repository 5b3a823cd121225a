"""Report sections: each turns loaded results into a template context.

A section is any object with

* `id`: the HTML anchor (unique), `title`: the heading and table-of-contents entry,
* `template`: a partial under `templates/` that renders the context (given to it as `ctx`),
* `build(results: LoadedResults, options: ReportOptions) -> dict | None`: the context, or None
  to leave the section out (a `title` key in the context overrides the heading),

and optionally `save_pngs(results, plots_dir) -> list[Path]` for its PNG plots.
`default_sections()` lists them in page order; `render(..., sections=[...])` takes any list.

Sections of other packages are `PluginSection`s (see `plugin.py`): a module whose
`context(results) -> dict` is called once per results file of its kind (recognised by the
file's `schema`) with its validated typed record, and optionally a plots module with
`save_pngs(results, plots_dir)`.
They are imported only when such files are present; a missing module leaves the section out
with a warning.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from ..load import LoadedResults
from ..options import ReportOptions
from .cost import CostSection
from .decision import DecisionSection
from .plugin import PluginSection
from .prompts import BestPromptsSection
from .recommend import RecommendationsSection
from .runs import RunsSection, SummarySection
from .tokens import TokensSection
from .tradeoff import TradeoffSection


@runtime_checkable
class Section(Protocol):
    id: str
    title: str
    template: str

    def build(self, results: LoadedResults, options: ReportOptions) -> dict[str, Any] | None: ...


def default_sections() -> list[Section]:
    """The report's sections, in page order."""
    return [
        RecommendationsSection(),
        SummarySection(),
        TradeoffSection(),
        DecisionSection(),
        BestPromptsSection(),
        TokensSection(),
        CostSection(),
        RunsSection(),
        PluginSection(id="budget", title="Thinking budgets", kinds=("budget_sweep",),
                      context_module="promptbudget.budget.report_section", plots_module="promptbudget.budget.plots"),
        PluginSection(id="confidence", title="Answer / confidence budget split", kinds=("confidence_split",),
                      context_module="promptbudget.confidence.report_section",
                      plots_module="promptbudget.confidence.plots"),
    ]


__all__ = ["PluginSection", "Section", "default_sections"]
