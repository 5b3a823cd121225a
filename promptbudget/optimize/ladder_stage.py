"""The ladder stage at the end of a joint search: the prompts on the validation Pareto front,
measured at every thinking setting, and the pair the acceptance rule keeps.

Starting from the pair the search ended on (the incumbent), each other (prompt, setting) pair is
evaluated on the validation subset and replaces the incumbent when the acceptance rule accepts
it under either focus: fewer tokens with accuracy within tolerance, or more accuracy with tokens
within tolerance. A pair at a cheaper rung than the incumbent must also pass the thinking-cut
bound (cuts.py). Evaluation stops early once neither focus could accept the pair; pairs already
evaluated during the search come from the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from ..records.run import SavedDecision, SavedLadderStage, SavedLadderTry, SavedPairChoice, SavedStats
from ..stats import pareto_front
from .acceptance import AcceptanceRule, Decision, early_format_rejection, format_guard
from .evaluate import ItemResult, summarize

Pair = tuple[int, int]
Evaluate = Callable[[int, int, Callable[[list[ItemResult]], Decision | None] | None],
                    tuple[list[ItemResult], Decision | None]]
CutCheck = Callable[[Pair, Pair, list[ItemResult], list[ItemResult]], Decision | None]
"""The thinking-cut rejection of a candidate pair against the incumbent, from their (partial) validation results."""


class PairRecord(Protocol):
    """A validation of one (prompt version, rung) pair: a run's `SavedEvaluation`, or a simulated one."""

    @property
    def complete(self) -> bool | None: ...

    @property
    def summary(self) -> SavedStats: ...


def _front(pair_records: Mapping[str, PairRecord]) -> list[tuple[int, int]]:
    """The (version, rung) pairs on the Pareto front of the complete validation records, keyed "<version>|<rung>"."""
    pairs = [(key, record.summary) for key, record in sorted(pair_records.items()) if record.complete]
    front = pareto_front([(s.accuracy, s.mean_output_tokens) for _, s in pairs])
    return [(int(pairs[i][0].split("|")[0]), int(pairs[i][0].split("|")[1])) for i in front]


def front_versions(pair_records: Mapping[str, PairRecord]) -> list[int]:
    """Prompt versions with a pair on the Pareto front of complete validation records."""
    return sorted({version for version, _ in _front(pair_records)})


def pair_front(pair_records: Mapping[str, PairRecord]) -> list[dict[str, int]]:
    return [{"version": version, "rung": rung} for version, rung in _front(pair_records)]


def _either_rejects(rule: AcceptanceRule, old: SavedStats, total: int,
                    cut: Callable[[list[ItemResult]], Decision | None]):
    def early(partial: list[ItemResult]) -> Decision | None:
        stats = summarize(partial)
        format_rejection = early_format_rejection(old, stats, total) or cut(partial)
        if format_rejection is not None:
            return format_rejection
        accuracy = rule.early_rejection("accuracy", old, stats, total)
        efficiency = rule.early_rejection("efficiency", old, stats, total)
        if accuracy is not None and efficiency is not None:
            return Decision(False, f"neither focus can accept it: {accuracy.reason}; {efficiency.reason}")
        return None
    return early


def judge_pair(rule: AcceptanceRule, old: SavedStats, new: SavedStats) -> Decision:
    guard = format_guard(old, new)
    if guard is not None:
        return guard
    efficiency = rule.decide("efficiency", old, new)
    if efficiency.accepted:
        return efficiency
    accuracy = rule.decide("accuracy", old, new)
    if accuracy.accepted:
        return accuracy
    return Decision(False, f"{efficiency.reason}; {accuracy.reason}")


def choose_pair(incumbent: Pair, versions: list[int], rungs: int, evaluate: Evaluate, rule: AcceptanceRule,
                total: int, labels: list[str], cut: CutCheck | None = None) -> tuple[Pair, SavedLadderStage]:
    """The pair to ship and the stage's record (every pair tried, with its decision)."""
    cut = cut or (lambda *_: None)
    tried: list[SavedLadderTry] = []
    for version in versions:
        for rung in range(rungs):
            if (version, rung) == incumbent:
                continue
            old_results = evaluate(*incumbent, None)[0]
            old, pair = summarize(old_results), (version, rung)
            decision = cut(incumbent, pair, old_results, [])
            results: list[ItemResult] = []
            if decision is None:
                results, early = evaluate(version, rung, _either_rejects(
                    rule, old, total, lambda partial, i=incumbent, p=pair: cut(i, p, old_results, partial)))
                decision = early or judge_pair(rule, old, summarize(results))
            tried.append(SavedLadderTry(version=version, rung=rung, setting=labels[rung], against=list(incumbent),
                                        evaluated=len(results), of=total, summary=summarize(results),
                                        decision=SavedDecision(accepted=decision.accepted, reason=decision.reason)))
            if decision.accepted:
                incumbent = pair
    chosen = SavedPairChoice(version=incumbent[0], rung=incumbent[1], setting=labels[incumbent[1]])
    return incumbent, SavedLadderStage(front_versions=versions, tried=tried, chosen=chosen)
