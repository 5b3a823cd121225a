"""The installed package never imports the test fixtures (tests/support/)."""

from __future__ import annotations

import ast
from pathlib import Path

import promptbudget

PACKAGE = Path(promptbudget.__file__).resolve().parent
FIXTURE_PREFIXES = ("tests", "promptbudget.testing", "promptbudget.report.synthetic")


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_names(path: Path, package: Path = PACKAGE) -> list[str]:
    """Every module `path` imports (relative imports resolved), plus dotted string literals
    that could reach importlib."""
    module, tree = _module_name(path, package), ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node, path.name == "__init__.py")
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("tests."):
            names.append(node.value)
    return names


def _is_fixture(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in FIXTURE_PREFIXES)


def test_no_package_module_imports_the_fixtures():
    offenders = {str(path.relative_to(PACKAGE.parent)): hits for path in sorted(PACKAGE.rglob("*.py"))
                 if (hits := [n for n in imported_names(path) if _is_fixture(n)])}
    assert offenders == {}


def test_fixture_modules_live_outside_the_package():
    assert not (PACKAGE / "testing").exists()
    assert not (PACKAGE / "report" / "synthetic.py").exists()
    support = PACKAGE.parent / "tests" / "support"
    assert {"fake_anthropic.py", "fake_platforms.py", "llama_server.py", "synthetic_results.py"} <= {p.name for p in support.glob("*.py")}


def test_the_checker_sees_relative_and_absolute_fixture_imports(tmp_path):
    fake_package = tmp_path / "promptbudget"
    (fake_package / "report").mkdir(parents=True)
    module = fake_package / "report" / "thing.py"
    module.write_text("from ..testing import fake_anthropic\nimport tests.support.llama_server\n"
                      "from . import synthetic\nimport json\n", encoding="utf-8")
    hits = [n for n in imported_names(module, fake_package) if _is_fixture(n)]
    assert hits == ["promptbudget.testing", "promptbudget.testing.fake_anthropic", "tests.support.llama_server",
                    "promptbudget.report.synthetic"]
