"""The confidence-split section of the HTML report: plain data for a template, and a fragment.

`context(results)` returns only plain data (strings, numbers, lists, dicts): a table, the
heatmap matrices, the reliability bins and the risk-coverage series. `render_html` turns it
into a self-contained HTML fragment (PNG files linked when given); `write_report` writes a
standalone page plus the PNGs.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

from ..records import ConfidenceSplitResults
from ..records.confidence_split import ConfidenceCell
from .metrics import BINNING_NOTE
from .plots import HEATMAP_METRICS, file_prefix, heatmap_matrix

TABLE_COLUMNS = ["Total budget", "Ratio", "Answer / conf. budget", "Enforcement (answer / confidence)", "Accuracy",
                 "ECE (10 bins)", "Brier", "AUROC", "AURC", "Parse failures", "Tokens / item", "Cost (USD)"]


def _fmt(value: Any, spec: str = "{:.3f}") -> str:
    return "n/a" if value is None else spec.format(value)


def _sorted_cells(results: ConfidenceSplitResults) -> list[ConfidenceCell]:
    return sorted(results.cells, key=lambda c: (c.total_budget, c.ratio))


def table_rows(results: ConfidenceSplitResults) -> list[list[str]]:
    rows = []
    for cell in _sorted_cells(results):
        m = cell.metrics
        rows.append([
            str(cell.total_budget), f"{cell.ratio:g}", f"{cell.answer_budget} / {cell.confidence_budget}",
            cell.enforcement + ("" if cell.complete else " (incomplete)"),
            _fmt(m.accuracy), _fmt(m.ece), _fmt(m.brier), _fmt(m.auroc), _fmt(m.aurc),
            f"{m.parse_failures}/{m.n}" if m.n else "n/a",
            _fmt(m.mean_output_tokens, "{:.0f}"),
            _fmt(m.cost_usd, "{:.4f}"),
        ])
    return rows


def _cell_view(c: ConfidenceCell) -> dict[str, Any]:
    return {"cell_id": c.cell_id, "total_budget": c.total_budget, "ratio": c.ratio, "answer_budget": c.answer_budget,
            "confidence_budget": c.confidence_budget, "enforcement": c.enforcement, "complete": c.complete,
            **c.metrics.to_json()}


def _curve_views(c: ConfidenceCell) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cell's reliability bins and risk-coverage points, as the template and chart adapter read them."""
    where = {"cell_id": c.cell_id, "total_budget": c.total_budget, "ratio": c.ratio,
             "label": f"total {c.total_budget}, ratio {c.ratio:g}"}
    return ({**where, "ece": c.metrics.ece, "bins": [b.to_json() for b in c.reliability_bins],
             "figure": f"reliability_total{c.total_budget}"},
            {**where, "aurc": c.metrics.aurc, "points": [list(p) for p in c.risk_coverage],
             "figure": f"risk_coverage_total{c.total_budget}"})


def context(results: ConfidenceSplitResults) -> dict[str, Any]:
    totals = sorted({c.total_budget for c in results.cells})
    ratios = sorted({c.ratio for c in results.cells})
    cells = _sorted_cells(results)
    curves = [_curve_views(c) for c in cells]
    return {
        "title": f"Confidence under a thinking budget: {results.task.name} on {results.model.model_string}",
        "task": results.task.name,
        "split": results.task.split,
        "n_items": results.task.n_items,
        "model": results.model.model_string,
        "thinking_style": results.model.thinking_style,
        "status": results.status,
        "error": results.error,
        "warnings": list(results.warnings),
        "notes": [BINNING_NOTE,
                  "Stage 1 answers with budget B x ratio; stage 2 judges that answer with budget B x (1 - ratio). "
                  "The enforcement column says how each stage's budget was enforced on this model."],
        "files": {"prefix": file_prefix(results)},
        "table": {"caption": "Per cell: accuracy, calibration (ECE over 10 equal-width bins, Brier), AUROC, AURC, "
                             "confidence parse failures, tokens and cost",
                  "columns": list(TABLE_COLUMNS), "rows": table_rows(results)},
        "cells": [_cell_view(c) for c in cells],
        "heatmaps": [{"metric": metric, "label": label, "better": better, "x_label": "ratio", "x": ratios,
                      "y_label": "total budget", "y": totals, "values": heatmap_matrix(results, metric),
                      "figure": f"heatmap_{metric}"}
                     for metric, label, better, _ in HEATMAP_METRICS],
        "reliability": [reliability for reliability, _ in curves],
        "risk_coverage": [risk for _, risk in curves],
        "figures": ([f"heatmap_{m[0]}" for m in HEATMAP_METRICS]
                    + [name for t in totals for name in (f"reliability_total{t}", f"risk_coverage_total{t}")]),
    }


def render_html(ctx: dict[str, Any], images: dict[str, str] | None = None) -> str:
    """An HTML <section> for `ctx`; `images` maps figure names to image URLs (relative paths)."""
    e = html.escape
    images = images or {}
    parts = [f'<section class="confidence-split"><h2>{e(ctx["title"])}</h2>',
             f"<p>Split {e(ctx['split'])}, {ctx['n_items']} items per cell; thinking: {e(ctx['thinking_style'])}; "
             f"status {e(ctx['status'])}{': ' + e(ctx['error']) if ctx.get('error') else ''}.</p>"]
    parts += [f'<p class="warning"><strong>Warning:</strong> {e(w)}</p>' for w in ctx["warnings"]]
    parts += [f"<p>{e(n)}</p>" for n in ctx["notes"]]
    parts.append("<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in ctx["table"]["columns"])
                 + "</tr></thead><tbody>")
    for row in ctx["table"]["rows"]:
        parts.append("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>")
    parts.append("</tbody></table>")
    for name in ctx["figures"]:
        if name in images:
            parts.append(f'<figure><img src="{e(images[name])}" alt="{e(name)}"><figcaption>{e(name)}</figcaption>'
                         "</figure>")
    parts.append("</section>")
    return "\n".join(parts)


PAGE_CSS = ("body{font-family:sans-serif;max-width:1200px;margin:auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}.warning{color:#a40}img{max-width:100%}")


def page_policy(css: str) -> str:
    """The main report's Content-Security-Policy, for a page with no script: only its own stylesheet
    (by hash) and data: images; nothing loads, runs, submits or rebases."""
    from ..report.render import csp_hash

    return (f"default-src 'none'; script-src 'none'; style-src {csp_hash(css)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def write_report(results: ConfidenceSplitResults, out_dir: str | Path) -> tuple[Path, list[Path]]:
    """A standalone page `<out_dir>/<prefix>.html` with PNGs in `<out_dir>/plots/`."""
    from .plots import figure_name, save_pngs

    out_dir = Path(out_dir)
    pngs = save_pngs(results, out_dir / "plots")
    ctx = context(results)
    prefix = ctx["files"]["prefix"]
    # Embedded, as in the main report: its policy lets images come only from data: URLs.
    images = {figure_name(results, p): "data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii")
              for p in pngs}
    page = (f"<!doctype html><html><head><meta charset='utf-8'>"
            f'<meta http-equiv="Content-Security-Policy" content="{page_policy(PAGE_CSS)}">'
            f"<title>{html.escape(ctx['title'])}</title><style>{PAGE_CSS}</style></head><body>"
            + render_html(ctx, images) + "</body></html>\n")
    path = out_dir / f"{prefix}.html"
    path.write_text(page, encoding="utf-8")
    return path, pngs
