"""A group's permissions changed in the admin survive the next migrate; a permission the code
declares anew is added once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from kunqu_jiafu.accounts.models import AppliedRolePermission
from kunqu_jiafu.accounts.roles import OFFICIAL, REVIEWER, SECURITY_ADMIN
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _codes(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_a_change_made_in_the_admin_survives_migrate(client_for):
    security = factories.make_user("sec", SECURITY_ADMIN, is_staff=True)
    group = Group.objects.get(name=OFFICIAL)
    codes = _codes(group)
    assert "people.view_person" in codes
    kept = [_perm(c).pk for c in sorted(codes - {"people.view_person"})]
    kept.append(_perm("audit.view_auditentry").pk)  # something the code never gave officials
    response = client_for(security).post(
        f"/admin/auth/group/{group.pk}/change/", {"name": OFFICIAL, "permissions": kept}
    )
    assert response.status_code == 302, response.content[:500]
    call_command("migrate", verbosity=0)
    after = _codes(Group.objects.get(name=OFFICIAL))
    assert "people.view_person" not in after  # removed in the admin: not given back
    assert "audit.view_auditentry" in after  # added in the admin: kept


def test_a_permission_declared_anew_is_added_once():
    group = Group.objects.get(name=REVIEWER)
    AppliedRolePermission.objects.filter(role=REVIEWER, codename="view_claim").delete()
    group.permissions.remove(_perm("subsidies.view_claim"))
    call_command("migrate", verbosity=0)  # as a release that newly declares it
    assert "subsidies.view_claim" in _codes(group)
    assert AppliedRolePermission.objects.filter(role=REVIEWER, codename="view_claim").exists()
    group.permissions.remove(_perm("subsidies.view_claim"))
    call_command("migrate", verbosity=0)
    assert "subsidies.view_claim" not in _codes(group)


def test_reviewers_hold_no_change_permission_on_budgets_and_rates():
    codes = _codes(Group.objects.get(name=REVIEWER))
    for model in ("specialfund", "claimtype", "awardpolicy", "settingchange"):
        assert f"subsidies.change_{model}" not in codes
        assert f"subsidies.add_{model}" not in codes
