# Two commands set everything up on a fresh machine: `make run` and `make test` (README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lock bench clean

install: $(STAMP)

# The venv is rebuilt only when the dependencies change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[airflow,dev]'
	touch $@

test: $(STAMP)
	$(PY) -m pytest

# Re-freeze constraints.txt from a clean resolve of pyproject.toml (run after changing dependencies).
lock:
	rm -rf /tmp/threadline-lock && $(PYTHON) -m venv /tmp/threadline-lock
	/tmp/threadline-lock/bin/pip install --quiet --disable-pip-version-check -e '.[airflow,dev]'
	/tmp/threadline-lock/bin/pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) .airflow data .pytest_cache
