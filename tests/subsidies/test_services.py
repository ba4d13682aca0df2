"""Claims from draft to submission: create, update, subjects, attachments, submit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.notifications.models import Notification
from subsidies import services
from subsidies.models import Claim, ClaimSubject
from tests import factories
from tests.subsidies.core_builders import (
    DECLARED,
    claim_type,
    draft,
    exemption_lines,
    file_employee_system,
    fund,
    move,
    pdf,
    submitted,
)

S = Claim.Status


def create(user, org, code="loan_interest", **kwargs):
    kind = claim_type(code)
    kwargs.setdefault("period", "2026Q1" if kind.period_kind == "quarter" else "2026")
    kwargs.setdefault("declared", DECLARED[code])
    return services.claim_create(actor=user, agency=org, claim_type=kind, **kwargs)


def errors_of(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


# --- create -------------------------------------------------------------------------------


def test_agency_saves_a_draft_with_the_computed_amount_and_trace(agency_a, org_a):
    claim = create(agency_a, org_a)
    assert claim.status == S.DRAFT
    assert claim.eligible_amount == Decimal("4321.09")
    assert claim.trace and "4,321.09 元" in claim.trace[-1]
    assert claim.eligibility_notes == []
    assert claim.created_by == agency_a
    entry = AuditEntry.objects.for_object(claim).get()
    assert entry.action == "subsidies.claim.created"
    assert entry.after["eligible_amount"] == "4321.09"


def test_draft_of_an_ineligible_agency_records_why(agency_a, org_a):
    claim = create(agency_a, org_a, "accident_insurance", declared={"base_amount": "3000"})
    assert claim.eligible_amount == Decimal("1500.00")
    assert any("员工制" in note for note in claim.eligibility_notes)


def test_agency_b_cannot_file_a_claim_for_agency_a(agency_b, org_a):
    with pytest.raises(PermissionDenied):
        create(agency_b, org_a)
    assert not Claim.objects.exists()


@pytest.mark.parametrize("name", ["reviewer", "approver", "official"])
def test_staff_do_not_file_claims_for_agencies(name, org_a, request):
    with pytest.raises(PermissionDenied):
        create(request.getfixturevalue(name), org_a)


@pytest.mark.parametrize(
    ("period", "fragment"),
    [("2026", "2026Q3"), ("2026-03", "2026Q3"), ("2025Q1", "2026"), ("", "2026Q3"), (2026, "")],
)
def test_period_must_match_the_claim_type(period, fragment, agency_a, org_a):
    errors = errors_of(lambda: create(agency_a, org_a, period=period))
    assert list(errors) == ["period"]
    assert fragment in errors["period"][0]
    assert not Claim.objects.exists()


def test_period_is_normalised(agency_a, org_a):
    assert create(agency_a, org_a, period=" 2026q2 ").period == "2026Q2"


def test_a_closed_claim_type_takes_no_claims(agency_a, org_a):
    kind = claim_type("loan_interest")
    kind.active = False
    kind.save()
    errors = errors_of(lambda: create(agency_a, org_a))
    assert "claim_type" in errors


def test_bad_declared_figures_come_back_per_field_and_nothing_is_saved(agency_a, org_a):
    errors = errors_of(
        lambda: create(
            agency_a,
            org_a,
            declared={**DECLARED["loan_interest"], "loan_amount": "abc", "interest_paid": "-5"},
        )
    )
    assert set(errors) == {"declared.loan_amount", "declared.interest_paid"}
    assert "创业担保贷款本金" in errors["declared.loan_amount"][0]
    assert "不能为负数" in errors["declared.interest_paid"][0]
    assert not Claim.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="subsidies.").exists()


def test_declared_figures_that_are_not_a_mapping_are_refused(agency_a, org_a):
    errors = errors_of(lambda: create(agency_a, org_a, declared=["4321.09"]))
    assert all(key.startswith("declared.") for key in errors)


# --- one live claim per agency, type and period ------------------------------------------


def test_second_claim_for_the_same_period_is_refused(agency_a, org_a):
    create(agency_a, org_a)
    errors = errors_of(lambda: create(agency_a, org_a))
    assert "period" in errors and "2026Q1" in errors["period"][0]
    assert Claim.objects.count() == 1
    assert create(agency_a, org_a, period="2026Q2").period == "2026Q2"


def test_another_agency_may_claim_the_same_type_and_period(agency_a, org_a, agency_b, org_b):
    create(agency_a, org_a)
    assert create(agency_b, org_b).agency == org_b


def test_the_database_refuses_a_second_live_claim(agency_a, org_a):
    first = create(agency_a, org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            agency=org_a, claim_type=first.claim_type, period=first.period, status=S.SUBMITTED
        )


@pytest.mark.parametrize("end", ["withdrawn", "rejected"])
def test_a_withdrawn_or_rejected_claim_frees_its_period(end, agency_a, org_a, reviewer):
    claim = draft(agency_a, org_a)
    if end == "withdrawn":
        move(agency_a, claim, "withdraw")
    else:
        move(reviewer, move(agency_a, claim, "submit"), "reject", reason="材料不实")
    again = create(agency_a, org_a)
    assert again.status == S.DRAFT
    assert Claim.objects.filter(period="2026Q1").count() == 2


# --- subjects: each person or household service subsidised once -----------------------------
# 居民家庭服务费用减免 in full (household, day and kind once by any agency, the yearly number,
# green workers, encrypted storage): tests/subsidies/test_fee_exemptions.py.


def test_fee_exemption_lists_its_household_services(agency_a, org_a):
    lines = exemption_lines(org_a)
    claim = create(agency_a, org_a, "fee_exemption", period="2026-03", subjects=[*lines, ""])
    assert claim.subjects.count() == 2 and claim.fee_exemptions.count() == 2
    assert claim.eligible_amount == Decimal("100.00")


def test_household_services_given_as_text_are_split_into_lines(agency_a, org_a):
    text = "\n".join(exemption_lines(org_a)) + "\n"
    claim = create(agency_a, org_a, "fee_exemption", period="2026-03", subjects=text)
    assert claim.subjects.count() == 2


def test_a_list_naming_a_household_service_twice_is_refused(agency_a, org_a):
    (line,) = exemption_lines(org_a, 1)
    errors = errors_of(
        lambda: create(agency_a, org_a, "fee_exemption", period="2026-03", subjects=[line, line])
    )
    assert list(errors) == ["subjects"]


def test_subject_kinds_need_a_list(agency_a, org_a):
    errors = errors_of(lambda: create(agency_a, org_a, "fee_exemption", period="2026-03"))
    assert list(errors) == ["subjects"]


def test_an_overlong_address_is_refused(agency_a, org_a):
    (line,) = exemption_lines(org_a, 1)
    parts = line.split("\t")
    parts[1] = "长" * 201
    errors = errors_of(
        lambda: create(
            agency_a, org_a, "fee_exemption", period="2026-03", subjects=["\t".join(parts)]
        )
    )
    assert list(errors) == ["subjects"] and "200" in errors["subjects"][0]


def test_a_household_service_is_subsidised_only_once(agency_a, org_a, agency_b, org_b):
    first, untaken = exemption_lines(org_a)
    create(agency_a, org_a, "fee_exemption", period="2026-03", subjects=[first])
    (own,) = exemption_lines(org_b, 1)
    worker_b = own.split("\t")[5]
    listed = ["\t".join([*line.split("\t")[:5], worker_b]) for line in (untaken, first)]
    errors = errors_of(
        lambda: create(agency_b, org_b, "fee_exemption", period="2026-03", subjects=listed)
    )
    assert list(errors) == ["subjects"]
    assert first.split("\t")[0][-4:] in errors["subjects"][0]
    assert untaken.split("\t")[0][-4:] not in errors["subjects"][0]
    assert Claim.objects.count() == 1  # the second draft was not half-saved


def test_two_agencies_may_not_claim_the_same_household_service(agency_a, org_a, agency_b, org_b):
    """Issue 9: "the same order number is paid again at another agency" (it was before)."""
    (line,) = exemption_lines(org_a, 1)
    create(agency_a, org_a, "fee_exemption", period="2026-03", subjects=[line])
    (own,) = exemption_lines(org_b, 1)
    same = "\t".join([*line.split("\t")[:5], own.split("\t")[5]])  # B's own worker
    errors = errors_of(
        lambda: create(agency_b, org_b, "fee_exemption", period="2026-03", subjects=[same])
    )
    assert list(errors) == ["subjects"]
    assert not Claim.objects.filter(agency=org_b).exists()


def test_a_rejected_claim_frees_its_household_services(agency_a, org_a, reviewer):
    lines = exemption_lines(org_a)
    first = draft(agency_a, org_a, "fee_exemption", period="2026-03", subjects=lines)
    move(reviewer, move(agency_a, first, "submit"), "reject", reason="减免记录重复")
    assert not ClaimSubject.objects.filter(claim=first, live=True).exists()
    assert not first.fee_exemptions.filter(live=True).exists()
    again = create(agency_a, org_a, "fee_exemption", period="2026-03", subjects=lines)
    assert again.subjects.filter(live=True).count() == 2


def test_the_database_refuses_to_subsidise_a_subject_twice(agency_a, org_a):
    claim = create(
        agency_a, org_a, "fee_exemption", period="2026-03", subjects=exemption_lines(org_a)
    )
    subject = claim.subjects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimSubject.objects.create(
            claim=claim,
            claim_type=claim.claim_type,
            kind=subject.kind,
            fee_exemption=subject.fee_exemption,
        )


@pytest.mark.parametrize("kind", ["order", "person"])
def test_each_kind_of_subject_is_held_once_per_claim_type_by_the_database(agency_a, org_a, kind):
    """Not the fee exemption's one-to-one alone: an order number of the agency, and a person in
    a month, are each refused a second live subject under the same claim type; a dead one (a
    withdrawn claim's) does not count."""
    import datetime as dt

    claim = create(agency_a, org_a, "loan_interest")
    if kind == "order":
        fields = {"kind": "order", "agency": org_a, "order_number": "DD-2026-001"}
    else:
        person = factories.make_worker(org_a).person
        fields = {"kind": "person", "person": person, "month": dt.date(2026, 3, 1)}
    ClaimSubject.objects.create(claim=claim, claim_type=claim.claim_type, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimSubject.objects.create(claim=claim, claim_type=claim.claim_type, **fields)
    ClaimSubject.objects.create(claim=claim, claim_type=claim.claim_type, live=False, **fields)


def _insured_worker(agency, name="王芳"):
    person = factories.make_person(name)
    factories.make_worker(agency, person=person)
    return person


# 社会保险补贴's worker-months (workers of the agency, refused reasons, once per person-month
# across agencies): tests/subsidies/test_social_insurance.py.


def test_health_check_count_must_match_the_people_listed(agency_a, org_a):
    person = _insured_worker(org_a)
    errors = errors_of(
        lambda: create(
            agency_a,
            org_a,
            "health_check",
            declared={"count": "2", "actual_cost": "300"},
            subjects=[person.id_number],
        )
    )
    assert list(errors) == ["subjects"]


# --- update ------------------------------------------------------------------------------


def test_agency_updates_its_draft_and_the_amount_is_recomputed(agency_a, org_a):
    claim = create(agency_a, org_a)
    claim = services.claim_update(
        actor=agency_a,
        claim=claim,
        declared={**DECLARED["loan_interest"], "interest_paid": "100.50"},
    )
    assert claim.eligible_amount == Decimal("100.50")
    entry = AuditEntry.objects.for_object(claim).order_by("-id").first()
    assert entry.action == "subsidies.claim.updated"
    assert entry.before["eligible_amount"] == "4321.09"
    assert entry.after["eligible_amount"] == "100.50"


def test_a_submitted_claim_cannot_be_changed(agency_a, org_a):
    claim = submitted(agency_a, org_a)
    with pytest.raises(PermissionDenied):
        services.claim_update(actor=agency_a, claim=claim, declared=DECLARED["loan_interest"])
    with pytest.raises(PermissionDenied):
        services.claim_attach(actor=agency_a, claim=claim, code="other", upload=pdf())


def test_a_returned_claim_can_be_corrected_and_resubmitted(agency_a, org_a, reviewer):
    claim = move(reviewer, submitted(agency_a, org_a), "return", reason="利息金额有误")
    claim = services.claim_update(
        actor=agency_a, claim=claim, declared={**DECLARED["loan_interest"], "interest_paid": "4000"}
    )
    claim = move(agency_a, claim, "resubmit")
    assert claim.status == S.SUBMITTED
    assert claim.eligible_amount == Decimal("4000.00")


def test_agency_b_cannot_update_agency_a_claim(agency_a, org_a, agency_b):
    claim = create(agency_a, org_a)
    with pytest.raises(PermissionDenied):
        services.claim_update(actor=agency_b, claim=claim, declared=DECLARED["loan_interest"])


def test_bad_figures_in_an_update_leave_the_claim_as_it_was(agency_a, org_a):
    claim = create(agency_a, org_a)
    errors = errors_of(
        lambda: services.claim_update(
            actor=agency_a,
            claim=claim,
            declared={**DECLARED["loan_interest"], "interest_paid": "1.001"},
        )
    )
    assert list(errors) == ["declared.interest_paid"]
    claim.refresh_from_db()
    assert claim.eligible_amount == Decimal("4321.09")


# --- attachments ---------------------------------------------------------------------------


def test_attachment_is_stored_privately_for_the_claim(agency_a, org_a):
    claim = create(agency_a, org_a)
    attachment = services.claim_attach(
        actor=agency_a, claim=claim, code="loan_contract", upload=pdf()
    )
    assert attachment.document.owner == claim
    assert attachment.document.content_type == "application/pdf"
    assert AuditEntry.objects.filter(action="subsidies.claim.attached").count() == 1


def test_attachment_type_is_checked_from_its_content(agency_a, org_a):
    claim = create(agency_a, org_a)
    fake = SimpleUploadedFile(
        "contract.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    errors = errors_of(
        lambda: services.claim_attach(
            actor=agency_a, claim=claim, code="loan_contract", upload=fake
        )
    )
    assert "file" in errors
    assert not claim.attachments.exists()


def test_attachment_kind_must_be_one_the_type_asks_for(agency_a, org_a):
    claim = create(agency_a, org_a)
    errors = errors_of(
        lambda: services.claim_attach(actor=agency_a, claim=claim, code="passport", upload=pdf())
    )
    assert "code" in errors


def test_agency_detaches_an_attachment_of_its_draft(agency_a, org_a, agency_b):
    claim = create(agency_a, org_a)
    attachment = services.claim_attach(actor=agency_a, claim=claim, code="other", upload=pdf())
    with pytest.raises(PermissionDenied):
        services.claim_detach(actor=agency_b, attachment=attachment)
    services.claim_detach(actor=agency_a, attachment=attachment)
    assert not claim.attachments.exists()


# --- submit --------------------------------------------------------------------------------


def test_submit_is_refused_with_the_eligibility_reasons(agency_a, org_a):
    claim = draft(agency_a, org_a, "accident_insurance")
    with pytest.raises(ValidationError) as caught:
        move(agency_a, claim, "submit")
    assert "员工制家政企业备案" in " ".join(caught.value.messages)
    claim.refresh_from_db()
    assert claim.status == S.DRAFT


def test_submit_is_refused_when_the_layoff_rate_is_too_high(agency_a, org_a):
    declared = {
        "premiums_last_year": "12000",
        "insured_end_last_year": "31",
        "insured_end_this_year": "25",
    }
    claim = draft(agency_a, org_a, "ui_refund", declared=declared)
    with pytest.raises(ValidationError) as caught:
        move(agency_a, claim, "submit")
    assert "19.35%" in " ".join(caught.value.messages)


def test_submit_is_refused_until_every_required_attachment_is_uploaded(agency_a, org_a):
    claim = draft(agency_a, org_a, attach=False)
    services.claim_attach(actor=agency_a, claim=claim, code="loan_contract", upload=pdf())
    errors = errors_of(lambda: move(agency_a, claim, "submit"))
    assert list(errors) == ["attachments"]
    assert "银行利息支付回单" in errors["attachments"][0]
    assert "创业担保贷款合同" not in errors["attachments"][0]
    services.claim_attach(actor=agency_a, claim=claim, code="interest_receipt", upload=pdf())
    assert move(agency_a, claim, "submit").status == S.SUBMITTED


def test_submitting_a_filed_enterprise_claim_succeeds(agency_a, org_a):
    file_employee_system(org_a)
    claim = submitted(agency_a, org_a, "accident_insurance")
    assert claim.status == S.SUBMITTED
    assert claim.submitted_at is not None
    assert claim.eligibility_notes == []


def test_submit_notifies_every_reviewer_and_nobody_else(
    agency_a, org_a, reviewer, reviewer2, approver
):
    claim = submitted(agency_a, org_a)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"reviewer", "reviewer2"}
    note = Notification.objects.filter(recipient=reviewer).get()
    assert str(claim.pk) in note.url


def test_first_pass_notifies_the_approvers(agency_a, org_a, reviewer, approver):
    claim = submitted(agency_a, org_a)
    Notification.objects.all().delete()
    move(reviewer, claim, "first_pass")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["approver"]


@pytest.mark.parametrize("action", ["return", "reject"])
def test_decisions_on_submitted_claims_notify_the_agency_with_the_reason(
    action, agency_a, org_a, reviewer
):
    claim = submitted(agency_a, org_a)
    Notification.objects.all().delete()
    move(reviewer, claim, action, reason="材料不全，请补充")
    note = Notification.objects.get()
    assert note.recipient == agency_a
    assert note.body == "材料不全，请补充"
    assert note.url.endswith(f"/{claim.pk}/")


def test_each_step_writes_exactly_one_audit_entry(agency_a, org_a, reviewer, approver):
    fund(approver, "100000")
    claim = draft(agency_a, org_a)
    for actor, action, code in [
        (agency_a, "submit", "subsidies.claim.submitted"),
        (reviewer, "first_pass", "subsidies.claim.first_passed"),
        (approver, "approve", "subsidies.claim.approved"),
    ]:
        before = AuditEntry.objects.for_object(claim).count()
        claim = move(actor, claim, action)
        entries = AuditEntry.objects.for_object(claim)
        assert entries.count() == before + 1
        assert entries.order_by("-id").first().action == code


def test_a_subject_names_exactly_the_record_of_its_kind(agency_a, org_a):
    claim = create(
        agency_a, org_a, "fee_exemption", period="2026-03", subjects=exemption_lines(org_a)
    )
    subject = claim.subjects.first()
    exemption = subject.fee_exemption
    subject.delete()
    person = factories.make_person("李娜")
    month = dt.date(2026, 3, 1)
    wrong = [
        {"kind": "person"},  # a person subject without its person and month
        {"kind": "order"},  # an order naming nothing
        {"kind": "order", "person": person, "month": month},  # another kind's record
        {"kind": "person", "person": person, "month": month, "fee_exemption": exemption},
    ]
    for fields in wrong:
        with pytest.raises(IntegrityError), transaction.atomic():
            ClaimSubject.objects.create(claim=claim, claim_type=claim.claim_type, **fields)
    ClaimSubject.objects.create(
        claim=claim, claim_type=claim.claim_type, kind="order", fee_exemption=exemption
    )
    assert claim.subjects.count() == 2


def test_a_household_service_of_another_claim_of_the_type_is_named_as_subsidised(
    agency_a, org_a, agency_b, org_b
):
    (first,) = exemption_lines(org_a, 1)
    create(agency_a, org_a, "fee_exemption", period="2026-03", subjects=[first])
    (own,) = exemption_lines(org_b, 1)
    again = "\t".join([*first.split("\t")[:5], own.split("\t")[5]])
    errors = errors_of(
        lambda: create(agency_b, org_b, "fee_exemption", period="2026-03", subjects=[again])
    )
    assert errors["subjects"][0].startswith("以下各项已在该补贴项目的其他申请中享受补贴：")
    assert first.split("\t")[0][-4:] in errors["subjects"][0]
