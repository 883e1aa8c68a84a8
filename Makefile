# gdviz: `make run` starts the app, `make test` runs every test. Nothing else is needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test unit e2e lint format bench browser clean

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# A Chromium for the browser tests: Debian's package when we are root on Debian/Ubuntu,
# otherwise Playwright's own build. The tests fail (never skip) when neither is there.
browser:
	@if [ -x /usr/bin/chromium ] || [ -n "$$GDVIZ_CHROMIUM" ]; then \
		echo "browser: $${GDVIZ_CHROMIUM:-/usr/bin/chromium}"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		$(PY) -m playwright install chromium; \
	fi

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: $(VENV)/.dev browser lint
	$(PY) -m pytest

unit: $(VENV)/.dev
	$(PY) -m pytest --ignore=tests/e2e

e2e: $(VENV)/.dev browser
	$(PY) -m pytest tests/e2e

bench: $(VENV)/.dev browser
	$(PY) bench/run.py
	$(PY) bench/data_bench.py
	$(PY) bench/lab_bench.py
	$(PY) bench/page_bench.py
	$(PY) bench/instant_rate_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
