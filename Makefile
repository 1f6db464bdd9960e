# fritekst: `make demo` installs and runs the example survey; `make test` installs and runs the tests.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
OUT ?= demo-out

.PHONY: install system apertium demo test test-fast bench model clean

# setup.py compiles fritekst/embed/two_views.c (e5's two views, decision 026) in place: needs a C compiler.
$(BIN)/fritekst: pyproject.toml setup.py constraints.txt fritekst/embed/two_views.c
	@command -v cc >/dev/null || { test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null; } || \
		{ echo "fritekst needs a C compiler (cc) to build its e5 engine: install gcc"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build (an unpinned torch pulls a multi-GB CUDA build)
	$(BIN)/pip install -q -c constraints.txt torch
	# ray: tests/test_ray.py runs a real local Ray cluster (fritekst run --ray)
	$(BIN)/pip install -q -c constraints.txt -e '.[st,test,ray]'
	touch $@

install: $(BIN)/fritekst

# Two waves of the example survey, each its own export, run into one project: 2023 with the
# codebook's version 1, 2025 with version 2 (one merge, one split, one new category); the report
# compares the waves with every code read under version 2.
demo: install apertium
	$(BIN)/fritekst run examples/kommuneundersokelsen_fiktiv_2023.xlsx --config examples/demo.yaml \
		--codebook codebooks/imdi_kommuneundersokelsen.yaml --survey kommuneundersokelsen \
		--out $(OUT)/2023 --db demo-project
	$(BIN)/fritekst run examples/kommuneundersokelsen_fiktiv_2025.xlsx --config examples/demo.yaml \
		--codebook codebooks/imdi_kommuneundersokelsen_v2.yaml --survey kommuneundersokelsen \
		--out $(OUT)/2025 --db demo-project
	$(BIN)/fritekst report demo-project --out $(OUT)/rapport.docx --force
	@echo "Themes:      $(OUT)/2023/themes.csv, $(OUT)/2025/themes.csv"
	@echo "Report:      $(OUT)/rapport.docx (2025 against 2023, on the codebook's version 2)"
	@echo "Workspace:   $(BIN)/fritekst app demo-project"

apertium:
	@command -v apertium >/dev/null && test -f /usr/share/apertium/modes/nno-nob.mode || \
		{ test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq --no-install-recommends apertium-nno-nob >/dev/null; } || \
		echo "No Apertium nno-nob and cannot install it: Nynorsk answers will be read as written (the run says so)."

# The browser test drives Debian's Chromium; the store tests start PostgreSQL from Debian's
# binaries; runs read Nynorsk answers as Bokmål through Apertium's nno-nob translator. Installed
# here when missing (as root); without them those tests skip and say why (and a run says that
# Nynorsk was not normalised).
system: apertium
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
		{ test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; } || \
		echo "No Chromium and cannot install it: the browser test will be skipped."
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ test "$$(id -u)" = 0 && apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; } || \
		echo "No PostgreSQL and cannot install it: the PostgreSQL store tests will be skipped."

test: install system
	$(BIN)/python -m pytest -q

# Without the tests marked slow (real embedding models, large inputs, the app and the browser).
test-fast: install system
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python -m bench.run_all

# Retrain models/nb_fritekst from ../shared/data/norne (about an hour on 2 cores; CI does not run it).
model: install
	cd models/recipe && nice -n 19 ../../$(BIN)/python build.py

clean:
	rm -rf $(VENV) $(OUT) demo-project .pytest_cache
