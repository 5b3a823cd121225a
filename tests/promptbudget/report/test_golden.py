"""The report renders the same HTML and PNGs for the same inputs as the code it was refactored from.

`golden/inputs.tar.gz` holds results written by tests/support and the product: four synthetic runs
(one left "running", so its spend comes from calls.jsonl) with their sweep summary, two runs of a
second task, a joint prompt + thinking ("ladder") mock run, and the record fixtures (run, sweep,
budget sweep, confidence split). `golden/report.html` is the page main's code wrote for them (no
plots), `golden/plots.json` the sha256 of every PNG it wrote. To accept an intended change, rerun
with PROMPTBUDGET_WRITE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
from pathlib import Path

import matplotlib
import pytest

from promptbudget.report.render import build_report

from .conftest import options

GOLDEN = Path(__file__).parent / "golden"
WRITE = os.environ.get("PROMPTBUDGET_WRITE_GOLDEN") == "1"


def _inputs(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    with tarfile.open(GOLDEN / "inputs.tar.gz") as archive:
        archive.extractall(root, filter="data")
    return root


def _normalized(html: str, root: Path, out: Path) -> str:
    html = html.replace(str(root), "<results>").replace(str(out), "<out>")
    return re.sub(r"generated \d{4}-\d{2}-\d{2} \d{2}:\d{2}", "generated <time>", html)


def test_the_html_is_what_mains_report_wrote(tmp_path):
    root, out = _inputs(tmp_path), tmp_path / "out"
    report, _ = build_report(options(root, out))
    html = _normalized(report.html, root, out)
    assert [s.id for s in report.sections] == ["recommendations", "summary", "tradeoff", "decision", "prompts",
                                              "tokens", "cost", "runs", "budget", "confidence"]
    if WRITE:
        (GOLDEN / "report.html").write_text(html, "utf-8")
    expected = (GOLDEN / "report.html").read_text("utf-8")
    assert html.splitlines() == expected.splitlines()


def test_the_pngs_are_what_mains_report_wrote(tmp_path):
    root, out = _inputs(tmp_path), tmp_path / "out"
    _, written = build_report(options(root, out, plots_dir=out / "plots"))
    hashes = {p.relative_to(out / "plots").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in written}
    golden = GOLDEN / "plots.json"
    if WRITE:
        golden.write_text(json.dumps({"matplotlib": matplotlib.__version__, "png_sha256": hashes}, indent=1,
                                     sort_keys=True) + "\n")
    expected = json.loads(golden.read_text())
    assert sorted(hashes) == sorted(expected["png_sha256"])
    if expected["matplotlib"] != matplotlib.__version__:
        pytest.skip(f"PNG bytes were recorded with matplotlib {expected['matplotlib']}")
    assert hashes == expected["png_sha256"]
