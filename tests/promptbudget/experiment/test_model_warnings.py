"""engine_warnings: the tiny-default-model warning, once, only for the bundled tiny model."""

from __future__ import annotations

from types import SimpleNamespace

from promptbudget.engines.local import SMALL_MODEL_WARNING
from promptbudget.engines.mock import MockEngine
from promptbudget.experiment.model_warnings import engine_warnings


def test_tiny_default_gets_the_warning():
    assert engine_warnings(SimpleNamespace(is_tiny_default=True)) == [SMALL_MODEL_WARNING]


def test_other_engines_get_none():
    assert engine_warnings(SimpleNamespace(is_tiny_default=False)) == []
    assert engine_warnings(MockEngine()) == []
