"""pyproject.toml: the console script's target runs, and every packaged data file exists."""

from __future__ import annotations

import glob
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))


def test_console_script_target_is_importable_and_prints_the_version():
    target = PYPROJECT["project"]["scripts"]["promptbudget"]
    module, function = target.split(":")
    code = f"import sys; from {module} import {function} as main; sys.exit(main(['--version']))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    from promptbudget import __version__

    assert result.stdout.strip() == f"promptbudget {__version__}"


def test_package_data_patterns_cover_every_non_python_file_of_the_packages():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for package, patterns in data.items():
        root = REPO / package
        packaged = {Path(p) for pattern in patterns for p in glob.glob(str(root / pattern)) if Path(p).is_file()}
        files = {p for p in root.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")}
        assert files == packaged, f"{package}: not packaged: {sorted(map(str, files - packaged))[:5]}"


def test_packages_found_are_the_importable_ones():
    assert PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"] == [
        "promptbudget", "promptbudget.*", "tasks", "tasks.*"]
    assert "version" in PYPROJECT["project"]["dynamic"]


def test_runtime_dependencies_are_the_ones_requirements_installs():
    requirements = [line.strip() for line in (REPO / "requirements.txt").read_text().splitlines()
                    if line.strip() and not line.startswith("#")]
    assert requirements == ["-e .[test]"]
    assert {"pytest", "ruff"} <= {dep.split(">")[0].split("=")[0] for dep in
                                  PYPROJECT["project"]["optional-dependencies"]["test"]}
