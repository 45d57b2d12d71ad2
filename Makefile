# Quick start: `make demo` builds the sample archive, `make test` runs the test suite.
# Both create .venv on first use and install what they need into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := public
INDEX  := .feedsearch

.PHONY: demo test test-all lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/feedsearch build corpus --out $(OUT) --index $(INDEX) \
		--base-url https://marenholt.example/ --title "Maren Holt: Essays" \
		--description "Essays on asking for help, therapy, friendship, parenting, grief, work and rest." \
		--author "Maren J. Holt"
	$(BIN)/feedsearch search "asking for help" --index $(INDEX) --limit 3

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

test-all: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m ""

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(OUT) $(INDEX) .pytest_cache .ruff_cache
