# fritekst: `make demo` installs and runs the example survey; `make test` installs and runs the tests.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
OUT ?= demo-out

.PHONY: install demo test bench model clean

$(BIN)/fritekst: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build (an unpinned torch pulls a multi-GB CUDA build)
	$(BIN)/pip install -q -c constraints.txt torch
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

install: $(BIN)/fritekst

demo: install
	$(BIN)/fritekst run examples/kommuneundersokelsen_fiktiv.xlsx --config examples/demo.yaml \
		--codebook codebooks/imdi_kommuneundersokelsen.yaml --out $(OUT) --db demo-project
	@echo "Themes:      $(OUT)/themes.csv"
	@echo "Assignments: $(OUT)/assignments.csv"
	@echo "Workspace:   $(BIN)/fritekst app demo-project"

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m bench.run_all

# Retrain models/nb_fritekst from ../shared/data/norne (about an hour on 2 cores; CI does not run it).
model: install
	cd models/recipe && nice -n 19 ../../$(BIN)/python build.py

clean:
	rm -rf $(VENV) $(OUT) demo-project .pytest_cache
