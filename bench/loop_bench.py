"""Engine calls of our training loop against the prototype's protocol, on the same data.

The prototype (see docs/anchors in the design sources) scored each training item with an
LLM loss call, backpropagated through it, re-evaluated the old prompt on the validation
items at every step next to the new one, and had no cache. It is reproduced here with
TextGrad on the mock engine, driven by the same batches and subsets as our run.
"""

from __future__ import annotations

import tempfile

from promptbudget.engines.mock import MockEngine
from promptbudget.ledger import Ledger
from promptbudget.optimize.config import OptimizeConfig
from promptbudget.optimize.loop import OptimizationRun
from promptbudget.optimize.textgrad_adapter import as_textgrad_engine
from promptbudget.textgrad_env import textgrad as tg


def _prototype_calls(run: OptimizationRun) -> int:
    plan, config = run.plan, run.config
    engine = MockEngine(ledger=Ledger())
    answer = engine.for_role("answer", max_tokens=plan.answer.max_tokens, thinking=plan.answer.thinking)
    judge, feedback, optimizer_engine = (as_textgrad_engine(engine.for_role(r))
                                         for r in ("judge", "feedback", "optimizer"))
    task = plan.task

    def accuracy(prompt: str, items) -> float:
        return sum(task.scorer.score(answer.complete(task.format_question(i), prompt).text, i.answer).correct
                   for i in items) / len(items)

    prompt = tg.Variable(plan.starting_prompt, requires_grad=True, role_description="system prompt")
    accuracy(prompt.value, plan.test_items)
    for epoch in range(config.max_epochs):
        for step in range(config.steps_per_epoch):
            model = tg.BlackboxLLM(as_textgrad_engine(answer), system_prompt=prompt)
            losses = []
            for item in run.batch(epoch, step):
                response = model(tg.Variable(task.format_question(item), requires_grad=False, role_description="q"))
                losses.append(tg.TextLoss(f"Evaluate the response. The correct answer is {item.answer}.",
                                          engine=judge)(response))
            total = tg.sum(losses) if len(losses) > 1 else losses[0]
            total.backward(feedback)
            old = prompt.value
            try:
                tg.TGD(parameters=[prompt], engine=optimizer_engine).step()
            except IndexError:
                pass
            if config.run_validation and accuracy(prompt.value, plan.val_items) < accuracy(old, plan.val_items):
                prompt.set_value(old)
    accuracy(prompt.value, plan.test_items)
    return engine.ledger.totals().calls


def loop_calls_ratio_vs_prototype(epochs: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        config = OptimizeConfig(task="GSM8K_DSPy", model="mock", max_epochs=epochs, batch_size=3, eval_samples=20,
                                test_samples=20, run_validation=True, thinking_search=False, output_dir=f"{tmp}/results",
                                cache_dir=f"{tmp}/cache", quiet=True)
        run = OptimizationRun(config)
        summary = run.run()
        ours = summary["ledger"]["total"]["engine_calls"]
        prototype = _prototype_calls(run)
    return {"loop_calls_ratio_vs_prototype": ours / prototype, "loop_engine_calls": ours,
            "prototype_engine_calls": prototype}
