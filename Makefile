# Everyday tasks. `make demo` and `make test` each do all set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_NOW ?= 2026-11-25T12:00:00-05:00

.PHONY: demo test lint format bench stress clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: run the service's real job on examples/calendar.ics with the local backends
demo: $(STAMP)
	rm -rf demo-out
	$(BIN)/followup --config examples/demo.toml check-config
	$(BIN)/followup --config examples/demo.toml once --now $(DEMO_NOW)
	$(BIN)/followup --config examples/demo.toml status --now $(DEMO_NOW)
	@echo
	@echo "Drafts (Maildir, flag D):   demo-out/Drafts/cur/"
	@ls -1 demo-out/Drafts/cur | sed 's/^/  /'
	@echo "Calls and debriefs (.ics):  demo-out/calls.ics"
	@echo "Read one draft:             cat demo-out/Drafts/cur/<file>"
	@echo "See what would be written:  $(BIN)/followup --config examples/demo.toml preview --now $(DEMO_NOW)"

## test: the whole suite (installs the Debian packages it needs first)
test: $(STAMP)
	.ci/system-deps
	$(PY) -m pytest -q

## stress: the engine state machine with many more histories than the suite draws
stress: $(STAMP)
	FOLLOWUP_STRESS_EXAMPLES=1000 $(PY) -m pytest -q tests/unit/test_engine_state_machine.py

## lint: ruff and mypy (strict on daemon/)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: speed and memory of one cycle (numbers, not assertions)
bench: $(STAMP)
	$(PY) bench/cycle.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
