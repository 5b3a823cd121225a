"""What an optimize run is set to do, worked out from its settings before any call or write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..engines import RoleEngine, Thinking
from ..errors import UsageError
from ..experiment.model_warnings import engine_warnings
from ..experiment.subsets import fixed_subset
from ..runtime import Runtime
from ..task_loader import load_task_or_usage_error
from .config import OptimizeConfig, resolve_thinking
from .ladder import Rung, build_ladder, parse_settings, rung_index
from .prompt_check import format_warning

if TYPE_CHECKING:
    from tasks.core import Item, Task

    from ..engines.base import Engine


@dataclass
class Plan:
    task: Task
    starting_prompt: str
    run_id: str
    run_dir: Path
    answer: RoleEngine
    feedback: RoleEngine
    optimizer: RoleEngine
    val_items: list[Item]
    test_items: list[Item]
    total_steps: int
    warnings: list[str]
    ladder: list[Rung] = field(default_factory=list)
    start_rung: int = 0


def make_plan(config: OptimizeConfig, runtime: Runtime) -> tuple[OptimizeConfig, Plan]:
    """The settings fitted to the task's splits, and the plan. UsageError for anything the run cannot do."""
    task = load_task_or_usage_error(config.task)
    config, warnings = config.fitted_to(config.task, len(task.val), len(task.test))
    starting_prompt = config.starting_prompt(task.instruction)
    answer_engine = runtime.engine(config.model)
    ladder, start = thinking_ladder(config, answer_engine)
    answer = answer_engine.for_role("answer", max_tokens=ladder[start].max_tokens, thinking=ladder[start].thinking)
    helper_engine = runtime.engine(config.optimizer_model or config.model)
    feedback = helper_engine.for_role("feedback", max_tokens=config.optimizer_max_tokens)
    optimizer = helper_engine.for_role("optimizer", max_tokens=config.optimizer_max_tokens)
    if not task.train:
        raise UsageError(f"task {config.task} has no training items")
    if config.run_validation and not task.val:
        raise UsageError(f"task {config.task} has no validation items; use --no_run_validation")
    if not task.test:
        raise UsageError(f"task {config.task} has no test items")
    val_items = fixed_subset(task.val, config.eval_samples, f"{config.seed}:val")
    test_items = fixed_subset(task.test, config.test_samples, f"{config.seed}:test")
    warnings += config.sample_warnings()
    if config.custom_prompt is not None or config.prompt_file is not None:
        warnings += [w for w in [format_warning(starting_prompt, task)] if w]
    warnings += engine_warnings(answer_engine)
    run_id = config.run_id(starting_prompt)
    return config, Plan(task, starting_prompt, run_id, Path(config.output_dir) / run_id, answer, feedback, optimizer,
                        val_items, test_items, config.max_epochs * config.steps_per_epoch, warnings, ladder, start)


def thinking_ladder(config: OptimizeConfig, engine: Engine) -> tuple[list[Rung], int]:
    """The joint search's rungs and the one the run starts on.

    By default the ladder comes from the model's capabilities and the starting setting is one of
    its rungs. With --budgets/--efforts the ladder is exactly what was asked for: the run starts on
    the setting --thinking_budget/--effort/--no_thinking_enabled names, which must be a rung, or
    else on the richest rung. --no_thinking_search, or thinking off without a ladder flag, keeps
    one rung: the starting setting (a prompt-only search)."""
    caps = engine.capabilities()
    settings = parse_settings(config.budgets, config.efforts)
    if settings is not None and config.thinking_search is False:
        raise UsageError("--budgets/--efforts set the joint search's ladder; drop them or drop --no_thinking_search")
    thinking = resolve_thinking(config, caps)

    def cap(t: Thinking) -> int:
        return config.max_tokens or engine.default_max_tokens(t)

    if config.thinking_search is False or (settings is None and not config.thinking_enabled
                                          and config.thinking_search is None):
        return [Rung(thinking, cap(thinking))], 0
    explicit = config.thinking_budget is not None or config.effort is not None or not config.thinking_enabled
    if settings is not None and thinking not in settings:
        if explicit:
            raise UsageError(_off_the_ladder(thinking, settings))
        thinking = settings[-1]
    ladder = build_ladder(settings, thinking, caps, engine.model_string, cap)
    return ladder, rung_index(ladder, thinking)


def _off_the_ladder(start: Thinking, settings: list[Thinking]) -> str:
    modes = {s.mode for s in settings} - {"off"}
    if start.mode != "off" and modes and start.mode not in modes:
        return ("a ladder holds either manual budgets or effort levels, not both: the starting setting is "
                f"'{start.describe()}'; give --budgets with --thinking_budget or --efforts with --effort")
    flag = "--efforts" if "adaptive" in modes | {start.mode} else "--budgets"
    return (f"the starting setting '{start.describe()}' is not on the ladder {' '.join(s.describe() for s in settings)}; "
            f"add it to {flag} or drop the flag that sets it, and the run starts on the richest rung")
