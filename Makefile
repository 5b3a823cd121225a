# `make install` installs everything (Python packages, llama-cpp-python and llama-server from one
# llama.cpp build, Chromium for the browser test); `make test` runs every test. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install test lint bench

# pip would byte-compile the 14,000 installed modules on one core; compileall uses every core.
install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --no-compile -r requirements.txt
	$(BIN)/python -m compileall -q -j 0 $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') >/dev/null \
		|| echo "warning: some installed modules could not be byte-compiled; Python compiles them when imported"
	PYTHON=$(BIN)/python bash scripts/install_llama_cpp.sh
	bash scripts/install_chromium.sh

# In parallel, one worker per core (at most 4, so at most 4 session llama-servers, one thread
# each). The ten slowest tests are listed at the end of every run.
test:
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4 --durations=10

lint:
	$(BIN)/ruff check .

bench:
	$(BIN)/python -m bench --quick
