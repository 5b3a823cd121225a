"""The budget sweep: answer the same items at every thinking budget (or effort level) and measure.

Per setting: accuracy with a 95% Wilson CI, thinking tokens against the budget, the truncation
rate (stop_reason max_tokens), latency p50/p95, cost, tokens per correct answer and accuracy per
dollar. Every item's complexity is classified once (role `classifier`), so the records can be
grouped per class, a policy learned from one split and the allocator evaluated on another.

How a budget reaches the model (`enforcement` in the results):
* "api budget_tokens": Claude's manual budget (max_tokens = budget + --answer_tokens);
* "adaptive effort": Claude's adaptive thinking with an effort level;
* "forced stop": a local model that thinks in <think> tags, cut at the budget;
* "simulated": the mock engine;
* "max_tokens cap": a model that cannot think (e.g. SmolLM2): thinking stays off and a budget
  only raises the output cap to budget + --answer_tokens. Such a sweep measures the pipeline,
  not the value of thinking.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..engines import Engine, RoleEngine, Thinking
from ..engines.capabilities import Capabilities
from ..errors import BudgetExceeded, EngineError, UsageError
from ..prompt_file import read_prompt_file
from ..ledger import CallRecord, call_scope
from ..optimize.evaluate import ItemResult, answer_items
from ..runtime import Runtime, RuntimeConfig
from ..stats import min_samples_warning, pareto_front, proportion
from .allocator import (DEFAULT_ANSWER_TOKENS, DEFAULT_MARGIN, DEFAULT_MIN_ITEMS, Policy, Setting, learn_policy,
                        parse_budget_list, parse_effort_list)
from .classifier import COMPLEXITY_CLASSES, Classification, ComplexityClassifier, default_classifier_model
from .evaluation import evaluate_allocator

SWEEP_SCHEMA = "promptbudget.budget_sweep/1"
DEFAULT_MODEL = "claude-sonnet-4-5-20250929"
DEFAULT_SWEEP_BUDGETS = (0, 1024, 2048, 4096, 8192, 16384)
DEFAULT_SAMPLES = 30
ADAPTIVE_ALLOWANCE = 16384
"""Thinking room given to adaptive settings: max_tokens = this + --answer_tokens (capped by the model)."""
SPLITS = ("train", "val", "test")
METRICS = {
    "accuracy": "share of items answered correctly, with a 95% Wilson interval (accuracy_low, accuracy_high)",
    "budget_use": "mean thinking tokens / thinking budget (None when the engine does not report thinking tokens)",
    "output_cap_use": "mean billed output tokens / max_tokens",
    "truncation_rate": "share of answers that stopped at max_tokens (stop_reason max_tokens)",
    "latency_p50_s, latency_p95_s": ("seconds per answer call as the engine measured it; a cache hit keeps the "
                                     "latency of the call that filled the cache"),
    "cost_usd": "sum of the items' costs at the price table's rates (cache hits included at their original cost)",
    "tokens_per_correct": "billed output tokens (thinking included) / correct answers",
    "accuracy_per_dollar": ("correct answers per USD = accuracy / cost per item; None for free or unpriced "
                            "engines (never infinity)"),
    "pareto": "on the accuracy / cost front (cost = USD per item when priced, else billed output tokens per item)",
}


@dataclass(frozen=True)
class SweepConfig:
    task: str | None = None
    prompts: str | None = None
    scorer: str = "exact"
    model: str = DEFAULT_MODEL
    classifier_model: str | None = None
    system_prompt: str | None = None
    prompt_file: str | None = None
    budgets: tuple[str, ...] | None = None
    efforts: tuple[str, ...] | None = None
    samples: int = DEFAULT_SAMPLES
    split: str = "test"
    learn_split: str | None = None
    num_threads: int = 4
    answer_tokens: int = DEFAULT_ANSWER_TOKENS
    margin: float = DEFAULT_MARGIN
    min_class_items: int = DEFAULT_MIN_ITEMS
    output: str | None = None
    policy_output: str | None = None
    no_policy: bool = False
    quiet: bool = False
    base_url: str | None = None
    max_cost: float | None = None
    prices: str | None = None
    cache_dir: str | None = None
    no_cache: bool = False

    def runtime(self) -> RuntimeConfig:
        return RuntimeConfig.of(self)

    def validate(self) -> None:
        if (self.task is None) == (self.prompts is None):
            raise UsageError("give exactly one of --task or --prompts")
        if self.budgets is not None and self.efforts is not None:
            raise UsageError("give either --budgets or --efforts, not both")
        if self.budgets is not None:
            parse_budget_list(list(self.budgets))
        if self.efforts is not None:
            parse_effort_list(list(self.efforts))
        if self.system_prompt is not None and self.prompt_file is not None:
            raise UsageError("give either --system_prompt or --prompt_file, not both")
        if self.system_prompt is not None and not self.system_prompt.strip():
            raise UsageError("--system_prompt is empty")
        for name in ("samples", "num_threads", "answer_tokens", "min_class_items"):
            if getattr(self, name) < 1:
                raise UsageError(f"--{name} must be at least 1 (got {getattr(self, name)})")
        for name in ("split", "learn_split"):
            value = getattr(self, name)
            if value is not None and value not in SPLITS:
                raise UsageError(f"--{name} must be one of {', '.join(SPLITS)} (got {value!r})")
        if self.learn_split is not None and self.learn_split == self.split:
            raise UsageError(f"--learn_split and --split are both {self.split!r}; a held-out evaluation needs two "
                             "different splits (drop --learn_split to learn and report on one split)")
        if not (math.isfinite(self.margin) and 0 <= self.margin <= 1):
            raise UsageError(f"--margin must be between 0 and 1 (got {self.margin})")
        self.runtime().validate()


# --------------------------------------------------------------------------- #
# Items: a task, or a JSONL of prompts
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class PromptItem:
    id: str
    question: str
    answer: str


class _UngradedScorer:
    """Stands in for a scorer when prompts have no answers: nothing is graded."""

    def __init__(self, scorer: Any):
        self.name = f"ungraded ({scorer.name})"
        self._scorer = scorer

    def score(self, response: str, gold: str, *, truncated: bool = False) -> Any:
        from tasks import Score

        return Score(False, self._scorer.extract(response, truncated=truncated), None)

    def has_answer(self, response: str, *, truncated: bool = False) -> bool:
        return self._scorer.has_answer(response, truncated=truncated)


@dataclass
class PromptSet:
    """A JSONL of prompts seen as a task (`prompt`, optional `answer`, `id`, `split`)."""

    name: str
    splits: dict[str, list[PromptItem]]
    instruction: str
    scorer: Any
    graded: bool

    def split(self, name: str) -> list[PromptItem]:
        return self.splits.get(name, [])

    def format_question(self, item: PromptItem) -> str:
        return item.question


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    """json.loads accepts NaN, Infinity and -Infinity; a prompts file must not (an answer of NaN grades nothing)."""
    raise _NonFiniteNumber(name)


def load_prompts(path: str, scorer_name: str) -> PromptSet:
    from tasks import InvalidGoldError, UnknownScorerError, get_scorer
    from tasks.instructions import instruction_for

    try:
        scorer = get_scorer(scorer_name)
    except UnknownScorerError as exc:
        raise UsageError(str(exc)) from None
    file = Path(path)
    try:
        lines = file.read_text("utf-8-sig").splitlines()  # a UTF-8 byte-order mark is allowed
    except FileNotFoundError:
        raise UsageError(f"prompts file not found: {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read prompts file {file}: {exc}") from None
    rows: list[tuple[str | None, PromptItem, bool]] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{file}, line {number}"
        try:
            record = json.loads(line, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{where}: invalid JSON ({exc.msg})") from None
        except _NonFiniteNumber as exc:
            raise UsageError(f"{where}: invalid JSON ({exc} is not a number JSON allows)") from None
        if not isinstance(record, dict):
            raise UsageError(f"{where}: expected a JSON object")
        prompt = record.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise UsageError(f"{where}: 'prompt' must be a non-empty string")
        answer = record.get("answer")
        has_gold = answer is not None
        if has_gold:
            if isinstance(answer, bool) or isinstance(answer, (int, float)):
                answer = str(answer)
            if not isinstance(answer, str) or not answer.strip():
                raise UsageError(f"{where}: 'answer' must be a non-empty string, a number or a boolean")
            try:
                scorer.normalize_gold(answer.strip())
            except InvalidGoldError as exc:
                raise UsageError(f"{where}: {exc} (scorer {scorer.name!r})") from None
        item_id = str(record.get("id", f"{file.stem}/{number}"))
        if item_id in seen:
            raise UsageError(f"{where}: duplicate id {item_id!r}")
        seen.add(item_id)
        split = record.get("split")
        if split is not None and split not in SPLITS:
            raise UsageError(f"{where}: 'split' must be one of {', '.join(SPLITS)} (got {split!r})")
        rows.append((split, PromptItem(item_id, prompt, answer.strip() if has_gold else ""), has_gold))
    if not rows:
        raise UsageError(f"prompts file {file} has no prompts")
    if len({has for _, _, has in rows}) > 1:
        raise UsageError(f"{file}: either every line or no line must have an 'answer'")
    with_split = [s for s, _, _ in rows if s is not None]
    if with_split and len(with_split) != len(rows):
        raise UsageError(f"{file}: either every line or no line must have a 'split'")
    splits: dict[str, list[PromptItem]] = {}
    for split, item, _ in rows:
        splits.setdefault(split or "test", []).append(item)
    graded = rows[0][2]
    return PromptSet(f"prompts:{file.name}", splits, instruction_for(scorer),
                     scorer if graded else _UngradedScorer(scorer), graded)


def load_items_source(config: SweepConfig) -> tuple[Any, bool]:
    """The task (or prompt set) and whether its answers can be graded."""
    if config.prompts is not None:
        prompts = load_prompts(config.prompts, config.scorer)
        return prompts, prompts.graded
    from ..optimize.loop import load_task_or_usage_error

    return load_task_or_usage_error(config.task), True


def read_system_prompt(config: SweepConfig, default: str) -> str:
    if config.system_prompt is not None:
        return config.system_prompt.strip()
    if config.prompt_file is None:
        return default
    return read_prompt_file(config.prompt_file).strip()


# --------------------------------------------------------------------------- #
# Settings as sent to one model
# --------------------------------------------------------------------------- #


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


def plan_settings(config: SweepConfig, engine: Engine, caps: Capabilities,
                  warnings: list[str]) -> tuple[str, str, list[PlannedSetting]]:
    """(kind, enforcement, settings): every setting validated against the model before any call."""
    model = engine.model_string
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


# --------------------------------------------------------------------------- #
# The plan and the run
# --------------------------------------------------------------------------- #


def slug(text: str, limit: int = 40) -> str:
    """A file-name fragment for a task or model spec: paths shrink to their stem."""
    head = ""
    for prefix in ("jsonl:", "prompts:", "mock:", "local/"):
        if text.startswith(prefix):
            head, text = ("" if prefix in ("jsonl:", "prompts:") else prefix[:-1] + "-"), text[len(prefix):]
            break
    path, sep, scorer = text.partition("::")
    if path.endswith((".json", ".jsonl", ".gguf")):
        text = Path(path).stem + (f"-{scorer}" if sep else "")
    elif "/" in path:
        # a model name such as anthropic/qwen2.5:7b keeps its dots (Path.stem would cut ".5:7b")
        text = path.rstrip("/").rsplit("/", 1)[-1] + (f"-{scorer}" if sep else "")
    return (re.sub(r"[^A-Za-z0-9_.-]+", "-", head + text).strip("-") or "x")[-limit:]


@dataclass
class SweepPlan:
    config: SweepConfig
    task: Any
    task_name: str
    graded: bool
    system_prompt: str
    items: dict[str, list[Any]]
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


def make_plan(config: SweepConfig, runtime: Runtime) -> SweepPlan:
    """Everything the sweep will do, checked before any model call or file write."""
    config.validate()
    task, graded = load_items_source(config)
    task_name = task.name
    system_prompt = read_system_prompt(config, task.instruction)
    warnings: list[str] = []
    splits = [s for s in (config.learn_split, config.split) if s is not None]
    items: dict[str, list[Any]] = {}
    for split in splits:
        chosen = list(task.split(split))[: config.samples]
        if not chosen:
            hint = " (give every prompt a 'split')" if config.prompts is not None else ""
            raise UsageError(f"{task_name} has no items in split {split!r}{hint}")
        items[split] = chosen
        warning = min_samples_warning(len(chosen))
        if warning:
            warnings.append(f"split {split}: {warning}")
    if not graded:
        warnings.append("the prompts have no answers: accuracy is n/a and no policy is learned")
    answer_engine = runtime.engine(config.model)
    caps = answer_engine.capabilities()
    kind, enforcement, settings = plan_settings(config, answer_engine, caps, warnings)
    if getattr(answer_engine, "is_tiny_default", False):
        from ..engines.local import SMALL_MODEL_WARNING

        warnings.insert(0, SMALL_MODEL_WARNING)
    classifier_spec = config.classifier_model or default_classifier_model(
        config.model, answer_engine.engine_name, base_url=config.base_url)
    classifier = ComplexityClassifier(runtime.engine(classifier_spec))
    name = f"{slug(task_name)}_{slug(config.model)}"
    output = Path(config.output) if config.output else Path("results") / f"budget_sweep_{name}.json"
    check_output_file(output, "--output")
    policy_output = None
    if graded and not config.no_policy:
        policy_output = Path(config.policy_output) if config.policy_output else default_policy_path(output)
        check_output_file(policy_output, "--policy_output")
        if policy_output.resolve() == output.resolve():
            raise UsageError("--policy_output and --output name the same file")
    return SweepPlan(config, task, task_name, graded, system_prompt, items, answer_engine, classifier, kind,
                     enforcement, settings, output, policy_output, warnings)


def check_output_file(path: Path, flag: str) -> None:
    """Refuse, before any call, a results path that could not be written when the sweep ends."""
    if not path.name or path.name in (".", ".."):
        raise UsageError(f"{flag} {path} names no file; give a file path such as results/sweep.json")
    if path.is_dir():
        raise UsageError(f"{flag} {path} is a directory; give a file path")
    parent = path.parent
    while not parent.exists():
        if parent == parent.parent:
            break
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise UsageError(f"{flag} {path}: {parent} is a file, not a directory")
    if parent.is_dir() and not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {path}: cannot write in {parent}")


def default_policy_path(output: Path) -> Path:
    """results/budget_sweep_X.json -> results/budget_policy_X.json; other names get `.policy.json`."""
    if output.stem.startswith("budget_sweep"):
        return output.with_name("budget_policy" + output.stem[len("budget_sweep"):] + ".json")
    return output.with_name(output.stem + ".policy.json")


def classify_items(plan: SweepPlan, threads: int, into: dict[str, Classification],
                   on_done: Callable[[], None] | None = None) -> None:
    """Classify every unique item once, filling `into` as calls finish (kept if the run stops)."""
    unique: dict[str, Any] = {}
    for items in plan.items.values():
        for item in items:
            unique.setdefault(item.id, item)
    lock = threading.Lock()

    def one(item: Any) -> None:
        with call_scope(phase="budget_sweep", step="classify", sample_id=item.id):
            result = plan.classifier.classify(plan.task.format_question(item))
        with lock:
            into[item.id] = result
        if on_done:
            on_done()

    if threads <= 1 or len(unique) <= 1:
        for item in unique.values():
            one(item)
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="classify") as pool:
        list(pool.map(one, unique.values()))


def item_record(item: Any, split: str, planned: PlannedSetting, result: ItemResult, call: CallRecord | None,
                complexity: str, graded: bool) -> dict[str, Any]:
    return {
        "id": item.id,
        "split": split,
        "complexity": complexity,
        "setting": planned.setting.label,
        "budget_tokens": planned.thinking.budget_tokens,
        "effort": planned.thinking.effort,
        "max_tokens": planned.max_tokens,
        "correct": result.correct if graded else None,
        "has_answer": result.has_answer,
        "extracted": result.extracted,
        "input_tokens": result.input_tokens,
        "output_tokens": result.output_tokens,
        "thinking_tokens": result.thinking_tokens,
        "stop_reason": result.stop_reason,
        "latency_s": call.latency_s if call is not None else None,
        "cost_usd": result.cost_usd,
        "cached": call.cached if call is not None else None,
    }


def answer_setting(plan: SweepPlan, runtime: Runtime, split: str, planned: PlannedSetting,
                   classifications: dict[str, Classification], records: list[dict[str, Any]],
                   on_progress: Callable[[], None] | None) -> None:
    """Answer one split at one setting, appending a record per answered item (also when the cap stops it).

    Latency and cache status come from the ledger record of each item's call, found by its
    call_scope labels (exact under threads).
    """
    label = planned.setting.label
    scope = {"phase": "budget_sweep", "split": split, "setting": label}
    answered: dict[str, ItemResult] = {}
    lock = threading.Lock()

    def on_item(result: ItemResult) -> None:
        with lock:
            answered[result.item_id] = result
        if on_progress:
            on_progress()

    items = plan.items[split]
    try:
        answer_items(plan.system_prompt, items, planned.engine, plan.task, threads=plan.config.num_threads,
                     scope=scope, on_item=on_item)
    finally:
        calls = {r.scope.get("sample_id"): r for r in runtime.ledger.records()
                 if r.role == "answer" and r.scope.get("phase") == "budget_sweep"
                 and r.scope.get("split") == split and r.scope.get("setting") == label}
        for item in items:
            if item.id in answered:
                records.append(item_record(item, split, planned, answered[item.id], calls.get(item.id),
                                           classifications[item.id].complexity, plan.graded))


def run_sweep(plan: SweepPlan, runtime: Runtime, *, on_progress: Callable[[], None] | None = None) -> dict[str, Any]:
    """Classify, answer at every setting, summarize, learn a policy and evaluate it. Returns the results.

    When the --max_cost cap stops the run, every call that finished is kept and the status is
    "stopped"; when a call fails for good (after the engine's retries), likewise with the status
    "failed". No policy is learned from an incomplete sweep.
    """
    started = time.time()
    status, error = "completed", None
    classifications: dict[str, Classification] = {}
    records: list[dict[str, Any]] = []
    try:
        classify_items(plan, plan.config.num_threads, classifications, on_progress)
        for split in plan.items:
            for planned in plan.settings:
                answer_setting(plan, runtime, split, planned, classifications, records, on_progress)
    except BudgetExceeded as exc:
        status, error = "stopped", str(exc)
    except EngineError as exc:
        status, error = "failed", str(exc)
    return build_results(plan, runtime, classifications, records, status=status, error=error,
                         elapsed_s=time.time() - started)


# --------------------------------------------------------------------------- #
# Summaries
# --------------------------------------------------------------------------- #


def pricing_status(engine: Engine) -> str:
    price = engine.price()
    if price is None:
        return "unpriced"
    return "free" if price.input == 0 and price.output == 0 else "priced"


def setting_row(planned: PlannedSetting, records: list[dict[str, Any]], graded: bool, kind: str,
                enforcement: str) -> dict[str, Any]:
    setting = planned.setting
    n = len(records)
    row: dict[str, Any] = {"setting": setting.label, "kind": kind, "tier": setting.tier,
                           "thinking_mode": planned.thinking.mode, "budget_tokens": planned.thinking.budget_tokens,
                           "effort": planned.thinking.effort, "max_tokens": planned.max_tokens, "n": n}
    if n == 0:
        return row
    if graded:
        acc = proportion([bool(r["correct"]) for r in records])
        row.update(accuracy=acc.mean, accuracy_low=acc.low, accuracy_high=acc.high, correct=acc.successes)
    else:
        row.update(accuracy=None, accuracy_low=None, accuracy_high=None, correct=None)
    output = np.array([r["output_tokens"] for r in records], dtype=float)
    thinking = [r["thinking_tokens"] for r in records if r["thinking_tokens"] is not None]
    latency = np.array([r["latency_s"] for r in records if r["latency_s"] is not None], dtype=float)
    costs = [r["cost_usd"] for r in records]
    total_cost = None if any(c is None for c in costs) else float(sum(costs))
    mean_thinking = float(np.mean(thinking)) if thinking else None
    budget = planned.thinking.budget_tokens if planned.thinking.mode == "budget" else None
    row.update(
        mean_output_tokens=float(output.mean()),
        median_output_tokens=float(np.median(output)),
        total_output_tokens=int(output.sum()),
        mean_input_tokens=float(np.mean([r["input_tokens"] for r in records])),
        mean_thinking_tokens=mean_thinking,
        max_thinking_tokens=max(thinking) if thinking else None,
        thinking_reported=len(thinking),
        budget_use=(mean_thinking / budget) if budget and mean_thinking is not None else None,
        output_cap_use=float(output.mean()) / planned.max_tokens,
        truncation_rate=sum(r["stop_reason"] == "max_tokens" for r in records) / n,
        format_rate=sum(bool(r["has_answer"]) for r in records) / n,
        latency_p50_s=float(np.percentile(latency, 50)) if latency.size else None,
        latency_p95_s=float(np.percentile(latency, 95)) if latency.size else None,
        cost_usd=total_cost,
        cost_per_item_usd=None if total_cost is None else total_cost / n,
        tokens_per_correct=(float(output.sum()) / row["correct"]) if graded and row["correct"] else None,
        accuracy_per_dollar=(row["correct"] / total_cost) if graded and total_cost else None,
        cached=sum(bool(r["cached"]) for r in records),
    )
    return row


def summarize_split(plan: SweepPlan, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [setting_row(p, [r for r in records if r["setting"] == p.setting.label], plan.graded, plan.kind,
                        plan.enforcement) for p in plan.settings]
    if plan.graded:
        points = [(r["accuracy"], _cost_axis(r)) for r in rows if r["n"] and r.get("accuracy") is not None]
        front = set(pareto_front(points)) if points else set()
        measured = [r for r in rows if r["n"] and r.get("accuracy") is not None]
        for index, row in enumerate(measured):
            row["pareto"] = index in front
    return rows


def _cost_axis(row: dict[str, Any]) -> float:
    """Cost per item when the engine is priced above zero, else mean billed output tokens."""
    cost = row.get("cost_per_item_usd")
    return float(cost) if cost else float(row.get("mean_output_tokens") or 0.0)


def build_results(plan: SweepPlan, runtime: Runtime, classifications: dict[str, Classification],
                  records: list[dict[str, Any]], *, status: str, error: str | None,
                  elapsed_s: float) -> dict[str, Any]:
    config = plan.config
    summary: dict[str, list[dict[str, Any]]] = {}
    by_class: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for split in plan.items:
        split_records = [r for r in records if r["split"] == split]
        summary[split] = summarize_split(plan, split_records)
        by_class[split] = {}
        for name in COMPLEXITY_CLASSES:
            class_records = [r for r in split_records if r["complexity"] == name]
            if class_records:
                by_class[split][name] = summarize_split(plan, class_records)
    counts = {name: 0 for name in COMPLEXITY_CLASSES}
    for classification in classifications.values():
        counts[classification.complexity] += 1
    settings = [p.setting for p in plan.settings]
    learn_split = config.learn_split or config.split
    policy: Policy | None = None
    evaluation = None
    warnings = list(plan.warnings)
    if status == "completed" and plan.graded:
        policy = learn_policy([r for r in records if r["split"] == learn_split], settings, margin=config.margin,
                              min_items=config.min_class_items,
                              source={"sweep": str(plan.output), "task": plan.task_name,
                                      "model": plan.answer_engine.model_string, "split": learn_split,
                                      "enforcement": plan.enforcement,
                                      "system_prompt_sha256": _sha(plan.system_prompt)})
        defaults = [c for c in COMPLEXITY_CLASSES if not policy.classes[c].learned and counts[c]]
        if defaults:
            warnings.append(f"too few items to learn {', '.join(defaults)} (min {config.min_class_items} per class): "
                            "kept the notebook defaults")
        classifier_costs = {i: {"cost_usd": c.cost_usd, "input_tokens": c.input_tokens,
                                "output_tokens": c.output_tokens} for i, c in classifications.items()}
        evaluation = evaluate_allocator([r for r in records if r["split"] == config.split], settings, policy,
                                        classifier_costs=classifier_costs, split=config.split,
                                        held_out=config.learn_split is not None)
    unparsed = sum(not c.parsed for c in classifications.values())
    if unparsed:
        warnings.append(f"{unparsed} of {len(classifications)} classifier replies could not be parsed: "
                        "those items count as medium")
    caps = plan.answer_engine.capabilities()
    price = plan.answer_engine.price()
    return {
        "schema": SWEEP_SCHEMA,
        "version": __version__,
        "created_at": time.time(),
        "elapsed_s": elapsed_s,
        "status": status,
        "error": error,
        "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(config).items()},
        "task": {"name": plan.task_name, "source": "prompts" if config.prompts else "task", "graded": plan.graded,
                 "system_prompt": plan.system_prompt, "system_prompt_sha256": _sha(plan.system_prompt),
                 "split": config.split, "learn_split": config.learn_split},
        "engine": {"model": plan.answer_engine.model_string, "spec": config.model,
                   "capabilities": caps.to_dict(), "enforcement": plan.enforcement,
                   "enforcement_note": ENFORCEMENT_NOTES[plan.enforcement],
                   "pricing": pricing_status(plan.answer_engine),
                   "price": None if price is None else asdict(price)},
        "classifier": {"model": plan.classifier.engine.model_string, "counts": counts, "unparsed": unparsed,
                       "items": {i: c.to_dict() for i, c in classifications.items()}},
        "kind": plan.kind,
        "settings": [p.to_dict() for p in plan.settings],
        "splits": {split: [item.id for item in items] for split, items in plan.items.items()},
        "metrics": METRICS,
        "summary": summary,
        "by_class": by_class,
        "policy": policy.to_dict() if policy else None,
        "policy_file": str(plan.policy_output) if policy and plan.policy_output else None,
        "allocator_evaluation": evaluation,
        "records": records,
        "ledger": runtime.ledger.summary(),
        "warnings": warnings,
    }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
