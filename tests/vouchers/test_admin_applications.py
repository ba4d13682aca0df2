"""Applications in the staff admin: entry for a household, decisions on the page and in bulk
(through the services), the exhausted batch, officials read only, ID search, export."""

from __future__ import annotations

from io import BytesIO

from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kunqu_jiafu.audit.models import AuditEntry
from tests.vouchers import core_builders as vb
from vouchers.models import Application, Voucher, VoucherBatch
from vouchers.services.applications import application_decide

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
CHANGELIST = "admin:vouchers_application_changelist"


def review_url(application: Application, action: str) -> str:
    return reverse("admin:vouchers_application_review", args=[application.pk, action])


def add_post(batch: VoucherBatch, **overrides) -> dict:
    """The applicant is the household head unless the test names another."""
    applicant = vb.household_id()
    data = {
        "batch": batch.pk,
        "id_number": applicant,
        "head_id_number": applicant,
        "name": "刘桂英",
        "phone": "13912345678",
        "address": "昆都仑区钢铁大街5号",
        "street": vb.street().pk,
        "target_group": vb.group().pk,
        "note": "窗口代录",
    }
    data.update(overrides)
    return data


def bulk(client, action: str, applications, **extra):
    data = {
        "action": f"review_{action}",
        "_selected_action": [a.pk for a in applications],
        "post": "yes",
        **extra,
    }
    return client.post(reverse(CHANGELIST), data, follow=True)


def levels(response) -> list[int]:
    return [m.level for m in get_messages(response.wsgi_request)]


def texts(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- entry for a household ---------------------------------------------------------------------


def test_reviewer_enters_an_application_with_evidence_through_the_service(reviewer, client_for):
    batch = vb.batch()
    data = add_post(batch)
    data["evidence_file"] = SimpleUploadedFile("card.png", PNG, content_type="image/png")
    response = client_for(reviewer).post(reverse("admin:vouchers_application_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    application = Application.objects.get(batch=batch)
    assert application.channel == Application.Channel.COUNTER
    assert application.entered_by == reviewer
    assert application.person.id_number == data["id_number"]
    assert application.evidence is not None
    assert application.number.startswith(f"JQ{batch.year}-")
    assert AuditEntry.objects.filter(action="vouchers.application.created").count() == 1


def test_evidence_is_optional_at_the_counter(reviewer, client_for):
    batch = vb.batch()
    response = client_for(reviewer).post(reverse("admin:vouchers_application_add"), add_post(batch))
    assert response.status_code == 302
    assert Application.objects.get(batch=batch).evidence is None


def test_add_form_shows_service_errors_next_to_the_fields(reviewer, client_for):
    batch = vb.batch()
    client = client_for(reviewer)
    first = add_post(batch)
    assert client.post(reverse("admin:vouchers_application_add"), first).status_code == 302
    again = client.post(
        reverse("admin:vouchers_application_add"), add_post(batch, id_number=first["id_number"])
    )
    assert again.status_code == 200
    assert "id_number" in again.context["adminform"].form.errors
    bad_id = client.post(
        reverse("admin:vouchers_application_add"), add_post(batch, id_number="150203198503150001")
    )
    assert "id_number" in bad_id.context["adminform"].form.errors
    no_address = client.post(
        reverse("admin:vouchers_application_add"), add_post(batch, address=" ")
    )
    assert no_address.status_code == 200
    assert Application.objects.filter(batch=batch).count() == 1


# --- decisions on the page ---------------------------------------------------------------------


def test_reviewer_approves_on_the_application_page(reviewer, client_for):
    application = vb.apply(vb.batch(), reviewer)
    client = client_for(reviewer)
    page = client.get(reverse("admin:vouchers_application_change", args=[application.pk]))
    assert page.status_code == 200
    actions = [b["action"] for b in page.context["review_buttons"]]
    assert actions == ["approve_issue", "approve", "reject"]
    assert client.get(review_url(application, "approve")).status_code == 200
    response = client.post(review_url(application, "approve"), {"reason": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decided_by == reviewer
    assert AuditEntry.objects.filter(action="vouchers.application.approved").count() == 1


def test_reject_without_a_reason_shows_the_form_error(reviewer, client_for):
    application = vb.apply(vb.batch(), reviewer)
    response = client_for(reviewer).post(review_url(application, "reject"), {"reason": "  "})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_reject_with_a_reason_records_it(reviewer, client_for):
    application = vb.apply(vb.batch(), reviewer)
    response = client_for(reviewer).post(
        review_url(application, "reject"), {"reason": "不属于特定群体"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.decision_reason == "不属于特定群体"


def test_approve_and_issue_creates_the_voucher_and_moves_the_counters(reviewer, client_for):
    batch = vb.batch(count=3)
    application = vb.apply(batch, reviewer)
    response = client_for(reviewer).post(review_url(application, "approve_issue"), {})
    assert response.status_code == 302
    voucher = Voucher.objects.get(application=application)
    batch.refresh_from_db()
    assert (batch.issued_count, batch.issued_amount) == (1, voucher.face_value)
    application.refresh_from_db()
    assert application.status == Application.Status.ISSUED
    page = client_for(reviewer).get(
        reverse("admin:vouchers_application_change", args=[application.pk])
    )
    html = page.content.decode()
    assert voucher.display_code in html
    assert 'data-testid="decision-history"' in html


def test_issue_when_the_batch_is_exhausted_is_refused_with_a_clear_message(reviewer, client_for):
    batch = vb.batch(count=1)
    vb.issued(batch, reviewer)
    waiting = vb.approved(batch, reviewer)
    client = client_for(reviewer)
    page = client.get(review_url(waiting, "issue"))
    assert 'data-testid="batch-exhausted"' in page.content.decode()  # warned before confirming
    response = client.post(review_url(waiting, "issue"), {})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and str(batch) in errors[0]
    assert not Voucher.objects.filter(application=waiting).exists()
    batch.refresh_from_db()
    assert batch.issued_count == 1
    waiting.refresh_from_db()
    assert waiting.status == Application.Status.APPROVED


def test_approve_and_issue_on_an_exhausted_batch_leaves_the_application_undecided(
    reviewer, client_for
):
    batch = vb.batch(count=1)
    vb.issued(batch, reviewer)
    application = vb.apply(batch, reviewer)
    response = client_for(reviewer).post(review_url(application, "approve_issue"), {})
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED  # all or nothing
    assert not Voucher.objects.filter(application=application).exists()


def test_change_page_shows_the_evidence_link_and_the_history(reviewer, client_for):
    batch = vb.batch()
    data = add_post(batch)
    data["evidence_file"] = SimpleUploadedFile("card.png", PNG, content_type="image/png")
    client = client_for(reviewer)
    client.post(reverse("admin:vouchers_application_add"), data)
    application = Application.objects.get(batch=batch)
    application_decide(actor=reviewer, application=application, approve=False, reason="材料不全")
    html = client.get(
        reverse("admin:vouchers_application_change", args=[application.pk])
    ).content.decode()
    assert application.evidence.get_absolute_url() in html
    assert "材料不全" in html
    assert client.get(application.evidence.get_absolute_url()).status_code == 200


# --- bulk actions ------------------------------------------------------------------------------


def test_bulk_issue_goes_on_row_by_row_and_reports_the_refusals(reviewer, client_for):
    batch = vb.batch(count=2)
    applications = [vb.approved(batch, reviewer) for _n in range(3)]
    response = bulk(client_for(reviewer), "issue", applications)
    assert response.status_code == 200
    assert Voucher.objects.filter(batch=batch).count() == 2
    batch.refresh_from_db()
    assert batch.issued_count == 2
    left = [a for a in applications if not Voucher.objects.filter(application=a).exists()]
    assert len(left) == 1
    assert SUCCESS in levels(response) and ERROR in levels(response)
    message = texts(response)
    assert left[0].number in message and str(batch) in message


def test_bulk_approve_changes_only_submitted_applications(reviewer, client_for):
    batch = vb.batch()
    submitted = [vb.apply(batch, reviewer) for _n in range(2)]
    decided = vb.approved(batch, reviewer)
    response = bulk(client_for(reviewer), "approve", [*submitted, decided])
    assert response.status_code == 200
    statuses = set(
        Application.objects.filter(pk__in=[a.pk for a in submitted]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {Application.Status.APPROVED}
    assert AuditEntry.objects.filter(action="vouchers.application.approved").count() == 3


def test_bulk_reject_needs_a_reason(reviewer, client_for):
    batch = vb.batch()
    applications = [vb.apply(batch, reviewer) for _n in range(2)]
    client = client_for(reviewer)
    response = bulk(client, "reject", applications, reason="")
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not Application.objects.filter(status=Application.Status.REJECTED).exists()
    bulk(client, "reject", applications, reason="重复申报")
    assert Application.objects.filter(status=Application.Status.REJECTED).count() == 2


def test_bulk_approve_and_issue(reviewer, client_for):
    batch = vb.batch(count=5)
    applications = [vb.apply(batch, reviewer) for _n in range(3)]
    bulk(client_for(reviewer), "approve_issue", applications)
    assert Voucher.objects.filter(batch=batch).count() == 3


# --- who may do what ---------------------------------------------------------------------------


def test_official_reads_the_list_masked_but_cannot_act(official, reviewer, client_for):
    batch = vb.batch()
    application = vb.apply(batch, reviewer)
    client = client_for(official)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert application.person.id_masked in html
    assert application.person.id_number not in html
    assert not response.context["cl"].model_admin.get_actions(response.wsgi_request).keys() - {
        "delete_selected"
    }
    assert client.get(reverse("admin:vouchers_application_add")).status_code == 403
    assert client.get(review_url(application, "approve")).status_code == 403
    assert client.post(review_url(application, "approve"), {}).status_code == 403
    assert bulk(client, "approve", [application]).status_code == 403
    page = client.get(reverse("admin:vouchers_application_change", args=[application.pk]))
    assert page.status_code == 200 and page.context["review_buttons"] == []
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_reviewer_sees_full_id_numbers(reviewer, client_for):
    application = vb.apply(vb.batch(), reviewer)
    html = client_for(reviewer).get(reverse(CHANGELIST)).content.decode()
    assert application.person.id_number in html


def test_agency_users_get_no_admin_access(agency_a, reviewer, client_for):
    application = vb.apply(vb.batch(), reviewer)
    client = client_for(agency_a)
    for url in (
        reverse(CHANGELIST),
        reverse("admin:vouchers_application_add"),
        review_url(application, "approve"),
        reverse("admin:vouchers_voucher_changelist"),
        reverse("admin:vouchers_settlement_changelist"),
        reverse("admin:vouchers_progress"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.post(review_url(application, "approve"), {}).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


# --- search and export -------------------------------------------------------------------------


def test_search_by_number_name_and_id_number(reviewer, official, client_for):
    batch = vb.batch()
    one = vb.apply(batch, reviewer, name="张晓梅")
    two = vb.apply(batch, reviewer, name="李国强")
    client = client_for(reviewer)

    def found(term, user_client=client):
        # As the search box does it: posted, then the list (an ID number goes as a token).
        response = user_client.post(
            reverse("id_search"), {"q": term, "next": reverse(CHANGELIST)}, follow=True
        )
        return {a.pk for a in response.context["cl"].result_list}

    assert found(one.person.id_number) == {one.pk}
    assert found(two.number.lower()) == {two.pk}
    assert found("李国强") == {two.pk}
    # an official may not look people up by ID number
    assert found(one.person.id_number, client_for(official)) == set()


def test_export_contains_the_filtered_rows(reviewer, official, client_for):
    batch = vb.batch()
    rejected = vb.apply(batch, reviewer, name="赵红")
    application_decide(actor=reviewer, application=rejected, approve=False, reason="不符合")
    waiting = vb.apply(batch, reviewer, name="钱芳")
    url = reverse("admin:vouchers_application_export") + "?status__exact=submitted"

    def rows(client):
        response = client.get(url)
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        return [[c.value for c in row] for row in sheet.iter_rows()]

    table = rows(client_for(reviewer))
    assert len(table) == 2  # header and the one submitted application
    assert waiting.number in table[1] and "钱芳" in table[1]
    assert waiting.person.id_number in table[1]
    official_table = rows(client_for(official))
    assert waiting.person.id_masked in official_table[1]
    assert waiting.person.id_number not in official_table[1]
