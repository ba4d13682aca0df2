"""The README's public URLs answer: /training/ and /vouchers/ are landing pages, the home page
links the training sign-up, and the sign-up is rate-limited like the voucher look-up.

Issue 9: "The README's public URLs answer: `/vouchers/` and `/training/` get public landing
pages, the home page links the training sign-up, the sign-up asks for consent to use personal
data like the voucher form, and a repeat sign-up does not reveal that the ID signed up before."
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.core.test_i18n import _page, catalogue, leftover_english  # noqa: F401 (fixture)
from tests.training.test_signup_public import signup_post
from training import services
from training.models import Course, CourseKind, TrainingSignup
from vouchers.models import TargetGroup, VoucherBatch

TRAINING = "/training/"
VOUCHERS = "/vouchers/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _open_course(actor, provider, name="家政服务员岗前培训（第五期）", **extra) -> Course:
    today = timezone.localdate()
    data = {
        "name": name,
        "kind": CourseKind.objects.get(code="pre_job"),
        "starts_on": today + dt.timedelta(days=10),
        "ends_on": today + dt.timedelta(days=30),
        "class_hours": 40,
        "capacity": 30,
        "policy_year": today.year,
    } | extra
    return services.course_create(actor=actor, provider=provider, data=data)


# --- /training/ --------------------------------------------------------------------------------


def test_training_landing_is_public_and_lists_courses_open_with_places_left(
    db, client, agency_a, org_a
):
    assert reverse("training_signup:index") == TRAINING
    course = _open_course(agency_a, org_a)
    services.enrol(
        actor=agency_a, course=course, id_number=factories.id_number(), name="已报名学员"
    )
    ended = _open_course(
        agency_a,
        org_a,
        name="已结束的培训",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 1, 20),
    )
    cancelled = _open_course(agency_a, org_a, name="取消的培训")
    services.course_update(actor=agency_a, course=cancelled, data={"status": "cancelled"})
    response = client.get(TRAINING)
    assert response.status_code == 200
    html = response.content.decode()
    assert course.name in html and ended.name not in html and cancelled.name not in html
    assert response.context["courses_open"] == 1
    assert response.context["courses"][0].places_left == 29
    assert reverse("training_signup:signup") in html
    for kind in CourseKind.objects.filter(active=True, is_manager_training=False):
        assert kind.name in html
    assert "家政经理人" not in html  # manager training is for agencies, not the public


def test_training_landing_without_courses_still_invites_sign_up(db, client):
    response = client.get(TRAINING)
    assert response.status_code == 200
    assert response.context["courses_open"] == 0
    assert reverse("training_signup:signup") in response.content.decode()


def test_training_landing_queries_do_not_grow_with_courses(db, client, agency_a, org_a):
    _open_course(agency_a, org_a)
    with CaptureQueriesContext(connection) as few:
        client.get(TRAINING)
    for i in range(8):
        _open_course(agency_a, org_a, name=f"培训班{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(TRAINING)
    assert len(few) == len(many)


def test_training_landing_is_chinese(db, client, agency_a, org_a, catalogue):  # noqa: F811
    _open_course(agency_a, org_a)
    html = _page(client, TRAINING)
    for label in ("家庭服务业职业技能培训", "报名参加培训", "正在招生的培训班", "剩余名额"):
        assert label in html, label
    assert leftover_english(html, catalogue) == []


# --- /vouchers/ --------------------------------------------------------------------------------


def test_vouchers_landing_is_public_with_the_figures_groups_and_links(db, client):
    assert reverse("vouchers_public:index") == VOUCHERS
    batch = VoucherBatch.objects.get(year=2026)
    VoucherBatch.objects.filter(pk=batch.pk).update(issued_count=37, issued_amount=7400)
    response = client.get(VOUCHERS)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["left"] == 5000 - 37
    assert 'data-testid="vouchers-left">4,963<' in html
    assert "1,000,000" in html  # the batch's total, grouped as money is written
    for group in TargetGroup.objects.filter(active=True):
        assert group.name in html
    assert reverse("vouchers_public:apply") in html
    assert reverse("vouchers_public:status") in html


def test_vouchers_landing_offers_no_application_when_none_is_open(db, client):
    VoucherBatch.objects.update(status=VoucherBatch.Status.CLOSED)
    response = client.get(VOUCHERS)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="apply-link"' not in html
    assert reverse("vouchers_public:status") in html
    assert 'data-testid="applications-state"' in html


def test_vouchers_landing_answers_without_any_batch(db, client):
    VoucherBatch.objects.all().delete()
    response = client.get(VOUCHERS)
    assert response.status_code == 200
    assert response.context["batch"] is None


def test_vouchers_landing_is_chinese(db, client, catalogue):  # noqa: F811
    html = _page(client, VOUCHERS)
    for label in ("促进就业券", "尚未发放", "谁可以申请", "申领促进就业券", "查询申报进度"):
        assert label in html, label
    assert leftover_english(html, catalogue) == []


# --- the home page -------------------------------------------------------------------------


def test_home_page_links_the_training_sign_up_and_both_landing_pages(db, client, catalogue):  # noqa: F811
    html = _page(client, "/")
    assert f'href="{reverse("training_signup:signup")}"' in html
    assert f'href="{TRAINING}"' in html and f'href="{VOUCHERS}"' in html
    assert leftover_english(html, catalogue) == []


# --- the sign-up: consent, repeat, rate limit ----------------------------------------------


def test_signup_page_asks_for_consent_in_chinese(db, client, catalogue):  # noqa: F811
    html = _page(client, reverse("training_signup:signup"))
    assert 'name="consent"' in html and "同意" in html
    assert leftover_english(html, catalogue) == []


def test_a_repeat_sign_up_looks_exactly_like_a_first_one(db, client):
    number = factories.id_number()
    first = client.post(TRAINING + "signup/", signup_post(id_number=number))
    thanks_first = client.get(first["Location"]).content
    again = client.post(TRAINING + "signup/", signup_post(id_number=number))
    assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    assert client.get(again["Location"]).content == thanks_first
    assert TrainingSignup.objects.count() == 1


def _limits(settings, **overrides) -> None:
    limits = {scope: dict(rule) for scope, rule in settings.PUBLIC_FORM_LIMITS.items()}
    limits["training.signup"] |= overrides
    settings.PUBLIC_FORM_LIMITS = limits


def test_sign_ups_from_one_address_are_limited(db, client, settings):
    _limits(settings, per_address=2)
    for _ in range(2):
        assert client.post(TRAINING + "signup/", signup_post()).status_code == 302
    response = client.post(TRAINING + "signup/", signup_post())
    assert response.status_code == 429
    assert "请于" in response.content.decode() and "后再试" in response.content.decode()
    assert TrainingSignup.objects.count() == 2  # the refused one wrote nothing
    other = client.post(TRAINING + "signup/", signup_post(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302  # another address is not held back


def test_sign_ups_of_one_id_number_are_limited_whatever_the_address(db, client, settings):
    _limits(settings, per_id=2)
    number = factories.id_number()
    for address in ("10.0.0.1", "10.0.0.2"):
        response = client.post(
            TRAINING + "signup/", signup_post(id_number=number), REMOTE_ADDR=address
        )
        assert response.status_code == 302
    third = client.post(TRAINING + "signup/", signup_post(id_number=number), REMOTE_ADDR="10.0.0.3")
    assert third.status_code == 429
    assert TrainingSignup.objects.count() == 1


def test_invalid_forms_do_not_use_up_the_limit(db, client, settings):
    _limits(settings, per_address=1)
    for _ in range(3):
        assert client.post(TRAINING + "signup/", signup_post(kinds=[])).status_code == 200
    assert client.post(TRAINING + "signup/", signup_post()).status_code == 302
