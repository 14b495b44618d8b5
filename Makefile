# thyref: the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
UV := python3 -m uv

.PHONY: uv install run test lint typecheck unit system-deps bench clean check-rules mutation

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

# Bytecode is compiled at install: this environment may set PYTHONDONTWRITEBYTECODE,
# and without .pyc files every `thyref` start recompiles its imports (about 0.3 s).
install: uv
	UV_COMPILE_BYTECODE=1 UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --python python3
	$(BIN)/python -m compileall -q src >/dev/null
	@test -x $(BIN)/thyref

# `make run PORT=8080 HOST=0.0.0.0` passes them on to `thyref serve`.
run: install
	$(BIN)/thyref serve $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

system-deps:
	bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

test: install system-deps lint typecheck
	$(BIN)/pytest

bench: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/run.py

# Every value of the rules data files, perturbed one at a time, must fail a domain test
# (scripts/check_rules.py; slow: one pytest run per change, out of `make test`).
# RULES="--file ata-2015 --only definition" limits the run.
check-rules: install
	$(BIN)/python scripts/check_rules.py -j 2 $(RULES)

# Mutation testing of the domain core with the domain tests ([tool.mutmut] in
# pyproject.toml; long, out of `make test`; score and survivors in docs/quality.md).
# MUTANTS="thyref.domain.kinetics*" limits the run, MUTATION_JOBS=1 leaves a core free;
# results are cached in mutants/.
MUTATION_JOBS ?= 2
mutation: install
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS) $(MUTANTS)
	$(BIN)/python scripts/mutation_recheck.py -j $(MUTATION_JOBS)
	$(BIN)/python scripts/mutation_score.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis mutants
