"""Completion and Usage serialize to plain dicts equal to dataclasses.asdict, and back."""

from __future__ import annotations

from dataclasses import asdict

from promptbudget.engines.types import Completion, Usage


def test_to_dict_is_asdict_and_round_trips():
    usage = Usage(input_tokens=12, output_tokens=7, thinking_tokens=3, cache_read_input_tokens=2)
    completion = Completion(text="Answer: 4", usage=usage, stop_reason="end_turn", model="m", thinking_text="t",
                            latency_s=0.5, retries=1, cached=False)
    assert completion.to_dict() == asdict(completion) and usage.to_dict() == asdict(usage)
    data = completion.to_dict()
    data["usage"]["input_tokens"] = 99  # a plain copy: editing it leaves the completion alone
    assert completion.usage.input_tokens == 12
    assert Completion.from_dict(completion.to_dict()) == completion
