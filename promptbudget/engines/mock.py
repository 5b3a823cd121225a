"""A deterministic offline engine: a real registered engine for tests and free dry runs.

It never calls a model. It answers by the call's role (answer, feedback, optimizer,
classifier, confidence, judge), never by marker strings inside the prompt, by fixed rules:

* answer calls look the question up in the bundled tasks (or a script's `answers`) and are
  right for a fixed share of questions: question q is right when hash(q) < accuracy. So
  accuracy moves smoothly with the prompt, and the same prompt always gets the same result.
* output tokens follow a heavy-tailed, per-question length, scaled by prompt rules; thinking
  tokens add to them (billed as output) up to the budget.
* the final `Answer: X` line is written only when the system prompt asks for it.

A script (`mock:PATH.json`) overrides any of these; see `MockScript`.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .base import Engine
from .capabilities import Capabilities
from .types import EFFORT_LEVELS, Completion, Request, Thinking, Usage

OPTIMIZER_MARKER = "<IMPROVED_VARIABLE>"
# The prompts of the feedback, classifier and confidence calls carry these phrases (other modules
# check that they do); the mock does not read them: it dispatches on the call's role.
FEEDBACK_MARKER = "You are the gradient (feedback) engine"
CLASSIFIER_MARKER = "task complexity classifier"
CONFIDENCE_MARKER = "probability that the proposed answer is correct"

DEFAULT_EDITS = (
    {"append": "Be concise: skip restating the question and write only the steps you need."},
    {"append": "Check the arithmetic of the final step before answering."},
    {"append": "Keep the reasoning brief."},
)

_CALL_ROLE: contextvars.ContextVar[str] = contextvars.ContextVar("mock_call_role", default="answer")

_EFFORT_THINKING = {"low": 256, "medium": 768, "high": 1536, "xhigh": 2500, "max": 4000}


def unit_hash(*parts: str) -> float:
    """A stable number in [0, 1) for the given text."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class PromptRule:
    """When the system prompt contains `contains` (case-insensitive), adjust the answers."""

    contains: str
    token_scale: float = 1.0
    accuracy_delta: float = 0.0
    drops_format: bool = False


@dataclass
class MockScript:
    accuracy: float = 0.6
    base_tokens: int = 90
    token_spread: int = 120
    format_marker: str = "Answer"
    """The answer line is written only when the system prompt contains this word."""
    prompt_rules: list[PromptRule] = field(default_factory=lambda: [
        PromptRule("concise", token_scale=0.6),
        PromptRule("brief", token_scale=0.8),
        PromptRule("step by step", accuracy_delta=0.05, token_scale=1.2),
        PromptRule("check the arithmetic", accuracy_delta=0.05),
    ])
    optimizer_edits: list[dict[str, Any]] = field(default_factory=lambda: [dict(e) for e in DEFAULT_EDITS])
    thinking_gain: float = 0.06
    """Accuracy gained by the first 1024 thinking tokens; later doublings gain half as much each."""
    budget_accuracy: dict[str, dict[int, float]] = field(default_factory=dict)
    """Per complexity class, accuracy by thinking budget (0 = off); overrides the rest when set."""
    complexity_rules: list[dict[str, str]] = field(default_factory=list)
    """[{"contains": "...", "class": "simple"}...]: first match wins; default "medium"."""
    answers: dict[str, str] = field(default_factory=dict)
    feedback: str = ("The response spends tokens restating the problem. Ask for only the steps that "
                     "change the result, and keep the final 'Answer:' line.")
    confidence_skill: float = 0.6
    """How well stated confidence separates right from wrong answers (0 = no signal)."""
    latency_s: float = 0.0
    """Seconds each call takes, to simulate a slow API (e.g. to test killing a run)."""

    @classmethod
    def load(cls, path: str) -> "MockScript":
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise UsageError(f"mock script not found: {path}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"mock script {path} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise UsageError(f"mock script {path} must be a JSON object")
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise UsageError(f"mock script {path}: unknown keys {sorted(unknown)}; known: {sorted(known)}")
        if "prompt_rules" in data:
            data["prompt_rules"] = [PromptRule(**rule) for rule in data["prompt_rules"]]
        if "budget_accuracy" in data:
            data["budget_accuracy"] = {k: {int(b): float(a) for b, a in v.items()}
                                       for k, v in data["budget_accuracy"].items()}
        return cls(**data)


class _AnswerBook:
    """Gold answers of the bundled tasks, by question text (built on first use)."""

    _lock = threading.Lock()
    _book: dict[str, str] | None = None

    @classmethod
    def lookup(cls, question: str) -> str | None:
        with cls._lock:
            if cls._book is None:
                cls._book = cls._build()
        return cls._book.get(question.strip())

    @staticmethod
    def _build() -> dict[str, str]:
        from tasks import list_tasks, load_task

        book: dict[str, str] = {}
        for name in list_tasks():
            task = load_task(name)
            for item in (*task.train, *task.val, *task.test):
                book.setdefault(item.question.strip(), item.answer)
        return book


class MockEngine(Engine):
    engine_name = "mock"

    def __init__(self, model: str = "default", *, script: MockScript | None = None, **kwargs: Any):
        super().__init__(model, **kwargs)
        if script is None:
            script = MockScript() if model == "default" else MockScript.load(model)
        self.script = script
        self._script_digest = hashlib.sha256(repr(script).encode()).hexdigest()[:16]

    def capabilities(self) -> Capabilities:
        return Capabilities(thinking_budget=True, thinking_adaptive=True, effort_levels=EFFORT_LEVELS,
                            max_tokens=128000, source="mock")

    def cache_identity(self) -> dict[str, Any]:
        # The reply depends on the role, so the role is part of the mock's cache key.
        return {**super().cache_identity(), "script": self._script_digest, "role": _CALL_ROLE.get()}

    def complete(self, request: Request, *, role: str = "answer") -> Completion:
        token = _CALL_ROLE.set(role)
        try:
            return super().complete(request, role=role)
        finally:
            _CALL_ROLE.reset(token)

    def _complete(self, request: Request) -> Completion:
        if self.script.latency_s:
            time.sleep(self.script.latency_s)
        role = _CALL_ROLE.get()
        thinking_tokens = 0
        if role == "answer":
            return self._answer(request)
        if role == "optimizer":
            text = self._optimizer_reply(request.prompt)
        elif role in ("feedback", "judge"):
            text = self.script.feedback
        elif role == "classifier":
            text = self.complexity(request.prompt)
        else:  # confidence
            text = self._confidence_reply(request)
            thinking_tokens = min(_thinking_allowance(request.thinking), 400) if request.thinking.enabled else 0
        output = _count_tokens(text) + thinking_tokens
        usage = Usage(_count_tokens((request.system or "") + request.prompt), output,
                      thinking_tokens if request.thinking.enabled else None)
        return Completion(text=text, usage=usage, stop_reason="end_turn", model=self.model)

    # --- answers -----------------------------------------------------------------------
    def gold(self, question: str) -> str | None:
        return self.script.answers.get(question.strip()) or _AnswerBook.lookup(question)

    def complexity(self, text: str) -> str:
        lowered = text.lower()
        for rule in self.script.complexity_rules:
            if rule["contains"].lower() in lowered:
                return rule["class"]
        return "medium"

    def _accuracy(self, request: Request, rules: list[PromptRule]) -> float:
        thinking_budget = _thinking_allowance(request.thinking)
        if self.script.budget_accuracy:
            table = self.script.budget_accuracy.get(self.complexity(request.prompt), {})
            eligible = [b for b in table if b <= thinking_budget]
            return table[max(eligible)] if eligible else 0.0
        accuracy = self.script.accuracy + sum(rule.accuracy_delta for rule in rules)
        gain, step = 0.0, self.script.thinking_gain
        budget = 1024
        while thinking_budget >= budget:
            gain += step
            step /= 2
            budget *= 2
        return min(1.0, max(0.0, accuracy + gain))

    def _answer(self, request: Request) -> Completion:
        system = request.system or ""
        lowered = system.lower()
        rules = [rule for rule in self.script.prompt_rules if rule.contains.lower() in lowered]
        question = request.prompt
        gold = self.gold(question)
        draw = unit_hash("correct", question, str(request.sample_index))
        correct = gold is not None and draw < self._accuracy(request, rules)
        answer = gold if correct else _wrong_answer(gold, question)

        scale = 1.0
        for rule in rules:
            scale *= rule.token_scale
        length = unit_hash("length", question)
        tail = 3.0 if unit_hash("tail", question) > 0.9 else 1.0
        visible = max(8, int((self.script.base_tokens + self.script.token_spread * length) * tail * scale))
        thinking = min(_thinking_allowance(request.thinking), int(visible * 2.5)) if request.thinking.enabled else 0

        keeps_format = (self.script.format_marker.lower() in lowered
                        and not any(rule.drops_format for rule in rules))
        reasoning_words = max(1, visible - 4)
        reasoning = _filler(reasoning_words, question)
        final = f"Answer: {answer}" if keeps_format else "I hope this helps with your question!"
        text = f"{reasoning}\n{final}"
        output_tokens = visible + thinking
        stop = "end_turn"
        if output_tokens > request.max_tokens:
            output_tokens = request.max_tokens
            text = reasoning[: max(0, (request.max_tokens - thinking) * 5)]
            stop = "max_tokens"
        usage = Usage(input_tokens=_count_tokens(system + question), output_tokens=output_tokens,
                      thinking_tokens=thinking if request.thinking.enabled else None)
        return Completion(text=text, usage=usage, stop_reason=stop, model=self.model,
                          thinking_text="(mock thinking)" if thinking else "")

    # --- optimizer and confidence -------------------------------------------------------
    def _optimizer_reply(self, prompt: str) -> str:
        current = _between(prompt, "<VARIABLE>", "</VARIABLE>") or ""
        for edit in self.script.optimizer_edits:
            if "reply" in edit:
                return edit["reply"]
            if "append" in edit and edit["append"] not in current:
                return f"{OPTIMIZER_MARKER}{current.rstrip()} {edit['append']}</IMPROVED_VARIABLE>"
            if "replace" in edit:
                old, new = edit["replace"]
                if old in current:
                    return f"{OPTIMIZER_MARKER}{current.replace(old, new)}</IMPROVED_VARIABLE>"
        return f"{OPTIMIZER_MARKER}{current}</IMPROVED_VARIABLE>"

    def _confidence_reply(self, request: Request) -> str:
        question = _between(request.prompt, "<QUESTION>", "</QUESTION>") or request.prompt
        proposed = (_between(request.prompt, "<PROPOSED_ANSWER>", "</PROPOSED_ANSWER>") or "").strip()
        gold = self.gold(question.strip())
        right = gold is not None and bool(re.search(rf"(?<![\w.]){re.escape(gold)}(?![\w])", proposed))
        noise = unit_hash("confidence", question, proposed)
        skill = min(1.0, self.script.confidence_skill + 0.1 * (_thinking_allowance(request.thinking) >= 1024))
        value = skill * (0.9 if right else 0.2) + (1 - skill) * noise
        return f"Confidence: {value:.2f}"


def _thinking_allowance(thinking: Thinking) -> int:
    if thinking.mode == "budget":
        return thinking.budget_tokens or 0
    if thinking.mode == "adaptive":
        return _EFFORT_THINKING.get(thinking.effort or "high", 1536)
    return 0


def _wrong_answer(gold: str | None, question: str) -> str:
    if gold is None:
        return "unknown"
    try:
        return str(int(float(gold.replace(",", ""))) + 1 + int(unit_hash("off", question) * 9))
    except ValueError:
        pass
    letter = re.fullmatch(r"\(([A-R])\)", gold.strip())
    if letter:
        return "(A)" if letter.group(1) != "A" else "(B)"
    swaps = {"True": "False", "False": "True", "Yes": "No", "No": "Yes", "valid": "invalid", "invalid": "valid"}
    return swaps.get(gold.strip(), f"{gold} (not sure)" if " " not in gold else "unclear")


_WORDS = ("first", "we", "note", "the", "given", "values", "then", "compute", "each", "part", "so",
          "carefully", "and", "combine", "them", "to", "get", "result")


def _filler(count: int, seed: str) -> str:
    start = int(unit_hash("filler", seed) * len(_WORDS))
    return " ".join(_WORDS[(start + i) % len(_WORDS)] for i in range(count)).capitalize() + "."


def _count_tokens(text: str) -> int:
    return max(1, len(re.findall(r"\w+|[^\w\s]", text)))


def _between(text: str, start: str, end: str) -> str | None:
    head, sep, rest = text.partition(start)
    if not sep:
        return None
    inner, sep, _ = rest.partition(end)
    return inner if sep else None
