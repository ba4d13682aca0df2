# 昆区家服 (kunqu_jiafu) — everyday commands.
#
#   make run    set everything up, migrate, load demo data, serve on http://$(HOST):$(PORT)
#               (default 127.0.0.1:8000; e-mails are written to var/mail/)
#   make test   set everything up (with the browser for e2e tests) and run pytest
#   make backup                  database + media + manifest + keys' escrow note to BACKUP_DIR
#   make restore BACKUP=FOLDER   into a NEW, empty database (DATABASE_URL) and MEDIA_ROOT
#
# Always uses .venv/bin/python; no activated virtualenv is needed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.requirements.stamp
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k vouchers -x"`.
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core, at most 4; `make test PYTEST_WORKERS=0` runs
# in this process. Tests that start a real Celery worker stay in one process (loadgroup).
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
# `make test` passes --test so Chromium is installed for the Playwright tests.
SYSDEPS_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in e-mail, PDF and QR links; `make run PORT=8001` links to port 8001.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: help setup sysdeps venv messages fonts run test worker beat lint fmt migrate demo \
	collectstatic backup restore clean distclean

help:
	@echo "make run      安装依赖、迁移数据库、载入演示数据并启动 http://$(HOST):$(PORT)"
	@echo "make test     安装依赖（含 Chromium）并运行全部测试 (pytest)"
	@echo "make setup    system packages, .venv, pip install, compilemessages, PDF font"
	@echo "make worker   Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat     Celery beat (needs CELERY_BROKER_URL)"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make fmt      ruff fixes + ruff format"
	@echo "make backup   备份数据库、上传文件、清单和密钥托管说明到 BACKUP_DIR (默认 var/backups)"
	@echo "make restore BACKUP=目录   恢复到新建的空数据库 (DATABASE_URL) 并核对行数、文件和审计链"
	@echo "make migrate | demo | collectstatic | clean | distclean"

# --- set-up -----------------------------------------------------------------

setup: sysdeps venv messages fonts

sysdeps:
	@bash scripts/ensure-system-deps.sh $(SYSDEPS_ARGS)

venv: $(STAMP)

$(PY):
	PYTHON=$(PYTHON) bash scripts/ensure-system-deps.sh $(SYSDEPS_ARGS)
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when a requirements file is newer than the stamp (or .venv is new).
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@touch $@

# Compiles locale/*/LC_MESSAGES/*.po to .mo (git-ignored). Skips up-to-date files.
messages: venv
	@ls locale/*/LC_MESSAGES/django.po >/dev/null 2>&1 || { \
		echo "缺少翻译文件 locale/zh_Hans/LC_MESSAGES/django.po (no .po catalogue to compile)" >&2; exit 1; }
	$(MANAGE) compilemessages --ignore=$(VENV) --ignore=node_modules --ignore=staticfiles

# The GB2312 subset of the Chinese font for PDF notices (var/fonts/kj-cjk.ttf) and HanaMin cut
# to CJK Extension A and B for rare characters in names (var/fonts/kj-cjk-ext-a.ttf,
# kj-cjk-ext-b.ttf), git-ignored. Skips when up to date; fails loudly without
# libharfbuzz-subset0, fonts-wqy-microhei or fonts-hanazono.
fonts: venv
	$(MANAGE) build_pdf_font

# --- running ----------------------------------------------------------------

migrate: venv
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

collectstatic: venv
	$(MANAGE) collectstatic --noinput --verbosity 0

# E-mails go to files under var/mail/ (unless EMAIL_URL is set); the demo summary is the
# last thing printed before the server starts.
run: setup migrate
	$(MANAGE) collectstatic --noinput --verbosity 0
	SITE_URL='$(SITE_URL)' $(MANAGE) load_demo
	SITE_URL='$(SITE_URL)' $(MANAGE) runserver $(HOST):$(PORT)

define need_broker
	@if [ -z "$${CELERY_BROKER_URL:-}" ] && ! grep -qs '^CELERY_BROKER_URL=.' .env; then \
		echo "CELERY_BROKER_URL 未设置：请在环境或 .env 中设置，例如 redis://127.0.0.1:6379/0" >&2; \
		echo "(CELERY_BROKER_URL is not set; without it tasks run in-process and no worker is needed.)" >&2; \
		exit 1; \
	fi
endef

worker: setup
	$(need_broker)
	$(VENV)/bin/celery -A kunqu_jiafu worker --loglevel=INFO

beat: setup
	$(need_broker)
	@mkdir -p var
	$(VENV)/bin/celery -A kunqu_jiafu beat --loglevel=INFO --schedule=var/celerybeat-schedule

# --- backup and restore (docs/operations.md) ----------------------------------

# The database (pg_dump custom format, or a consistent SQLite copy), MEDIA_ROOT as a tar, a
# manifest and ESCROW.txt naming the keys (by fingerprint) to keep with the backup.
backup: venv
	$(MANAGE) backup

# Refuses a non-empty database or MEDIA_ROOT (RESTORE_ARGS=--overwrite to replace them) and
# keys other than the backup's; compares counts, files and the audit chain afterwards.
BACKUP ?=
RESTORE_ARGS ?=
restore: venv
	@if [ -z "$(BACKUP)" ]; then \
		echo "请指定备份目录：make restore BACKUP=var/backups/<时间> (BACKUP is not set)" >&2; exit 2; \
	fi
	$(MANAGE) restore '$(BACKUP)' $(RESTORE_ARGS)

# --- quality ----------------------------------------------------------------

# pytest's own exit status fails the target (make itself then exits 2).
test: SYSDEPS_ARGS = --test
test: setup
	@rc=0; $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest 退出码 5：没有收集到任何测试 (no tests were collected)" >&2; fi; \
	exit $$rc

lint: venv
	@rc=0; \
	$(VENV)/bin/ruff check . || rc=1; \
	$(VENV)/bin/ruff format --check . || rc=1; \
	exit $$rc

fmt: venv
	$(VENV)/bin/ruff check --fix-only .
	$(VENV)/bin/ruff format .

# --- cleaning ---------------------------------------------------------------

# Generated files only; keeps .venv, the SQLite database and uploaded files (var/).
clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name '*.mo' -path '*/LC_MESSAGES/*' -type f -exec rm -f {} +
	rm -rf staticfiles .pytest_cache .ruff_cache test-artifacts

# Everything `make run` creates, including the virtualenv, db.sqlite3 and var/.
distclean: clean
	rm -rf $(VENV) db.sqlite3 var
