# fritekst: `make demo` installs and runs the example survey; `make test` installs and runs the tests.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
OUT ?= demo-out

.PHONY: install demo test bench clean

$(BIN)/fritekst: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build (an unpinned torch pulls a multi-GB CUDA build)
	$(BIN)/pip install -q -c constraints.txt torch
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

install: $(BIN)/fritekst

demo: install
	$(BIN)/fritekst run examples/kommuneundersokelsen_fiktiv.xlsx --config examples/demo.yaml --out $(OUT)
	@echo "Themes:      $(OUT)/themes.csv"
	@echo "Assignments: $(OUT)/assignments.csv"

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
