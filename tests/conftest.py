"""Named actors used across the suite: anonymous, agency_a, agency_b, reviewer, approver,
official. ``org_a``/``org_b`` are their agencies; ``client_for(user)`` signs a client in."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
    return factories.make_user("reviewer", "业务经办", full_name="赵经办")


@pytest.fixture
def reviewer2(db):
    return factories.make_user("reviewer2", "业务经办", full_name="钱经办")


@pytest.fixture
def approver(db):
    return factories.make_user("approver", "审批领导", full_name="孙领导")


@pytest.fixture
def official(db):
    return factories.make_user("official", "统计查询", full_name="周统计")


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
