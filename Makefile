# gdviz: `make run` starts the app, `make test` runs every test. Nothing else is needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
WORKERS ?= 2
HOST ?= 0.0.0.0

.PHONY: run serve test unit e2e load lint format bench loadtest browser nginx clean

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port $(PORT)

# A lecture hall: WORKERS Streamlit processes behind nginx on PORT (deploy/serve.py). Ctrl-C
# stops them all.
serve: $(VENV)/.runtime nginx
	$(PY) deploy/serve.py --workers $(WORKERS) --port $(PORT) --host $(HOST)

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

# nginx for `make serve` and the load tests (deploy/install-nginx.sh: Debian's package as root).
nginx:
	@bash deploy/install-nginx.sh

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: $(VENV)/.dev browser nginx lint
	$(PY) -m pytest

unit: $(VENV)/.dev
	$(PY) -m pytest --ignore=tests/e2e --ignore=tests/load

e2e: $(VENV)/.dev browser
	$(PY) -m pytest tests/e2e

load: $(VENV)/.dev nginx
	$(PY) -m pytest tests/load

bench: $(VENV)/.dev browser
	$(PY) bench/run.py
	$(PY) bench/data_bench.py
	$(PY) bench/lab_bench.py
	$(PY) bench/page_bench.py
	$(PY) bench/instant_rate_bench.py

# The real server under a class of browserless sessions (bench/loadtest.py; its docstring lists
# the stages): LOADTEST="--stages cpu class hall" picks some, "--app DIR" adds another checkout.
loadtest: $(VENV)/.dev nginx
	$(PY) bench/loadtest.py $(LOADTEST)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
