"""Thinking cuts: a cheaper thinking setting must not lose more accuracy than the validation sample can rule out.

A tie on a few dozen validation items says little about a cut that changes every answer's
thinking: on 30 items, a true loss of 7.5 points shows up as a tie one time in ten. So a pair
at a cheaper rung than the incumbent is accepted only when the accuracy it may lose, as far as
the paired validation items can tell, stays within the margin:

* the cut can only change an answer whose thinking it cuts: one where the incumbent's answer
  thought more than the cheaper setting allows (any thinking, for thinking off; every answer,
  for an effort level, which changes how the model thinks throughout);
* the bound is the losses (items the incumbent got right and the cut pair wrong) seen where
  thinking was not cut, plus the one-sided Clopper-Pearson upper bound (CUT_CONFIDENCE) of the
  loss rate among the k cut answers times k, over the n paired items;
* it must be at most max(--accuracy_tolerance, CUT_MARGIN).

A cut that binds on few answers (a budget most answers stay under) can pass on a tie; one that
cuts every answer cannot on 30 items (the bound is then 1.57/30 = 0.052 with no loss seen) but
can on 33 or more. Losses only grow as items come in, so the bound also stops a validation
early, and a cut that fails it even with no loss is rejected before any call.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import comb

from ..experiment.answering import ItemResult
from .acceptance import Decision
from .ladder import Rung

CUT_CONFIDENCE = 0.8
CUT_MARGIN = 0.05


def binomial_upper(successes: int, trials: int, confidence: float = CUT_CONFIDENCE) -> float:
    """One-sided Clopper-Pearson upper bound of a proportion (0 trials: 0)."""
    if trials == 0:
        return 0.0
    if successes >= trials:
        return 1.0

    def cdf(p: float) -> float:
        return sum(comb(trials, i) * p ** i * (1 - p) ** (trials - i) for i in range(successes + 1))

    low, high = successes / trials, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if cdf(mid) > 1 - confidence else (low, mid)
    return high


def _allowance(rung: Rung) -> int | None:
    """Thinking tokens the rung allows each answer; None when it changes every answer (an effort level)."""
    if rung.thinking.mode == "off":
        return 0
    if rung.thinking.mode == "budget":
        return rung.thinking.budget_tokens or 0
    return None


def cut_answers(old: Sequence[ItemResult], cheaper: Rung) -> set[str]:
    """The incumbent's answers (item ids) whose thinking the cheaper rung would cut."""
    allowance = _allowance(cheaper)
    return {r.item_id for r in old if allowance is None or (r.thinking_tokens or 0) > allowance}


def loss_bound(old: Sequence[ItemResult], new: Sequence[ItemResult], cheaper: Rung) -> dict[str, float]:
    """The accuracy (share of the incumbent's items) the cut may lose; with `new` partial, a lower bound of it."""
    cut = cut_answers(old, cheaper)
    before = {r.item_id: r.correct for r in old}
    lost = [r.item_id for r in new if before.get(r.item_id) and not r.correct]
    lost_cut = sum(item in cut for item in lost)
    n = len(old)
    bound = (len(lost) - lost_cut + len(cut) * binomial_upper(lost_cut, len(cut))) / n if n else 1.0
    return {"n": n, "cut": len(cut), "lost_cut": lost_cut, "lost_uncut": len(lost) - lost_cut, "bound": bound}


def cut_rejection(old: Sequence[ItemResult], new: Sequence[ItemResult], cheaper: Rung,
                  accuracy_tolerance: float) -> Decision | None:
    """A rejection when the cut's loss bound exceeds the margin, else None. `new` may be partial or empty."""
    margin = max(accuracy_tolerance, CUT_MARGIN)
    b = loss_bound(old, new, cheaper)
    if b["bound"] <= margin + 1e-12:
        return None
    seen = f"{b['lost_cut']} of them lost so far" if new else "before any call, with no loss assumed"
    return Decision(False, f"thinking cut to {cheaper.label} not shown safe: it cuts the thinking of {b['cut']} of "
                           f"the {b['n']} validation answers ({seen}; {b['lost_uncut']} other answers lost), so it "
                           f"may lose up to {b['bound']:.3f} accuracy ({CUT_CONFIDENCE:.0%} bound), more than the "
                           f"{margin:.3f} margin")
