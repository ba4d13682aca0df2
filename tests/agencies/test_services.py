"""Agency services: the lifecycle table, who may move an agency, and what each may edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agencies import services, workflow
from agencies.models import Agency, BusinessFormat, Street
from kunqu_jiafu.accounts.roles import AGENCY_USER, APPROVER, OFFICIAL, REVIEWER
from kunqu_jiafu.audit import actions as audit_actions
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.workflow import Transition
from tests import factories

ACTORS = ("reviewer", "approver", "official", "own_agency_user", "other_agency_user")


def _allowed(transition: Transition, actor: str) -> bool:
    if actor == "own_agency_user":
        return AGENCY_USER in transition.roles
    if actor == "other_agency_user":
        return False
    return {"reviewer": REVIEWER, "approver": APPROVER, "official": OFFICIAL}[actor] in (
        transition.roles
    )


def _actor(name: str, request, org: Agency):
    if name == "own_agency_user":
        return factories.make_agency_user("agency_own", org)
    if name == "other_agency_user":
        return factories.make_agency_user("agency_other", factories.make_agency("别家家政"))
    return request.getfixturevalue(name)


def _agency_in(status: str, **extra) -> Agency:
    return factories.make_agency("丁家政服务有限公司", status=status, **extra)


def _entries(agency: Agency) -> list[str]:
    return list(
        AuditEntry.objects.for_object(agency).order_by("id").values_list("action", flat=True)
    )


CASES = [
    pytest.param(t, actor, id=f"{t.source}-{t.action}-{actor}")
    for t in workflow.AGENCY_TRANSITIONS
    for actor in ACTORS
]


@pytest.mark.parametrize(("transition", "actor_name"), CASES)
def test_agency_transition_table_is_enforced_by_role(transition, actor_name, request, db):
    org = _agency_in(transition.source)
    actor = _actor(actor_name, request, org)
    reason = "依据核查结果" if transition.needs_reason else ""
    if _allowed(transition, actor_name):
        result = services.agency_transition(
            actor=actor, agency=org, action=transition.action, reason=reason
        )
        assert result.status == transition.target
        org.refresh_from_db()
        assert org.status == transition.target
        assert org.status_reason == reason
        assert _entries(org) == [audit_actions.current(f"agencies.agency.{transition.action}")]
        entry = AuditEntry.objects.exclude(action__startswith="accounts.").get()
        assert entry.before["status"] == transition.source
        assert entry.after["status"] == transition.target
        assert entry.reason == reason
        assert entry.actor == actor
    else:
        with pytest.raises(PermissionDenied):
            services.agency_transition(
                actor=actor, agency=org, action=transition.action, reason=reason
            )
        org.refresh_from_db()
        assert org.status == transition.source
        assert _entries(org) == []


@pytest.mark.parametrize(
    "transition", [t for t in workflow.AGENCY_TRANSITIONS if t.needs_reason], ids=lambda t: t.action
)
@pytest.mark.parametrize("reason", ["", "   "])
def test_reason_is_required_where_the_table_says_so(transition, reason, reviewer, db):
    org = _agency_in(transition.source)
    with pytest.raises(ValidationError) as excinfo:
        services.agency_transition(
            actor=reviewer, agency=org, action=transition.action, reason=reason
        )
    assert "reason" in excinfo.value.message_dict
    org.refresh_from_db()
    assert org.status == transition.source
    assert _entries(org) == []


def test_every_status_has_its_transitions_and_no_dead_ends_except_final_ones():
    sources = {t.source for t in workflow.AGENCY_TRANSITIONS}
    assert sources == {s for s in Agency.Status} - {Agency.Status.DEREGISTERED}


def test_agency_user_cannot_register_its_own_agency(db):
    org = _agency_in(Agency.Status.APPLYING)
    user = factories.make_agency_user("agency_own", org)
    with pytest.raises(PermissionDenied):
        services.agency_transition(actor=user, agency=org, action="register")
    org.refresh_from_db()
    assert org.status == Agency.Status.APPLYING
    assert org.registered_on is None


def test_official_cannot_act(official, db):
    org = _agency_in(Agency.Status.APPLYING)
    for action in ("register", "reject"):
        with pytest.raises(PermissionDenied):
            services.agency_transition(actor=official, agency=org, action=action, reason="x")
    assert not AuditEntry.objects.exclude(action__startswith="accounts.").exists()


def test_action_not_possible_from_the_current_status_is_refused(reviewer, org_a):
    for action in ("register", "reinstate", "reapply", "fly"):
        with pytest.raises(PermissionDenied):
            services.agency_transition(actor=reviewer, agency=org_a, action=action, reason="x")
    org_a.refresh_from_db()
    assert org_a.status == Agency.Status.REGISTERED


def test_first_registration_sets_the_registration_date(reviewer, db):
    org = _agency_in(Agency.Status.APPLYING)
    services.agency_transition(actor=reviewer, agency=org, action="register")
    org.refresh_from_db()
    assert org.registered_on == timezone.localdate()


def test_reinstate_keeps_the_original_registration_date(reviewer, db):
    org = _agency_in(Agency.Status.REGISTERED, registered_on=dt.date(2024, 4, 2))
    services.agency_transition(actor=reviewer, agency=org, action="suspend", reason="年检不合格")
    services.agency_transition(actor=reviewer, agency=org, action="reinstate", reason="整改到位")
    org.refresh_from_db()
    assert org.status == Agency.Status.REGISTERED
    assert org.registered_on == dt.date(2024, 4, 2)
    assert _entries(org) == ["agencies.agency.suspended", "agencies.agency.reinstated"]


def test_rejected_agency_reapplies_and_is_then_registered(reviewer, db):
    org = _agency_in(Agency.Status.APPLYING)
    user = factories.make_agency_user("agency_own", org)
    services.agency_transition(actor=reviewer, agency=org, action="reject", reason="材料不全")
    services.agency_transition(actor=user, agency=org, action="reapply")
    services.agency_transition(actor=reviewer, agency=org, action="register")
    org.refresh_from_db()
    assert org.status == Agency.Status.REGISTERED
    assert org.status_reason == ""
    assert _entries(org) == [
        "agencies.agency.rejected",
        "agencies.agency.reapplied",
        "agencies.agency.registered",
    ]


def test_apply_creates_an_applying_agency_with_its_user_and_one_audit_entry(db):
    applicant = factories.make_user("applicant")
    data = {
        "name": "丙家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王五",
        "contact_name": "赵六",
        "phone": "13900000000",
        "address": "昆都仑区钢铁大街88号",
        "street": Street.objects.order_by("code").first(),
        "founded_on": dt.date(2019, 6, 1),
        "employee_count": 12,
    }
    formats = BusinessFormat.objects.filter(code__in=["housekeeping", "eldercare"])
    agency = services.agency_apply(user=applicant, data=data, formats=formats)
    assert agency.status == Agency.Status.APPLYING
    assert agency.registered_on is None
    assert set(agency.formats.all()) == set(formats)
    assert applicant.agency_membership.agency == agency
    assert applicant.groups.filter(name=AGENCY_USER).exists()
    assert _entries(agency) == ["agencies.agency.applied"]
    # One account belongs to one agency.
    with pytest.raises(ValidationError):
        services.agency_apply(
            user=applicant, data={**data, "uscc": factories.credit_code()}, formats=[]
        )
    assert Agency.objects.count() == 1


def test_apply_refuses_a_future_founding_date(db):
    applicant = factories.make_user("applicant")
    data = {
        "name": "丙家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王五",
        "contact_name": "赵六",
        "phone": "13900000000",
        "address": "昆都仑区钢铁大街88号",
        "street": Street.objects.order_by("code").first(),
        "founded_on": timezone.localdate() + dt.timedelta(days=3),
        "employee_count": 12,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.agency_apply(user=applicant, data=data, formats=[])
    assert "founded_on" in excinfo.value.message_dict
    assert not Agency.objects.exists()


# --- agency_update ---------------------------------------------------------------


@pytest.mark.parametrize("status", [s for s in Agency.Status if s != Agency.Status.DEREGISTERED])
def test_agency_user_may_change_exactly_the_fields_editable_in_the_status(status, db):
    org = _agency_in(status)
    user = factories.make_agency_user("agency_own", org)
    editable = set(workflow.AGENCY_EDITABLE_FIELDS[status])
    for field in ("name", "legal_representative", "contact_name", "phone", "address"):
        value = "13912345678" if field == "phone" else f"新{field}"[:20]
        if field in editable:
            services.agency_update(actor=user, agency=org, data={field: value})
            org.refresh_from_db()
            assert getattr(org, field) == value
        else:
            with pytest.raises(ValidationError) as excinfo:
                services.agency_update(actor=user, agency=org, data={field: value})
            assert list(excinfo.value.message_dict) == [field]
            org.refresh_from_db()
            assert getattr(org, field) != value


def test_registered_agency_user_cannot_rename_but_unchanged_fields_pass(org_a, agency_a):
    with pytest.raises(ValidationError) as excinfo:
        services.agency_update(
            actor=agency_a, agency=org_a, data={"name": "改名公司", "phone": "1"}
        )
    assert set(excinfo.value.message_dict) == {"name"}
    org_a.refresh_from_db()
    assert org_a.phone == "13800000000"
    # A form posting every field unchanged is fine.
    services.agency_update(
        actor=agency_a,
        agency=org_a,
        data={
            "name": org_a.name,
            "uscc": org_a.uscc,
            "street": org_a.street,
            "phone": "13911112222",
        },
    )
    org_a.refresh_from_db()
    assert org_a.phone == "13911112222"
    entry = AuditEntry.objects.get(action="agencies.agency.updated")
    assert entry.before["phone"] == "13800000000"
    assert entry.after["phone"] == "13911112222"


def test_suspended_agency_user_cannot_change_formats(db):
    org = _agency_in(Agency.Status.SUSPENDED)
    user = factories.make_agency_user("agency_own", org)
    before = set(org.formats.all())
    other = BusinessFormat.objects.exclude(pk__in=[f.pk for f in before])[:1]
    with pytest.raises(ValidationError) as excinfo:
        services.agency_update(actor=user, agency=org, data={}, formats=other)
    assert "formats" in excinfo.value.message_dict
    assert set(org.formats.all()) == before


def test_registered_agency_user_changes_formats(org_a, agency_a):
    eldercare = BusinessFormat.objects.filter(code="eldercare")
    services.agency_update(actor=agency_a, agency=org_a, data={}, formats=eldercare)
    assert list(org_a.formats.all()) == list(eldercare)


def test_status_cannot_be_changed_through_update(org_a, agency_a, reviewer):
    for actor in (agency_a, reviewer):
        with pytest.raises(ValidationError) as excinfo:
            services.agency_update(actor=actor, agency=org_a, data={"status": "deregistered"})
        assert "status" in excinfo.value.message_dict
    org_a.refresh_from_db()
    assert org_a.status == Agency.Status.REGISTERED


def test_deregistered_agency_cannot_be_edited_by_its_user(db):
    org = _agency_in(Agency.Status.DEREGISTERED)
    user = factories.make_agency_user("agency_own", org)
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=user, agency=org, data={"phone": "13912345678"})
    org.refresh_from_db()
    assert org.phone == "13800000000"


def test_other_agency_user_cannot_edit(org_a, agency_b):
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=agency_b, agency=org_a, data={"phone": "13912345678"})


def test_official_cannot_edit(org_a, official):
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=official, agency=org_a, data={"phone": "13912345678"})
    org_a.refresh_from_db()
    assert org_a.phone == "13800000000"
    assert not AuditEntry.objects.exclude(action__startswith="accounts.").exists()


def test_reviewer_may_correct_any_detail(org_a, reviewer):
    services.agency_update(actor=reviewer, agency=org_a, data={"name": "甲家政（更名）"})
    org_a.refresh_from_db()
    assert org_a.name == "甲家政（更名）"
    assert AuditEntry.objects.exclude(action__startswith="accounts.").get().actor == reviewer


def test_update_refuses_a_duplicate_credit_code(org_a, org_b, reviewer):
    with pytest.raises(ValidationError) as excinfo:
        services.agency_update(actor=reviewer, agency=org_a, data={"uscc": org_b.uscc})
    assert "uscc" in excinfo.value.message_dict


# --- alliance and recognitions -----------------------------------------------------


def test_alliance_membership_needs_a_join_date_and_staff(org_a, agency_a, reviewer):
    with pytest.raises(PermissionDenied):
        services.agency_set_alliance(
            actor=agency_a, agency=org_a, member=True, joined_on=dt.date(2026, 1, 1)
        )
    with pytest.raises(ValidationError) as excinfo:
        services.agency_set_alliance(actor=reviewer, agency=org_a, member=True, joined_on=None)
    assert "alliance_joined_on" in excinfo.value.message_dict
    services.agency_set_alliance(
        actor=reviewer, agency=org_a, member=True, joined_on=dt.date(2026, 1, 1)
    )
    org_a.refresh_from_db()
    assert org_a.alliance_member
    assert _entries(org_a) == ["agencies.agency.alliance_changed"]


def test_recognition_grant_and_revoke(org_a, reviewer, agency_a, official):
    with pytest.raises(PermissionDenied):
        services.recognition_grant(
            actor=official,
            agency=org_a,
            kind="station",
            year=2026,
            granted_on=dt.date(2026, 3, 1),
            valid_until=None,
        )
    recognition = services.recognition_grant(
        actor=reviewer,
        agency=org_a,
        kind="station",
        year=2026,
        granted_on=dt.date(2026, 3, 1),
        valid_until=dt.date(2028, 3, 1),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.recognition_grant(
            actor=reviewer,
            agency=org_a,
            kind="station",
            year=2026,
            granted_on=dt.date(2026, 4, 1),
            valid_until=None,
        )
    assert "kind" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.recognition_revoke(actor=reviewer, recognition=recognition, reason=" ")
    services.recognition_revoke(actor=reviewer, recognition=recognition, reason="年检不合格")
    recognition.refresh_from_db()
    assert recognition.status == "revoked"
    actions = list(AuditEntry.objects.for_object(recognition).values_list("action", flat=True))
    assert sorted(actions) == ["agencies.recognition.granted", "agencies.recognition.revoked"]


def test_only_registered_agencies_are_recognised(reviewer, db):
    org = _agency_in(Agency.Status.SUSPENDED)
    with pytest.raises(ValidationError):
        services.recognition_grant(
            actor=reviewer,
            agency=org,
            kind="station",
            year=2026,
            granted_on=dt.date(2026, 3, 1),
            valid_until=None,
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "  "), ("legal_representative", ""), ("street", None), ("employee_count", -1)],
)
def test_apply_reports_bad_values_on_their_field_not_as_a_duplicate(field, value, db):
    applicant = factories.make_user("applicant")
    data = {
        "name": "丙家政服务有限公司",
        "uscc": factories.credit_code(),
        "legal_representative": "王五",
        "contact_name": "赵六",
        "phone": "13900000000",
        "address": "昆都仑区钢铁大街88号",
        "street": Street.objects.order_by("code").first(),
        "founded_on": dt.date(2019, 6, 1),
        "employee_count": 12,
        field: value,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.agency_apply(user=applicant, data=data, formats=[])
    assert list(excinfo.value.message_dict) == [field]
    assert not Agency.objects.exists()


def test_update_refuses_to_empty_a_required_field(org_a, agency_a):
    with pytest.raises(ValidationError) as excinfo:
        services.agency_update(actor=agency_a, agency=org_a, data={"phone": " "})
    assert list(excinfo.value.message_dict) == ["phone"]
    org_a.refresh_from_db()
    assert org_a.phone == "13800000000"
