"""Every ModelAdmin's changelist and change page run the same number of queries with 10 and
with 1,000 rows (for change pages: an object with 10 vs 1,000 related rows shown inline or in
panels). Walks the admin registry as the permission matrix walks the URLs; the rows come from
tests/admin_builders.py, which must have a builder for every registered model.

Issue 9: "The admin's participation list makes one query per row (eligibility), and the agency
change page grows with its rows. Extend the query-count tests to walk every ModelAdmin's
changelist and change page generically at 10 and 1,000 rows."
"""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import REVIEWER
from tests import factories
from tests.admin_builders import BUILDERS, World

# The mark makes pytest-django set up the test database for this module (its fixture alone
# would not); each test then runs in a transaction inside the module's. The group keeps the
# module in one test process under pytest-xdist: split, each process would build the rows and
# measure every page itself (``measured`` is most of the module's time).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("admin_query_counts")]

REGISTERED = sorted(model._meta.label for model in admin.site._registry)


def _urls(model, obj) -> dict[str, str]:
    info = (model._meta.app_label, model._meta.model_name)
    return {
        "changelist": reverse("admin:{}_{}_changelist".format(*info)),
        "change": reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
    }


def _count(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response.status_code, len(ctx.captured_queries)


def _measure(clients, targets) -> dict[tuple[str, str, str], tuple[int, int]]:
    return {
        (actor, label, page): _count(client, url)
        for actor, client in clients.items()
        for label, urls in targets.items()
        for page, url in urls.items()
    }


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Build 10 rows of every model, measure every page; add 990 more (and a new object with
    1,000 related rows), measure again. Done once for the module, rolled back after. Pages are
    read by a superuser and by a reviewer (业务经办), whose role checks run per request."""
    # The session clock stands still: SessionLimits writes a session's last-seen time once a
    # minute, which would land on whichever page is measured when that minute is up.
    frozen = mock.patch("kunqu_jiafu.accounts.middleware._now", return_value=time.time())
    with django_db_blocker.unblock(), transaction.atomic(), frozen:
        clients = {}
        for actor, user in (
            ("admin", User.objects.create_superuser("qc-admin", "qc@example.cn", "x")),
            ("reviewer", factories.make_user("qc-reviewer", REVIEWER)),
        ):
            clients[actor] = Client()
            clients[actor].force_login(user)
            factories.verify_session_if_staff(clients[actor], user)  # module-scoped: by hand
        world = World()
        models = {m._meta.label: m for m in admin.site._registry}
        small = {
            label: _urls(models[label], BUILDERS[label](world, 10, 10))
            for label in REGISTERED
            if label in BUILDERS
        }
        _measure(clients, small)  # warm the caches (content types, permissions, sites)
        at_10 = _measure(clients, small)
        large = {
            label: _urls(models[label], BUILDERS[label](world, 990, 1000))
            for label in REGISTERED
            if label in BUILDERS
        }
        at_1000 = _measure(clients, large)
        transaction.set_rollback(True)
    return at_10, at_1000


def test_every_model_admin_has_a_row_builder():
    missing = [label for label in REGISTERED if label not in BUILDERS]
    assert not missing, f"add a builder to tests/admin_builders.py for: {missing}"


@pytest.mark.parametrize("actor", ["admin", "reviewer"])
@pytest.mark.parametrize("page", ["changelist", "change"])
@pytest.mark.parametrize("label", REGISTERED)
def test_admin_page_queries_do_not_grow_with_rows(measured, label, page, actor):
    if label not in BUILDERS:
        pytest.fail(f"no builder for {label}")
    at_10, at_1000 = measured
    status_10, queries_10 = at_10[(actor, label, page)]
    status_1000, queries_1000 = at_1000[(actor, label, page)]
    if actor == "admin":
        assert status_10 == status_1000 == 200
    else:  # a page the role may not open answers the same at both sizes
        assert status_10 == status_1000
    assert queries_10 == queries_1000, (
        f"{label} {page} ({actor}): {queries_10} → {queries_1000} queries"
    )
