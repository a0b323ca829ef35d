# Everyday tasks. `make demo` and `make test` each do all set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_NOW ?= 2026-11-25T12:00:00-05:00

.PHONY: demo test lint format bench stress fuzz clean

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

## fuzz: atheris over the reading path (.ics bytes to composed drafts) for FUZZ_SECONDS;
## an input that breaks it lands in tests/fuzz/crashers/: commit it, the suite replays it
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	$(PY) -m pip install --quiet -e '.[fuzz]'
	mkdir -p .fuzz-corpus
	$(PY) tests/fuzz/fuzz_reading.py -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
		-artifact_prefix=tests/fuzz/crashers/ \
		.fuzz-corpus tests/fuzz/seeds tests/fixtures/invitations tests/fixtures/ics

## lint: ruff and mypy (strict on daemon/)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: CPU time and peak memory of `followup once` on generated calendars, printed and
## written into docs/performance.md (figures, not assertions). Biggest sizes:
## `make bench BENCH_ARGS=--full`; another tree: `BENCH_ARGS="--repo ../before --label before"`.
bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) demo-out .fuzz-corpus .pytest_cache .mypy_cache .ruff_cache
