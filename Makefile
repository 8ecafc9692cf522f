# MedLit set-up and everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-dev install-tantivy install-opensearch install-ray browser run test lint corpus bench-quick

# torch first, pinned to the CPU build: through another package pip would pull a multi-GB GPU build.
$(VENV)/.installed: requirements.txt requirements-llm.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-llm.txt
	touch $@

# The tests cover the optional extras too (the tantivy keyword engine, the Ray pipeline).
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt requirements-tantivy.txt requirements-ray.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt -r requirements-tantivy.txt -r requirements-ray.txt
	touch $@

# The keyword leg on embedded tantivy (MEDLIT_KEYWORD_ENGINE=tantivy): for a million records and more.
$(VENV)/.installed-tantivy: $(VENV)/.installed requirements-tantivy.txt
	$(BIN)/pip install --quiet -r requirements-tantivy.txt
	touch $@

# The keyword leg on an OpenSearch server or cluster (MEDLIT_KEYWORD_ENGINE=opensearch, deploy/opensearch/).
# Not in install-dev: its tests skip where no server answers, as on a machine without one.
$(VENV)/.installed-opensearch: $(VENV)/.installed requirements-opensearch.txt
	$(BIN)/pip install --quiet -r requirements-opensearch.txt
	touch $@

# The extra for `python -m ingest files ... --ray`; the default install runs without it.
$(VENV)/.installed-ray: $(VENV)/.installed requirements-ray.txt
	$(BIN)/pip install --quiet -r requirements-ray.txt
	touch $@

install: $(VENV)/.installed

install-tantivy: $(VENV)/.installed-tantivy

install-opensearch: $(VENV)/.installed-opensearch

install-ray: $(VENV)/.installed-ray

install-dev: $(VENV)/.installed-dev browser

# The browser test drives the system's Chromium (its own browser download is not possible offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

run: install
	$(BIN)/streamlit run app.py

# The tests that run the local language model go in a second process: llama.cpp has once died of a segmentation
# fault inside its decode on a CI machine (never here), which took the whole run down with it. Such a death (exit
# status above 128) reruns those tests once, saying so; a failing assertion fails at once.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "not llm"
	$(BIN)/python -m pytest -m llm || { rc=$$?; [ $$rc -gt 128 ] || exit $$rc; \
		echo "The language-model tests died of signal $$((rc - 128)) inside the model; running them once more."; \
		$(BIN)/python -m pytest -m llm; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .

# Build a library of the shared 5,124-article corpus (used by the benchmarks).
corpus: install
	$(BIN)/python -m ingest files ../shared/data/corpus/

bench-quick: install
	$(BIN)/python -m bench quality --quick
	$(BIN)/python -m bench speed --quick
