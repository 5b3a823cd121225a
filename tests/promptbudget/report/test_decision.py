"""The joint prompt + thinking search section, on real optimize runs of the mock engine."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from promptbudget.records.run import SavedStats
from promptbudget.report.fmt import ci, tok
from promptbudget.report.render import build_report

from .conftest import PAYLOAD, chart_specs, options

# Enough validation items for a thinking cut to be tried (optimize/cuts.py), and steps for both move kinds.
LADDER = ["--model", "mock", "--budgets", "0", "1024", "4096", "--max_epochs", "3", "--steps_per_epoch", "2",
          "--batch_size", "2", "--eval_samples", "32", "--test_samples", "8", "--num_threads", "1", "--quiet"]
CHART_TITLE = "(prompt, thinking setting) pairs of "


def optimize(out: Path, cache: Path, *args: str) -> None:
    from promptbudget.optimize.cli import main

    assert main(["--task", "GSM8K_DSPy", *args, "--output_dir", str(out), "--cache_dir", str(cache)]) == 0


def summary_of(root: Path) -> dict:
    (path,) = root.glob("*/summary.json")
    return json.loads(path.read_text())


class Tables(HTMLParser):
    """The text of every cell of each table, by the table's class."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("class", ""), [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return {k: rows[1:] for k, rows in parser.tables.items()}


@pytest.fixture(scope="module")
def ladder_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ladder") / "results"
    optimize(root, root.parent / "cache", *LADDER)
    return root


@pytest.fixture(scope="module")
def ladder_report(ladder_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    report, _ = build_report(options(ladder_run, out, plots_dir=out / "plots"))
    return report, out


def test_the_pairs_shown_are_the_runs_pair_validations_with_its_front(ladder_run, ladder_report):
    report, _ = ladder_report
    data = summary_of(ladder_run)
    labels = [r["label"] for r in data["ladder"]]
    complete = {k: v for k, v in data["pair_validation"].items() if v.get("complete", True) and v["summary"]["n"]}
    front = {(p["version"], p["rung"]) for p in data["pareto"]["pairs"]}
    assert len(complete) >= 2 and front
    rows = tables(report.html)["pairs"]
    shown = {(r[0], r[1]): r for r in rows}
    assert len(rows) == len(complete)
    for record in complete.values():
        v, rung, s = record["prompt_version"], record["rung"], record["summary"]
        row = shown[(f"v{v}", labels[rung])]
        assert row[2:6] == [ci(SavedStats.model_validate(s)), tok(s["mean_output_tokens"]), str(s["n"]), "yes" if (v, rung) in front else ""]
    (spec,) = [c for c in chart_specs(report.html) if c["title"].startswith(CHART_TITLE)]
    points = [p for s in spec["series"] if not s.get("line") for p in s["points"]]
    expected = {(r["summary"]["mean_output_tokens"], r["summary"]["accuracy"]) for r in complete.values()}
    assert {(p["x"], p["y"]) for p in points} == expected and len(points) == len(complete)
    by_xy = {(r["summary"]["mean_output_tokens"], r["summary"]["accuracy"]): (r["prompt_version"], r["rung"])
             for r in complete.values()}
    assert {by_xy[(p["x"], p["y"])] for p in points if p.get("ring")} == front
    (line,) = [s for s in spec["series"] if s.get("line")]
    assert {by_xy[(p["x"], p["y"])] for p in line["points"]} == front


def test_the_path_shown_is_each_steps_move_and_decision(ladder_run, ladder_report):
    report, _ = ladder_report
    data = summary_of(ladder_run)
    labels = [r["label"] for r in data["ladder"]]
    rows = tables(report.html)["path"]
    steps = [r for r in rows if r[0] == "step"]
    assert len(steps) == len(data["steps"]) >= 4
    assert {s["move"]["kind"] for s in data["steps"]} == {"prompt", "thinking"}
    for row, step in zip(steps, data["steps"]):
        move, decision = step["move"], step["decision"]
        assert row[1] == str(step["index"]) and row[2] == step["focus"] and row[3] == move["kind"]
        assert row[5] == f"{labels[move['from_rung']]} → {labels[move['to_rung']]}"
        verdict = "accepted" if decision["accepted"] else "reverted"
        assert row[6] == f"{verdict} {decision['reason']}" and row[7] == move["why"]
    stage = [r for r in rows if r[0] == "ladder stage"]
    tried = data["ladder_stage"]["tried"]
    assert [(r[5].split(" → ")[1], r[6].split(" ")[0]) for r in stage] == [
        (labels[t["rung"]], "accepted" if t["decision"]["accepted"] else "reverted") for t in tried]


def test_the_front_png_is_written_with_the_other_plots(ladder_report):
    report, out = ladder_report
    assert (out / "plots" / "decision_front.png").stat().st_size > 0
    assert (out / "plots" / "tradeoff_validation.png").exists()


def test_the_section_is_absent_when_no_run_used_a_ladder(tmp_path):
    root = tmp_path / "results"
    # Joint search is the default: a run without a ladder pins the starting setting.
    optimize(root, tmp_path / "cache", *[a for a in LADDER if a not in ("--budgets", "0", "1024", "4096")],
             "--no_thinking_search")
    assert len(summary_of(root)["ladder"]) == 1
    report, _ = build_report(options(root, tmp_path, plots_dir=tmp_path / "plots"))
    assert "decision" not in [s.id for s in report.sections]
    assert not (tmp_path / "plots" / "decision_front.png").exists()
    assert not any(c["title"].startswith(CHART_TITLE) for c in chart_specs(report.html))


def test_a_prompt_with_markup_is_shown_as_text(tmp_path):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Solve it. " + PAYLOAD + " The last line must be 'Answer: $VALUE'.", encoding="utf-8")
    root = tmp_path / "results"
    optimize(root, tmp_path / "cache", *LADDER, "--prompt_file", str(prompt))
    report, _ = build_report(options(root, tmp_path, plots_dir=None))
    section = report.html.split('id="decision-1"')[1].split("</details>")[0]
    assert "<script>document" not in section and "<img" not in section and "<svg" not in section
    assert "&lt;script&gt;document.title" in section
    assert "<script" not in section.replace('<script type="application/json">', "")
    (spec,) = [c for c in chart_specs(report.html) if c["title"].startswith(CHART_TITLE)]
    tips = [t for s in spec["series"] for p in s["points"] for t in p.get("tip", [])]
    assert any("<script>document.title='pwned'</script>" in t for t in tips)


def test_the_section_renders_in_chromium_with_no_script_from_the_prompt(tmp_path):
    from .browser import chromium_or_skip, dump_dom

    binary = chromium_or_skip()
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Solve it. " + PAYLOAD + " The last line must be 'Answer: $VALUE'.", encoding="utf-8")
    root = tmp_path / "results"
    optimize(root, tmp_path / "cache", *LADDER, "--prompt_file", str(prompt))
    build_report(options(root, tmp_path, plots_dir=None))
    run = dump_dom(binary, Path(tmp_path / "out" / "report.html"), tmp_path / "profile")
    dom = run.stdout
    section = dom.split('id="decision-1"')[1].split("</details>")[0]
    assert 'data-rendered="true"' in section and 'data-chart-error="' not in section
    assert "<svg onload" not in dom and '<img src="x"' not in dom
    assert 'data-js-errors="0"' in dom and run.console == [], run.console
