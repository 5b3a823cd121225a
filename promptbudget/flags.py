"""The flags every command shares, defined once: one canonical spelling and dest per concept.

A command adds a shared flag with `add_flag(parser, CONCEPT, default=..., help=...)`; the
spelling, dest, type and action come from `COMMON`. Old spellings the design seeds use stay
as aliases (several option strings of one argument). `new_parser` gives every command the
same parser settings: no abbreviations, and `--help` that shows each default.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any, Protocol


class ArgumentContainer(Protocol):
    """An argparse parser or argument group: what flags are added to."""

    def add_argument(self, *name_or_flags: str, **kwargs: Any) -> argparse.Action: ...


@dataclass(frozen=True)
class Flag:
    """One shared concept: its canonical option, the seeds' aliases and how argparse reads it."""

    canonical: str
    aliases: tuple[str, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    help: str = ""

    @property
    def dest(self) -> str:
        return self.canonical.lstrip("-")

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.canonical, *self.aliases)


_SWITCH = {"action": "store_true"}
COMMON: dict[str, Flag] = {
    "task": Flag("--task", help="GSM8K_DSPy, BBH_<task>, or jsonl:PATH[::SCORER]"),
    "model": Flag("--model"),
    "system_prompt": Flag("--system_prompt", aliases=("--custom_prompt",), kwargs={"metavar": "TEXT"}),
    "prompt_file": Flag("--prompt_file", kwargs={"metavar": "FILE"},
                        help="file holding the system prompt (UTF-8)"),
    "question_file": Flag("--question_file", kwargs={"metavar": "FILE"},
                          help="file holding the question: the user prompt, not the system prompt (UTF-8)"),
    "samples": Flag("--samples", kwargs={"type": int, "metavar": "N"}),
    "seed": Flag("--seed", kwargs={"type": int}, help="seed of the fixed item subsets"),
    "num_threads": Flag("--num_threads", kwargs={"type": int}, help="answer calls in flight at once"),
    "output": Flag("--output", kwargs={"metavar": "FILE"}),
    "output_dir": Flag("--output_dir", kwargs={"metavar": "DIR"}),
    "base_url": Flag("--base_url", kwargs={"metavar": "URL"},
                     help="base URL of an Anthropic-compatible server (llama-server, Ollama) for anthropic models"),
    "max_cost": Flag("--max_cost", kwargs={"type": float, "metavar": "USD"},
                     help="hard cap in USD: stop before the next call could exceed it"),
    "prices": Flag("--prices", kwargs={"metavar": "FILE"}, help="JSON file overriding the bundled price table"),
    "cache_dir": Flag("--cache_dir", kwargs={"metavar": "DIR"},
                      help="request cache folder (default: $PROMPTBUDGET_CACHE_DIR or ~/.cache/promptbudget)"),
    "no_cache": Flag("--no_cache", kwargs=_SWITCH, help="do not read or write the request cache"),
    "yes": Flag("--yes", kwargs=_SWITCH),
    "resume": Flag("--resume", kwargs=_SWITCH),
    "dry_run": Flag("--dry_run", kwargs=_SWITCH),
    "quiet": Flag("--quiet", kwargs=_SWITCH, help="no progress bar"),
}


def add_flag(parser: ArgumentContainer, concept: str, *, help: str | None = None, **overrides: Any) -> argparse.Action:
    """Add the shared flag `concept` to a parser or argument group (default, help, metavar may differ)."""
    spec = COMMON[concept]
    kwargs = {**spec.kwargs, **overrides}
    kwargs.setdefault("default", None)
    return parser.add_argument(*spec.spellings, dest=spec.dest, help=help or spec.help or None, **kwargs)


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Appends "(default: X)" to the help of every option that takes a value and has a default.

    Options without a value (switches) and defaults of None are left alone, and so is help that
    already states its default.
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (action.option_strings and action.nargs != 0 and action.default not in (None, argparse.SUPPRESS)
                and "default" not in text):
            text += " (default: %(default)s)"
        return text


def new_parser(prog: str, description: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A command's parser: whole flag names only, and every default in --help."""
    return argparse.ArgumentParser(prog=prog, description=description, allow_abbrev=False,
                                   formatter_class=DefaultsHelpFormatter, **kwargs)


def add_runtime_arguments(parser: argparse.ArgumentParser, *, default_model: str) -> None:
    """The engine and spending flags of every command that calls a model."""
    group = parser.add_argument_group("engine and spending")
    add_flag(group, "model", default=default_model,
             help="answer model: mock, mock:SCRIPT.json, local, local/PATH.gguf, anthropic/MODEL or a Claude model id")
    for concept in ("base_url", "max_cost", "prices", "cache_dir", "no_cache"):
        add_flag(group, concept)
    from .engines.platform_flags import add_platform_arguments

    add_platform_arguments(group)


def add_measurement_tail(parser: argparse.ArgumentParser, *, default_model: str, output_help: str,
                         batch_what: str) -> None:
    """The flags that close every measuring command: its results file, threads, progress, engine, batches."""
    out = parser.add_argument_group("output")
    add_flag(out, "output", help=output_help)
    add_flag(out, "num_threads", default=4)
    add_flag(out, "quiet")
    add_runtime_arguments(parser, default_model=default_model)
    from .batches.options import add_batch_arguments  # imported here: batches builds on the runtime

    add_batch_arguments(parser, what=batch_what)
