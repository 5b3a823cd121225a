"""Every annotation of the report and the records names a real type (the check of
tests/promptbudget/test_type_hints.py, run on the packages moved onto typed records)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from tests.promptbudget.test_type_hints import evaluate, own_members, type_checking_namespace


def _modules() -> list[str]:
    names = []
    for package in ("promptbudget.report", "promptbudget.records"):
        names += [package, *(i.name for i in pkgutil.walk_packages(importlib.import_module(package).__path__,
                                                                   f"{package}."))]
    return names


@pytest.mark.parametrize("name", _modules())
def test_every_annotation_names_a_real_type(name):
    module = importlib.import_module(name)
    namespace = type_checking_namespace(module)
    members = own_members(module)
    for member in members:
        for annotation in vars(member).get("__annotations__", {}).values():
            evaluate(annotation, namespace)
