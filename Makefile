# MoodyStream: `make run` serves the app (demo mode unless Spotify credentials are configured);
# `make test` runs the whole suite. Both install what they need on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && echo python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
STAGE ?= prod

.PHONY: help run test lint typecheck bench package deploy update logs check-deploy clean browser

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 12), "MoodyStream needs Python 3.12, found " + sys.version' 
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

run: $(VENV)/.runtime-installed ## Serve the app on http://127.0.0.1:8000 (demo mode without credentials)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

browser: ## Install Debian's chromium for the end-to-end tests (if missing)
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@/usr/bin/chromium --version

lint: $(VENV)/.dev-installed ## ruff
	$(BIN)/ruff check .

typecheck: $(VENV)/.dev-installed ## mypy with django-stubs (strict for playlists/services and playlists/spotify; see pyproject.toml)
	MOODYSTREAM_IGNORE_DOTENV=1 $(BIN)/mypy

test: $(VENV)/.dev-installed browser ## Run the whole test suite (lint, type check, unit, integration, browser)
	$(BIN)/ruff check .
	MOODYSTREAM_IGNORE_DOTENV=1 $(BIN)/mypy
	MOODYSTREAM_IGNORE_DOTENV=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

REAL_SAMPLE ?= ../shared/real-catalogue-sample

bench: $(VENV)/.dev-installed ## Benchmarks against the emulator; prints a table
	MOODYSTREAM_IGNORE_DOTENV=1 $(BIN)/python -m bench
	MOODYSTREAM_IGNORE_DOTENV=1 $(BIN)/python -m bench.quality
	MOODYSTREAM_IGNORE_DOTENV=1 $(BIN)/python -m bench.quality --mode extended
	@if [ -d "$(REAL_SAMPLE)" ]; then \
	  MOODYSTREAM_IGNORE_DOTENV=1 $(BIN)/python -m bench.quality --real-sample "$(REAL_SAMPLE)" && \
	  MOODYSTREAM_IGNORE_DOTENV=1 $(BIN)/python -m bench.quality --real-sample "$(REAL_SAMPLE)" --mode extended; \
	else echo "(no $(REAL_SAMPLE): quality on the real catalogue sample skipped)"; fi

check-deploy: $(VENV)/.dev-installed ## `manage.py check --deploy` on the prod and dev stage settings (offline)
	bash deploy/check_deploy.sh prod
	bash deploy/check_deploy.sh dev

package: ## Build and check build/moodystream-$(STAGE).zip offline (zappa package) and print its size
	bash deploy/package.sh $(STAGE)

deploy: ## First deployment to AWS (needs AWS credentials)
	bash deploy/zappa.sh deploy $(STAGE)

update: ## Upload the checked zip and current settings (needs AWS credentials)
	bash deploy/zappa.sh update $(STAGE)

logs: ## Follow the function's logs (needs AWS credentials)
	bash deploy/zappa.sh tail $(STAGE) --since 1h

clean: ## Remove virtualenvs, caches and build output
	rm -rf $(VENV) .venv-lambda build staticfiles .pytest_cache .ruff_cache .mypy_cache test-artifacts
