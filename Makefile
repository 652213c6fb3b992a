# The two commands a newcomer needs: `make demo` and `make test`.
# Both create .venv and install the project into it when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint types check-schemas unit integration install clean browser deploy-tools

demo: $(STAMP)
	$(BIN)/onewindow demo

test: lint types check-schemas browser deploy-tools
	$(BIN)/pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "onewindow needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check hub schemas projections connectors tests
	$(BIN)/ruff format --check hub schemas projections connectors tests

types: $(STAMP)
	$(BIN)/mypy

check-schemas: $(STAMP)
	$(BIN)/onewindow schemas check

unit: $(STAMP)
	$(BIN)/pytest tests/unit

integration: $(STAMP)
	$(BIN)/pytest tests/integration

# The dashboard's browser tests drive Debian's Chromium (with a CJK font for the
# departments' names); install them when we may.
BROWSER_FILES := /usr/bin/chromium /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
browser:
	@ls $(BROWSER_FILES) >/dev/null 2>&1 \
		|| { test "$$(id -u)" = 0 && apt-get update \
		&& apt-get install -y chromium fonts-wqy-microhei; } \
		|| { echo "browser tests need $(BROWSER_FILES):" \
		"run 'sudo apt-get install chromium fonts-wqy-microhei'" >&2; test -z "$$CI"; }

# Validating deploy/ offline: the Strimzi CRD schemas and TypeScript from npm (pinned by
# deploy/validate/package-lock.json), promtool from Debian's prometheus package.
DEPLOY_NODE_MODULES := deploy/validate/node_modules/.package-lock.json
deploy-tools: $(DEPLOY_NODE_MODULES)
	@command -v promtool >/dev/null 2>&1 \
		|| { test "$$(id -u)" = 0 && apt-get update \
		&& apt-get install -y --no-install-recommends prometheus; } \
		|| { echo "alert rule tests use promtool: run 'sudo apt-get install prometheus'" >&2; \
		test -z "$$CI"; }

$(DEPLOY_NODE_MODULES): deploy/validate/package-lock.json
	@command -v npm >/dev/null 2>&1 \
		|| { test "$$(id -u)" = 0 && apt-get update && apt-get install -y nodejs npm; }
	npm ci --prefix deploy/validate --no-audit --no-fund

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
