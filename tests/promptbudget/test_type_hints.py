"""Every annotation in the modules typed for issue 14 (all of the package's subpackages) names something that exists.

No type checker runs in the test suite, so an annotation naming a type that was never imported, or
imported from the wrong place, would pass unnoticed: here each one is evaluated, with the module's
`if TYPE_CHECKING:` imports made as a type checker would see them.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import typing
from pathlib import Path
from types import ModuleType

import pytest

PACKAGES = ("promptbudget.budget", "promptbudget.confidence", "promptbudget.engines", "promptbudget.batches",
            "promptbudget.experiment", "promptbudget.optimize", "promptbudget.sweep", "promptbudget.report",
            "promptbudget.records", "tasks")
MODULES = ("promptbudget.cache", "promptbudget.calls", "promptbudget.ledger", "promptbudget.pricing", "promptbudget.runtime",
           "promptbudget.cli_support", "promptbudget.flags", "promptbudget.jsonio", "promptbudget.export")


def module_names() -> list[str]:
    names = list(MODULES)
    for package in PACKAGES:
        names.append(package)
        names += [info.name for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}.")]
    return sorted(set(names))


def type_checking_namespace(module: ModuleType) -> dict[str, object]:
    """The module's globals plus what its `if TYPE_CHECKING:` blocks import."""
    namespace = dict(vars(module))
    if getattr(module, "__file__", None) is None:  # a namespace package: no source of its own
        return namespace
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            exec(compile(ast.Module(body=node.body, type_ignores=[]), inspect.getfile(module), "exec"), namespace)
    return namespace


def evaluate(annotation: object, namespace: dict[str, object]) -> None:
    while isinstance(annotation, (str, typing.ForwardRef)):
        text = annotation.__forward_arg__ if isinstance(annotation, typing.ForwardRef) else annotation
        annotation = eval(text, namespace)  # noqa: S307 - annotations of our own modules


def own_members(module: ModuleType) -> list[object]:
    members = [m for _, m in inspect.getmembers(module) if getattr(m, "__module__", None) == module.__name__
               and (inspect.isfunction(m) or inspect.isclass(m))]
    for cls in [m for m in members if inspect.isclass(m)]:
        members += [f for f in vars(cls).values() if inspect.isfunction(f)]
        members += [p.fget for p in vars(cls).values() if isinstance(p, property) and p.fget is not None]
        members += [c.__func__ for c in vars(cls).values() if isinstance(c, (classmethod, staticmethod))]
    return members


@pytest.mark.parametrize("name", module_names())
def test_every_annotation_names_a_real_type(name):
    module = importlib.import_module(name)
    namespace = type_checking_namespace(module)
    for member in own_members(module):
        for annotation in vars(member).get("__annotations__", {}).values():
            evaluate(annotation, namespace)


def test_a_misspelt_annotation_is_caught(tmp_path, monkeypatch):
    (tmp_path / "misspelt_module.py").write_text(
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from tasks.core import Item\n"
        "def good(item: Item) -> None: ...\ndef bad(item: Itme) -> None: ...\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("misspelt_module")
    namespace = type_checking_namespace(module)
    evaluate(module.good.__annotations__["item"], namespace)
    with pytest.raises(NameError, match="Itme"):
        evaluate(module.bad.__annotations__["item"], namespace)
