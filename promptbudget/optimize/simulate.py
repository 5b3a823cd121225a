"""One simulated run of the training loop, driven by what a pilot measured: its calls and their cost.

The simulation walks the run's real schedule (the seeded focus of each epoch, the seeded
training batches, the real validation, test and ladder) and makes the loop's decisions with
the loop's own rules (thinking moves, the minibatch gate, validation's early stop, the
acceptance rule, the ladder stage). Only the answers are simulated, item by item:

* an item the pilot answered stands for itself; any other item is right with an accuracy drawn
  from the pilot's (Beta(1, 1) prior) and stands for a pilot item of that correctness;
* the starting prompt answers it as the pilot measured, at every rung;
* a prompt the optimizer writes answers it like a measured candidate did: right with the
  probability the measured pairs give (given whether its parent was right; Beta(1, 1) prior)
  and with its parent's tokens times a measured candidate/parent token ratio;
* another rung changes an edited prompt's answer as it changed the starting prompt's answer;
* an answer already paid for (same prompt, rung and item) is free: the cache serves it.

Feedback and optimizer calls cost what the pilot step's did; one feedback call per loss.
A rule added to the loop (loop.py, ladder_stage.py) must be mirrored in `SimulatedRun`;
test_pilot.py checks the simulated call counts against a real run's where they are exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..engines import Usage
from ..pricing import Price
from ..records.run import SavedEvaluation, SavedMove
from .acceptance import AcceptanceRule, Decision, early_format_rejection, format_guard, minibatch_gate
from .evaluate import summarize
from .cuts import cut_answers, cut_rejection
from .ladder import Rung
from .ladder_stage import choose_pair, front_versions
from .loop import VALIDATION_CHUNK
from .moves import propose, tried_rungs


@dataclass(frozen=True)
class Answer:
    """One measured (or simulated) answer: what the gate, the rules and the bill look at."""

    correct: bool
    has_answer: bool
    input_tokens: int
    output_tokens: int
    stop_reason: str = "end_turn"
    thinking_tokens: int | None = None
    cost_usd: float | None = None
    item_id: str = ""


@dataclass(frozen=True)
class SimulatedStep:
    """What the thinking moves read of a step made (`moves.tried_rungs`)."""

    prompt_version: int
    move: SavedMove


@dataclass(frozen=True)
class Measurements:
    keys: list[str]
    """The measured items (their questions), in the order of every list in `rungs`."""
    rungs: dict[int, list[Answer]]
    """The measured items answered with the starting prompt, at each rung."""
    pairs: list[tuple[Answer, Answer]]
    """(starting prompt, candidate prompt) on the same item at the starting rung."""
    feedback_usd: list[float]
    optimizer_usd: list[float]


@dataclass(frozen=True)
class Schedule:
    """The run's fixed structure, read from its plan (no calls)."""

    steps: list[tuple[int, str, list[str]]]
    """(step index, focus, training item keys) for every step."""
    val: list[str]
    test: list[str]
    ladder: list[Rung]
    """The run's rungs (`Rung`: thinking setting and max_tokens); one for a prompt-only search."""
    start_rung: int
    run_validation: bool
    rule: AcceptanceRule
    price: Price


@dataclass(frozen=True)
class Draw:
    """The parameters of one simulated run, drawn from the measurements' uncertainty."""

    pool: np.ndarray
    accuracy: float
    stay_right: float
    turn_right: float
    ratios: np.ndarray
    feedback_usd: np.ndarray
    optimizer_usd: np.ndarray


def draw_parameters(m: Measurements, start: int, rng: np.random.Generator) -> Draw:
    """A bootstrap of the pilot items, the pairs and the helper calls; the gate model's Beta posteriors."""
    items = len(m.rungs[start])
    right = [a.correct for a in m.rungs[start]]
    pairs = [m.pairs[i] for i in rng.integers(0, len(m.pairs), len(m.pairs))]
    kept = [new.correct for old, new in pairs if old.correct]
    fixed = [new.correct for old, new in pairs if not old.correct]
    ratios = np.array([new.output_tokens / max(1, old.output_tokens) for old, new in pairs])
    return Draw(rng.integers(0, items, items), rng.beta(1 + sum(right), 1 + len(right) - sum(right)),
                rng.beta(1 + sum(kept), 1 + len(kept) - sum(kept)),
                rng.beta(1 + sum(fixed), 1 + len(fixed) - sum(fixed)), ratios,
                rng.choice(m.feedback_usd, len(m.feedback_usd)), rng.choice(m.optimizer_usd, len(m.optimizer_usd)))


class SimulatedRun:
    def __init__(self, schedule: Schedule, m: Measurements, draw: Draw, rng: np.random.Generator):
        self.s, self.m, self.d, self.rng = schedule, m, draw, rng
        self.input_delta = int(np.mean([new.input_tokens - old.input_tokens for old, new in m.pairs]))
        self.items: dict[str, tuple[int, bool]] = {key: (i, False) for i, key in enumerate(m.keys)}
        self.outcomes: dict[tuple[int, int, str], Answer] = {}
        self.parents: dict[int, int] = {0: 0}
        self.paid: set[tuple[int, int, str]] = set()
        self.cost: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.val_done: dict[tuple[int, int], list[Answer]] = {}
        self.pair_records: dict[str, SavedEvaluation] = {}
        self.version, self.rung = 0, schedule.start_rung
        self.step_records: list[SimulatedStep] = []

    # --- answers -------------------------------------------------------------------------
    def _pilot_item(self, key: str) -> tuple[int, bool]:
        """The pilot item standing for `key`, and whether its correctness is flipped.

        An item the pilot answered stands for itself. Any other item is right with the draw's
        accuracy and takes a pilot item of the same correctness from the draw's pool, flipped
        when the pool has none."""
        if key not in self.items:
            start = self.m.rungs[self.s.start_rung]
            right = bool(self.rng.random() < self.d.accuracy)
            alike = [int(i) for i in self.d.pool if start[i].correct == right]
            pick = alike or [int(i) for i in self.d.pool]
            self.items[key] = (pick[self.rng.integers(0, len(pick))], not alike)
        return self.items[key]

    def outcome(self, version: int, rung: int, key: str) -> Answer:
        memo = (version, rung, key)
        if memo not in self.outcomes:
            self.outcomes[memo] = replace(self._new_outcome(version, rung, key), item_id=key)
        return self.outcomes[memo]

    def _new_outcome(self, version: int, rung: int, key: str) -> Answer:
        start, (item, flip) = self.s.start_rung, self._pilot_item(key)
        if version == 0 and rung in self.m.rungs:
            measured = self.m.rungs[rung][item]
            return replace(measured, correct=measured.correct != flip,
                           has_answer=measured.has_answer or measured.correct != flip) if flip else measured
        if rung != start:
            base, rungs = self.outcome(version, start, key), self.m.rungs
            was, now = rungs[start][item], rungs.get(rung, rungs[start])[item]
            tokens = base.output_tokens * now.output_tokens / max(1, was.output_tokens)
            correct = now.correct if now.correct != was.correct else base.correct
            return self._answer(correct, base.has_answer or correct, base.input_tokens, tokens, rung)
        parent = self.outcome(self.parents[version], start, key)
        correct = bool(self.rng.random() < (self.d.stay_right if parent.correct else self.d.turn_right))
        ratio = float(self.d.ratios[self.rng.integers(0, len(self.d.ratios))])
        input_tokens = self.m.rungs[start][item].input_tokens + self.input_delta
        return self._answer(correct, parent.has_answer or correct, input_tokens, parent.output_tokens * ratio, rung)

    def _answer(self, correct: bool, has_answer: bool, input_tokens: int, tokens: float, rung: int) -> Answer:
        cap = self.s.ladder[rung].max_tokens
        output = int(min(cap, max(1, round(tokens))))
        cost = self.s.price.cost(Usage(input_tokens=max(0, input_tokens), output_tokens=output))
        return Answer(correct, has_answer, input_tokens, output, "max_tokens" if output >= cap else "end_turn",
                      None, cost)

    def answer(self, phase: str, version: int, rung: int, keys: list[str]) -> list[Answer]:
        out = []
        for key in keys:
            result = self.outcome(version, rung, key)
            if (version, rung, key) not in self.paid:
                self.paid.add((version, rung, key))
                self.cost[phase] += result.cost_usd or 0.0
                self.calls[phase] += 1
            out.append(result)
        return out

    def validation(self, phase: str, version: int, rung: int,
                   early_stop: Callable[[list[Answer]], Decision | None] | None = None
                   ) -> tuple[list[Answer], Decision | None]:
        """The loop's `_validation_of`: in chunks, stopping once a rejection is certain."""
        val = self.s.val
        done = self.val_done.setdefault((version, rung), [])
        decision = early_stop(done) if early_stop and done else None
        chunk = VALIDATION_CHUNK if early_stop else len(val)
        while len(done) < len(val) and decision is None:
            done.extend(self.answer(phase, version, rung, val[len(done):len(done) + chunk]))
            decision = early_stop(done) if early_stop else None
        self.pair_records[f"{version}|{rung}"] = SavedEvaluation(prompt_version=version, summary=summarize(done),
                                                                 complete=len(done) == len(val))
        return done, decision

    # --- the loop ------------------------------------------------------------------------
    def run(self) -> dict[str, float]:
        s = self.s
        self.answer("initial test", 0, s.start_rung, s.test)
        if s.run_validation:
            self.validation("initial validation", 0, s.start_rung)
        for index, focus, batch in s.steps:
            self._step(index, focus, batch)
        self._final()
        return dict(self.cost)

    def _step(self, index: int, focus: str, batch: list[str]) -> None:
        results = self.answer("training answers", self.version, self.rung, batch)
        move = propose(index, focus, self.s.ladder, self.rung, results,
                       tried_rungs(self.step_records, self.version) | self._closed_cuts())
        self.step_records.append(SimulatedStep(self.version, SavedMove(kind="thinking" if move else "prompt",
                                                                       to_rung=move.target if move else self.rung)))
        if move is not None:
            if self._judge(focus, self.version, batch, results, move.target):
                self.rung = move.target
            return
        targets = [r for r in results if focus == "efficiency" or not r.correct]
        if not targets:
            return
        for i in range(len(targets)):
            self._helper("feedback (backward)", self.d.feedback_usd[(index + i) % len(self.d.feedback_usd)])
        self._helper("optimizer (TGD)", self.d.optimizer_usd[index % len(self.d.optimizer_usd)])
        candidate = len(self.parents)
        self.parents[candidate] = self.version
        if self._judge(focus, candidate, batch, results, self.rung):
            self.version = candidate

    def _helper(self, phase: str, usd: float) -> None:
        self.cost[phase] += float(usd)
        self.calls[phase] += 1

    def _closed_cuts(self) -> set[int]:
        """The loop's `_closed_cuts`: cheaper rungs that cut nothing, or that the cut bound rejects before any call."""
        if not self.s.run_validation:
            return set(range(self.rung))
        current = self.validation("candidate validation", self.version, self.rung)[0]
        here = (self.version, self.rung)
        return {r for r in range(self.rung) if not cut_answers(current, self.s.ladder[r])
                or self._cut(here, (self.version, r), current, []) is not None}

    def _cut(self, incumbent: tuple[int, int], candidate: tuple[int, int], old: list[Answer],
             new: list[Answer]) -> Decision | None:
        if candidate[1] >= incumbent[1] or not old:
            return None
        return cut_rejection(old, new, self.s.ladder[candidate[1]], self.s.rule.accuracy_tolerance)

    def _judge(self, focus: str, version: int, batch: list[str], old_results: list[Answer], rung: int) -> bool:
        incumbent = (self.version, self.rung)
        current = self.validation("candidate validation", *incumbent)[0] if self.s.run_validation else []
        if self._cut(incumbent, (version, rung), current, []) is not None:
            return False
        old_batch = summarize(old_results)
        new_batch = summarize(self.answer("minibatch gate", version, rung, batch))
        if format_guard(old_batch, new_batch) or minibatch_gate(focus, old_batch, new_batch):
            return False
        if not self.s.run_validation:
            return True
        total, rule = len(self.s.val), self.s.rule
        old = summarize(current)
        results, early = self.validation(
            "candidate validation", version, rung,
            lambda partial: early_format_rejection(old, summarize(partial), total)
            or rule.early_rejection(focus, old, summarize(partial), total)
            or self._cut(incumbent, (version, rung), current, partial))
        if early is not None:
            return False
        new = summarize(results)
        return format_guard(old, new) is None and rule.decide(focus, old, new).accepted

    def _final(self) -> None:
        s = self.s
        pair = (self.version, self.rung)
        if len(s.ladder) > 1 and s.run_validation:
            pair, _ = choose_pair(pair, front_versions(self.pair_records), len(s.ladder),
                                  lambda v, r, early: self.validation("ladder stage", v, r, early), s.rule,
                                  len(s.val), [rung.label for rung in s.ladder], cut=self._cut)
        if pair != (0, s.start_rung):
            self.answer("final test", *pair, s.test)
