"""Every annotation in the optimize loop, the sweep, the run records, export and answering names a
real type (the check of tests/promptbudget/test_type_hints.py, over the modules typed by the loop's work)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from tests.promptbudget.test_type_hints import evaluate, own_members, type_checking_namespace

PACKAGES = ("promptbudget.optimize", "promptbudget.sweep")
MODULES = ("promptbudget.records.run", "promptbudget.records.base", "promptbudget.records.io", "promptbudget.export",
           "promptbudget.experiment.answering")


def module_names() -> list[str]:
    names = list(MODULES)
    for package in PACKAGES:
        names += [info.name for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}.")]
    return sorted(set(names))


@pytest.mark.parametrize("name", module_names())
def test_every_annotation_names_a_real_type(name):
    module = importlib.import_module(name)
    namespace = type_checking_namespace(module)
    for member in own_members(module):
        for annotation in vars(member).get("__annotations__", {}).values():
            evaluate(annotation, namespace)
