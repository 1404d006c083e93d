# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out
SEED   ?= 42

.PHONY: setup demo test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/paradiplomacy demo --real --out $(OUT)/real --db sqlite:///$(OUT)/real/real.sqlite --fresh
	$(BIN)/paradiplomacy demo --seed $(SEED) --out $(OUT) --db sqlite:///$(OUT)/demo.sqlite --fresh
	@echo "Built two ledgers:"
	@echo "  $(OUT)/real/  REAL public data, incomplete (see $(OUT)/real/DATA_ORIGIN.txt)"
	@echo "  $(OUT)/       SYNTHETIC demo data (full coverage, not real facts)"

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks tools
	$(BIN)/ruff check --fix src tests benchmarks tools

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_composite.py
	$(BIN)/python benchmarks/bench_assess.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_scenario.py --records 50000
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_gdelt.py
	$(BIN)/python benchmarks/bench_real.py
	$(BIN)/python benchmarks/bench_cli.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
