PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test install clean bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,plot]"
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/dedup report samples/

test: $(STAMP)
	$(BIN)/python -m pytest -q tests; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/dedup bench run --suite full -o benchmarks/results/full-$$(date +%F).json

clean:
	rm -rf $(VENV) build *.egg-info
