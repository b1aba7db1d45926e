# Two commands set everything up on a fresh machine: `make run` and `make test` (README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test check lock bench clean

# Headless Chromium for the report page's browser test (tests/test_report_page.py), from Debian's package: Playwright
# drives it, but its own browser download cannot run here. Installed only when /usr/bin/chromium is missing.
CHROMIUM := /usr/bin/chromium
APT := $(shell [ "$$(id -u)" = 0 ] || echo sudo) apt-get

install: $(STAMP) $(CHROMIUM)

$(CHROMIUM):
	$(APT) update
	$(APT) install -y chromium

# The venv is rebuilt only when the dependencies change. Packages are installed by uv (pinned below, itself
# installed by pip): the same versions from the same constraints as pip would install, in a quarter of pip's time
# here (measured side by side on a fresh venv: 198 s against 856 s on a loaded machine; pip's cache is empty in
# CI, and uv fetches in parallel). Every install below goes through $(UV), compiling bytecode as pip does.
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
UV_INSTALL := $(UV) pip install --quiet --compile-bytecode --python $(PY) -c constraints.txt
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV_INSTALL) -e '.[airflow,dev]'
	touch $@

# The whole suite on three processes (pytest-xdist) on this 2-core machine: many slow tests wait on the processes
# they start (Airflow, Celery, PostgreSQL), so a third worker fills the cores (measured here: 11.7 min on three,
# 15 min on two). --dist loadfile keeps each module, and the services its fixtures start, on one process; modules
# marked slow start first, the longest of them first of all (tests/conftest.py orders them, and
# --no-loadscope-reorder keeps that order instead of xdist's biggest-module-first). TEST_WORKERS=0 runs it in one
# process.
TEST_WORKERS ?= 3
test: $(STAMP) $(CHROMIUM)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The inner loop (about two minutes): everything but the slow, Airflow and browser tests.
check: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -q -m "not slow and not airflow and not browser"

# Re-freeze constraints.txt from a clean resolve of pyproject.toml (run after changing dependencies).
lock:
	rm -rf /tmp/threadline-lock && $(PYTHON) -m venv /tmp/threadline-lock
	/tmp/threadline-lock/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	/tmp/threadline-lock/bin/uv pip install --quiet --python /tmp/threadline-lock/bin/python -e '.[airflow,dev,bench]'
	/tmp/threadline-lock/bin/uv pip freeze --python /tmp/threadline-lock/bin/python --exclude-editable \
		| grep -v '^uv==' > constraints.txt

# Speeds: loading (bench/load.py) and parsing the corpus against BeautifulSoup and trafilatura (bench/parse.py,
# which needs the bench extra: trafilatura is a bench-only dependency); and how many posts the text parser recovers
# from trafilatura's flattening of the corpus, against the HTML parser (bench/text_agreement.py).
bench: $(STAMP)
	$(UV_INSTALL) -e '.[bench]'
	$(PY) bench/parse.py
	$(PY) bench/text_agreement.py
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) .airflow data .pytest_cache

# Airflow for `make run`: SQLite metadata and its home inside the project (git-ignored), our dags/ and plugins/.
AIRFLOW_ENV := AIRFLOW_HOME=$(CURDIR)/.airflow AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
	AIRFLOW__CORE__PLUGINS_FOLDER=$(CURDIR)/plugins AIRFLOW__CORE__LOAD_EXAMPLES=False \
	THREADLINE_HOME=$(CURDIR) PATH=$(CURDIR)/$(VENV)/bin:$$PATH

# The main job, offline, on the bundled seeds: one run of threadline_ingest, then what the warehouse holds.
run: $(STAMP)
	@$(AIRFLOW_ENV) airflow db migrate > /dev/null 2>&1 || $(AIRFLOW_ENV) airflow db migrate
	@echo "running threadline_ingest once (airflow dags test); its log: .airflow/make-run.log"
	@$(AIRFLOW_ENV) airflow dags test threadline_ingest $$(date -u +%Y-%m-%dT%H:%M:%S+00:00) > .airflow/make-run.log 2>&1 \
		|| (grep -E "ERROR|FAILED|Error|failed" .airflow/make-run.log | tail -20; exit 1)
	@grep -E "^(run |  [a-z_]+: \{)|FAILED " .airflow/make-run.log | sed 's/^/  /' || true
	$(PY) -m pipeline stats
