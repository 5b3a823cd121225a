"""json_object: one JSONL line as an object, or the caller's error saying what is wrong."""

from __future__ import annotations

import pytest

from tasks.jsonlines import json_object


class LineError(ValueError):
    pass


def fail(problem: str) -> LineError:
    return LineError(f"f.jsonl, line 3: {problem}")


def test_an_object_is_returned():
    assert json_object('{"a": 1}', fail) == {"a": 1}


def test_invalid_json_names_the_decoder_problem_and_the_hint():
    with pytest.raises(LineError, match=r"^f.jsonl, line 3: invalid JSON \(Expecting value\); fix it$"):
        json_object("nope", fail, invalid_hint="; fix it")


def test_a_list_is_not_an_object():
    with pytest.raises(LineError, match="line 3: expected a JSON object"):
        json_object("[1, 2]", fail)


def test_parse_constant_sees_nan():
    seen = []
    json_object('{"x": NaN}', fail, parse_constant=lambda name: seen.append(name) or 0.0)
    assert seen == ["NaN"]
