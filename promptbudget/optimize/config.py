"""The optimize command's settings: flags, validation, and the run's identity."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from ..cli_support import check_output_path
from ..engines import Thinking
from ..engines.capabilities import Capabilities
from ..engines.types import EFFORT_LEVELS
from ..errors import UsageError
from ..prompt_file import read_prompt_file
from ..experiment.constants import DEFAULT_MODEL, MIN_MEANINGFUL_SAMPLES
from ..experiment.runtime_fields import RuntimeFields
from ..flags import add_flag, add_runtime_arguments, new_parser


@dataclass(frozen=True)
class OptimizeConfig(RuntimeFields):
    task: str = "GSM8K_DSPy"
    model: str = DEFAULT_MODEL
    optimizer_model: str | None = None
    optimizer_max_tokens: int | None = None
    custom_prompt: str | None = None
    prompt_file: str | None = None
    batch_size: int = 3
    max_epochs: int = 10
    steps_per_epoch: int = 3
    accuracy_weight: float = 0.5
    efficiency_weight: float = 0.5
    num_threads: int = 4
    eval_samples: int = 30
    test_samples: int = 100
    thinking_enabled: bool = True
    thinking_budget: int | None = None
    effort: str | None = None
    max_tokens: int | None = None
    budgets: tuple[str, ...] | None = None
    efforts: tuple[str, ...] | None = None
    thinking_search: bool | None = None
    run_validation: bool = True
    accuracy_tolerance: float = 0.0
    token_tolerance: float = 0.05
    seed: int = 0
    output_dir: str = "results"
    resume: bool = False
    dry_run: bool = False
    pilot: int | None = None
    yes: bool = False
    quiet: bool = False
    batch: bool = False
    batch_validation: bool = False
    batch_fallback: bool = False
    batch_poll_s: float = 5.0

    # Settings that do not change what a run computes, so they are not part of its identity.
    OPERATIONAL = ("output_dir", "resume", "dry_run", "pilot", "yes", "quiet", "num_threads", "max_cost", "prices",
                   "cache_dir", "no_cache", "batch", "batch_validation", "batch_fallback", "batch_poll_s")

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "OptimizeConfig":
        values = vars(args)
        if "system_prompt" in values:  # --system_prompt (the seeds' --custom_prompt) is the custom_prompt field
            values = {**values, "custom_prompt": values["system_prompt"]}
        return cls.from_flags(argparse.Namespace(**values), tuples=("budgets", "efforts"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def identity(self, starting_prompt: str) -> dict[str, Any]:
        data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()
                if k not in self.OPERATIONAL}
        data.pop("custom_prompt")
        data.pop("prompt_file")
        data["starting_prompt_sha256"] = hashlib.sha256(starting_prompt.encode()).hexdigest()
        return data

    def run_id(self, starting_prompt: str) -> str:
        digest = hashlib.sha256(json.dumps(self.identity(starting_prompt), sort_keys=True).encode()).hexdigest()
        task = re.sub(r"[^A-Za-z0-9_.-]+", "-", self.task.replace("jsonl:", ""))[-40:]
        return (f"{task}_acc{_fmt(self.accuracy_weight)}_eff{_fmt(self.efficiency_weight)}"
                f"_seed{self.seed}_{digest[:8]}")

    def focus_weights(self) -> tuple[float, float]:
        total = self.accuracy_weight + self.efficiency_weight
        return self.accuracy_weight / total, self.efficiency_weight / total

    def validate(self) -> None:
        """Reject bad settings before anything runs or is written."""
        weights = (self.accuracy_weight, self.efficiency_weight)
        if any(not math.isfinite(w) for w in weights):
            raise UsageError("--accuracy_weight and --efficiency_weight must be finite numbers")
        if any(w < 0 for w in weights):
            raise UsageError(f"weights must not be negative (got accuracy {self.accuracy_weight}, "
                             f"efficiency {self.efficiency_weight})")
        if sum(weights) == 0:
            raise UsageError("--accuracy_weight and --efficiency_weight are both 0; give at least one a "
                             "positive weight")
        for name in ("batch_size", "max_epochs", "steps_per_epoch", "num_threads", "eval_samples", "test_samples"):
            if getattr(self, name) < 1:
                raise UsageError(f"--{name} must be at least 1 (got {getattr(self, name)})")
        if self.pilot is not None and (self.pilot < 1 or not self.dry_run):
            raise UsageError(f"--pilot {self.pilot}: give --pilot N (N at least 1, at most the validation size) "
                             "together with --dry_run")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise UsageError(f"--max_tokens must be at least 1 (got {self.max_tokens}); leave it out for the "
                             "model's default")
        if self.optimizer_max_tokens is not None and self.optimizer_max_tokens < 1:
            raise UsageError(f"--optimizer_max_tokens must be at least 1 (got {self.optimizer_max_tokens})")
        if self.custom_prompt is not None and self.prompt_file is not None:
            raise UsageError("give either --system_prompt (--custom_prompt) or --prompt_file, not both")
        if self.custom_prompt is not None and not self.custom_prompt.strip():
            raise UsageError("--system_prompt (--custom_prompt) is empty")
        if self.effort is not None and self.effort not in EFFORT_LEVELS:
            raise UsageError(f"--effort must be one of {', '.join(EFFORT_LEVELS)} (got {self.effort!r})")
        if self.effort is not None and self.thinking_budget is not None:
            raise UsageError("give either --effort (adaptive thinking) or --thinking_budget (manual), not both")
        if not 0 <= self.accuracy_tolerance <= 1:
            raise UsageError("--accuracy_tolerance must be between 0 and 1")
        if self.token_tolerance < 0:
            raise UsageError("--token_tolerance must not be negative")
        check_output_path(Path(self.output_dir), "--output_dir", directory=True)
        self.runtime().validate()
        from ..batches.options import BatchConfig

        BatchConfig.of(self).validate(no_cache=self.no_cache, run_validation=self.run_validation)

    def starting_prompt(self, task_instruction: str) -> str:
        if self.custom_prompt is not None:
            return self.custom_prompt.strip()
        if self.prompt_file is None:
            return task_instruction
        return read_prompt_file(self.prompt_file).strip()

    def fitted_to(self, task_name: str, val_size: int, test_size: int) -> tuple[OptimizeConfig, list[str]]:
        """These settings with --eval_samples/--test_samples cut to the split sizes, and a warning per cut."""
        sizes = {"test_samples": ("test", test_size)}
        if self.run_validation:
            sizes["eval_samples"] = ("validation", val_size)
        cuts, warnings = {}, []
        for name, (split, size) in sizes.items():
            if 0 < size < getattr(self, name):
                cuts[name] = size
                warnings.append(f"--{name} {getattr(self, name)} is more than the {size} {split} items of task "
                                f"{task_name}; the run uses all {size} and records --{name} {size}")
        return replace(self, **cuts), warnings

    def sample_warnings(self) -> list[str]:
        warnings = []
        if self.test_samples < MIN_MEANINGFUL_SAMPLES:
            warnings.append(f"--test_samples {self.test_samples} is under {MIN_MEANINGFUL_SAMPLES}: before/after "
                            "differences at this size are mostly noise")
        if self.run_validation and self.eval_samples < MIN_MEANINGFUL_SAMPLES:
            warnings.append(f"--eval_samples {self.eval_samples} is under {MIN_MEANINGFUL_SAMPLES}: accept/revert "
                            "decisions at this size are close to coin flips")
        return warnings


def _fmt(weight: float) -> str:
    return f"{weight:g}"


def add_switch(parser: argparse.ArgumentParser, name: str, default: bool, help_text: str) -> None:
    """--NAME / --no_NAME, spelled with underscores like every other flag."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(f"--{name}", dest=name, action="store_true", default=default,
                       help=f"{help_text} (default: {'on' if default else 'off'})")
    group.add_argument(f"--no_{name}", dest=name, action="store_false", help=f"turn off --{name}")


def add_ladder_arguments(parser: argparse.ArgumentParser) -> None:
    """The thinking-setting ladder of the joint search (the same flags as budget-sweep)."""
    parser.add_argument("--budgets", nargs="+", default=None, metavar="N",
                        help="thinking ladder in tokens, cheapest first (0 = off; default: off 1024 2048 4096 8192 "
                             "16000 as the model allows); the run starts on its richest rung unless --thinking_budget "
                             "names another rung")
    parser.add_argument("--efforts", nargs="+", default=None, metavar="LEVEL",
                        help="thinking ladder of effort levels, cheapest first (off low medium high xhigh max)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--thinking_search", dest="thinking_search", action="store_const", const=True, default=None,
                       help="search the thinking setting along the ladder together with the prompt (default: on, "
                            "except with --no_thinking_enabled and no --budgets/--efforts)")
    group.add_argument("--no_thinking_search", dest="thinking_search", action="store_const", const=False,
                       help="prompt-only search: keep the starting thinking setting fixed")


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or new_parser(
        "balanced_prompt_optimization.py",
        "Optimize a system prompt with TextGrad for accuracy and billed-token efficiency.")
    d = OptimizeConfig()
    add_flag(parser, "task", default=d.task)
    parser.add_argument("--optimizer_model", default=None,
                        help="engine for feedback and TGD calls (default: the answer model, thinking off)")
    parser.add_argument("--optimizer_max_tokens", type=int, default=None,
                        help="max output tokens of each feedback and TGD call (default: the engine's)")
    add_flag(parser, "system_prompt", help="starting system prompt (overrides the task's)")
    add_flag(parser, "prompt_file", help="file holding the starting system prompt (UTF-8)")
    parser.add_argument("--batch_size", type=int, default=d.batch_size, help="training items per step")
    parser.add_argument("--max_epochs", type=int, default=d.max_epochs, help="epochs of optimization")
    parser.add_argument("--steps_per_epoch", type=int, default=d.steps_per_epoch, help="optimizer steps per epoch")
    parser.add_argument("--accuracy_weight", type=float, default=d.accuracy_weight,
                        help="relative chance that an epoch focuses on accuracy")
    parser.add_argument("--efficiency_weight", type=float, default=d.efficiency_weight,
                        help="relative chance that an epoch focuses on billed-token efficiency")
    add_flag(parser, "num_threads", default=d.num_threads)
    parser.add_argument("--eval_samples", type=int, default=d.eval_samples,
                        help="validation items used for every accept/revert decision (fixed subset)")
    parser.add_argument("--test_samples", type=int, default=d.test_samples,
                        help="held-out test items for the initial and final metrics (same subset)")
    parser.add_argument("--thinking_budget", type=int, default=None,
                        help="manual thinking budget in tokens (>= 1024 and < max_tokens)")
    add_switch(parser, "thinking_enabled", d.thinking_enabled, "use extended thinking for answers")
    parser.add_argument("--effort", default=None, choices=EFFORT_LEVELS,
                        help="adaptive thinking with this effort level (models that support it)")
    parser.add_argument("--max_tokens", type=int, default=None, help="max output tokens per answer")
    add_ladder_arguments(parser)
    add_switch(parser, "run_validation", d.run_validation,
               "validate each candidate prompt and revert when it does not improve")
    parser.add_argument("--accuracy_tolerance", type=float, default=d.accuracy_tolerance,
                        help="accuracy an efficiency step may lose on validation (absolute)")
    parser.add_argument("--token_tolerance", type=float, default=d.token_tolerance,
                        help="relative token increase an accuracy step may add on validation")
    add_flag(parser, "seed", default=d.seed)
    add_flag(parser, "output_dir", default=d.output_dir, help="where run directories go")
    add_flag(parser, "resume", help="continue this configuration's unfinished run")
    add_flag(parser, "dry_run", help="print planned calls and a cost ceiling; call nothing")
    parser.add_argument("--pilot", type=int, default=None, metavar="N",
                        help="with --dry_run: answer N validation items (paid, cached for the run) and project the "
                             "expected cost from them")
    add_flag(parser, "yes", help="run a paid model without --max_cost and without asking (default: ask, or exit 2 "
                                 "when not interactive)")
    add_flag(parser, "quiet", help="no progress display")
    add_runtime_arguments(parser, default_model=DEFAULT_MODEL)
    from ..batches.options import add_batch_arguments

    add_batch_arguments(parser, what="the initial and final test subsets and the initial validation",
                        validation=True)
    return parser


def resolve_thinking(config: OptimizeConfig, caps: Capabilities) -> Thinking:
    """Turn the thinking flags into one thinking mode the model supports."""
    if not config.thinking_enabled:
        if config.thinking_budget is not None or config.effort is not None:
            raise UsageError("--no_thinking_enabled conflicts with --thinking_budget/--effort; drop one of them")
        return Thinking.off()
    if config.effort is not None:
        return Thinking.adaptive(config.effort)
    if config.thinking_budget is not None:
        return Thinking.budget(config.thinking_budget)
    return caps.default_thinking()
