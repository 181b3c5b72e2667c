# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: demo test setup os-deps bench clean

demo: setup
	$(VENV)/bin/live-console --demo

test: setup
	@packaging/os-deps.sh --test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

setup: os-deps $(STAMP)

os-deps:
	@packaging/os-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

bench: setup
	$(VENV)/bin/live-console bench startup
	$(VENV)/bin/live-console bench video
	$(VENV)/bin/live-console bench events

clean:
	rm -rf $(VENV) build dist .pytest_cache
