"""A claim period reads as people write it (2026年第1季度), not as the code the service stores
(2026Q1): on the portal's claim pages and on the notices (issue 9, looked at in the browser: the
approval notice printed 申报期间 2026Q1)."""

from __future__ import annotations

import subprocess

import pytest

from subsidies.models import Notice
from subsidies.templatetags.claim_periods import period_label
from tests.subsidies import core_builders as b

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("2026Q1", "2026年第1季度"),
        ("2026Q4", "2026年第4季度"),
        ("2026H1", "2026年上半年"),
        ("2026H2", "2026年下半年"),
        ("2026-03", "2026年3月"),
        ("2026-12", "2026年12月"),
        ("2026", "2026年度"),
        ("2026-13", "2026-13"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_period_code_reads_as_chinese(code, shown):
    assert period_label(code) == shown


def test_the_portal_claim_pages_show_the_period_in_words(client, agency_a, org_a):
    claim = b.draft(agency_a, org_a)  # a quarterly loan-interest claim
    client.force_login(agency_a)

    detail = client.get(f"/portal/claims/{claim.pk}/").content.decode()
    listing = client.get("/portal/claims/").content.decode()

    words = period_label(claim.period)
    assert "季度" in words
    assert f'<span class="muted">· {words}</span>' in detail
    assert words in listing and f">{claim.period}<" not in listing


def test_the_approval_notice_prints_the_period_in_words(
    agency_a, org_a, reviewer, approver, tmp_path, django_capture_on_commit_callbacks
):
    b.fund(approver, "1000000")
    with django_capture_on_commit_callbacks(execute=True):
        claim = b.approved(agency_a, org_a, reviewer, approver)
    notice = Notice.objects.get(claim=claim, kind=Notice.Kind.APPROVAL)
    path = tmp_path / "notice.pdf"
    with notice.document.file.open("rb") as handle:
        path.write_bytes(handle.read())
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    text = "".join(out.stdout.split())

    assert f"申报期间{period_label(claim.period)}" in text
    assert claim.period not in text
