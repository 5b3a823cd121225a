"""What a run records of its evaluations: per-version records, the before/after comparison, the front.

Every value here is a typed record of `records.run` (the file's own models), built whole and validated."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tasks.core import Item

from .. import __version__
from ..experiment.answering import ItemResult, summarize
from ..records.run import (ResumableRun, SavedComparison, SavedEvaluation, SavedMcNemar, SavedPareto,
                           SavedPromptVersion, SavedStats, SavedStep)
from ..stats import mcnemar_exact, paired_bootstrap_diff, pareto_front
from .config import OptimizeConfig
from .ladder_stage import pair_front

if TYPE_CHECKING:
    from .run_plan import Plan


def compare(initial: list[ItemResult], final: list[ItemResult]) -> SavedComparison:
    """Paired comparison of the same test items under the initial and final prompts."""
    before = summarize(initial)
    after = summarize(final)
    mcnemar = mcnemar_exact([i.correct for i in initial], [f.correct for f in final])
    tokens = paired_bootstrap_diff([i.output_tokens for i in initial], [f.output_tokens for f in final])
    reduction = before.mean_output_tokens - after.mean_output_tokens
    return SavedComparison(
        n=len(initial),
        accuracy_delta=after.accuracy - before.accuracy,
        mcnemar=SavedMcNemar(b=mcnemar.b, c=mcnemar.c, p_value=mcnemar.p_value),
        token_reduction=reduction,
        token_reduction_pct=(reduction / before.mean_output_tokens * 100) if before.mean_output_tokens else 0.0,
        token_diff_bootstrap={"mean": tokens.mean_diff, "low": tokens.low, "high": tokens.high, "confidence": 0.95},
    )


def evaluation_record(version: int, results: list[ItemResult]) -> SavedEvaluation:
    return SavedEvaluation(prompt_version=version, summary=summarize(results), items=list(results))


def pareto_record(validation: dict[str, SavedEvaluation], pair_validation: dict[str, SavedEvaluation]) -> SavedPareto:
    """The accuracy/tokens front of the prompt versions validated on the whole validation subset,
    and the front of the (prompt, thinking rung) pairs."""
    validated = sorted(int(v) for v, record in validation.items() if record.complete)
    if validated:
        points = [(validation[str(v)].summary.accuracy, validation[str(v)].summary.mean_output_tokens)
                  for v in validated]
        front = [validated[i] for i in pareto_front(points)]
        return SavedPareto(basis="validation", versions=validated, front=front, pairs=pair_front(pair_validation))
    return SavedPareto(basis="none (run without validation)", versions=[], front=[], pairs=[])


def new_summary(plan: Plan, config: OptimizeConfig) -> ResumableRun:
    """The summary a new run starts from (checkpoint 0: nothing evaluated yet)."""
    task = plan.task
    return ResumableRun.build(
        promptbudget_version=__version__,
        run_id=plan.run_id,
        status="running",
        error=None,
        created_at=time.time(),
        updated_at=time.time(),
        config={k: v for k, v in config.to_dict().items() if k not in ("resume", "dry_run", "yes", "quiet")},
        identity=config.identity(plan.starting_prompt),
        task={"name": config.task, "train": len(task.train), "val": len(task.val), "test": len(task.test),
              "val_ids": [i.id for i in plan.val_items], "test_ids": [i.id for i in plan.test_items]},
        engines={"answer": plan.answer.model_string, "optimizer": plan.optimizer.model_string,
                 "thinking": plan.answer.thinking.to_dict(), "max_tokens": plan.answer.max_tokens},
        warnings=plan.warnings,
        total_steps=plan.total_steps,
        checkpoint=0,
        prompts=[SavedPromptVersion(version=0, text=plan.starting_prompt, parent=None, step=None, accepted=True)],
        current_version=0,
        validation={},
        ladder=[rung.to_dict() for rung in plan.ladder],
        start_rung=plan.start_rung,
        current_rung=plan.start_rung,
        pair_validation={},
        ladder_stage=None,
        initial=None,
        steps=[],
        final=None,
        pareto=None,
        ledger=None,
    )


def step_record(index: int, epoch: int, step: int, focus: str, version: int, batch: list[Item],
                results: list[ItemResult], batch_summary: SavedStats, rung: int) -> SavedStep:
    """A step's record before its move is made: the training batch as the current setting answered it."""
    return SavedStep(
        index=index, epoch=epoch, step=step, focus=focus,
        prompt_version=version,
        batch_ids=[item.id for item in batch],
        batch=list(results),
        batch_summary=batch_summary,
        losses=[], feedback=[], optimizer_error=None,
        candidate_version=None, minibatch_gate=None, candidate_validation=None,
        rung=rung,
    )


def validation_cache(summary: ResumableRun, start_rung: int) -> dict[tuple[int, int], list[ItemResult]]:
    """Validation results by (prompt version, rung) from a saved summary."""
    records = summary.pair_validation or {f"{k}|{start_rung}": v for k, v in summary.validation.items()}
    cache = {}
    for key, record in records.items():
        version, rung = key.split("|")
        cache[(int(version), int(rung))] = list(record.items)
    return cache
