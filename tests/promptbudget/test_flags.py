"""The shared flags: one spelling and dest per concept in every command, defaults in --help, aliases."""

from __future__ import annotations

import argparse
import importlib
import re

import pytest

from promptbudget.cli import COMMANDS
from promptbudget.flags import COMMON, DefaultsHelpFormatter, add_flag, new_parser

# What a command needs besides the flag under test for parse_args to succeed.
REQUIRED = {"sweep": ["--configs", "0.5,0.5"], "confidence-split": ["--total_budget", "100"], "export": ["run"]}


def parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    return [(name, importlib.import_module(module).build_parser()) for name, module in COMMANDS.items()]


def options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings and not isinstance(a, argparse._HelpAction)]


def expanded_help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    formatter = parser._get_formatter()
    return formatter._expand_help(action) if action.help else ""


def sample_value(action: argparse.Action) -> str:
    return str(action.choices[0]) if action.choices else "7"


def test_every_command_has_a_parser():
    assert {name for name, _ in parsers()} == set(COMMANDS)


@pytest.mark.parametrize("name,parser", parsers(), ids=[name for name, _ in parsers()])
def test_shared_concepts_use_one_spelling_and_dest(name, parser):
    for action in options(parser):
        for concept, flag in COMMON.items():
            if action.dest == flag.dest or set(action.option_strings) & set(flag.spellings):
                assert (tuple(action.option_strings), action.dest) == (flag.spellings, flag.dest), \
                    f"{name}: {action.option_strings} -> {action.dest} is the shared {concept!r}"


@pytest.mark.parametrize("name,parser", parsers(), ids=[name for name, _ in parsers()])
def test_flags_are_spelled_with_underscores_and_never_abbreviated(name, parser):
    assert parser.allow_abbrev is False
    assert parser.formatter_class is DefaultsHelpFormatter
    for action in options(parser):
        for option in action.option_strings:
            assert re.fullmatch(r"--[a-z0-9]+(_[a-z0-9]+)*", option), f"{name}: {option}"


@pytest.mark.parametrize("name,parser", parsers(), ids=[name for name, _ in parsers()])
def test_help_shows_every_default(name, parser):
    for action in options(parser):
        if action.nargs == 0 or action.default in (None, argparse.SUPPRESS):
            continue  # a switch's default is its absence; None means "not given"
        text = expanded_help(parser, action)
        assert "default" in text and str(action.default) in text, \
            f"{name} {action.option_strings[0]}: help {text!r} does not show the default {action.default!r}"
    assert "(default:" in parser.format_help()


@pytest.mark.parametrize("name,parser", parsers(), ids=[name for name, _ in parsers()])
def test_aliases_parse_to_the_same_value(name, parser):
    for action in options(parser):
        if action.nargs == 0 or len(action.option_strings) < 2:
            continue
        value = sample_value(action)
        parsed = [getattr(parser.parse_args(REQUIRED.get(name, []) + [option, value]), action.dest)
                  for option in action.option_strings]
        assert len(set(map(str, parsed))) == 1 and parsed[0] not in (None, action.default), (name, parsed)


def test_the_formatter_leaves_switches_none_and_stated_defaults_alone():
    parser = new_parser("p", "d")
    add_flag(parser, "quiet")
    add_flag(parser, "seed", default=3)
    add_flag(parser, "output", help="where (default: beside the input)")
    parser.add_argument("--ratio", type=float, default=0.5, help="a share")
    text = parser.format_help()
    assert "(default: 3)" in text and "(default: 0.5)" in text
    assert "default: False" not in text and "default: None" not in text
    assert text.count("default:") == 3


def test_add_flag_rejects_an_unknown_concept():
    with pytest.raises(KeyError):
        add_flag(new_parser("p", "d"), "output_folder")


def test_seed_custom_prompt_is_the_system_prompt_of_optimize():
    from promptbudget.optimize.config import OptimizeConfig, build_parser

    # The seeds' README: python balanced_prompt_optimization.py --task GSM8K_DSPy --custom_prompt "..."
    args = build_parser().parse_args(["--task", "GSM8K_DSPy", "--custom_prompt", "Solve math problems step by step"])
    assert OptimizeConfig.from_args(args).custom_prompt == "Solve math problems step by step"
    canonical = build_parser().parse_args(["--system_prompt", "Solve math problems step by step"])
    assert OptimizeConfig.from_args(canonical) == OptimizeConfig.from_args(args)


def test_seed_custom_prompt_reaches_every_run_of_a_sweep():
    from promptbudget.sweep.plan import build_parser

    args = build_parser().parse_args(["--task", "GSM8K_DSPy", "--configs", "0.3,0.7", "--custom_prompt", "Be brief."])
    assert args.system_prompt == "Be brief."


def test_seed_command_lines_parse():
    from promptbudget.optimize.config import OptimizeConfig, build_parser as optimize_parser
    from promptbudget.report.cli import build_parser as report_parser
    from promptbudget.sweep.plan import build_parser as sweep_parser

    optimize = OptimizeConfig.from_args(optimize_parser().parse_args(
        "--task GSM8K_DSPy --accuracy_weight 0.3 --efficiency_weight 0.7 --prompt_file my_prompts/math_prompt.txt "
        "--run_validation --model mock --num_threads 2 --eval_samples 5 --thinking_enabled --thinking_budget 2048 "
        "--max_epochs 2 --batch_size 3".split()))
    assert (optimize.accuracy_weight, optimize.prompt_file, optimize.run_validation, optimize.eval_samples,
            optimize.thinking_budget) == (0.3, "my_prompts/math_prompt.txt", True, 5, 2048)
    sweep = sweep_parser().parse_args(["--task", "GSM8K_DSPy", "--prompt_file", "my_prompts/math_prompt.txt",
                                       "--configs", "0.3,0.7", "0.5,0.5", "--run_validation"])
    assert sweep.configs == ["0.3,0.7", "0.5,0.5"] and sweep.prompt_file == "my_prompts/math_prompt.txt"
    report = report_parser().parse_args(["--task", "GSM8K_DSPy", "--output", "analysis_report.html"])
    assert (report.task, report.output) == ("GSM8K_DSPy", "analysis_report.html")
