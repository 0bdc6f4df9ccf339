# Two commands matter: `make run` and `make test`. Everything installs itself into .venv.
PYTHON ?= python3
# make run PORT=8001 serves on another port (SITE_URL follows unless set).
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
REQS := requirements/base.txt requirements/test.txt requirements/constraints.txt

.PHONY: install run test lint check-deploy migrate seed benchmark vendor-govuk-frontend clean oidc-provider

$(STAMP): $(REQS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/test.txt -c requirements/constraints.txt
	@touch $(STAMP)

install: $(STAMP)

# The real OpenID Connect provider the sign-on tests (and the demo) run against: npm, Node.js from Debian.
OIDC_PROVIDER := tests/oidc/provider
OIDC_STAMP := $(OIDC_PROVIDER)/node_modules/.installed-stamp
$(OIDC_STAMP): $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --silent
	@touch $@

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@PORT=$(PORT) scripts/run-local.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint $(OIDC_STAMP)
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

check-deploy: install
	ENVIRONMENT=production \
	SECRET_KEY="throwaway-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=bootcamp.example.org \
	DATABASE_URL=postgres://bootcamp:throwaway@127.0.0.1:5432/bootcamp \
	$(PY) manage.py check --deploy --fail-level WARNING

benchmark: install
	$(PY) benchmarks/pages.py
	$(PY) benchmarks/notifications.py
	$(PY) benchmarks/exercises.py

# Camden's sign-in for the demo: run beside `make run`, then sign in as sso.officer@camden.example.org.
oidc-provider: $(OIDC_STAMP)
	@mkdir -p var
	@test -s var/oidc-demo-secret || head -c 24 /dev/urandom | base64 | tr -d '/+=' > var/oidc-demo-secret
	OIDC_PORT=9400 OIDC_CLIENT_ID=bootcamp-demo OIDC_CLIENT_SECRET="$$(cat var/oidc-demo-secret)" \
	OIDC_REDIRECT_URIS=http://127.0.0.1:$(PORT)/accounts/sign-on/camden/callback/ \
	node $(OIDC_PROVIDER)/server.mjs
	$(PY) benchmarks/allocations.py

vendor-govuk-frontend:
	scripts/vendor-govuk-frontend.sh

clean:
	rm -rf $(VENV) var
