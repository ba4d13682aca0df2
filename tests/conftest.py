"""Named actors used across the suite: anonymous, agency_a, agency_b, reviewer, approver,
official. ``org_a``/``org_b`` are their agencies; ``client_for(user)`` signs a client in."""

from __future__ import annotations

import pytest
from django.test import Client

from kunqu_jiafu.accounts.roles import APPROVER, OFFICIAL, REVIEWER
from tests import factories


def pytest_sessionstart(session):
    """``make test`` compiles the translation catalogues first; plain ``pytest`` compiles them
    here when a .mo file is missing or older than its .po (.mo files are not in git)."""
    import contextlib
    from pathlib import Path

    from django.conf import settings

    def stale(po: Path) -> bool:
        mo = po.with_suffix(".mo")
        return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime

    catalogues = [po for base in settings.LOCALE_PATHS for po in Path(base).glob("*/*/*.po")]
    if not any(stale(po) for po in catalogues):
        return
    from django.core.management import call_command
    from django.utils.translation import trans_real

    with contextlib.chdir(settings.BASE_DIR):
        call_command("compilemessages", ignore_patterns=[".venv", "staticfiles"], verbosity=0)
    trans_real._translations = {}  # forget catalogues loaded before the .mo was written
    trans_real._default = None


def _allow_flush_of_the_audit_tables() -> None:
    """The audit tables refuse TRUNCATE (audit migration 0005) unless their owner sets
    ``audit.allow_truncate`` in its transaction: the suite's flush (transactional tests) does,
    as the owner. Nothing outside the tests does."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    if getattr(DatabaseOperations.execute_sql_flush, "_allows_audit", False):
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL audit.allow_truncate = 'on'", *sql_list])

    execute_sql_flush._allows_audit = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush


@pytest.fixture(scope="session", autouse=True)
def _audit_flush():
    _allow_flush_of_the_audit_tables()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Anchors of the audit log's head: each test its own, never the developer's var/.
    settings.AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"
    # A fast hasher: the suite creates hundreds of users; real hashing is tested by Django.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The public forms' counters and challenges live in the cache: each test starts clean, so
    one test's sign-ups do not count against the next's (all come from 127.0.0.1)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _staff_sessions_pass_second_factor(monkeypatch):
    """``client.force_login(user)`` gives staff a session that passed the second factor as well
    (an authenticator made for them, tests/factories.py), as signing in with password and code
    does; tests of the second factor itself sign in with ``factories.login_password_only``."""

    def force_login(self, user, backend=None):
        factories.login_password_only(self, user, backend)
        factories.verify_session_if_staff(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def org_a(db):
    return factories.make_agency("甲家政服务有限公司")


@pytest.fixture
def org_b(db):
    return factories.make_agency("乙养老服务有限公司")


@pytest.fixture
def agency_a(org_a):
    return factories.make_agency_user("agency_a", org_a)


@pytest.fixture
def agency_b(org_b):
    return factories.make_agency_user("agency_b", org_b)


@pytest.fixture
def reviewer(db):
    return factories.make_user("reviewer", REVIEWER, full_name="赵经办")


@pytest.fixture
def reviewer2(db):
    return factories.make_user("reviewer2", REVIEWER, full_name="钱经办")


@pytest.fixture
def approver(db):
    return factories.make_user("approver", APPROVER, full_name="孙领导")


@pytest.fixture
def official(db):
    return factories.make_user("official", OFFICIAL, full_name="周统计")


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def client_for():
    def _client(user) -> Client:
        client = Client()
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return _client


@pytest.fixture(autouse=True)
def _celery_eager_by_default(request):
    """Tasks run in-process in tests, even where CI configures a broker; tests marked
    ``celery_worker`` switch this off and run a real worker on that broker."""
    from kunqu_jiafu.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


# Data migrations whose idempotent ``seed(apps, schema_editor)`` restores reference data.
SEEDING_MIGRATIONS = (
    "agencies.migrations.0003_reference_data",
    "agencies.migrations.0005_enterprise_size",
    "agencies.migrations.0007_recognition_kinds",
    "subsidies.migrations.0002_catalogue_2026",
    "subsidies.migrations.0003_training_from_records",
    "subsidies.migrations.0005_catalogue_headline_and_flags",
    "subsidies.migrations.0006_rules_to_the_plan",
    "subsidies.migrations.0007_fee_exemptions",
    "subsidies.migrations.0008_catalogue_from_fixture",
    "subsidies.migrations.0009_typo_ceilings_as_parameters",
    "training.migrations.0002_seed",
    "training.migrations.0004_course_kind_standard",
    "training.migrations.0005_course_kinds_from_fixture",
    "vouchers.migrations.0002_seed",
    "vouchers.migrations.0005_target_groups_from_fixture",
    "inspections.migrations.0010_default_checklists",
    "inspections.migrations.0050_evaluation_scheme_2026",
    "agencies.migrations.0011_statistical_survey_2026",
)


def _reseed_reference_data(sender, **kwargs) -> None:
    """Flushing the database (Django does it after every transactional test) re-runs
    post_migrate, which restores content types, permissions and the role groups; the
    streets, business formats and yearly policy come from data migrations, so they are
    re-seeded here with those migrations' own idempotent functions, once per flush: on the
    signal for the last installed app. Seeding after the flush, not before the next
    transactional test, matters: whatever test runs next in that process, transactional
    or not, finds the reference data in place."""
    import importlib

    from django.apps import apps

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender is not with_models[-1]:
        return
    for module in SEEDING_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _reference_data_survives_flushes():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_reseed_reference_data, dispatch_uid="tests.reseed_reference_data")
    yield
    post_migrate.disconnect(dispatch_uid="tests.reseed_reference_data")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``make test`` runs two processes), tests that start a real Celery
    worker share one broker queue: they all go to one process (``--dist loadgroup``), so no
    worker ever takes a task queued by the other process's test against its own database.
    The browser journeys go to one process too, so Chromium and the live server start once.
    ``--dist loadgroup`` hands out the largest groups first, then single tests as processes
    free up, so the long groups start early and both processes end together."""
    for item in items:
        if item.get_closest_marker("celery_worker"):
            item.add_marker(pytest.mark.xdist_group("celery_worker"))
        elif item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("e2e"))
    yield  # the other implementations, pytest-xdist's among them
    _keep_xdist_groups(items)


def _keep_xdist_groups(items) -> None:
    """pytest-xdist 3.8 tells its scheduler a test's group by appending "@group" to the test's
    ``_nodeid``; pytest 9.2 keeps node ids in ``_id`` and no longer reads ``_nodeid``, so every
    group was silently ignored and grouped tests spread over both processes
    (pytest-dev/pytest-xdist#1386). Carry the suffix over; nothing to do once xdist sets it."""
    for item in items:
        legacy = item.__dict__.get("_nodeid")
        if legacy and legacy != item.nodeid and hasattr(item, "_id"):
            from _pytest.nodeid import NodeId  # only where pytest keeps structured ids

            item._id = NodeId.parse(legacy)
