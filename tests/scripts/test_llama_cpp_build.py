"""scripts/llama_cpp_build.cmake on a toy project shaped like llama.cpp's build.

The toy has llama.cpp's target names in subdirectories (as `add_subdirectory(vendor/llama.cpp)`
makes them), so CMake runs our include exactly as in `make install`: after every project(), with
the tweaks deferred to the end of the top-level directory. The project is built and run, so the
unity files it generates are checked by a compiler, not only read.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INCLUDE = REPO / "scripts" / "llama_cpp_build.cmake"

pytestmark = pytest.mark.skipif(
    shutil.which("cmake") is None or shutil.which("c++") is None, reason="needs cmake and a C++ compiler"
)

TOP = """cmake_minimum_required(VERSION 3.19)
project(toy CXX)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
add_subdirectory(common)
add_subdirectory(mtmd)
add_subdirectory(src)
add_subdirectory(server)
"""

# Each source has a file-local helper. A source kept apart (json.cpp, mtmd-helper*.cpp) also
# defines the helpers of every other source of its target: legal in a translation unit of its own,
# a redefinition error in any unity file that joins it with them. So a build that succeeds proves
# they were compiled apart.
SOURCE = """{extra}static int helper_{ident}() {{ return {value}; }}
int {name}() {{ return helper_{ident}(); }}
"""

SUBDIRS = {
    "common": "add_library(llama-common STATIC arg.cpp chat.cpp log.cpp sampling.cpp speculative.cpp json.cpp)\n",
    "mtmd": "add_library(mtmd STATIC mtmd.cpp clip.cpp mtmd-helper.cpp mtmd-helper-gen.cpp)\n",
    "src": "add_library(llama STATIC llama.cpp llama-model.cpp)\n",
    "server": "add_library(llama-server-impl SHARED server.cpp server-http.cpp)\n"
              "target_link_libraries(llama-server-impl PRIVATE llama-common mtmd llama)\n"
              "add_executable(llama-server main.cpp)\n"
              "target_link_libraries(llama-server PRIVATE llama-server-impl llama-common mtmd llama)\n",
}
KEPT_APART = {"json", "mtmd-helper", "mtmd-helper-gen"}


def ident(stem: str) -> str:
    return re.sub(r"\W", "_", stem)


def c_name(stem: str) -> str:
    return "f_" + ident(stem)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("toy")
    (root / "CMakeLists.txt").write_text(TOP)
    stems = []
    for subdir, cmake in SUBDIRS.items():
        (root / subdir).mkdir()
        (root / subdir / "CMakeLists.txt").write_text(cmake)
        sources = [name[:-4] for name in re.findall(r"[\w-]+\.cpp", cmake) if name != "main.cpp"]
        for stem in sources:
            stems.append(stem)
            others = [ident(s) for s in sources if s not in KEPT_APART] if stem in KEPT_APART else []
            extra = "".join(f"static int helper_{o}() {{ return 0; }}\n" for o in others)
            source = SOURCE.format(extra=extra, ident=ident(stem), value=len(stems), name=c_name(stem))
            (root / subdir / f"{stem}.cpp").write_text(source)
    calls = "\n".join(f"int {c_name(s)}();" for s in stems)
    total = " + ".join(f"{c_name(s)}()" for s in stems)
    (root / "server" / "main.cpp").write_text(f"{calls}\nint main() {{ return ({total}) == {sum(range(1, len(stems) + 1))} ? 0 : 1; }}\n")
    build = root / "build"
    configure = subprocess.run(
        ["cmake", "-S", str(root), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
         f"-DCMAKE_PROJECT_INCLUDE={INCLUDE}", f"-DCMAKE_INSTALL_PREFIX={root / 'prefix'}"],
        capture_output=True, text=True, timeout=300)
    assert configure.returncode == 0, configure.stdout + configure.stderr
    compile_ = subprocess.run(["cmake", "--build", str(build), "--verbose"], capture_output=True, text=True, timeout=300)
    assert compile_.returncode == 0, compile_.stdout + compile_.stderr
    return root, build, compile_.stdout


def unity_files(build: Path, target: str) -> list[Path]:
    return sorted(build.glob(f"*/CMakeFiles/{target}.dir/Unity/unity_*_cxx.cxx"))


def joined_sources(unity_file: Path) -> list[str]:
    return re.findall(r'^#include "[^"]*/([\w-]+)\.cpp"$', unity_file.read_text(), flags=re.MULTILINE)


def test_the_server_only_targets_are_unity_builds_in_batches_of_four(built):
    _, build, _ = built
    expected = {"llama-common": ["arg", "chat", "log", "sampling", "speculative"],
                "mtmd": ["mtmd", "clip"], "llama-server-impl": ["server", "server-http"]}
    for target, sources in expected.items():
        files = unity_files(build, target)
        assert files, f"{target} is not a unity build"
        assert sorted(s for f in files for s in joined_sources(f)) == sorted(sources)
        assert all(len(joined_sources(f)) <= 4 for f in files)
    assert len(unity_files(build, "llama-common")) == 2


def test_the_sources_that_clash_are_compiled_on_their_own(built):
    _, build, _ = built
    joined = {s for f in build.glob("*/CMakeFiles/*.dir/Unity/*.cxx") for s in joined_sources(f)}
    assert joined and not joined & KEPT_APART
    for stem in KEPT_APART:
        assert list(build.glob(f"*/CMakeFiles/*.dir/{stem}.cpp.o")), f"{stem}.cpp was not compiled"


def test_libllama_keeps_its_own_build_and_optimisation(built):
    _, build, log = built
    assert not unity_files(build, "llama")
    compiles = [line for line in log.splitlines() if " -c " in line]
    llama = [line for line in compiles if "/llama.dir/" in line]
    common = [line for line in compiles if "/llama-common.dir/" in line]
    assert len(llama) == 2 and common
    assert all(" -O3 " in line and " -O1 " not in line for line in llama)
    assert all(" -O1 " in line for line in common)


def test_the_built_server_runs_and_its_library_installs(built):
    root, build, _ = built
    server = build / "server" / "llama-server"
    assert subprocess.run([str(server)], timeout=30).returncode == 0
    installed = subprocess.run(["cmake", "--install", str(build)], capture_output=True, text=True, timeout=60)
    assert installed.returncode == 0, installed.stderr
    assert list((root / "prefix").rglob("libllama-server-impl.so*"))
