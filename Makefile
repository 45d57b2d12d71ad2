# Quick start: `make demo` builds the sample archive, `make test` runs the test suite.
# Both create .venv on first use and install what they need into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := public
INDEX  := .feedsearch
FUZZ_SECONDS ?= 1800

.PHONY: demo test test-all lint bench clean fuzz generators

# The venv's own pip (Python 3.11's, 22.3 or newer) installs the project editable.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

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

# The tests run in parallel, one worker per core, each test file on one worker; make test
# leaves out the tests marked slow, make test-all (what CI runs) runs them too.
test: $(VENV)/.installed-test generators
	$(BIN)/python -m pytest -n auto --dist loadfile

test-all: $(VENV)/.installed-test generators
	$(BIN)/python -m pytest -m "" -n auto --dist loadfile

# What the site and browser tests run (tests/test_site_*.py, tests/test_browser*.py):
# Debian's hugo and chromium, installed where apt-get can be used (as root), and Eleventy
# from npm into the venv, where npm is. Where one cannot be installed its tests skip and say
# why (the Hugo and browser tests fail instead in CI, with CI set). Jekyll's test runs where
# Debian's jekyll is (.ci/run adds it).
ELEVENTY := $(VENV)/eleventy/node_modules/.bin/eleventy
DEBIAN_TOOLS := hugo chromium
generators:
	@missing=""; for tool in $(DEBIAN_TOOLS); do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		{ apt-get install -y -q $$missing >/dev/null 2>&1 || \
		  { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $$missing >/dev/null 2>&1; }; }; } || \
		echo "note: could not install$$missing: their tests will skip" >&2
	@[ -x $(ELEVENTY) ] || ! command -v npm >/dev/null 2>&1 || \
		npm install --silent --no-audit --no-fund --prefix $(VENV)/eleventy @11ty/eleventy@3 \
		>/dev/null 2>&1 || echo "note: could not install Eleventy: its site test will skip" >&2

# The archive fuzzer for FUZZ_SECONDS (30 minutes): new seeds until the time is up, each
# failure shrunk to a minimal archive; logs and a summary in .fuzz/ (docs/fuzzing.md).
# FUZZ_SURVEY=1 goes on past failures instead, to list every kind met.
fuzz: $(VENV)/.installed-test
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python tests/fuzz_loop.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(OUT) $(INDEX) .pytest_cache .ruff_cache .fuzz
