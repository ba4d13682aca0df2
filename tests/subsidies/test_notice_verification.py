"""Approval and rejection notices carry a verification code that /verify/ confirms, and name
the authority in full (issue 9: "The authority on documents is written in full,
包头市昆都仑区人力资源和社会保障局")."""

from __future__ import annotations

from kunqu_jiafu.documents import verification as v
from subsidies.models import Notice
from tests.subsidies import core_builders as b
from tests.subsidies.test_notice_pdf import _text


def test_approval_notice_carries_a_code_that_verifies_its_facts(
    agency_a, org_a, reviewer, approver, client, tmp_path, django_capture_on_commit_callbacks
):
    b.fund(approver, "1000000")
    with django_capture_on_commit_callbacks(execute=True):
        claim = b.approved(agency_a, org_a, reviewer, approver, amount="3000.05")
    notice = Notice.objects.get(claim=claim, kind=Notice.Kind.APPROVAL)
    found = v.Verification.objects.get(number=notice.number)

    text = _text(notice, tmp_path)
    assert v.format_code(found.code) in text
    assert "包头市昆都仑区人力资源和社会保障局" in text

    page = client.get("/verify/", {"code": found.code}).content.decode()
    assert notice.number in page and org_a.name in page and "3,000.05" in page
    assert notice.issued_on.isoformat() in page


def test_rejection_notice_carries_a_code_and_no_amount(
    agency_a, org_a, reviewer, client, tmp_path, django_capture_on_commit_callbacks
):
    claim = b.submitted(agency_a, org_a)
    with django_capture_on_commit_callbacks(execute=True):
        b.move(reviewer, claim, "reject", reason="利息回单与贷款合同不符")
    notice = Notice.objects.get(claim=claim, kind=Notice.Kind.REJECTION)
    found = v.Verification.objects.get(number=notice.number)

    assert v.format_code(found.code) in _text(notice, tmp_path)
    page = client.get("/verify/", {"code": found.code}).content.decode()
    assert notice.number in page and found.amount is None
    assert "利息回单与贷款合同不符" not in page  # the reason is the agency's business
