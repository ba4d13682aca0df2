"""Portal: the claims area for agencies — catalogue, new claim, edit, attachments, submit,
resubmit, withdraw, notices and the scoping of claims to their agency."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import EmployeeSystemFiling
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.documents.services import document_store
from subsidies import selectors, services
from subsidies.models import Claim, ClaimAttachment, ClaimSubject, ClaimType, Notice
from tests import factories
from tests.subsidies.core_builders import exemption_lines

pytestmark = pytest.mark.django_db

YEAR = 2026


def real_pdf() -> bytes:
    """A small, well-formed one-page PDF (header, objects, cross-reference table, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_upload(name: str = "订单明细.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, real_pdf(), content_type="application/pdf")


def claim_type(code: str) -> ClaimType:
    return ClaimType.objects.get(code=code, policy_year=YEAR)


def new_url(code: str) -> str:
    return reverse("claims:new") + f"?type={claim_type(code).pk}"


def lines_for(agency, period: str | None = None, n: int = 2) -> list[str]:
    """n exempted household services on the first day of the period (this month by default)."""
    period = period or selectors.current_period(claim_type("fee_exemption"))
    return exemption_lines(agency, n, day=dt.date(int(period[:4]), int(period[5:7]), 1))


def fee_exemption_post(agency, **overrides) -> dict:
    data = {
        "period": selectors.current_period(claim_type("fee_exemption")),
        "subjects": "\n".join(
            lines_for(
                agency, p if re.match(r"^\d{4}-\d{2}$", p := overrides.get("period", "")) else None
            )
        ),
    }
    data.update(overrides)
    return data


def draft(user, agency, code="fee_exemption", *, period=None, declared=None, subjects=None):
    kind = claim_type(code)
    period = period or selectors.current_period(kind)
    if subjects is None and code == "fee_exemption":
        subjects = lines_for(agency, period)
    return services.claim_create(
        actor=user,
        agency=agency,
        claim_type=kind,
        period=period,
        declared=declared if declared is not None else {"count": "2"},
        subjects=subjects,
    )


def attach_required(user, claim: Claim) -> None:
    for code, _label in claim.claim_type.required_attachments:
        services.claim_attach(actor=user, claim=claim, code=code, upload=pdf_upload())


def file_employee_system(agency) -> None:
    # A fact owned by the agencies area; written directly, as the filing flow is tested there.
    EmployeeSystemFiling.objects.create(
        agency=agency,
        status=EmployeeSystemFiling.Status.FILED,
        valid_from=dt.date(2020, 1, 1),  # in force for every claim period of these tests
        valid_until=dt.date(2099, 12, 31),
        signs_customer_contracts=True,
        dispatches_workers=True,
        pays_wages_directly=True,
        trains_continuously=True,
        total_workers=12,
        qualifying_workers=12,
        meets_threshold=True,
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
        filed_on=dt.date(YEAR, 2, 1),
    )


def card(response, code: str) -> dict:
    for group in response.context["groups"]:
        for entry in group["cards"]:
            if entry["type"].code == code:
                return entry
    raise AssertionError(f"{code} is not in the catalogue")


# --- catalogue ------------------------------------------------------------------------------


def test_catalogue_shows_why_health_check_needs_an_employee_system_filing(client_for, agency_a):
    response = client_for(agency_a).get(reverse("claims:catalogue"))
    assert response.status_code == 200
    reasons = card(response, "health_check")["problems"]
    assert reasons == ["本项仅限已备案的员工制家政企业，请先完成员工制家政企业备案"]
    assert reasons[0] in response.content.decode()
    assert card(response, "fee_exemption")["problems"] == []


def test_catalogue_groups_every_open_type_and_says_what_each_pays(client_for, agency_a):
    response = client_for(agency_a).get(reverse("claims:catalogue"))
    groups = [g["code"] for g in response.context["groups"]]
    assert groups == ["interest", "seven", "exemption", "employee_system", "job_stability"]
    assert sum(len(g["cards"]) for g in response.context["groups"]) == 13  # centre + station
    assert any("100,000 元" in line for line in card(response, "station_award")["pays"])
    assert any("50 元" in line for line in card(response, "fee_exemption")["pays"])
    assert any("50%" in line for line in card(response, "accident_insurance")["pays"])
    ui_refund = " ".join(card(response, "ui_refund")["pays"])
    assert "5.5%" in ui_refund and "20%" in ui_refund and "30" in ui_refund
    assert any("12" in line for line in card(response, "fee_exemption")["pays"])  # a year
    needs = card(response, "fee_exemption")["needs"]
    assert needs["attachments"] == ["服务订单及减免明细"]
    assert len(needs["figures"]) == 1 and "培训" not in needs["figures"][0]  # none typed
    assert needs["subjects"]


def test_catalogue_hides_closed_types_and_offers_the_existing_claim_of_the_period(
    client_for, agency_a, org_a
):
    ClaimType.objects.filter(code="brand_award").update(active=False)
    claim = draft(agency_a, org_a)
    response = client_for(agency_a).get(reverse("claims:catalogue"))
    codes = {c["type"].code for g in response.context["groups"] for c in g["cards"]}
    assert "brand_award" not in codes
    assert card(response, "fee_exemption")["existing"] == claim
    assert reverse("claims:detail", args=[claim.pk]) in response.content.decode()


def test_catalogue_query_count_does_not_grow_with_the_number_of_types(client_for, agency_a, org_a):
    client = client_for(agency_a)
    client.get(reverse("claims:catalogue"))  # sessions and content types warmed up
    draft(agency_a, org_a)
    with CaptureQueriesContext(connection) as twelve:
        client.get(reverse("claims:catalogue"))
    copies = []
    for claim_type in ClaimType.objects.filter(policy_year=YEAR):
        claim_type.pk, claim_type.code = None, claim_type.code + "_extra"
        copies.append(claim_type)
    ClaimType.objects.bulk_create(copies)
    with CaptureQueriesContext(connection) as twenty_four:
        response = client.get(reverse("claims:catalogue"))
    assert sum(len(g["cards"]) for g in response.context["groups"]) == 26
    assert len(twenty_four) == len(twelve)


# --- new claim ------------------------------------------------------------------------------


def test_new_claim_form_is_made_for_the_type(client_for, agency_a):
    response = client_for(agency_a).get(new_url("ui_refund"))
    form = response.context["form"]
    assert list(form.fields) == [
        "period",
        "declared_premiums_last_year",
        "declared_insured_end_last_year",
        "declared_insured_end_this_year",
    ]
    assert form.initial["period"] == selectors.current_period(claim_type("ui_refund"))
    html = response.content.decode()
    assert 'inputmode="decimal"' in html and 'inputmode="numeric"' in html


def test_new_claim_form_asks_for_the_exempted_household_services(client_for, agency_a):
    form = client_for(agency_a).get(new_url("fee_exemption")).context["form"]
    assert list(form.fields) == ["period", "subjects"]
    assert "ID number" in str(form.fields["subjects"].help_text) or "身份证" in str(
        form.fields["subjects"].help_text
    )
    assert "2026-" in form.fields["period"].help_text


def test_agency_creates_a_fee_exemption_claim_with_two_households_and_sees_100_yuan(
    client_for, agency_a, org_a
):
    client = client_for(agency_a)
    data = fee_exemption_post(org_a)
    heads = [line.split("\t")[0] for line in data["subjects"].splitlines()]
    response = client.post(new_url("fee_exemption"), data)
    claim = Claim.objects.get(agency=org_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[claim.pk])
    assert claim.status == Claim.Status.DRAFT
    assert claim.eligible_amount == Decimal("100.00")
    assert claim.trace == ["2 户次 × 50.00 元 = 100.00 元"]
    labels = sorted(claim.subjects.values_list("label", flat=True))
    assert [label[:18] for label in labels] == sorted("*" * 14 + h[-4:] for h in heads)
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert heads[0][-4:] in html and heads[0] not in html  # masked for the agency
    assert "2 户次 × 50.00 元 = 100.00 元" in html
    assert "100.00" in html
    assert [row["actor"] for row in detail.context["timeline"]] == [str(agency_a)]


def test_full_width_digits_and_commas_in_the_list_are_read_as_half_width(
    client_for, agency_a, org_a
):
    lines = lines_for(org_a)
    wide = "\n\n".join(
        "，".join(line.split("\t")).translate(
            {ord(d): chr(ord("０") + int(d)) for d in "0123456789"}
        )
        for line in lines
    )
    response = client_for(agency_a).post(
        new_url("fee_exemption"), fee_exemption_post(org_a, subjects=wide)
    )
    assert response.status_code == 302, response.context["form"].errors
    claim = Claim.objects.get(agency=org_a)
    assert claim.eligible_amount == Decimal("100.00")


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (
            {
                "declared_premiums_last_year": "-100",
                "declared_insured_end_last_year": "abc",
                "declared_insured_end_this_year": "",
            },
            {
                "declared_premiums_last_year": "不能为负数",
                "declared_insured_end_last_year": "须为数字",
                "declared_insured_end_this_year": "请填写",
            },
        ),
        (
            {
                "declared_premiums_last_year": "12000.005",
                "declared_insured_end_last_year": "40.5",
                "declared_insured_end_this_year": "39",
            },
            {
                "declared_premiums_last_year": "两位小数",
                "declared_insured_end_last_year": "整数",
            },
        ),
    ],
)
def test_bad_declared_figures_are_shown_on_their_fields_and_nothing_is_written(
    client_for, agency_a, figures, expected
):
    client = client_for(agency_a)  # signing in is logged: count after it
    audit_before = AuditEntry.objects.count()
    response = client.post(new_url("ui_refund"), {"period": "2026", **figures})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == set(expected)
    for name, fragment in expected.items():
        assert fragment in errors[name][0]
    assert 'id="field-declared_premiums_last_year"' in response.content.decode()
    assert not Claim.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_bad_line_of_the_list_is_named_on_the_list(client_for, agency_a, org_a):
    lines = lines_for(org_a)
    lines[1] = lines[1].replace("家庭保洁", "遛狗")
    response = client_for(agency_a).post(
        new_url("fee_exemption"), fee_exemption_post(org_a, subjects="\n".join(lines))
    )
    assert list(response.context["form"].errors) == ["subjects"]
    message = response.context["form"].errors["subjects"][0]
    assert "遛狗" in message and ("第2行" in message or "Line 2" in message)
    assert not Claim.objects.exists()


def test_a_period_in_the_wrong_format_is_shown_on_the_period(client_for, agency_a):
    response = client_for(agency_a).post(
        new_url("fee_exemption"),
        fee_exemption_post(agency_a.agency_membership.agency, period="2026年3月"),
    )
    assert list(response.context["form"].errors) == ["period"]
    assert "2026-03" in response.context["form"].errors["period"][0]
    assert not Claim.objects.exists()


def test_a_second_claim_for_the_same_type_and_period_is_refused_on_the_period(
    client_for, agency_a, org_a
):
    first = draft(agency_a, org_a)
    response = client_for(agency_a).post(
        new_url("fee_exemption"),
        fee_exemption_post(org_a, period=first.period),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["period"]
    assert first.period in response.context["form"].errors["period"][0]
    assert Claim.objects.count() == 1


def test_a_household_service_already_exempted_by_another_agency_is_refused_on_the_list(
    client_for, agency_a, org_a, agency_b, org_b
):
    taken = lines_for(org_a, "2026-02")
    draft(agency_a, org_a, period="2026-02", subjects=taken)
    head = taken[1].split("\t")[0]
    worker = factories.make_worker(org_b)
    again = "\t".join([*taken[1].split("\t")[:5], worker.person.id_number])
    response = client_for(agency_b).post(
        new_url("fee_exemption"),
        fee_exemption_post(org_b, period="2026-02", subjects=again),
    )
    errors = response.context["form"].errors
    assert list(errors) == ["subjects"]
    assert head[-4:] in errors["subjects"][0] and head not in errors["subjects"][0]
    assert Claim.objects.count() == 1
    assert ClaimSubject.objects.count() == 2


def test_new_claim_without_a_type_goes_to_the_catalogue_and_an_unknown_type_is_404(
    client_for, agency_a
):
    client = client_for(agency_a)
    response = client.get(reverse("claims:new"))
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:catalogue")
    assert client.get(reverse("claims:new") + "?type=999999").status_code == 404
    assert client.get(reverse("claims:new") + "?type=abc").status_code == 404
    ClaimType.objects.filter(code="fee_exemption").update(active=False)
    assert client.get(new_url("fee_exemption")).status_code == 404


# --- edit -----------------------------------------------------------------------------------


def test_editing_a_draft_keeps_the_list_or_takes_a_new_one_and_recomputes(
    client_for, agency_a, org_a
):
    claim = draft(agency_a, org_a)
    client = client_for(agency_a)
    page = client.get(reverse("claims:edit", args=[claim.pk]))
    form = page.context["form"]
    assert not form.initial.get("subjects")  # ID numbers are not shown back in full
    assert "period" not in form.fields
    response = client.post(reverse("claims:edit", args=[claim.pk]), {"subjects": ""})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.eligible_amount == Decimal("100.00") and claim.subjects.count() == 2
    response = client.post(
        reverse("claims:edit", args=[claim.pk]),
        {"subjects": "\n".join(lines_for(org_a, claim.period, 3))},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.eligible_amount == Decimal("150.00")
    assert claim.subjects.count() == 3


def test_editing_a_health_check_claim_keeps_the_people_when_the_list_is_left_empty(
    client_for, agency_a, org_a
):
    file_employee_system(org_a)
    workers = [factories.make_worker(org_a) for _ in range(2)]
    client = client_for(agency_a)
    client.post(
        new_url("health_check"),
        {
            "period": "2026",
            "declared_count": "2",
            "declared_actual_cost": "300.00",
            "subjects": "\n".join(w.person.id_number for w in workers),
        },
    )
    claim = Claim.objects.get(agency=org_a)
    assert claim.eligible_amount == Decimal("300.00")
    page = client.get(reverse("claims:edit", args=[claim.pk]))
    # ID numbers are not shown back in full; the names of the people listed are.
    assert workers[0].person.id_number not in page.content.decode()
    assert workers[0].person.name in page.content.decode()
    response = client.post(
        reverse("claims:edit", args=[claim.pk]),
        {"declared_count": "2", "declared_actual_cost": "500.00", "subjects": ""},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.eligible_amount == Decimal("400.00")  # 2 × 200 standard
    assert claim.subjects.count() == 2


def test_a_submitted_claim_cannot_be_edited(client_for, agency_a, org_a):
    claim = draft(agency_a, org_a)
    attach_required(agency_a, claim)
    services.claim_act(actor=agency_a, claim=claim, action="submit")
    client = client_for(agency_a)
    response = client.post(
        reverse("claims:edit", args=[claim.pk]), {"declared_count": "9", "subjects": "A"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[claim.pk])
    claim.refresh_from_db()
    assert claim.declared == {"count": "2"}
    detail = client.get(reverse("claims:detail", args=[claim.pk]))
    assert detail.context["editable"] is False
    assert reverse("claims:edit", args=[claim.pk]) not in detail.content.decode()


# --- attachments ----------------------------------------------------------------------------


def test_a_real_pdf_is_attached_and_linked_through_the_private_download(
    client_for, agency_a, org_a
):
    claim = draft(agency_a, org_a)
    client = client_for(agency_a)
    response = client.post(
        reverse("claims:attach", args=[claim.pk]), {"code": "orders", "file": pdf_upload()}
    )
    assert response.status_code == 302
    attachment = ClaimAttachment.objects.get(claim=claim)
    assert (attachment.code, attachment.document.content_type) == ("orders", "application/pdf")
    detail = client.get(reverse("claims:detail", args=[claim.pk]))
    assert attachment.document.get_absolute_url() in detail.content.decode()
    assert detail.context["missing"] == []
    download = client.get(attachment.document.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")


def test_a_text_file_named_pdf_is_refused_on_the_file_field(client_for, agency_a, org_a):
    claim = draft(agency_a, org_a)
    fake = SimpleUploadedFile("订单明细.pdf", "这不是PDF文件".encode(), "application/pdf")
    response = client_for(agency_a).post(
        reverse("claims:attach", args=[claim.pk]), {"code": "orders", "file": fake}
    )
    assert response.status_code == 200
    form = response.context["attach_form"]
    assert list(form.errors) == ["file"]
    assert "PDF" in form.errors["file"][0]
    assert not ClaimAttachment.objects.exists()
    assert not Document.objects.exists()


def test_an_attachment_kind_outside_the_list_is_refused(client_for, agency_a, org_a):
    claim = draft(agency_a, org_a)
    response = client_for(agency_a).post(
        reverse("claims:attach", args=[claim.pk]), {"code": "licence", "file": pdf_upload()}
    )
    assert list(response.context["attach_form"].errors) == ["code"]
    assert not ClaimAttachment.objects.exists()


def test_missing_required_attachments_are_highlighted_and_an_upload_removed(
    client_for, agency_a, org_a
):
    claim = draft(agency_a, org_a)
    client = client_for(agency_a)
    detail = client.get(reverse("claims:detail", args=[claim.pk]))
    assert detail.context["missing"] == ["服务订单及减免明细"]
    assert 'data-testid="required-orders"' in detail.content.decode()
    assert 'class="missing"' in detail.content.decode()
    attachment = services.claim_attach(
        actor=agency_a, claim=claim, code="orders", upload=pdf_upload()
    )
    response = client.post(reverse("claims:detach", args=[claim.pk, attachment.pk]))
    assert response.status_code == 302
    assert not ClaimAttachment.objects.exists()
    assert AuditEntry.objects.for_object(claim).filter(action="subsidies.claim.detached").exists()


# --- transitions ----------------------------------------------------------------------------


def test_submit_with_a_missing_required_attachment_is_refused_and_names_it(
    client_for, agency_a, org_a
):
    claim = draft(agency_a, org_a)
    response = client_for(agency_a).post(reverse("claims:transition", args=[claim.pk, "submit"]))
    assert response.status_code == 200
    assert any("服务订单及减免明细" in e for e in response.context["action_errors"])
    assert 'data-testid="action-errors"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DRAFT


def test_submit_of_a_claim_the_agency_may_not_yet_make_gives_the_reason(
    client_for, agency_a, org_a
):
    claim = draft(
        agency_a,
        org_a,
        "station_award",
        declared={"requested_amount": "1", "basis": ""},
        subjects=[],
    )
    detail = client_for(agency_a).get(reverse("claims:detail", args=[claim.pk]))
    assert "须通过本年度年检复核" in detail.context["problems"]
    response = client_for(agency_a).post(reverse("claims:transition", args=[claim.pk, "submit"]))
    assert any("须通过本年度年检复核" in e for e in response.context["action_errors"])
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DRAFT


def test_agency_submits_a_complete_claim_and_follows_it_to_the_approval_notice(
    client_for, agency_a, org_a, reviewer, approver
):
    services.fund_set(actor=approver, year=YEAR, amount="500000")
    claim = draft(agency_a, org_a)
    attach_required(agency_a, claim)
    client = client_for(agency_a)
    detail = client.get(reverse("claims:detail", args=[claim.pk]))
    assert [t.action for t in detail.context["actions"]] == ["submit"]
    assert detail.context["can_withdraw"] is True

    response = client.post(reverse("claims:transition", args=[claim.pk, "submit"]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    assert claim.submitted_at is not None

    services.claim_act(actor=reviewer, claim=claim, action="first_pass")
    services.claim_act(actor=approver, claim=claim, action="approve")
    detail = client.get(reverse("claims:detail", args=[claim.pk]))
    assert detail.context["actions"] == [] and detail.context["can_withdraw"] is False
    labels = [row["label"] for row in detail.context["timeline"]]
    assert len(labels) == 5  # created, attached, submitted, first review, approved
    assert [row["actor"] for row in detail.context["timeline"]][-2:] == [
        str(reviewer),
        str(approver),
    ]
    notice = Notice.objects.get(claim=claim)
    assert detail.context["notices"] == [notice]
    assert notice.number in detail.content.decode()
    assert 'data-testid="notice-pending"' in detail.content.decode()

    # Once the PDF exists the agency downloads it.
    document = document_store(
        SimpleUploadedFile(f"{notice.number}.pdf", real_pdf()),
        allowed=("application/pdf",),
        field="file",
        owner=claim,
    )
    Notice.objects.filter(pk=notice.pk).update(document=document)
    detail = client.get(reverse("claims:detail", args=[claim.pk]))
    assert document.get_absolute_url() in detail.content.decode()
    assert client.get(document.get_absolute_url()).status_code == 200


def test_a_returned_claim_shows_the_reason_and_is_resubmitted(
    client_for, agency_a, org_a, reviewer
):
    claim = draft(agency_a, org_a)
    attach_required(agency_a, claim)
    services.claim_act(actor=agency_a, claim=claim, action="submit")
    services.claim_act(
        actor=reviewer, claim=claim, action="return", reason="订单明细缺少服务日期，请补正"
    )
    client = client_for(agency_a)
    detail = client.get(reverse("claims:detail", args=[claim.pk]))
    html = detail.content.decode()
    assert "订单明细缺少服务日期，请补正" in html
    assert [t.action for t in detail.context["actions"]] == ["resubmit"]
    assert detail.context["editable"] is True
    returned = [row for row in detail.context["timeline"] if row["tone"] == "warn"]
    assert returned[0]["reason"] == "订单明细缺少服务日期，请补正"

    services.claim_attach(actor=agency_a, claim=claim, code="other", upload=pdf_upload("补正.pdf"))
    response = client.post(reverse("claims:transition", args=[claim.pk, "resubmit"]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED
    assert (
        AuditEntry.objects.for_object(claim).filter(action="subsidies.claim.resubmitted").exists()
    )


def test_agency_withdraws_a_draft_with_a_note_and_the_orders_are_free_again(
    client_for, agency_a, org_a
):
    claim = draft(agency_a, org_a)
    client = client_for(agency_a)
    response = client.post(
        reverse("claims:transition", args=[claim.pk, "withdraw"]),
        {"withdraw-reason": "订单号填错，重新申请"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.WITHDRAWN
    assert claim.last_reason == "订单号填错，重新申请"
    assert not claim.subjects.filter(live=True).exists()
    assert not claim.fee_exemptions.filter(live=True).exists()
    # The same period and household services can be claimed again.
    again = "\n".join(
        "\t".join(
            [
                e.head_id_number,
                e.address,
                e.street.name,
                f"{e.service_date:%Y-%m-%d}",
                e.service_kind.name,
                e.worker.person.id_number,
            ]
        )
        for e in claim.fee_exemptions.all()
    )
    response = client.post(new_url("fee_exemption"), fee_exemption_post(org_a, subjects=again))
    assert response.status_code == 302
    assert Claim.objects.filter(status=Claim.Status.DRAFT).count() == 1


def test_an_action_the_agency_may_not_take_is_404_or_refused(client_for, agency_a, org_a):
    claim = draft(agency_a, org_a)
    client = client_for(agency_a)
    assert client.post(reverse("claims:transition", args=[claim.pk, "approve"])).status_code == 404
    response = client.post(reverse("claims:transition", args=[claim.pk, "resubmit"]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DRAFT


def test_transitions_and_uploads_need_post(client_for, agency_a, org_a):
    claim = draft(agency_a, org_a)
    client = client_for(agency_a)
    assert client.get(reverse("claims:transition", args=[claim.pk, "submit"])).status_code == 405
    assert client.get(reverse("claims:attach", args=[claim.pk])).status_code == 405


# --- who may see what -----------------------------------------------------------------------


def test_agency_b_gets_404_on_every_url_of_agency_a_claim(client_for, agency_a, org_a, agency_b):
    claim = draft(agency_a, org_a)
    attachment = services.claim_attach(
        actor=agency_a, claim=claim, code="orders", upload=pdf_upload()
    )
    client = client_for(agency_b)
    assert client.get(reverse("claims:detail", args=[claim.pk])).status_code == 404
    assert client.get(reverse("claims:edit", args=[claim.pk])).status_code == 404
    assert (
        client.post(
            reverse("claims:edit", args=[claim.pk]), {"declared_count": "5", "subjects": "X"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("claims:attach", args=[claim.pk]), {"code": "orders", "file": pdf_upload()}
        ).status_code
        == 404
    )
    assert client.post(reverse("claims:detach", args=[claim.pk, attachment.pk])).status_code == 404
    for action in ("submit", "withdraw"):
        assert client.post(reverse("claims:transition", args=[claim.pk, action])).status_code == 404
    assert client.get(attachment.document.get_absolute_url()).status_code == 404
    claim.refresh_from_db()
    assert (claim.status, claim.declared) == (Claim.Status.DRAFT, {"count": "2"})
    assert ClaimAttachment.objects.filter(claim=claim).count() == 1
    assert "甲家政" not in client.get(reverse("claims:list")).content.decode()


def test_an_attachment_of_another_claim_is_404_under_this_claim(client_for, agency_a, org_a):
    first = draft(agency_a, org_a, period="2026-01")
    second = draft(agency_a, org_a, period="2026-02")
    attachment = services.claim_attach(
        actor=agency_a, claim=first, code="orders", upload=pdf_upload()
    )
    response = client_for(agency_a).post(reverse("claims:detach", args=[second.pk, attachment.pk]))
    assert response.status_code == 404
    assert ClaimAttachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("name", ["list", "catalogue", "new"])
def test_staff_are_sent_to_the_admin(client_for, reviewer, approver, official, name):
    for user in (reviewer, approver, official):
        response = client_for(user).get(reverse(f"claims:{name}"))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


def test_staff_opening_a_claim_page_go_to_the_admin(client_for, agency_a, org_a, reviewer):
    claim = draft(agency_a, org_a)
    response = client_for(reviewer).get(reverse("claims:detail", args=[claim.pk]))
    assert response["Location"] == reverse("admin:index")


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(reverse("claims:catalogue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_portal_tabs_and_dashboard_link_to_the_claims(client_for, agency_a):
    html = client_for(agency_a).get(reverse("portal:dashboard")).content.decode()
    assert reverse("claims:list") in html
    assert reverse("claims:catalogue") in html
