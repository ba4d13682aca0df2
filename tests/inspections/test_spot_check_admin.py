"""The spot-check admin: drawing from the page (bad input answered on the field, in Chinese,
never a 500), assigning in bulk from the list, recording an outcome on its page."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from inspections.models import SpotCheck, SpotCheckItem
from inspections.services.spotchecks import spot_check_draw
from kunqu_jiafu.accounts.roles import AGENCY_USER, REVIEWER
from tests import factories
from tests.inspections.spot_builders import approved_claims, draw_kwargs

pytestmark = pytest.mark.django_db
DRAW = "admin:inspections_spotcheck_draw"


def _form(**overrides) -> dict:
    data = {
        "title": "一季度抽查",
        "population": "claims",
        "claim_types": ["loan_interest"],
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "sample_size": "2",
        "sample_rate": "",
        "seed": "99",
    }
    data.update(overrides)
    return data


def test_the_draw_page_draws_and_shows_the_spot_check(org_a, reviewer, client_for):
    approved_claims(org_a, 5)
    response = client_for(reviewer).post(reverse(DRAW), _form(), follow=True)
    check = SpotCheck.objects.get()
    assert check.seed == 99 and check.items.count() == 2
    assert response.redirect_chain[-1][0].endswith(f"/spotcheck/{check.pk}/change/")
    assert "99" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sample_size": "2", "sample_rate": "5"}, "抽查数量和抽查比例只能填写一项"),
        ({"period_end": "2025-01-01"}, "截止日期不能早于起始日期"),
        ({"claim_types": []}, "请至少选择一种补贴类型"),
        ({"seed": "abc"}, "随机种子应为"),
    ],
)
def test_bad_input_on_the_draw_page_is_answered_on_the_field(
    org_a, reviewer, client_for, overrides, message
):
    approved_claims(org_a, 5)
    response = client_for(reviewer).post(reverse(DRAW), _form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_an_empty_population_is_answered_on_the_page(reviewer, client_for):
    response = client_for(reviewer).post(reverse(DRAW), _form())
    assert response.status_code == 200
    assert "没有可抽取的记录" in response.content.decode()


def test_assigning_from_the_list_and_recording_from_the_record_page(
    org_a, reviewer, reviewer2, client_for
):
    approved_claims(org_a, 3)
    check = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=3))
    client = client_for(reviewer)
    pks = [str(pk) for pk in check.items.values_list("pk", flat=True)]
    changelist = reverse("admin:inspections_spotcheckitem_changelist")
    asked = client.post(changelist, {"action": "assign", ACTION_CHECKBOX_NAME: pks})
    assert asked.status_code == 200 and "分派" in asked.content.decode()
    client.post(
        changelist,
        {"action": "assign", "apply": "1", "user": reviewer2.pk, ACTION_CHECKBOX_NAME: pks},
    )
    assert set(SpotCheckItem.objects.values_list("assigned_to", flat=True)) == {reviewer2.pk}

    item = check.items.order_by("position").first()
    url = reverse("admin:inspections_spotcheckitem_record", args=[item.pk])
    refused = client.post(url, {"outcome": "true", "method": "call", "evidence": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["evidence"]
    assert SpotCheckItem.objects.get(pk=item.pk).outcome == SpotCheckItem.Outcome.PENDING
    client.post(url, {"outcome": "true", "method": "call", "evidence": "电话回访属实"})
    item.refresh_from_db()
    assert item.outcome == SpotCheckItem.Outcome.TRUE and item.checked_by == reviewer


def test_officials_read_the_list_but_cannot_draw(official, client_for):
    client = client_for(official)
    assert client.get(reverse("admin:inspections_spotcheck_changelist")).status_code == 200
    assert client.get(reverse(DRAW)).status_code == 403


def test_assigning_to_someone_who_may_not_run_spot_checks_is_refused_on_the_field(
    org_a, reviewer, client_for
):
    approved_claims(org_a, 2)
    check = spot_check_draw(actor=reviewer, **draw_kwargs(sample_size=2))
    # Listed among the reviewers, but an agency's account: it may not check records.
    mixed = factories.make_user("mixed_roles", REVIEWER, AGENCY_USER, full_name="混合账户")
    pks = [str(pk) for pk in check.items.values_list("pk", flat=True)]
    response = client_for(reviewer).post(
        reverse("admin:inspections_spotcheckitem_changelist"),
        {"action": "assign", "apply": "1", "user": mixed.pk, ACTION_CHECKBOX_NAME: pks},
    )
    assert response.status_code == 200
    assert "不是局内在岗的业务经办或审批领导" in str(response.context["form"].errors["user"])
    assert not SpotCheckItem.objects.filter(assigned_to__isnull=False).exists()
