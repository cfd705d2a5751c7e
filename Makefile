# The two commands a newcomer needs: `make run` and `make test`.
# Both bring Poetry and the locked dependencies into local virtualenvs themselves.

PYTHON ?= python3
VENV := .venv
TOOLS := .tools
POETRY := $(TOOLS)/bin/poetry
INSTALLED := $(VENV)/.installed
LOCALES := bot/locales

.PHONY: help run test lint format chat install i18n clean bench bench-rss

# Each target's `## ` comment is its line in `make help`.
help: ## list the targets, one line each
	@awk -F ':.*## ' '/^[a-zA-Z0-9_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: $(INSTALLED) ## the bot; with no BOT_TOKEN, the local chat on the embedded database
	$(VENV)/bin/python -m bot.cli.quickstart

# Two workers (pytest-xdist): most of the suite's time is spent waiting on child processes and
# servers, not computing. `--dist loadgroup` keeps the tests that must not run side by side on one
# worker (tests/support/workers.py). TEST_WORKERS=0 runs it all in this one process.
TEST_WORKERS ?= 2
test: $(INSTALLED) ## the test suite (SQLite, and MariaDB/MySQL when it answers)
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

lint: $(INSTALLED) ## ruff check, ruff format --check, mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bot db tests bench

# The learner journey on MariaDB (TEST_MYSQL_URL) and SQLite, beside the no-database floor;
# every figure goes to bench-results.json too. See docs/benchmarks.md.
BENCH_LEARNERS ?= 100
bench: $(INSTALLED) ## the learner-journey benchmark on MariaDB and SQLite
	$(VENV)/bin/python -m bench.learning_loop --learners $(BENCH_LEARNERS) --json bench-results.json

# Memory after 10,000 distinct learners: one process per database, so neither counts the other.
RSS_LEARNERS ?= 10000
bench-rss: $(INSTALLED) ## memory after RSS_LEARNERS distinct learners, per database
	$(VENV)/bin/python -m bench.learning_loop --database mysql --learners 0 --rss-learners $(RSS_LEARNERS) --json bench-rss-mysql.json
	$(VENV)/bin/python -m bench.learning_loop --database sqlite --learners 0 --rss-learners $(RSS_LEARNERS) --json bench-rss-sqlite.json

format: $(INSTALLED) ## ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

chat: $(INSTALLED) ## the local chat in this terminal (no token needed)
	$(VENV)/bin/learnbot chat

install: $(INSTALLED) ## Poetry in .tools, the locked dependencies in .venv

# After adding or changing a text in bot/texts/: extract every text into the template, then
# merge it into both catalogues. New entries come out empty (or fuzzy, when like an old one)
# and the catalogue test fails until each is translated and unflagged.
i18n: $(INSTALLED) ## extract the texts into the template and merge both catalogues
	$(VENV)/bin/pybabel extract -F $(LOCALES)/babel.cfg --no-location --project=learnbot \
		--copyright-holder="learnbot contributors" -o $(LOCALES)/messages.pot .
	$(VENV)/bin/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages \
		--ignore-obsolete

$(POETRY):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "poetry>=2.1,<3" "poetry-plugin-export>=1.8,<2"

# pip installs the exact locked set (with hashes). Poetry's own installer insists on PyPI's JSON
# API, which package mirrors and restricted networks often lack; pip needs only the simple index.
$(INSTALLED): pyproject.toml poetry.lock | $(POETRY)
	$(POETRY) check --lock
	$(PYTHON) -m venv $(VENV)
	$(POETRY) export --with dev --format requirements.txt --output $(VENV)/requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r $(VENV)/requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(INSTALLED)

clean: ## remove the virtualenvs and the caches
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
