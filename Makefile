# One entry point for every job; each target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
AIRFLOW_VERSION ?= 3.3.2

.PHONY: install test lint typecheck unit demo bench test-compat package clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet "apache-airflow==$(AIRFLOW_VERSION)" -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

LINT_PATHS := $(wildcard airflow_provider_wistia tests example_dags benchmarks scripts)

lint: install
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/python -m pytest -q -p no:cacheprovider

test: lint typecheck unit

# A longer seeded schemathesis session over every operation of the emulator, v1 and modern 2026-03
# (FUZZ_SECONDS shared, half each; the suite's own run is 130 s): for changes to the emulator.
# FUZZ_SEED picks another seed, FUZZ_SECONDS another length.
FUZZ_SECONDS ?= 600
FUZZ_SEED ?= 20261207
fuzz: install
	WISTIA_FUZZ_SECONDS=$(FUZZ_SECONDS) WISTIA_FUZZ_SEED=$(FUZZ_SEED) $(BIN)/python -m pytest -q -s \
		-p no:cacheprovider -o timeout=$$(( $(FUZZ_SECONDS) + 300 )) tests/test_emulator_fuzz.py

# make demo DEMO_ARGS=--real runs against the account of WISTIA_API_TOKEN (creates and deletes projects).
DEMO_ARGS ?=
demo: install
	$(BIN)/python scripts/demo.py $(DEMO_ARGS)

bench: install
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/run.py

# Build wheel + sdist and install each into a clean virtual environment.
package: install
	$(BIN)/python -m pip install --quiet build
	PYTHON=$(PYTHON) bash scripts/check_package.sh

clean:
	rm -rf $(VENV) .venv-compat .airflow-demo build dist dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

# The suite in its own environment against the oldest supported Airflow release.
# The oldest supported release (see README, "Supported"). Without Airflow's constraint files,
# 3.1.0-3.1.7 resolve today's dependency releases, which break their own in-process execution API.
COMPAT_AIRFLOW ?= 3.1.8
test-compat:
	test -x .venv-compat/bin/python || $(PYTHON) -m venv .venv-compat
	# cryptography 51 breaks Airflow 3.1.8's Fernet set-up (every connection lookup fails), so it is held below 51 here.
	.venv-compat/bin/python -m pip install --quiet "apache-airflow==$(COMPAT_AIRFLOW)" "cryptography<51" -e ".[test]"
	.venv-compat/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/test_triggers_scale.py
	# On 3.1 the earlier tests leave hundreds of idle event-loop threads in the process (337 seen);
	# the scale tests walk every thread's stack and hung on that, so they get a process of their own.
	.venv-compat/bin/python -m pytest -q -p no:cacheprovider tests/test_triggers_scale.py
