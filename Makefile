# The two commands of the README. Both build .venv from nothing on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp file is rebuilt whenever pyproject.toml changes, so a new dependency
# is installed on the next `make demo` or `make test` without a manual step.
STAMP  := $(VENV)/.installed

.PHONY: demo test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m qualkit demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

clean:
	rm -rf $(VENV) out build src/*.egg-info src/qualkit/*.so .pytest_cache .hypothesis
