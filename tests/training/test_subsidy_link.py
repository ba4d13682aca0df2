"""Training and certification subsidy claims take their figures from the provider's records:
completed enrolments (at the standard the bureau sets for each course kind) and certificates,
each claimed at most once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from subsidies import selectors as subsidy_selectors
from subsidies import services as subsidy_services
from subsidies.models import ClaimSubject
from tests import factories
from tests.subsidies.core_builders import claim_type, move, pdf
from training import services
from training.models import CourseKind

DONE = dt.date(2026, 3, 20)


# A course's standard is its kind's (the bureau's), never the provider's: each test standard
# is set on a kind of its own.
KIND_FOR_STANDARD = {"1500.00": "pre_job", "800.00": "skill_up", "2000.00": "manager"}


def _course(actor, provider, name="2026年第一期家政服务员培训", standard="1500.00", **extra):
    code = KIND_FOR_STANDARD.get(standard, "women")
    CourseKind.objects.filter(code=code).update(subsidy_standard=Decimal(standard))
    data = {
        "name": name,
        "kind": CourseKind.objects.get(code=code),
        "starts_on": dt.date(2026, 3, 1),
        "ends_on": DONE,
        "class_hours": 40,
        "capacity": 50,
        "policy_year": 2026,
    } | extra
    return services.course_create(actor=actor, provider=provider, data=data)


def _trainee(actor, course, name="王芳", *, completed=True, on=DONE, certificate=""):
    enrolment = services.enrol(
        actor=actor, course=course, id_number=factories.id_number(), name=name
    )
    record = {"attended_hours": course.class_hours, "completed": completed}
    if completed:
        record["completed_on"] = on
    if certificate:
        record |= {"exam": "passed", "certificate_number": certificate, "skill_level": "五级"}
    return services.enrolment_record(actor=actor, enrolment=enrolment, data=record)


def _claim(user, agency, code, subjects, period="2026-03"):
    return subsidy_services.claim_create(
        actor=user,
        agency=agency,
        claim_type=claim_type(code),
        period=period,
        declared={},
        subjects=subjects,
    )


def _refusal(user, agency, code, subjects, period="2026-04") -> str:
    with pytest.raises(ValidationError) as caught:
        _claim(user, agency, code, subjects, period)
    return " ".join(caught.value.message_dict["subjects"])


def test_training_claim_sums_each_courses_standard_with_a_trace_line_per_course(agency_a, org_a):
    first = _course(agency_a, org_a, "家政服务员培训", "1500.00")
    second = _course(agency_a, org_a, "养老护理员培训", "800.00")
    dear = _course(agency_a, org_a, "家政经理人研修班", "2000.00")
    listed = [
        _trainee(agency_a, first, "王芳"),
        _trainee(agency_a, first, "李娜"),
        _trainee(agency_a, second, "张丽"),
        _trainee(agency_a, dear, "赵敏"),
    ]

    claim = _claim(agency_a, org_a, "training_subsidy", [str(e.pk) for e in listed])

    # 2 × 1,500 + 1 × 800 + 1 × 2,000: each course at its kind's standard, no other ceiling
    assert claim.eligible_amount == Decimal("5800.00")
    assert claim.declared["count"] == "4"
    trace = "\n".join(claim.trace)
    assert "家政服务员培训：2 人 × 1,500.00 元 = 3,000.00 元" in trace
    assert "养老护理员培训：1 人 × 800.00 元 = 800.00 元" in trace
    assert "家政经理人研修班：1 人 × 2,000.00 元 = 2,000.00 元" in trace
    assert "合计 4 人，5,800.00 元" in trace
    subjects = list(claim.subjects.order_by("id"))
    assert [s.enrolment for s in subjects] == listed
    assert {s.kind for s in subjects} == {ClaimSubject.Kind.ENROLMENT}
    assert "王芳·家政服务员培训" in subjects[0].label


def test_a_line_of_the_prefilled_list_is_read_by_its_enrolment_number(agency_a, org_a):
    course = _course(agency_a, org_a)
    enrolment = _trainee(agency_a, course)
    line = subsidy_selectors.unclaimed_training_records(org_a, claim_type("training_subsidy"))
    assert line == [f"{enrolment.pk} 王芳·{course.name}"]
    claim = _claim(agency_a, org_a, "training_subsidy", line)
    assert claim.eligible_amount == Decimal("1500.00")


def test_an_enrolment_not_completed_is_refused_by_name(agency_a, org_a):
    course = _course(agency_a, org_a)
    done = _trainee(agency_a, course, "王芳")
    pending = _trainee(agency_a, course, "李娜", completed=False)
    message = _refusal(agency_a, org_a, "training_subsidy", [str(done.pk), str(pending.pk)])
    assert "not completed in 2026" in message or "2026" in message
    assert f"{pending.pk} 李娜" in message
    assert "王芳" not in message
    assert not ClaimSubject.objects.exists()


def test_an_enrolment_completed_in_another_year_is_refused(agency_a, org_a):
    course = _course(
        agency_a,
        org_a,
        starts_on=dt.date(2025, 12, 1),
        ends_on=dt.date(2025, 12, 20),
        policy_year=2025,
    )
    old = _trainee(agency_a, course, "王芳", on=dt.date(2025, 12, 20))
    message = _refusal(agency_a, org_a, "training_subsidy", [str(old.pk)])
    assert f"{old.pk} 王芳" in message


def test_another_providers_enrolment_is_refused_as_not_ours(agency_a, org_a, agency_b, org_b):
    theirs = _trainee(agency_b, _course(agency_b, org_b))
    message = _refusal(agency_a, org_a, "training_subsidy", [str(theirs.pk), "999999"])
    assert str(theirs.pk) in message and "999999" in message
    assert "王芳" not in message  # nothing about the other provider's trainee is shown
    assert subsidy_selectors.unclaimed_training_records(org_a, claim_type("training_subsidy")) == []


def test_the_same_enrolment_is_not_claimed_twice_until_the_first_claim_is_rejected(
    agency_a, org_a, reviewer
):
    course = _course(agency_a, org_a)
    enrolment = _trainee(agency_a, course)
    first = _claim(agency_a, org_a, "training_subsidy", [str(enrolment.pk)])
    assert subsidy_selectors.unclaimed_training_records(org_a, claim_type("training_subsidy")) == []

    message = _refusal(agency_a, org_a, "training_subsidy", [str(enrolment.pk)])
    assert "王芳" in message and str(enrolment.pk) in message

    for code, _label in first.claim_type.required_attachments:
        subsidy_services.claim_attach(actor=agency_a, claim=first, code=code, upload=pdf())
    move(agency_a, first, "submit")
    move(reviewer, first, "reject", reason="考勤材料不全")

    again = _claim(agency_a, org_a, "training_subsidy", [str(enrolment.pk)], period="2026-04")
    assert again.eligible_amount == Decimal("1500.00")
    assert ClaimSubject.objects.filter(enrolment=enrolment, live=True).get().claim == again


def test_submit_reads_the_records_again_and_refuses_an_enrolment_no_longer_completed(
    agency_a, org_a
):
    course = _course(agency_a, org_a)
    enrolment = _trainee(agency_a, course)
    claim = _claim(agency_a, org_a, "training_subsidy", [str(enrolment.pk)])
    for code, _label in claim.claim_type.required_attachments:
        subsidy_services.claim_attach(actor=agency_a, claim=claim, code=code, upload=pdf())
    services.enrolment_record(
        actor=agency_a, enrolment=enrolment, data={"completed": False, "completed_on": None}
    )
    with pytest.raises(ValidationError) as caught:
        move(agency_a, claim, "submit")
    assert "王芳" in " ".join(caught.value.message_dict["subjects"])
    claim.refresh_from_db()
    assert claim.status == "draft"


def test_editing_a_training_claim_recomputes_from_the_new_list(agency_a, org_a):
    course = _course(agency_a, org_a, standard="1200.00")
    one, two = _trainee(agency_a, course, "王芳"), _trainee(agency_a, course, "李娜")
    claim = _claim(agency_a, org_a, "training_subsidy", [str(one.pk)])
    claim = subsidy_services.claim_update(
        actor=agency_a, claim=claim, declared={}, subjects=[str(one.pk), str(two.pk)]
    )
    assert claim.eligible_amount == Decimal("2400.00")
    assert claim.subjects.filter(live=True).count() == 2


def test_certification_claim_pays_the_types_standard_per_certificate(agency_a, org_a):
    course = _course(agency_a, org_a)
    _trainee(agency_a, course, "王芳", certificate="JD2026-0001")
    _trainee(agency_a, course, "李娜", certificate="JD2026-0002")
    _trainee(agency_a, course, "张丽")  # completed, no certificate: not offered

    offered = subsidy_selectors.unclaimed_training_records(
        org_a, claim_type("certification_subsidy")
    )
    assert [line.split()[0] for line in offered] == ["JD2026-0001", "JD2026-0002"]
    claim = _claim(agency_a, org_a, "certification_subsidy", ["JD2026-0001", "JD2026-0002"])
    assert claim.eligible_amount == Decimal("1000.00")
    assert "2 人 × 500.00 元 = 1,000.00 元" in "\n".join(claim.trace)
    assert set(claim.subjects.values_list("certificate__certificate_number", flat=True)) == {
        "JD2026-0001",
        "JD2026-0002",
    }
    assert set(claim.subjects.values_list("kind", flat=True)) == {ClaimSubject.Kind.CERTIFICATE}


def test_a_certificate_is_not_claimed_twice_nor_another_providers(agency_a, org_a, agency_b, org_b):
    _trainee(agency_a, _course(agency_a, org_a), "王芳", certificate="JD2026-0001")
    _trainee(agency_b, _course(agency_b, org_b), "李娜", certificate="JD2026-0900")
    _claim(agency_a, org_a, "certification_subsidy", ["JD2026-0001"])

    twice = _refusal(agency_a, org_a, "certification_subsidy", ["JD2026-0001"])
    assert "JD2026-0001" in twice
    foreign = _refusal(agency_a, org_a, "certification_subsidy", ["JD2026-0900"])
    assert "JD2026-0900" in foreign and "李娜" not in foreign
    assert ClaimSubject.objects.filter(certificate__certificate_number="JD2026-0001").count() == 1


def test_the_claim_form_offers_the_unclaimed_enrolments_of_the_provider(
    agency_a, org_a, agency_b, org_b, client_for
):
    ours = _trainee(agency_a, _course(agency_a, org_a), "王芳")
    _trainee(agency_b, _course(agency_b, org_b, "乙机构培训班"), "李娜")
    kind = claim_type("training_subsidy")
    page = client_for(agency_a).get(f"/portal/claims/new/?type={kind.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{ours.pk} 王芳·2026年第一期家政服务员培训" in html
    assert "李娜" not in html and "乙机构培训班" not in html
    assert 'name="declared_count"' not in html  # the number comes from the list

    response = client_for(agency_a).post(
        f"/portal/claims/new/?type={kind.pk}",
        {"period": "2026-03", "subjects": f"{ours.pk} 王芳·2026年第一期家政服务员培训"},
    )
    assert response.status_code == 302
    assert ClaimSubject.objects.get(enrolment=ours).claim.eligible_amount == Decimal("1500.00")


def test_the_provider_cannot_set_a_standard_the_kinds_standard_is_paid(agency_a, org_a):
    """A course's subsidy standard comes from its course kind, not from the provider."""
    course = _course(agency_a, org_a, "家政服务员培训", "1500.00", subsidy_standard="9999.00")
    assert course.subsidy_standard == Decimal("1500.00")
    trainee = _trainee(agency_a, course, "王芳")
    CourseKind.objects.filter(code="pre_job").update(subsidy_standard=Decimal("1300.00"))
    claim = _claim(agency_a, org_a, "training_subsidy", [str(trainee.pk)])
    assert claim.eligible_amount == Decimal("1300.00")


def test_a_type_listing_enrolments_with_another_calculator_refuses_them_the_same_way(
    agency_a, org_a
):
    """The catalogue lets a type name enrolments as subjects with any calculator; its list is
    checked like the training subsidy's: an enrolment not completed is refused by name."""
    from subsidies.services.subjects import subjects_listed

    course = _course(agency_a, org_a)
    done = _trainee(agency_a, course, "王芳")
    pending = _trainee(agency_a, course, "李娜", completed=False)
    other = claim_type("training_subsidy")
    other.calculator = "per_head"  # not saved: the same subjects under another calculator
    assert len(subjects_listed(other, org_a, "2026-03", [str(done.pk)])) == 1
    with pytest.raises(ValidationError) as refused:
        subjects_listed(other, org_a, "2026-03", [str(done.pk), str(pending.pk)])
    message = " ".join(refused.value.message_dict["subjects"])
    assert f"{pending.pk} 李娜" in message and "王芳" not in message
