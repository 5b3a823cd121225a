"""Acceptance rules: keep a candidate prompt or revert to the current one.

Each rule compares `summarize()` statistics (`SavedStats`) of the incumbent and the candidate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..records.run import SavedStats


@dataclass(frozen=True)
class Decision:
    accepted: bool
    reason: str

    def to_dict(self) -> dict[str, bool | str]:
        return {"accepted": self.accepted, "reason": self.reason}


class AcceptanceRule(Protocol):
    def decide(self, focus: str, old: SavedStats, new: SavedStats) -> Decision: ...

    def early_rejection(self, focus: str, old: SavedStats, partial: SavedStats, total: int) -> Decision | None:
        """A rejection already certain from `partial` results of `total` items, or None."""
        ...


def format_guard(old: SavedStats, new: SavedStats) -> Decision | None:
    """Reject a candidate whose responses parse less often than the current prompt's."""
    if new.answered < old.answered:
        return Decision(False, f"format: {new.answered}/{new.n} responses have a parseable final answer, "
                               f"against {old.answered}/{old.n} with the current prompt")
    return None


def minibatch_gate(focus: str, old: SavedStats, new: SavedStats) -> Decision | None:
    """GEPA's minibatch gate: a candidate must improve the focused objective on the very
    training items its feedback came from before it earns a full validation."""
    if focus == "accuracy" and new.correct <= old.correct:
        return Decision(False, f"no training item was fixed: {new.correct}/{new.n} correct against "
                               f"{old.correct}/{old.n}")
    if focus == "efficiency" and new.mean_output_tokens >= old.mean_output_tokens:
        return Decision(False, f"tokens did not fall on the training items: {new.mean_output_tokens:.1f} against "
                               f"{old.mean_output_tokens:.1f}")
    return None


def early_format_rejection(old: SavedStats, partial: SavedStats, total: int) -> Decision | None:
    remaining = total - partial.n
    if partial.answered + remaining < old.answered:
        return Decision(False, f"format: at most {partial.answered + remaining}/{total} responses can have a "
                               f"parseable final answer, against {old.answered}/{old.n} with the current prompt")
    return None


@dataclass(frozen=True)
class ToleranceRule:
    """Accept when the focused objective improves and the other stays within tolerance.

    * accuracy focus: accuracy rises, or ties while tokens fall; mean tokens may grow by at most
      `token_tolerance` (relative).
    * efficiency focus: mean billed output tokens fall; accuracy may drop by at most
      `accuracy_tolerance` (absolute).
    """

    accuracy_tolerance: float = 0.0
    token_tolerance: float = 0.05

    def decide(self, focus: str, old: SavedStats, new: SavedStats) -> Decision:
        old_acc, new_acc = old.accuracy, new.accuracy
        old_tok, new_tok = old.mean_output_tokens, new.mean_output_tokens
        token_change = (new_tok - old_tok) / old_tok if old_tok else 0.0
        numbers = (f"accuracy {old_acc:.3f} -> {new_acc:.3f}, mean output tokens {old_tok:.1f} -> {new_tok:.1f} "
                   f"({token_change:+.1%})")
        if focus == "accuracy":
            if new_acc < old_acc or (new_acc == old_acc and new_tok >= old_tok):
                return Decision(False, f"accuracy did not improve: {numbers}")
            if token_change > self.token_tolerance:
                return Decision(False, f"tokens grew beyond the {self.token_tolerance:.0%} tolerance: {numbers}")
            return Decision(True, f"accuracy improved: {numbers}")
        if new_tok >= old_tok:
            return Decision(False, f"tokens did not fall: {numbers}")
        if new_acc < old_acc - self.accuracy_tolerance - 1e-12:
            return Decision(False, f"accuracy fell beyond the {self.accuracy_tolerance:.3f} tolerance: {numbers}")
        return Decision(True, f"tokens fell: {numbers}")

    def early_rejection(self, focus: str, old: SavedStats, partial: SavedStats, total: int) -> Decision | None:
        """Bounds that hold whatever the remaining items give (tokens are never negative)."""
        remaining = total - partial.n
        best_accuracy = (partial.correct + remaining) / total
        least_mean_tokens = partial.total_output_tokens / total
        old_acc, old_tok = old.accuracy, old.mean_output_tokens
        if focus == "accuracy":
            if best_accuracy < old_acc:
                return Decision(False, f"accuracy cannot improve: at best {best_accuracy:.3f} against {old_acc:.3f}")
            if old_tok and (least_mean_tokens - old_tok) / old_tok > self.token_tolerance:
                return Decision(False, f"tokens grew beyond the {self.token_tolerance:.0%} tolerance: at least "
                                       f"{least_mean_tokens:.1f} against {old_tok:.1f}")
            return None
        if least_mean_tokens >= old_tok:
            return Decision(False, f"tokens cannot fall: at least {least_mean_tokens:.1f} against {old_tok:.1f}")
        if best_accuracy < old_acc - self.accuracy_tolerance - 1e-12:
            return Decision(False, f"accuracy fell beyond the {self.accuracy_tolerance:.3f} tolerance: at best "
                                   f"{best_accuracy:.3f} against {old_acc:.3f}")
        return None
