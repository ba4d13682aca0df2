"""三员分立: the three administration roles are held alone, never beside a business role or
each other, whichever way roles are given (admin form, user.groups, group.user_set); a
superuser holds no business role and decides nothing; the deploy check warns about it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings

from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import (
    APPROVER,
    AUDIT_ADMIN,
    OFFICIAL,
    REVIEWER,
    SECURITY_ADMIN,
    SYSTEM_ADMIN,
    has_role,
)
from tests import factories
from tests.subsidies.core_builders import seed_catalogue, submitted

pytestmark = pytest.mark.django_db


def _group(name: str) -> Group:
    return Group.objects.get(name=name)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (SYSTEM_ADMIN, REVIEWER),
        (SECURITY_ADMIN, APPROVER),
        (AUDIT_ADMIN, OFFICIAL),
        (SYSTEM_ADMIN, SECURITY_ADMIN),
        (SECURITY_ADMIN, AUDIT_ADMIN),
        (REVIEWER, AUDIT_ADMIN),  # the business role first, the administration role added
    ],
)
def test_user_groups_add_refuses_a_second_role_beside_an_administration_role(first, second):
    user = factories.make_user("someone", first, is_staff=True)
    # Django adds without a savepoint of its own: the refusal rolls back the caller's block.
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        user.groups.add(_group(second))
    message = caught.value.message_dict["groups"][0]
    assert "三员分立" in message or "管理员" in message, message
    assert set(user.groups.values_list("name", flat=True)) == {first}


def test_group_user_set_add_is_refused_the_same_way():
    reviewer = factories.make_user("rev", REVIEWER)
    with pytest.raises(ValidationError), transaction.atomic():
        _group(SECURITY_ADMIN).user_set.add(reviewer)
    assert not reviewer.groups.filter(name=SECURITY_ADMIN).exists()


def test_groups_set_with_two_administration_roles_at_once_is_refused():
    user = factories.make_user("plain", is_staff=True)
    with pytest.raises(ValidationError), transaction.atomic():
        user.groups.set([_group(SYSTEM_ADMIN), _group(AUDIT_ADMIN)])
    assert not user.groups.exists()


def test_one_administration_role_alone_is_accepted():
    user = factories.make_user("auditor", AUDIT_ADMIN, is_staff=True)
    assert set(user.role_names) == {AUDIT_ADMIN}


def test_a_superuser_may_not_get_a_business_role_nor_a_reviewer_become_superuser():
    root = factories.make_user("root", is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        root.groups.add(_group(REVIEWER))
    assert "superuser" in caught.value.message_dict["groups"][0].lower() or "超级" in str(
        caught.value
    )
    reviewer = factories.make_user("rev", REVIEWER)
    reviewer.is_superuser = True
    with pytest.raises(ValidationError), transaction.atomic():
        reviewer.save()
    assert not User.objects.get(pk=reviewer.pk).is_superuser


def test_the_admin_user_form_refuses_conflicting_roles_with_a_chinese_message(client_for):
    security = factories.make_user("sec", SECURITY_ADMIN, is_staff=True)
    target = factories.make_user("target", REVIEWER)
    client = client_for(security)
    url = f"/admin/accounts/user/{target.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in form.fields
        if name not in ("groups", "password", "user_permissions", "is_superuser")
    }
    data.update(
        {
            "is_active": "on",
            "is_staff": "on",
            "groups": [_group(REVIEWER).pk, _group(SYSTEM_ADMIN).pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        }
    )
    data = {k: v for k, v in data.items() if v is not None and k != "last_login"}
    response = client.post(url, data)
    assert response.status_code == 200, response.get("Location")
    errors = response.context["adminform"].form.errors
    assert "groups" in errors, errors
    assert "管理员角色" in errors["groups"][0], errors["groups"][0]
    assert set(target.groups.values_list("name", flat=True)) == {REVIEWER}


def test_a_security_administrator_cannot_make_a_superuser(client_for):
    security = factories.make_user("sec", SECURITY_ADMIN, is_staff=True)
    target = factories.make_user("target", is_staff=True)
    page = client_for(security).get(f"/admin/accounts/user/{target.pk}/change/")
    assert "is_superuser" not in page.context["adminform"].form.fields


def test_a_superuser_holds_no_business_role_and_decides_no_claim(reviewer, agency_a, org_a):
    from subsidies import services

    seed_catalogue()
    root = factories.make_user("root", is_staff=True, is_superuser=True)
    assert not has_role(root, REVIEWER, APPROVER, OFFICIAL)
    claim = submitted(agency_a, org_a)
    with pytest.raises(PermissionDenied):
        services.claim_act(actor=root, claim=claim, action="first_pass")
    claim.refresh_from_db()
    assert claim.status == "submitted"


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            SECURITY_ADMIN,
            ["/admin/accounts/user/", "/admin/auth/group/"],
            ["/admin/audit/auditentry/", "/admin/subsidies/claim/", "/admin/people/person/"],
        ),
        (
            AUDIT_ADMIN,
            ["/admin/audit/auditentry/"],
            ["/admin/accounts/user/", "/admin/subsidies/claim/", "/admin/agencies/street/"],
        ),
        (
            SYSTEM_ADMIN,
            ["/admin/agencies/street/", "/admin/notifications/notification/"],
            ["/admin/accounts/user/", "/admin/audit/auditentry/", "/admin/subsidies/claim/"],
        ),
    ],
)
def test_each_administrator_reaches_its_own_area_only(client_for, role, allowed, refused):
    user = factories.make_user(f"admin_{role}", role, is_staff=True)
    client = client_for(user)
    assert client.get("/admin/").status_code == 200
    for url in allowed:
        assert client.get(url).status_code == 200, url
    for url in refused:
        assert client.get(url).status_code == 403, url


@override_settings(DEBUG=False)
def test_the_deploy_check_warns_while_a_superuser_is_active():
    root = factories.make_user("root", is_staff=True, is_superuser=True)
    found = [m for m in run_checks(include_deployment_checks=True, databases=["default"])]
    warnings = [m for m in found if m.id == "accounts.W001"]
    assert warnings and "root" in warnings[0].msg
    root.is_active = False
    root.save()
    found = run_checks(include_deployment_checks=True, databases=["default"])
    assert not [m for m in found if m.id == "accounts.W001"]
