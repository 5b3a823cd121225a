"""The benchmark registry: every figure and size it names exists."""

from __future__ import annotations

import importlib
import inspect

from bench.__main__ import FIGURES, FULL_SIZES, GOALS, PRODUCES


def test_every_registered_figure_is_a_function():
    for module_name, function_name in FIGURES:
        assert callable(getattr(importlib.import_module(module_name), function_name)), function_name


def test_full_sizes_name_parameters_of_their_figure():
    functions = {name: getattr(importlib.import_module(module), name) for module, name in FIGURES}
    for name, sizes in FULL_SIZES.items():
        parameters = inspect.signature(functions[name]).parameters
        assert set(sizes) <= set(parameters), f"{name}: {set(sizes) - set(parameters)} are not parameters"


def test_every_goal_is_a_registered_figure():
    registered = {name for _, name in FIGURES}
    assert set(PRODUCES) <= registered
    assert set(GOALS) <= registered | {figure for names in PRODUCES.values() for figure in names}
    assert all(op in ("<=", ">=") for op, _ in GOALS.values())
