# chinhquyen: `make run` starts the platform, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/chinhquyen
export DJANGO_SETTINGS_MODULE := chinhquyen.config.settings

.PHONY: run test install install-test demo lint check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py workcal_holidays_check
	$(PY) manage.py demo_province
	$(PY) manage.py serve

# Test processes (pytest-xdist): one per core of the 2-core machines CI runs on; `make test TEST_WORKERS=0` runs in one.
TEST_WORKERS ?= 2
# worksteal: a worker left idle takes tests queued for the other (the browser tests run long); the slowest 15 shown.
PYTEST_ARGS ?= -n $(TEST_WORKERS) --dist worksteal --durations=15

test: export DB_CONN_MAX_AGE = 0
test: install-test
	@command -v chromium >/dev/null 2>&1 || command -v /usr/bin/chromium >/dev/null 2>&1 || \
		(echo "Installing Debian's chromium for browser tests..." && apt-get update -qq && \
		 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null)
	@# With PostgreSQL (production's database) at hand, the browser tests run there only: twice, they no longer
	@# fit CI's 20 minutes. Without it, everything runs on SQLite.
	@if [ -n "$$DATABASE_URL" ] || $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		echo "== test suite on SQLite (the browser tests run on PostgreSQL) ==" && \
		env -u DATABASE_URL $(VENV)/bin/pytest $(PYTEST_ARGS) -m "not browser" && \
		echo "== test suite on PostgreSQL ==" && \
		DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(VENV)/bin/pytest $(PYTEST_ARGS); \
	else \
		echo "== test suite on SQLite ==" && \
		env -u DATABASE_URL $(VENV)/bin/pytest $(PYTEST_ARGS); \
	fi

lint: install-test
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

check: install-test
	@mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ENV=production DEBUG=false SECRET_KEY=ci-only-$$(printf '%0.sx' $$(seq 1 60)) ALLOWED_HOSTS=example.gov.vn \
		FIELD_ENCRYPTION_KEY=Y2ktb25seS1jaS1vbmx5LWNpLW9ubHktY2ktb25seS0= CACHE_URL=dbcache://chinhquyen_cache \
		SIGNING_KEY_PASSPHRASE=ci-only-passphrase SIGNING_TSA_URL=https://tsa.example.gov.vn/tsa \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
