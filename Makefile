PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The committed sample_data/ ends on this day; the demo passes it so it never drifts.
DEMO_AS_OF := 2026-11-20

.PHONY: demo test lint fmt clean sample docs golden screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/crmkpi report -c configs/default.yaml --as-of $(DEMO_AS_OF)
	@echo
	@echo "crmkpi is installed in $(VENV)/. To put it on your PATH in this shell:"
	@echo "    source $(BIN)/activate"
	@echo "(or run $(BIN)/crmkpi), then try the README's Quick start."

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

sample: $(STAMP)
	$(BIN)/crmkpi sample sample_data --customers 1000 --seed 1 --as-of $(DEMO_AS_OF) --force

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

docs: $(STAMP)
	$(BIN)/crmkpi kpis -f md > docs/kpis.md
	$(BIN)/crmkpi presets > docs/presets.md
	$(BIN)/python scripts/write_docs.py

# Regenerate the golden reports after a deliberate change; review the diff before committing.
golden: $(STAMP)
	$(BIN)/crmkpi report -c tests/golden/crmkpi.yaml --as-of $(DEMO_AS_OF) -o tests/golden/report.md
	$(BIN)/crmkpi report -c tests/golden/crmkpi.yaml --as-of $(DEMO_AS_OF) -o tests/golden/report.csv
	$(BIN)/crmkpi report -c tests/golden/analyses.yaml --as-of $(DEMO_AS_OF) -o tests/golden/analyses.md
	$(BIN)/crmkpi report -c tests/golden/analyses.yaml --as-of $(DEMO_AS_OF) -o tests/golden/analyses.csv

# README pictures: the golden report in headless chromium, the terminal table as SVG,
# and the Persian report (docs/screenshots/report-fa.png: --locale fa --calendar jalali -p 1405-07).
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

# Speed against DuckDB and the polars read floor at 10k/100k/1M customers, every sample style
# at 100k (data cached in benchmarks/data/); writes benchmarks/results.md.
# BENCH_ARGS="--quick" for 100k only.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
