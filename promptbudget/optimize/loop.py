"""The accuracy/efficiency training loop.

Each epoch draws its focus (accuracy or efficiency) from the run's seeded RNG by the
normalized weights. Each step answers a training batch with the current system prompt (a
TextGrad Variable), computes the focused textual loss, backpropagates with TextGrad and takes
a TGD step. A candidate prompt passes the format guardrail and, with validation on, the
acceptance rule on a fixed validation subset; otherwise the loop keeps the current prompt.

Work is split into checkpoints (initial evaluation, each step, final evaluation). Every call
is labelled with the checkpoint it works toward, and the summary is rewritten atomically when
a checkpoint completes, so a killed run resumes from its last completed step and ends with
the same summary as an uninterrupted one.

The run is the typed record it is saved as (`records.run.ResumableRun`): one definition of every
field, read by attribute. Records stay frozen, as every reader gets them; the loop makes each next
value with `Part.but(...)`, validated on the spot (a wrong value fails where it is set, not at the
next save), and no saved part can change behind a reader's back (the validation cache shares items).
"""

from __future__ import annotations

import random
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING

from tasks.core import Item

from ..cache import CacheWriteError
from ..engines import Completion, RoleEngine
from ..errors import BudgetExceeded, EngineError, UsageError
from ..experiment.answering import ItemResult, answer_items, summarize
from ..records.run import (ResumableRun, SavedCandidateValidation, SavedDecision, SavedFinal, SavedMove,
                           SavedPromptVersion, SavedStats, SavedStep)
from ..experiment.status import ending_status
from ..runtime import Runtime
from .acceptance import (AcceptanceRule, Decision, ToleranceRule, early_format_rejection, format_guard,
                         minibatch_gate)
from .config import OptimizeConfig
from .cuts import cut_answers, cut_rejection
from .events import (Broadcast, EvaluationFinished, EvaluationStarted, Event, EventSink, ItemAnswered,
                     RunFinished, RunStarted, StepFinished, StepStarted)
from .ladder_stage import choose_pair, front_versions
from .moves import propose, tried_rungs
from .recommendation import write_recommendation
from .records import compare, evaluation_record, new_summary, pareto_record, step_record, validation_cache
from .run_plan import make_plan
from .store import RunStore, RunWriteError

if TYPE_CHECKING:
    from ..batches.session import BatchSession
    from .textgrad_step import TextGradEdit

VALIDATION_CHUNK = 8
"""Validation items answered between early-stop checks (at most this many threads share them)."""


class OptimizationRun:
    def __init__(self, config: OptimizeConfig, *, events: EventSink | None = None,
                 runtime: Runtime | None = None, acceptance: AcceptanceRule | None = None):
        config.validate()
        self.config = config
        self.events = Broadcast(events) if events else Broadcast()
        self.acceptance = acceptance or ToleranceRule(config.accuracy_tolerance, config.token_tolerance)
        self.runtime = runtime or Runtime(config.runtime())
        self.config, self.plan = make_plan(config, self.runtime)
        self.store = RunStore(self.plan.run_dir)
        self.summary = new_summary(self.plan, self.config)  # until _open() starts the run or loads the one resumed
        self._val_cache: dict[tuple[int, int], list[ItemResult]] = {}
        self.batch_session: BatchSession | None = None

    def _batch_session(self) -> BatchSession | None:
        from ..batches.options import BatchConfig, build_session

        return build_session(BatchConfig.of(self.config), self.plan.answer.engine, prices_path=self.config.prices,
                             quiet=self.config.quiet)

    def answer_at(self, rung: int) -> RoleEngine:
        """The answer engine at a ladder rung."""
        if rung == self.plan.start_rung:
            return self.plan.answer
        setting = self.plan.ladder[rung]
        return self.plan.answer.engine.for_role("answer", max_tokens=setting.max_tokens, thinking=setting.thinking)

    def focus(self, epoch: int) -> str:
        accuracy, efficiency = self.config.focus_weights()
        rng = random.Random(f"{self.config.seed}:focus:{epoch}")
        return rng.choices(["accuracy", "efficiency"], weights=[accuracy, efficiency])[0]

    def batch(self, epoch: int, step: int) -> list[Item]:
        train = list(self.plan.task.train)
        random.Random(f"{self.config.seed}:batches:{epoch}").shuffle(train)
        size = self.config.batch_size
        return [train[(step * size + i) % len(train)] for i in range(min(size, len(train)))]

    # --- running -----------------------------------------------------------------------
    @property
    def rung(self) -> int:
        """The ladder rung of the current pair."""
        return self.plan.start_rung if self.summary.current_rung is None else self.summary.current_rung

    def run(self) -> ResumableRun:
        self.batch_session = self._batch_session()  # refuses --batch on a server without it, before any write
        with self.store.exclusive():
            return self._run()

    def _run(self) -> ResumableRun:
        from ..textgrad_env import point_textgrad_log  # TextGrad (and litellm) load when a run starts

        resumed = self._open()
        plan = self.plan
        point_textgrad_log(plan.run_dir / "textgrad.jsonl")
        self.store.attach(self.runtime.ledger, self.runtime.cache)
        self.events(RunStarted(plan.run_id, str(plan.run_dir), resumed, plan.total_steps, plan.warnings))
        status, error = "completed", None
        try:
            if self.summary.checkpoint < 1:
                self._initial_evaluation()
            for index in range(self.summary.checkpoint - 1, plan.total_steps):
                self._step(index)
            if self.summary.checkpoint < plan.total_steps + 2:
                self._final_evaluation()
        except (BudgetExceeded, EngineError, RunWriteError, CacheWriteError) as exc:
            status, error = ending_status(exc)
        except KeyboardInterrupt:
            status, error = "interrupted", "interrupted by the user"
            raise
        except Exception as exc:  # noqa: BLE001 - a crash is a failed run, whatever raised it
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            self.store.append_event({"event": "Crashed", "traceback": traceback.format_exc()})
        finally:
            self.store.settle_orphans(self.runtime.ledger)
            ended = self.summary.but(status=status if status != "completed" or self._is_complete() else "stopped",
                                        error=error, ledger=self.runtime.ledger.summary())
            self.summary = self.store.save_final(ended)
            self._emit(RunFinished(ended.status, error, self.runtime.ledger.spent_usd))
            point_textgrad_log(None)
        if self.summary.status == "completed":
            write_recommendation(self.summary, plan.run_dir)
        return self.summary

    def _is_complete(self) -> bool:
        return self.summary.checkpoint >= self.plan.total_steps + 2

    def _open(self) -> bool:
        """Start a new run directory, or load the one being resumed. Returns True when resuming."""
        plan, config = self.plan, self.config
        if self.store.exists():
            if not config.resume:
                raise UsageError(f"{plan.run_dir} already holds this run; pass --resume to continue it or "
                                 f"choose another --output_dir")
            self.summary = self.store.load()
            if self.summary.identity != config.identity(plan.starting_prompt):
                raise UsageError(f"{plan.run_dir} holds a run with different settings; it cannot be resumed")
            self.store.set_aside_unfinished(self.summary.checkpoint, self.runtime.ledger)
            self._val_cache = validation_cache(self.summary, self.plan.start_rung)
            self.store.append_event({"event": "Resumed", "checkpoint": self.summary.checkpoint})
            return True
        self.summary = self.store.save(new_summary(self.plan, self.config))
        return False

    def _emit(self, event: Event) -> None:
        self.events(event)
        if not isinstance(event, ItemAnswered):
            self.store.append_event(event.to_dict())

    def _checkpoint_done(self, **changes: object) -> None:
        """Save the run with `changes` and one more completed checkpoint."""
        self.summary = self.store.save(self.summary.but(**changes, checkpoint=self.summary.checkpoint + 1,
                                                        ledger=self.runtime.ledger.summary()))

    def _update(self, **changes: object) -> None:
        self.summary = self.summary.but(**changes)

    def _evaluate(self, phase: str, prompt: str, items: list[Item], checkpoint: int,
                  engine: RoleEngine | None = None) -> list[ItemResult]:
        self._emit(EvaluationStarted(phase, len(items)))
        answered = answer_items(
            prompt, items, engine or self.plan.answer, self.plan.task, threads=self.config.num_threads,
            scope={"checkpoint": checkpoint, "phase": phase},
            on_item=lambda r: self.events(ItemAnswered(phase, r.item_id, r.correct, r.output_tokens)),
            batch=self.batch_session,
        )
        results = [result for result, _ in answered]
        stats = summarize(results)
        self._emit(EvaluationFinished(phase, stats.accuracy, stats.mean_output_tokens, stats.n))
        return results

    def _validation_of(self, version: int, checkpoint: int,
                       early_stop: Callable[[list[ItemResult]], Decision | None] | None = None,
                       rung: int | None = None) -> tuple[list[ItemResult], Decision | None]:
        """Evaluate a version on the fixed validation subset, in chunks of VALIDATION_CHUNK items.

        `early_stop` sees the results so far after each chunk; when it returns a decision (a
        rejection that no remaining item could overturn) the evaluation stops there. The chunk
        size is fixed, not --num_threads, so the items evaluated do not depend on the threads."""
        items = self.plan.val_items
        rung = self.rung if rung is None else rung
        done = self._val_cache.setdefault((version, rung), [])
        decision = early_stop(done) if early_stop and done else None
        phase = f"validation v{version}" + ("" if rung == self.plan.start_rung else f" @ {self.plan.ladder[rung].label}")
        if len(done) < len(items) and decision is None:
            self._emit(EvaluationStarted(phase, len(items) - len(done)))
            text = self.summary.prompts[version].text
            batch = self.batch_session if version == 0 or self.config.batch_validation else None
            chunk = VALIDATION_CHUNK if early_stop and batch is None else len(items)
            while len(done) < len(items) and decision is None:
                answered = answer_items(
                    text, items[len(done):len(done) + chunk], self.answer_at(rung), self.plan.task,
                    threads=self.config.num_threads, scope={"checkpoint": checkpoint, "phase": phase},
                    on_item=lambda r: self.events(ItemAnswered(phase, r.item_id, r.correct, r.output_tokens)),
                    batch=batch)
                done.extend(result for result, _ in answered)
                decision = early_stop(done) if early_stop else None
            stats = summarize(done)
            self._emit(EvaluationFinished(phase, stats.accuracy, stats.mean_output_tokens, stats.n))
        record = evaluation_record(version, done).but(complete=len(done) == len(items), rung=rung)
        run = self.summary
        changes: dict[str, object] = {"pair_validation": {**(run.pair_validation or {}), f"{version}|{rung}": record}}
        if rung == self.plan.start_rung:
            changes["validation"] = {**run.validation, str(version): record}
        self._update(**changes)
        return done, decision

    def _initial_evaluation(self) -> None:
        checkpoint = 1
        test = self._evaluate("initial test", self.plan.starting_prompt, self.plan.test_items, checkpoint)
        self._update(initial={"test": evaluation_record(0, test)})
        if self.config.run_validation:
            self._validation_of(0, checkpoint)
        self._checkpoint_done()

    def _step(self, index: int) -> None:
        config, plan = self.config, self.plan
        checkpoint = index + 2
        epoch, step = divmod(index, config.steps_per_epoch)
        focus = self.focus(epoch)
        self._emit(StepStarted(index, epoch, step, focus))
        current_version = self.summary.current_version
        current = self.summary.prompts[current_version].text
        batch = self.batch(epoch, step)

        rung = self.rung
        self._emit(EvaluationStarted(f"train step {index + 1}", len(batch)))
        answered = answer_items(current, batch, self.answer_at(rung), plan.task, threads=config.num_threads,
                                scope={"checkpoint": checkpoint, "phase": "train"})
        results = [r for r, _ in answered]
        train_stats = summarize(results)
        self._emit(EvaluationFinished(f"train step {index + 1}", train_stats.accuracy,
                                      train_stats.mean_output_tokens, train_stats.n))

        record = step_record(index, epoch, step, focus, current_version, batch, results, train_stats, rung)
        closed = tried_rungs(self.summary.steps, current_version) | self._closed_cuts(current_version, rung,
                                                                                        checkpoint)
        move = propose(index, focus, plan.ladder, rung, results, closed)
        if move is not None:
            record = record.but(move=SavedMove(kind="thinking", from_rung=rung, to_rung=move.target, why=move.why))
            decision, record = self._judge(focus, current_version, current, batch, results, checkpoint, record,
                                           rung=move.target)
            if decision.accepted:
                self._update(current_rung=move.target)
            self._finish_step(index, focus, record, decision)
            return
        record = record.but(move=SavedMove(kind="prompt", from_rung=rung, to_rung=rung,
                                           why=f"{focus} focus: TextGrad edits the prompt from the {focus} loss"))
        self._prompt_step(index, focus, current_version, batch, answered, train_stats, checkpoint, record)

    def prompt_candidate(self, focus: str, current: str, targets: list[tuple[Item, tuple[ItemResult, Completion]]],
                         median_tokens: float, checkpoint: int) -> TextGradEdit:
        """The TextGrad candidate (textgrad_step.py), for a step and for the pilot."""
        from .textgrad_step import textgrad_candidate

        return textgrad_candidate(self.plan, focus, current, targets, median_tokens, checkpoint)

    def _prompt_step(self, index: int, focus: str, current_version: int, batch: list[Item],
                     answered: list[tuple[ItemResult, Completion]], train_stats: SavedStats, checkpoint: int,
                     record: SavedStep) -> None:
        """A TextGrad edit of the current prompt, judged like any candidate."""
        current = self.summary.prompts[current_version].text
        results = [r for r, _ in answered]
        # Accuracy feedback on items the prompt already gets right has nothing to fix.
        targets = [(item, pair) for item, pair in zip(batch, answered)
                   if focus == "efficiency" or not pair[0].correct]
        if not targets:
            decision = Decision(False, "skipped: every training item was answered correctly, so the accuracy "
                                       "objective had nothing to fix")
            candidate = current.strip()
        else:
            edit = self.prompt_candidate(focus, current, targets, train_stats.median_output_tokens, checkpoint)
            record = record.but(losses=edit.losses, feedback=edit.feedback, optimizer_error=edit.optimizer_error)
            candidate, decision = edit.candidate, None

        if decision is not None:
            pass
        elif record.optimizer_error is not None:
            decision = Decision(False, "rejected: " + record.optimizer_error)
        elif not candidate or candidate == current.strip():
            decision = Decision(False, "rejected: the optimizer returned the prompt unchanged")
        else:
            version = self._version_of(candidate, parent=current_version, step=index)
            decision, record = self._judge(focus, version, candidate, batch, results, checkpoint,
                                           record.but(candidate_version=version))
            if decision.accepted:
                prompts = list(self.summary.prompts)
                prompts[version] = prompts[version].but(accepted=True)
                self._update(prompts=prompts, current_version=version)
        self._finish_step(index, focus, record, decision)

    def _finish_step(self, index: int, focus: str, record: SavedStep, decision: Decision) -> None:
        record = record.but(decision=SavedDecision(accepted=decision.accepted, reason=decision.reason))
        self._checkpoint_done(steps=[*self.summary.steps, record])
        self._emit(StepFinished(index, focus, decision.accepted, decision.reason, self.runtime.ledger.spent_usd))

    def _version_of(self, text: str, *, parent: int, step: int) -> int:
        """The version number of a candidate prompt; a text seen before keeps its number."""
        prompts = self.summary.prompts
        for prompt in prompts:
            if prompt.text == text:
                return prompt.version
        new = SavedPromptVersion(version=len(prompts), text=text, parent=parent, step=step, accepted=False)
        self._update(prompts=[*prompts, new])
        return new.version

    def _judge(self, focus: str, version: int, candidate: str, batch: list[Item], batch_results: list[ItemResult],
               checkpoint: int, record: SavedStep, rung: int | None = None) -> tuple[Decision, SavedStep]:
        """The minibatch gate on the training batch, then (with validation) the acceptance rule, and the
        step's record with what they measured. The candidate is the pair (version, rung); rung None is the current one."""
        incumbent = (self.summary.current_version, self.rung)
        rung = incumbent[1] if rung is None else rung
        current_results = self._validation_of(incumbent[0], checkpoint)[0] if self.config.run_validation else []
        cut = self._cut_rejection(incumbent, (version, rung), current_results, [])
        if cut is not None:
            return cut, record
        answered = answer_items(candidate, batch, self.answer_at(rung), self.plan.task,
                                threads=self.config.num_threads,
                                scope={"checkpoint": checkpoint, "phase": "minibatch gate"})
        old_batch, new_batch = summarize(batch_results), summarize([r for r, _ in answered])
        record = record.but(minibatch_gate={"old": old_batch, "new": new_batch})
        rejection = format_guard(old_batch, new_batch) or minibatch_gate(focus, old_batch, new_batch)
        if rejection is not None:
            return Decision(False, f"{rejection.reason} (minibatch gate on the {len(batch)} training items)"), record
        if not self.config.run_validation:
            return Decision(True, "accepted without validation: it improved the focused objective on the training "
                                  "batch with the answer format intact"), record
        old, total = summarize(current_results), len(self.plan.val_items)
        results, early = self._validation_of(
            version, checkpoint,
            early_stop=lambda partial: early_format_rejection(old, summarize(partial), total)
            or self.acceptance.early_rejection(focus, old, summarize(partial), total)
            or self._cut_rejection(incumbent, (version, rung), current_results, partial), rung=rung)
        new = summarize(results)
        record = record.but(candidate_validation=SavedCandidateValidation(old=old, new=new, evaluated=len(results),
                                                                          of=total))
        if early is not None:
            return Decision(False, f"{early.reason} (stopped after {len(results)} of {total} validation "
                                   "items: no remaining item could change the decision)"), record
        guard = format_guard(old, new)
        return (guard if guard is not None else self.acceptance.decide(focus, old, new)), record

    def _closed_cuts(self, version: int, rung: int, checkpoint: int) -> set[int]:
        """Cheaper rungs no thinking move goes to: a cut that cuts no answer's thinking (it saves nothing),
        or one the bound rejects before any call; all of them without validation, which the bound needs."""
        if not self.config.run_validation:
            return set(range(rung))
        current = self._validation_of(version, checkpoint, rung=rung)[0]
        return {r for r in range(rung) if not cut_answers(current, self.plan.ladder[r])
                or self._cut_rejection((version, rung), (version, r), current, []) is not None}

    def _cut_rejection(self, incumbent: tuple[int, int], candidate: tuple[int, int], old: list[ItemResult],
                       new: list[ItemResult]) -> Decision | None:
        """For a pair at a cheaper rung than the incumbent: the thinking-cut bound's rejection (cuts.py), if any."""
        if candidate[1] >= incumbent[1] or not old:
            return None
        return cut_rejection(old, new, self.plan.ladder[candidate[1]], self.config.accuracy_tolerance)

    def _final_evaluation(self) -> None:
        plan = self.plan
        checkpoint = plan.total_steps + 2
        version, rung = self.summary.current_version, self.rung
        if len(plan.ladder) > 1 and self.config.run_validation:
            (version, rung), stage = choose_pair(
                (version, rung), front_versions(self.summary.pair_validation or {}), len(plan.ladder),
                lambda v, r, early: self._validation_of(v, checkpoint, early, rung=r), self.acceptance,
                len(plan.val_items), [r.label for r in plan.ladder], cut=self._cut_rejection)
            self._update(ladder_stage=stage)
        initial = list(self.summary.initial["test"].items)
        if (version, rung) == (0, plan.start_rung):
            final = initial
            self._emit(EvaluationFinished("final test (unchanged prompt)", summarize(final).accuracy,
                                          summarize(final).mean_output_tokens, len(final)))
        else:
            final = self._evaluate("final test", self.summary.prompts[version].text, plan.test_items, checkpoint,
                                   engine=self.answer_at(rung))
        run = self.summary
        self._checkpoint_done(
            final=SavedFinal(test=evaluation_record(version, final), comparison=compare(initial, final), rung=rung,
                             thinking=plan.ladder[rung].thinking.to_dict(), max_tokens=plan.ladder[rung].max_tokens),
            pareto=pareto_record(run.validation, run.pair_validation or {}), current_version=version,
            current_rung=rung)

