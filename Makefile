# Neuropathy clinic assistant. Two commands do everything on a fresh machine:
#   make run    install what is missing, train if needed, start all servers
#   make test   the same set-up, then every test
# See README.md for settings (ports, clinic details, allowed web origins).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# ---- settings (override on the command line or in the environment) --------
RASA_PORT   ?= 5005
ACTION_PORT ?= 5055
WEB_PORT    ?= 8080
TRACKER_DB  ?= var/tracker.db
ALLOWED_ORIGINS ?= http://localhost:$(WEB_PORT) http://127.0.0.1:$(WEB_PORT)
RETENTION_DAYS ?= 30
# test servers use their own ports and database, so `make test` can run beside `make run`
TEST_RASA_PORT   ?= 5105
TEST_ACTION_PORT ?= 5155
TEST_WEB_PORT    ?= 8180
# the e2e servers' files (pid files, logs, conversation store, a copy of content/ to edit live)
TEST_VAR         ?= var/test
export RASA_PORT ACTION_PORT WEB_PORT TRACKER_DB ALLOWED_ORIGINS RETENTION_DAYS
# no network beyond package registries: no telemetry, quiet TensorFlow
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning
export SANIC_WORKERS := 1

VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
STAMP  := $(VENV)/.installed
WEB_STAMP := web/node_modules/.installed
CHROMIUM ?= /usr/bin/chromium

# Python 3.10 (Rasa 3.6 needs 3.8-3.10): PYTHON310=..., python3.10 on PATH, or pyenv.
# Each candidate must really run 3.10 (a pyenv shim answers `command -v` but may not).
PYTHON310 ?= $(shell for c in "$$(command -v python3.10 2>/dev/null)" \
	  $$(command -v pyenv >/dev/null 2>&1 && for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$$' | sort -V -r); do echo "$$(pyenv root)/versions/$$v/bin/python3.10"; done) \
	  /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	  [ -n "$$c" ] && [ -x "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { echo "$$c"; break; }; done)

# The model is named by a hash of what training reads, so `make train` retrains
# only when config.yml, domain.yml or data/ changed (content/ edits need none).
# The trained components' own code counts too (the n-gram models are trained by it); the rest of
# the core package (safety patterns, pre-screen, content) is read at run time and needs no retraining.
TRAIN_CODE := components/clause_classifier.py components/message_guard.py \
	$(addprefix assistant/,clauses.py intents.py normalise.py risk.py textmodel.py contract.py)
TRAIN_INPUTS := config.yml domain.yml $(TRAIN_CODE) $(shell find data -name '*.yml' 2>/dev/null | sort)
TRAIN_HASH = $(shell cat $(TRAIN_INPUTS) | sha256sum | cut -c1-12)
MODEL = models/model-$(TRAIN_HASH).tar.gz

.PHONY: help setup venv web chromium train run up down shell test test-unit check lint validate \
        test-stories test-nlu test-realistic test-e2e bench report retention lock ask preview-topic clean fold-dev-sets

help:
	@echo "make run      install, train if needed, start the assistant, print where to chat"
	@echo "make test     the same set-up, then every test"
	@echo "make shell    chat in the terminal      make train   train if training data changed"
	@echo "make check    validate content/          make bench   speed and memory benchmark"
	@echo "make report   unanswered questions       make retention  erase old conversations"
	@echo "make preview-topic ID=timeline           make ask Q=\"how many sessions?\""
	@echo "make fold-dev-sets  the realistic dev sets and data/realistic/ into the training data"

# ---- installation ----------------------------------------------------------
venv: $(STAMP)
$(STAMP): requirements.lock requirements-nodeps.lock
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 was not found. Rasa 3.6 needs Python 3.8-3.10."; \
	  echo "Install it, e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv',"; \
	  echo "or point to it: make PYTHON310=/path/to/python3.10 ..."; exit 1; fi
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.2"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock \
	  || { echo "Retrying the install once, without pip's cache (a download may have been cut short)..."; \
	       $(PY) -m pip install --quiet --disable-pip-version-check --no-cache-dir -r requirements.lock; }
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-nodeps.lock
	@touch $(STAMP)

web: $(WEB_STAMP)
$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	cd web && npm run --silent build
	@touch $(WEB_STAMP)

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
	    || { echo "Could not install chromium: run 'apt-get install chromium' as root"; exit 1; }; fi

setup: venv web
	@mkdir -p var models

# ---- training ----------------------------------------------------------------
# --skip-validation: `make validate` (run by `make test`) checks the domain and data with
# --fail-on-warnings; validating again inside every training run cost ~14 s of ~100.
train: venv
	@mkdir -p models
	@if [ -f "$(MODEL)" ]; then echo "Model is up to date: $(MODEL)"; else \
	  echo "Training $(MODEL) ..."; \
	  $(RASA) train --force --skip-validation --fixed-model-name model-$(TRAIN_HASH) --out models --quiet && \
	  ls -t models/*.tar.gz | tail -n +7 | xargs -r rm -f; fi

# The realistic dev sets and data/realistic/ as training data (scripts/fold_dev_sets.py); run it
# after a blind set becomes a dev set. tests/unit/test_training_data.py checks the output is current
# and that no blind-set message is in the training data.
fold-dev-sets: venv
	@$(PY) scripts/fold_dev_sets.py

# ---- running -----------------------------------------------------------------
run: setup train
	@$(PY) -m stores.retention --days $(RETENTION_DAYS) --db $(TRACKER_DB)
	@$(MAKE) --no-print-directory console-setup
	@MODEL=$(MODEL) $(PY) scripts/servers.py run

up: setup train
	@MODEL=$(MODEL) $(PY) scripts/servers.py up

down:
	@$(PY) scripts/servers.py down

shell: setup train
	@SANIC_HOST=127.0.0.1 $(PY) -m rasa_sdk --actions actions --port $(ACTION_PORT) > var/actions-shell.log 2>&1 & \
	  pid=$$!; trap "kill $$pid" EXIT; sleep 4; \
	  ACTION_SERVER_URL=http://127.0.0.1:$(ACTION_PORT)/webhook $(RASA) shell --model $(MODEL) --endpoints endpoints.yml

# ---- content tools for staff ---------------------------------------------------
# `make check`: the content check (what staff run), then ruff and mypy on the core package.
check: venv lint
	@$(PY) scripts/check_content.py $(if $(filter production,$(CONTENT_ENV)),--production,)

# Lint and type-check tools live in their own small venv on the machine's python3,
# apart from Rasa's pins; mypy reads the project's venv for the libraries' types.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed
$(TOOLS_STAMP): tools/requirements.lock
	@test -x $(TOOLS)/bin/python || python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check -r tools/requirements.lock
	@touch $@

lint: venv $(TOOLS_STAMP)
	@$(TOOLS)/bin/ruff check assistant
	@$(TOOLS)/bin/ruff format --check assistant
	@$(TOOLS)/bin/mypy

preview-topic: venv
	@$(PY) scripts/preview.py topic "$(ID)"

ask: venv train
	@$(PY) scripts/preview.py ask "$(Q)" --model $(MODEL)

report: venv
	@$(PY) scripts/report.py --db $(TRACKER_DB) $(if $(SINCE),--since $(SINCE),) $(if $(UNTIL),--until $(UNTIL),) --csv var/unanswered.csv

retention: venv
	@$(PY) -m stores.retention --days $(RETENTION_DAYS) --db $(TRACKER_DB)

# ---- tests ---------------------------------------------------------------------
TEST_ENV = RASA_PORT=$(TEST_RASA_PORT) ACTION_PORT=$(TEST_ACTION_PORT) WEB_PORT=$(TEST_WEB_PORT) \
	RUN_DIR=$(TEST_VAR)/run TRACKER_DB=$(TEST_VAR)/tracker.db MODEL=$(MODEL) CONTENT_DIR=$(CURDIR)/$(TEST_VAR)/content \
	ALLOWED_ORIGINS="http://localhost:$(TEST_WEB_PORT) http://127.0.0.1:$(TEST_WEB_PORT)" \
	RASA_PUBLIC_URL=http://localhost:$(TEST_RASA_PORT) \
	RASA_URL=http://localhost:$(TEST_RASA_PORT) WEB_URL=http://localhost:$(TEST_WEB_PORT) CHROMIUM=$(CHROMIUM)

test: setup chromium train
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory validate
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory test-stories
	@$(MAKE) --no-print-directory test-nlu
	@$(MAKE) --no-print-directory test-realistic
	@$(MAKE) --no-print-directory test-e2e
	@$(MAKE) --no-print-directory test-console
	@$(MAKE) --no-print-directory test-cluster
	@echo "make test: all suites passed"

validate: venv
	$(RASA) data validate --quiet --fail-on-warnings

test-unit: venv
	$(PY) -m pytest -q -s tests --ignore=tests/e2e --ignore=tests/browser  # -s: the suites print their measured figures

test-stories: train
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out var/results/core --quiet

# holdout.yml: held out from training, used for error analysis (a dev set);
# blind.yml: written without seeing the training data, never used to tune it.
test-nlu: train
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/holdout.yml --out var/results/nlu-holdout --quiet
	@echo "== held-out (dev) set"; $(PY) scripts/nlu_report.py var/results/nlu-holdout --min-accuracy 0.95
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu/blind.yml --out var/results/nlu-blind --quiet
	@echo "== blind test set"; $(PY) scripts/nlu_report.py var/results/nlu-blind --min-accuracy 0.95

# Realistic sets written by helpers who never saw the training data, patterns or code, listed
# with their kind (dev: failures read; blind: only scored) and floors in tests/realistic/gates.yml.
# The floors are regression gates a few points under the levels measured on 2026-11-30; the
# targets of issues 11 and 14 and the measured figures are in the README ("How well it understands").
EVAL = PYTHONPATH=. $(PY) scripts/eval_realistic.py --model $(MODEL)
test-realistic: train
	@$(EVAL) --gates tests/realistic/gates.yml

test-e2e: setup chromium train
	@rm -rf $(TEST_VAR) && mkdir -p $(TEST_VAR) && cp -r content $(TEST_VAR)/content
	@$(TEST_ENV) $(PY) scripts/servers.py up
	@set -e; trap '$(TEST_ENV) $(PY) scripts/servers.py down' EXIT; \
	  $(TEST_ENV) $(PY) -m pytest -q tests/e2e tests/browser; \
	  $(PY) ../shared/eval/run_probes.py --url http://localhost:$(TEST_RASA_PORT); \
	  $(PY) ../shared/eval/run_dialogs.py --url http://localhost:$(TEST_RASA_PORT)

bench: setup train
	$(PY) scripts/bench.py

lock: venv
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --strip-extras --no-emit-index-url --no-emit-find-links --quiet requirements.in -o requirements.lock

clean:
	rm -rf models var results .pytest_cache

# ---- staff console (console/: Django in its own venv on the machine's newer Python) -------
# make console-setup   install (console/requirements.lock, hashes checked) and migrate
# make console         run the console alone      make staff-user NAME=ana ROLE=editor|lead|admin
# make test-console    its unit and browser tests (starts the assistant on its own test ports)
CONSOLE_PYTHON ?= python3
CONSOLE_VENV := console/.venv
CONSOLE_PY := $(CONSOLE_VENV)/bin/python
CONSOLE_STAMP := $(CONSOLE_VENV)/.installed
CONSOLE_PORT ?= 8090
CONSOLE_HOST ?= 127.0.0.1
CONSOLE_TEST_ENV = RASA_PORT=5205 ACTION_PORT=5255 WEB_PORT=8280 CONSOLE_PORT=8290 \
	RUN_DIR=var/console-test/run TRACKER_DB=var/console-test/tracker.db MODEL=$(MODEL) \
	CONTENT_DIR=$(CURDIR)/var/console-test/content CONSOLE_VAR_DIR=$(CURDIR)/var/console-test/console \
	ALLOWED_ORIGINS="http://localhost:8280 http://127.0.0.1:8280" RASA_PUBLIC_URL=http://localhost:5205 \
	RASA_URL=http://localhost:5205 WEB_URL=http://localhost:8280 CHROMIUM=$(CHROMIUM) RASA_PYTHON=$(CURDIR)/$(PY)

.PHONY: console console-setup console-lock staff-user test-console
$(CONSOLE_STAMP): console/requirements.lock
	@$(CONSOLE_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "The staff console needs Python 3.10 or newer: make CONSOLE_PYTHON=/path/to/python3.11 ..."; exit 1; }
	@test -x $(CONSOLE_PY) || $(CONSOLE_PYTHON) -m venv $(CONSOLE_VENV)
	$(CONSOLE_PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r console/requirements.lock
	@touch $(CONSOLE_STAMP)

console-setup: $(CONSOLE_STAMP)
	@$(CONSOLE_PY) console/manage.py migrate --verbosity 0

console-lock: $(CONSOLE_STAMP)
	$(CONSOLE_PY) -m pip install --quiet pip-tools
	cd console && .venv/bin/pip-compile --strip-extras --no-emit-index-url --generate-hashes --quiet \
	  requirements.in -o requirements.lock

console: venv console-setup
	@CONSOLE_PORT=$(CONSOLE_PORT) CONSOLE_HOST=$(CONSOLE_HOST) RASA_PYTHON=$(CURDIR)/$(PY) $(CONSOLE_PY) console/manage.py serve

staff-user: console-setup
	@if [ -z "$(NAME)" ]; then echo "usage: make staff-user NAME=ana ROLE=editor|lead|admin [UNLOCK=1] [DISABLE=1] [PASSWORD_STDIN=1]"; exit 2; fi
	@$(CONSOLE_PY) console/manage.py staffuser "$(NAME)" $(if $(ROLE),--role $(ROLE),) \
	  $(if $(UNLOCK),--unlock,) $(if $(DISABLE),--deactivate,) $(if $(PASSWORD_STDIN),--password-stdin,)

test-console: setup chromium train console-setup
	@rm -rf var/console-test && mkdir -p var/console-test && cp -r content var/console-test/content
	@$(CONSOLE_TEST_ENV) $(PY) scripts/servers.py up
	@set -e; trap '$(CONSOLE_TEST_ENV) $(PY) scripts/servers.py down' EXIT; \
	  $(CONSOLE_TEST_ENV) CONSOLE_REQUIRE_LIVE=1 $(CONSOLE_PY) -m pytest -c console/pytest.ini -q tests/console

include mk/cluster.mk
