# The README's two set-up commands: `make run` (the chat UI) and `make test` (the whole suite).
# Both create .venv/ when missing and install everything into it.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# torch 2.13.0 is the CPU build; taken from the local wheel folder when this machine has one.
TORCH_FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
PORT   ?= 8501

.PHONY: install run test test-fast lint format constraints bench bench-ui screenshots eval llm-eval ingest chat clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH_FIND_LINKS) torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/study ui --port $(PORT)

chat: $(STAMP)
	$(VENV)/bin/study ingest
	$(VENV)/bin/study chat

ingest: $(STAMP)
	$(VENV)/bin/study ingest

test: $(STAMP)
	$(PY) -m pytest

# Unit tests only (no browser, no server, no crash test, no whole eval): under 2 minutes here.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser"

# ruff (lint + format check) and mypy, as CI runs them before the tests.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Pin what the suite just passed with (run after make test is green on newer versions).
constraints: $(STAMP)
	{ sed -n '1,3p' constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -v '@' | grep -v '^torch='; } \
		> constraints.txt.new && mv constraints.txt.new constraints.txt

eval: $(STAMP)
	$(VENV)/bin/study eval

bench: $(STAMP)
	$(PY) benchmarks/bench.py

# Only the UI figures (start-up, answer visible in Chromium), updating their section of docs/benchmarks.md.
bench-ui: $(STAMP)
	$(PY) benchmarks/bench.py --only ui

# The README's screenshots, taken by the browser tests into docs/.
screenshots: $(STAMP)
	SCREENSHOT_DIR=$(CURDIR)/docs $(PY) -m pytest -q -m browser tests/test_ui_browser.py

# Opt-in: builds llama-cpp-python and fetches a 1.1 GB model into .cache/llm/ (LLM_CACHE), serves it on
# 127.0.0.1 and writes docs/llm-eval.md. LLM_GGUF=/path/model.gguf uses that model instead.
llm-eval: $(STAMP)
	$(PY) benchmarks/llm_eval.py

# Caches only. Tracked files stay, and so does the data dir (.study/: the index, your chats and practice
# progress), which nothing but you should delete.
clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .benchmarks build *.egg-info
