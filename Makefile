# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench migrate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[discord,slack,postgres,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/debate-bot run

test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	@for script in bench/[a-z]*.py; do echo "== $$script"; \
		$(BIN)/python -m bench.$$(basename $$script .py) || exit 1; done

migrate: $(STAMP)
	$(BIN)/debate-bot migrate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
