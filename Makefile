# The README's two set-up commands: `make run` (the chat UI) and `make test` (the whole suite).
# Both create .venv/ when missing and install everything into it.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# torch 2.13.0 is the CPU build; taken from the local wheel folder when this machine has one.
TORCH_FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
PORT   ?= 8501

.PHONY: install run test bench bench-ui screenshots eval llm-eval ingest chat clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH_FIND_LINKS) torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
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

clean:
	rm -rf .study evals/results/per_item.jsonl .pytest_cache
