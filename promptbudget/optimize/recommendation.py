"""What a finished run hands over: the prompt and thinking setting to ship, and what they cost.

`recommendation(summary)` reads a completed run record and returns the decision: the chosen
system prompt, the thinking and max_tokens parameters exactly as `client.messages.create`
takes them, the test metrics they were measured on, and the expected cost per 1,000 requests
(measured per item on the final test, at list price and at the Message Batches price).
`write_recommendation` puts it in the run directory as `best_prompt.txt` (usable as
`--prompt_file`) and `recommendation.json`; `final_lines` is what the run prints last.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..engines.types import Thinking
from ..errors import UsageError
from ..jsonio import write_text_atomic
from ..records import Recommendation, RunSummary, read_record, write_record
from ..records.results import RecommendationMetrics
from ..records.run import SavedItem

RECOMMENDATION_SCHEMA = Recommendation.schema_name()
BEST_PROMPT = "best_prompt.txt"
RECOMMENDATION = "recommendation.json"
BATCH_DISCOUNT = 0.5
"""Message Batches bill every token at half the list price (docs/claude_api.md)."""


def create_params(model: str, system: str, max_tokens: int, thinking: Thinking) -> dict[str, Any]:
    """Keyword arguments for `client.messages.create` (without `messages`)."""
    params: dict[str, Any] = {"model": model, "max_tokens": max_tokens, "system": system}
    if thinking.mode == "budget":
        params["thinking"] = {"type": "enabled", "budget_tokens": thinking.budget_tokens}
    elif thinking.mode == "adaptive":
        params["thinking"] = {"type": "adaptive"}
        params["output_config"] = {"effort": thinking.effort}
    else:
        params["thinking"] = {"type": "disabled"}
    return params


def chosen_setting(summary: RunSummary) -> tuple[Thinking, int]:
    """The thinking setting and max_tokens of the final pair (the run's own when no ladder chose one)."""
    final, engines = summary.final, summary.engines
    run_thinking = engines.thinking.to_json() if engines and engines.thinking else None
    thinking = (final.thinking if final else None) or run_thinking or {"mode": "off"}
    max_tokens = (final.max_tokens if final else None) or (engines.max_tokens if engines else None)
    return Thinking.from_dict(thinking), int(max_tokens)


def cost_per_thousand(items: Sequence[SavedItem]) -> dict[str, float] | None:
    """Expected USD per 1,000 requests from the measured per-item cost; None when a price is unknown."""
    costs = [item.cost_usd for item in items]
    if not costs or any(cost is None for cost in costs):
        return None
    list_usd = sum(costs) / len(costs) * 1000
    return {"list_usd": list_usd, "batch_usd": list_usd * BATCH_DISCOUNT}


def recommendation(summary: RunSummary, run_dir: str | Path) -> Recommendation:
    """The decision of a completed run. A run that did not complete raises UsageError."""
    final = summary.final
    if summary.status != "completed" or not final:
        raise UsageError(f"run {summary.run_id} did not complete (status {summary.status!r}); finish it with "
                         "--resume before exporting its recommendation")
    test = final.test
    version = test.prompt_version
    system = summary.prompts[version].text
    thinking, max_tokens = chosen_setting(summary)
    engine = summary.engines.answer if summary.engines else None
    if engine is None:
        raise UsageError(f"run {summary.run_id} records no answer engine ('engines.answer'); run it again")
    model = engine.split("/", 1)[1] if "/" in engine else engine
    validation = summary.validation.get(str(version))
    items = test.items
    return Recommendation.build(
        run_id=summary.run_id,
        run_dir=str(run_dir),
        task=summary.task.name,
        engine=engine,
        model=model,
        prompt_version=version,
        system=system,
        thinking=thinking.to_dict(),
        thinking_setting=thinking.describe(),
        max_tokens=max_tokens,
        create_params=create_params(model, system, max_tokens, thinking),
        metrics=RecommendationMetrics(
            test=test.summary, validation=None if validation is None else validation.summary,
            comparison_with_start=None if final.comparison is None else final.comparison.to_json(),
            mean_input_tokens=sum(i.input_tokens for i in items) / len(items) if items else None),
        cost_per_1000_requests=cost_per_thousand(items),
        warnings=list(summary.warnings),
    )


def write_recommendation(summary: RunSummary, run_dir: str | Path) -> Recommendation:
    """Write best_prompt.txt and recommendation.json into the run directory; returns the record."""
    run_dir = Path(run_dir)
    record = recommendation(summary, run_dir)
    write_text_atomic(run_dir / BEST_PROMPT, record.system + "\n")
    write_record(run_dir / RECOMMENDATION, record)
    return record


def load_run_summary(path: str | Path) -> tuple[RunSummary, Path]:
    """A run's summary.json from its directory or the file itself, validated as a `RunSummary`
    record; UsageError when it is not one."""
    path = Path(path)
    file = path / "summary.json" if path.is_dir() else path
    if not file.exists():
        raise UsageError(f"no run found at {path}: give a run directory (holding summary.json) or a sweep "
                         "directory (holding sweep_summary.json)")
    return read_record(file, RunSummary), file.parent


def final_lines(record: Recommendation) -> str:
    """The run's last lines: the prompt in full, the setting, accuracy with its CI, tokens and cost."""
    test = record.metrics.test
    cost = record.cost_per_1000_requests
    if cost is None:
        cost_text = "unknown (the model has no price; pass --prices FILE)"
    else:
        cost_text = f"${cost['list_usd']:.4f} at list price, ${cost['batch_usd']:.4f} with Message Batches"
    rule = "-" * 72
    return "\n".join([
        rule,
        f"final system prompt (version {record.prompt_version}):",
        record.system,
        rule,
        f"thinking: {record.thinking_setting}, max_tokens {record.max_tokens} ({record.engine})",
        f"test accuracy {test.accuracy:.3f} (95% CI {test.accuracy_low:.3f} to {test.accuracy_high:.3f}, "
        f"n={test.n}), mean billed output tokens {test.mean_output_tokens:.1f}",
        f"expected cost per 1,000 requests: {cost_text}",
    ])
