# OneTrip: two commands do all set-up on a fresh machine.
#   make demo   venv, install, migrate, load the demo county, serve on http://127.0.0.1:8000
#   make test   install what the tests need and run the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: demo test bench lint browsers assets venv messages clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

demo: venv
	@$(MAKE) --no-print-directory assets || echo "ECharts could not be installed: statistics show tables without charts."
	$(BIN)/onetrip demo --port $(PORT)

# Browser libraries from the npm registry into var/vendor (not committed): ECharts for charts.
ECHARTS_VERSION := 5.6.0
assets: var/vendor/echarts/echarts.min.js

var/vendor/echarts/echarts.min.js:
	@command -v npm >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; else sudo apt-get install -y -qq npm >/dev/null; fi; }
	@mkdir -p var/vendor/echarts && tmp=$$(mktemp -d) && \
	  (cd $$tmp && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null && tar xzf echarts-$(ECHARTS_VERSION).tgz) && \
	  cp $$tmp/package/dist/echarts.min.js $$tmp/package/LICENSE $$tmp/package/NOTICE var/vendor/echarts/ && rm -rf $$tmp

# Debian's Chromium and a CJK font for the browser tests, when missing.
browsers:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  fi; \
	fi

messages: venv
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var >/dev/null

test: venv browsers assets
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf var/ .pytest_cache
