"""The package's shape: short modules and functions, and each class name and task function meaning one thing."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import tasks

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("promptbudget", "tasks")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400


def modules(*packages: str) -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text("utf-8"))) for package in packages
            for path in sorted((REPO / package).rglob("*.py"))]


def test_no_function_is_longer_than_60_lines():
    long = [f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path, tree in modules(*PACKAGES) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, long


def test_no_module_is_longer_than_400_lines():
    long = [f"{path.relative_to(REPO)} ({lines} lines)" for path, _ in modules(*PACKAGES)
            if (lines := len(path.read_text("utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long, long


def test_each_class_name_is_defined_once():
    where = defaultdict(list)
    for path, tree in modules(*PACKAGES):
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                where[node.name].append(str(path.relative_to(REPO)))
    assert not {name: paths for name, paths in where.items() if len(paths) > 1}


def test_no_module_of_the_package_shadows_a_task_function():
    exported = set(tasks.__all__)
    shadows = [f"{path.relative_to(REPO)}: {node.name}" for path, tree in modules("promptbudget")
               for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in exported]
    assert not shadows, shadows
