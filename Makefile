# One command sets up and runs the main job, one sets up and runs the tests.
#   make run    create .venv, install, build the graph, print its summary and one query,
#               write the ecosystem map (build/maps/ecosystem.html) and the site (build/site/index.html)
#   make test   create .venv, install with test tools, lint, type-check, run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint clean

$(VENV)/.installed: pyproject.toml package.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; fi
	touch $@

run: $(VENV)/.installed
	$(BIN)/kg build
	$(BIN)/kg query run bridges
	$(BIN)/kg viz ecosystem
	$(BIN)/kg site

lint: $(VENV)/.installed
	$(BIN)/ruff check kg tests
	$(BIN)/ruff format --check kg tests
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
