"""`budget-sweep --case_study`: half, recommended and double for one prompt, recommended with numbers."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from promptbudget.budget import sweep_cli
from promptbudget.budget.case_study import CaseStudy, budget_triple, recommend
from promptbudget.engines.capabilities import Capabilities
from promptbudget.errors import UsageError

from .conftest import write_task


def test_a_case_study_measures_half_recommended_and_double_of_the_classified_prompt(tmp_path, capsys, paid_prices):
    task, model = write_task(tmp_path, n=4, kinds=("hard",))
    out = tmp_path / "case.json"
    code = sweep_cli.main(["--task", task, "--model", model, "--case_study", "--output", str(out), "--quiet",
                           "--no_cache", "--prices", paid_prices])
    printed = capsys.readouterr().out
    assert code == 0
    results = json.loads(out.read_text("utf-8"))
    study = results["case_study"]
    assert study["complexity"] == "complex"  # the notebook default for complex is 4096
    assert [(r["role"], r["setting"]) for r in study["rows"]] == [("half", "2048"), ("recommended", "4096"),
                                                                   ("double", "8192")]
    assert sorted(r["setting"] for r in results["records"]) == ["2048", "4096", "8192"]
    assert len(results["records"]) == 3 and results["ledger"]["total"]["calls"] == 4  # 1 classifier + 3 answers
    assert [s["label"] for s in results["settings"]] == ["2048", "4096", "8192"]
    for row, record in zip(study["rows"], sorted(results["records"], key=lambda r: int(r["setting"]))):
        assert row["output_tokens"] == record["output_tokens"] and row["cost_usd"] == record["cost_usd"] > 0
    assert study["recommendation"] in printed and "case study of" in printed
    assert results["policy"] is None and not list(tmp_path.glob("*policy*"))


def test_recommend_picks_the_cheapest_right_setting_and_says_its_numbers():
    rows = [{"role": "half", "setting": "1024", "measured": True, "correct": False, "output_tokens": 900,
             "latency_s": 1.0, "cost_usd": 0.01},
            {"role": "recommended", "setting": "2048", "measured": True, "correct": True, "output_tokens": 1500,
             "latency_s": 2.0, "cost_usd": 0.02},
            {"role": "double", "setting": "4096", "measured": True, "correct": True, "output_tokens": 3000,
             "latency_s": 4.0, "cost_usd": 0.04}]
    text = recommend(rows, True, "priced")
    assert text.startswith("use recommended (2048): right at $0.0200, 1500 billed output tokens, 2.00 s")
    assert "half 1024: wrong, $0.0100" in text and "double 4096: right, $0.0400" in text
    assert recommend(rows, False, "priced").startswith("no gold answer") and "Cheapest: half (1024" in \
        recommend(rows, False, "priced")


def test_budget_triples_turn_thinking_off_below_the_minimum_and_stay_under_the_model_limit():
    assert [s.label for s in budget_triple(2048, None).values()] == ["1024", "2048", "4096"]
    assert [s.label for s in budget_triple(1024, None).values()] == ["0", "1024", "2048"]
    assert [s.label for s in budget_triple(0, None).values()] == ["0", "0", "1024"]
    assert [s.label for s in budget_triple(4096, 6000).values()] == ["2048", "4096", "6000"]


def test_an_adaptive_only_model_gets_neighbouring_effort_levels():
    caps = Capabilities(thinking_budget=False, thinking_adaptive=True, thinking_off=True,
                        effort_levels=("low", "medium", "high", "max"))
    study = CaseStudy(None, 2048)
    settings = study.candidates(SimpleNamespace(model_string="claude-x", engine_name="anthropic"), caps)
    assert {s.kind for s in settings} == {"effort"}
    assert [s.label for s in study.triples["complex"].values()] == ["medium", "high", "max"]
    assert [s.label for s in study.triples["simple"].values()] == ["off", "off", "low"]


def test_a_model_that_cannot_think_exits_2_before_any_call():
    caps = Capabilities(thinking_budget=False, thinking_adaptive=False, max_tokens=4096)
    with pytest.raises(UsageError, match="cannot think"):
        CaseStudy(None, 2048).candidates(SimpleNamespace(model_string="local/smol", engine_name="local"), caps)


def test_case_study_flags_that_make_no_sense_exit_2(tmp_path, capsys):
    task, model = write_task(tmp_path, n=4)
    code = sweep_cli.main(["--task", task, "--model", model, "--case_study", "--budgets", "0", "1024",
                           "--output", str(tmp_path / "x.json")])
    assert code == 2 and "--case_study chooses its own settings" in capsys.readouterr().err
    code = sweep_cli.main(["--task", task, "--model", model, "--policy", "p.json", "--output", str(tmp_path / "x.json")])
    assert code == 2 and "add --case_study" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
