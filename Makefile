# backprop-viz build / run / test entry points.  `make` (or `make help`) lists targets.
SHELL        := /bin/bash
.DEFAULT_GOAL := help

PYTHON       ?= python3
VENV         := .venv
VPY          := $(VENV)/bin/python
STAMP        := $(VENV)/.installed
BENCH_STAMP  := $(VENV)/.bench-installed
# Test-only npm packages (axe-core, injected into the page by the accessibility tests; never served).
AXE_DIR      := tests/page/axe
AXE_STAMP    := $(AXE_DIR)/node_modules/.installed

HOST         ?= 127.0.0.1
PORT         ?= 5000
WORKERS      ?= 2
# App servers (host:port, space-separated) for `make run` to balance instead of starting its own.
UPSTREAMS    ?=
PYTEST_ARGS  ?=

# Re-run the editable install when the metadata changes or a package first appears.
PKG_INITS    := $(wildcard engine/__init__.py app/__init__.py)

# --- system packages (apt) ---------------------------------------------------
# Each check appends the Debian package to $missing when its tool is absent.
CHECK_RUN  = command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
             fc-list 2>/dev/null | grep -q DejaVu || missing="$$missing fonts-dejavu-core";
CHECK_FRONT = command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || missing="$$missing nginx";
CHECK_TEST = test -x /usr/bin/chromium || missing="$$missing chromium"; \
             command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
             fc-list 2>/dev/null | grep -qi nanum || missing="$$missing fonts-nanum";
APT        = DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600
# apt-get update runs once, and only if something is missing; nothing needs root otherwise.
APT_ENSURE = if [ -n "$$missing" ]; then \
	  echo ">> installing missing system packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	  else echo "error: need root to apt-get install$$missing" >&2; exit 1; fi; \
	  $$sudo env $(APT) update && \
	  $$sudo env $(APT) install -y --no-install-recommends $$missing; \
	else echo ">> system packages present"; fi

.PHONY: help deps-system deps-run deps-front deps-test venv run app dev test check bench bench-api bench-render screenshots clean

help: ## list targets
	@echo "backprop-viz make targets:"
	@grep -E '^[a-zA-Z_.-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'
	@echo "variables: HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) UPSTREAMS='$(UPSTREAMS)' PYTEST_ARGS='$(PYTEST_ARGS)'"

deps-system: deps-test ## install all missing apt packages (graphviz, fonts, nginx, chromium)

deps-run: ## install missing runtime apt packages (graphviz, fonts-dejavu-core)
	@missing=""; $(CHECK_RUN) $(APT_ENSURE)

deps-front: ## install missing runtime apt packages and the front (adds nginx)
	@missing=""; $(CHECK_RUN) $(CHECK_FRONT) $(APT_ENSURE)

deps-test: ## install missing runtime + test apt packages (adds nginx, chromium, npm, fonts-nanum for Korean)
	@missing=""; $(CHECK_RUN) $(CHECK_FRONT) $(CHECK_TEST) $(APT_ENSURE)

# --- python virtualenv ---------------------------------------------------------
# Never runs `playwright install`: the browser tests use /usr/bin/chromium.
$(STAMP): pyproject.toml $(PKG_INITS)
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -e '.[test]'
	@touch $@

venv: $(STAMP) ## create .venv and install the package editable with [test] extras

# npm ci installs exactly the lock file's versions into tests/page/axe/node_modules.
$(AXE_STAMP): $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	cd $(AXE_DIR) && npm ci --no-audit --no-fund
	@touch $@

# --- run ---------------------------------------------------------------------
# app/serving.py starts nginx on HOST:PORT before gunicorn on a Unix socket, and stops both on Ctrl-C.
run: deps-front $(STAMP) ## serve: nginx in front of gunicorn (HOST, PORT, WORKERS; UPSTREAMS="h:p h:p" balances those instead)
	$(VPY) -m app.serving --host $(HOST) --port $(PORT) --workers $(WORKERS) $(foreach u,$(UPSTREAMS),--upstream $(u))

app: deps-run $(STAMP) ## gunicorn alone on HOST:PORT, an app server for a front elsewhere (HOST, PORT, WORKERS)
	$(VPY) -m app.serving --app-only --host $(HOST) --port $(PORT) --workers $(WORKERS)

dev: deps-run $(STAMP) ## Flask debug server (HOST, PORT)
	$(VENV)/bin/flask --app app:create_app run --debug --host $(HOST) --port $(PORT)

test: deps-test $(STAMP) $(AXE_STAMP) ## run the test suite (PYTEST_ARGS='-k foo -m "not browser"')
	$(VPY) -m pytest -q $(PYTEST_ARGS)

check: deps-test $(STAMP) ## the inner loop: all tests but the slow and browser ones (< 30 s)
	$(VPY) -m pytest -q -m "not slow and not browser" $(PYTEST_ARGS)

$(BENCH_STAMP): $(STAMP)
	$(VPY) -m pip install -e '.[test,bench]'
	@touch $@

bench: deps-run $(BENCH_STAMP) ## install the [bench] extra and run benchmarks/engine_bench.py
	$(VPY) benchmarks/engine_bench.py

bench-api: deps-front $(STAMP) ## POST /api/graph against `dot -Tsvg` alone: test client, gunicorn, make run's front (benchmarks/api_bench.py)
	$(VPY) benchmarks/api_bench.py

bench-render: deps-run $(STAMP) ## every hard shape up to 2,000 nodes through the API: answered within 3 s? (benchmarks/render_bench.py --hard)
	$(VPY) benchmarks/render_bench.py --hard

screenshots: deps-test $(STAMP) ## re-take docs/screenshot-*.png and docs/learn-*.png in Chromium
	$(VPY) scripts/screenshots.py
	$(VPY) scripts/learn_screenshots.py

clean: ## remove .venv and caches
	rm -rf $(VENV) .pytest_cache .hypothesis build dist *.egg-info $(AXE_DIR)/node_modules
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
