"""Planning a sweep: each setting as sent to the model, output paths, and the checks made before any call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...cli_support import check_output_path
from ...engines import Engine, RoleEngine, Thinking
from ...engines.capabilities import Capabilities
from ...errors import UsageError
from ...experiment.model_warnings import engine_warnings
from ...experiment.slugs import slug
from ...runtime import Runtime
from ...stats import min_samples_warning
from ..allocator import Setting, parse_budget_list, parse_effort_list
from ..classifier import ComplexityClassifier, default_classifier_model
from .config import ADAPTIVE_ALLOWANCE, DEFAULT_SWEEP_BUDGETS, SweepConfig
from .items import load_items_source, read_system_prompt

if TYPE_CHECKING:
    from tasks.core import Item, ItemSource


@dataclass
class PlannedSetting:
    setting: Setting
    thinking: Thinking
    """What is actually sent (thinking off for every budget under a "max_tokens cap")."""
    max_tokens: int
    engine: RoleEngine

    def to_dict(self) -> dict[str, Any]:
        return {**self.setting.to_dict(), "thinking": self.thinking.to_dict(), "max_tokens": self.max_tokens}


ENFORCEMENT_NOTES = {
    "api budget_tokens": "the API's manual thinking budget (budget_tokens); max_tokens = budget + answer tokens",
    "adaptive effort": "adaptive thinking with an effort level; the model decides how much to think",
    "forced stop": "the local model's <think> block is closed at the budget and the model then answers",
    "simulated": "the mock engine simulates thinking tokens and accuracy by budget",
    "max_tokens cap": ("the model cannot think: thinking is off at every budget, and a budget only raises the "
                       "output cap (max_tokens = budget + answer tokens); differences between budgets come from "
                       "truncation alone"),
}


def _enforcement(engine: Engine, kind: str, caps: Capabilities) -> str:
    if engine.engine_name == "mock":
        return "simulated"
    if kind == "effort":
        return "adaptive effort"
    if not caps.thinking_budget:
        return "max_tokens cap"
    return "forced stop" if engine.engine_name == "local" else "api budget_tokens"


def _requested_settings(config: SweepConfig, caps: Capabilities, model: str, warnings: list[str]) -> list[Setting]:
    """The settings asked for (or the defaults), in the form the model takes."""
    explicit = config.budgets is not None
    if config.efforts is not None:
        settings = parse_effort_list(list(config.efforts))
        if any(s.thinking_on for s in settings) and not caps.thinking_adaptive:
            raise UsageError(f"{model} has no adaptive thinking (effort levels); sweep --budgets instead")
    else:
        settings = parse_budget_list(list(config.budgets) if explicit else list(DEFAULT_SWEEP_BUDGETS))
        if not caps.thinking_budget and caps.thinking_adaptive:
            levels = " ".join(caps.effort_levels)
            if explicit:
                raise UsageError(f"{model} only takes adaptive thinking and rejects a manual budget; "
                                 f"sweep --efforts {'off ' if caps.thinking_off else ''}{levels} instead")
            settings = ([Setting("effort", "off")] if caps.thinking_off else []) + \
                [Setting("effort", level) for level in caps.effort_levels]
            warnings.append(f"{model} only takes adaptive thinking: sweeping effort levels "
                            f"({', '.join(s.label for s in settings)}) instead of budgets")
    given = config.efforts if config.efforts is not None else config.budgets
    if given is not None and len(settings) < len(given):
        warnings.append(f"repeated settings in {'--efforts' if config.efforts is not None else '--budgets'} "
                        f"{' '.join(map(str, given))}: each is swept once ({', '.join(s.label for s in settings)})")
    return settings


def plan_settings(config: SweepConfig, engine: Engine, caps: Capabilities, warnings: list[str],
                  settings: list[Setting] | None = None) -> tuple[str, str, list[PlannedSetting]]:
    """(kind, enforcement, settings): every setting validated against the model before any call.

    `settings` overrides the flags (the case study's candidates); they are then treated as given.
    """
    model = engine.model_string
    explicit = config.budgets is not None or settings is not None
    if settings is None:
        settings = _requested_settings(config, caps, model, warnings)
    kind = settings[0].kind
    enforcement = _enforcement(engine, kind, caps)
    if enforcement == "max_tokens cap":
        warnings.append(f"{model}: {ENFORCEMENT_NOTES['max_tokens cap']}")
    planned: list[PlannedSetting] = []
    for setting in settings:
        if setting.kind == "effort" and setting.thinking_on:
            thinking = setting.thinking()
            max_tokens = ADAPTIVE_ALLOWANCE + config.answer_tokens
            if caps.max_tokens is not None:
                max_tokens = min(max_tokens, caps.max_tokens)
        else:
            thinking = Thinking.off() if enforcement == "max_tokens cap" else setting.thinking()
            max_tokens = setting.tier + config.answer_tokens
            if caps.max_tokens is not None and max_tokens > caps.max_tokens:
                message = (f"budget {setting.label} needs max_tokens {max_tokens} (budget + --answer_tokens "
                           f"{config.answer_tokens}), over {model}'s limit of {caps.max_tokens}")
                if explicit:
                    raise UsageError(f"{message}; drop it from --budgets or lower --answer_tokens")
                warnings.append(f"{message}: left out of the default budgets")
                continue
        planned.append(PlannedSetting(setting, thinking, max_tokens,
                                      engine.for_role("answer", max_tokens=max_tokens, thinking=thinking)))
    if not planned:
        raise UsageError(f"no budget fits {model}'s output limit of {caps.max_tokens} tokens with --answer_tokens "
                         f"{config.answer_tokens}; pass smaller --budgets or lower --answer_tokens")
    return kind, enforcement, planned


@dataclass
class BudgetSweepPlan:
    config: SweepConfig
    task: ItemSource
    task_name: str
    graded: bool
    system_prompt: str
    items: dict[str, list[Item]]
    """Items per split, in the order they are swept (learn split first)."""
    answer_engine: Engine
    classifier: ComplexityClassifier
    kind: str
    enforcement: str
    settings: list[PlannedSetting]
    output: Path
    policy_output: Path | None
    warnings: list[str] = field(default_factory=list)

    @property
    def total_calls(self) -> int:
        unique = {item.id for items in self.items.values() for item in items}
        return len(unique) + len(self.settings) * sum(len(v) for v in self.items.values())


def make_plan(config: SweepConfig, runtime: Runtime,
              choose_settings: Callable[[Engine, Capabilities], list[Setting]] | None = None) -> BudgetSweepPlan:
    """Everything the sweep will do, checked before any model call or file write.

    `choose_settings(engine, capabilities)` replaces --budgets / --efforts (the case study's candidates).
    """
    config.validate()
    task, graded = load_items_source(config)
    system_prompt = read_system_prompt(config, task.instruction)
    warnings: list[str] = []
    items = _choose_items(config, task, warnings)
    if not graded:
        warnings.append("the prompts have no answers: accuracy is n/a and no policy is learned")
    answer_engine = runtime.engine(config.model)
    caps = answer_engine.capabilities()
    wanted = choose_settings(answer_engine, caps) if choose_settings is not None else None
    kind, enforcement, settings = plan_settings(config, answer_engine, caps, warnings, wanted)
    warnings[:0] = engine_warnings(answer_engine)
    classifier_spec = config.classifier_model or default_classifier_model(
        config.model, answer_engine.engine_name, base_url=config.base_url)
    classifier = ComplexityClassifier(runtime.engine(classifier_spec))
    prefix = "budget_case_study" if config.case_study else "budget_sweep"
    name = f"{slug(task.name)}_{slug(config.model)}"
    output = Path(config.output) if config.output else Path("results") / f"{prefix}_{name}.json"
    check_output_path(output, "--output")
    policy_output = None
    if graded and not config.no_policy and not config.case_study:
        policy_output = Path(config.policy_output) if config.policy_output else default_policy_path(output)
        check_output_path(policy_output, "--policy_output")
        if policy_output.resolve() == output.resolve():
            raise UsageError("--policy_output and --output name the same file")
    return BudgetSweepPlan(config, task, task.name, graded, system_prompt, items, answer_engine, classifier, kind,
                     enforcement, settings, output, policy_output, warnings)


def _choose_items(config: SweepConfig, task: ItemSource, warnings: list[str]) -> dict[str, list[Item]]:
    """Items per split, learn split first; a case study takes the first item of --split only."""
    splits = [s for s in (config.learn_split, config.split) if s is not None]
    limit = 1 if config.case_study else config.samples
    items: dict[str, list[Item]] = {}
    for split in splits:
        chosen = list(task.split(split))[:limit]
        if not chosen:
            hint = " (give every prompt a 'split')" if config.prompts is not None else ""
            raise UsageError(f"{task.name} has no items in split {split!r}{hint}")
        items[split] = chosen
        warning = None if config.case_study else min_samples_warning(len(chosen))
        if warning:
            warnings.append(f"split {split}: {warning}")
    return items


def default_policy_path(output: Path) -> Path:
    """results/budget_sweep_X.json -> results/budget_policy_X.json; other names get `.policy.json`."""
    if output.stem.startswith("budget_sweep"):
        return output.with_name("budget_policy" + output.stem[len("budget_sweep"):] + ".json")
    return output.with_name(output.stem + ".policy.json")


