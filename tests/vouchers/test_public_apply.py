"""The public application page /vouchers/apply/ (no account): every bad input is reported next to
its field, nothing is saved, and the number is carried to the done page in the session."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from kunqu_jiafu.audit.models import AuditEntry
from tests import factories
from tests.vouchers import core_builders as b
from vouchers.models import Application, VoucherBatch

# Pages render in the site language (zh-hans); expected messages go through gettext too.
pytestmark = pytest.mark.django_db

URL = "/vouchers/apply/"
DONE = "/vouchers/apply/done/"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def batch():
    return b.batch(count=10)


def evidence(content: bytes = PNG, name: str = "card.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_data(**overrides) -> dict:
    data = {
        "name": "李桂兰",
        "id_number": factories.id_number(),
        "phone": "13947201234",
        "address": "昆都仑区钢铁大街5号2单元301室",
        "street": b.street().pk,
        "target_group": b.group("unemployed").pk,
        "evidence": evidence(),
        "note": "",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_is_public_and_shows_each_group_with_its_description_and_evidence(client, batch):
    assert reverse("vouchers_public:apply") == URL
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    group = b.group("unemployed")
    assert group.name in html and group.description in html and group.evidence_hint in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert str(batch) in html


def test_a_resident_applies_and_sees_the_number_on_the_done_page_not_in_the_url(client, batch):
    data = post_data()
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == DONE
    application = Application.objects.get()
    assert application.batch == batch
    assert application.channel == Application.Channel.ONLINE
    assert application.person.id_number == data["id_number"]
    assert application.evidence is not None
    assert application.number not in response["Location"]
    assert AuditEntry.objects.filter(action="vouchers.application.created").count() == 1

    done = client.get(DONE)
    html = done.content.decode()
    assert application.number in html
    assert application.person.id_masked in html
    assert data["id_number"] not in html


def test_the_done_page_without_an_application_in_the_session_goes_back_to_the_form(client, batch):
    response = client.get(DONE)
    assert response.status_code == 302 and response["Location"] == URL


def test_another_browser_does_not_see_the_number(client, batch):
    client.post(URL, post_data())
    other = type(client)()
    response = other.get(DONE)
    assert response.status_code == 302
    assert Application.objects.get().number not in response.content.decode()


def test_a_bad_id_number_is_shown_next_to_the_field_and_nothing_is_saved(client, batch):
    number = factories.id_number()
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    response = client.post(URL, post_data(id_number=wrong))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["id_number"]
    expected = gettext(
        "ID number check character is wrong: the last character should be %(expected)s; "
        "please check each digit."
    ) % {"expected": number[-1]}
    assert errors["id_number"] == [expected]
    assert expected in response.content.decode()
    assert not Application.objects.exists()


def test_missing_evidence_is_asked_for(client, batch):
    response = client.post(URL, post_data(evidence=None))
    errors = response.context["form"].errors
    assert list(errors) == ["evidence"]
    assert errors["evidence"] == [
        gettext(
            "Upload a photo or PDF of the evidence for the target group (e.g. the "
            "unemployment registration card)."
        )
    ]
    assert not Application.objects.exists()


def test_a_fake_pdf_is_refused_by_its_content_not_its_name(client, batch):
    fake = evidence(b"MZ\x90\x00 this is an executable", "card.pdf", "application/pdf")
    response = client.post(URL, post_data(evidence=fake))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["evidence"]
    expected = gettext(
        "The file is not a %(types)s file (its content was checked, not its name). "
        "Please upload one of: %(types)s."
    ) % {"types": "PDF、JPEG、PNG"}
    assert errors["evidence"] == [expected]
    assert expected in response.content.decode()
    assert not Application.objects.exists()


def test_an_empty_form_names_every_missing_field_including_consent(client, batch):
    response = client.post(URL, {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "name",
        "id_number",
        "phone",
        "address",
        "street",
        "target_group",
        "evidence",
        "consent",
    }
    assert not Application.objects.exists()


def test_without_consent_nothing_is_saved(client, batch):
    response = client.post(URL, post_data(consent=None))
    assert list(response.context["form"].errors) == ["consent"]
    assert not Application.objects.exists()


def test_a_bad_phone_number_is_shown_next_to_the_field(client, batch):
    response = client.post(URL, post_data(phone="12345"))
    assert list(response.context["form"].errors) == ["phone"]


def test_a_second_application_of_the_household_is_refused_without_its_number(client, batch):
    number = factories.id_number()
    client.post(URL, post_data(id_number=number))
    first = Application.objects.get()
    response = Client().post(URL, post_data(id_number=number, name="李桂兰"))
    assert response.status_code == 200
    message = response.context["form"].errors["id_number"][0]
    assert message == gettext(
        "This household already applied in %(batch)s. Look up its status with the application "
        "number it was given instead of applying again."
    ) % {"batch": batch}
    # The number and the ID number unlock the application: whoever knows only the ID number
    # must not learn the number here.
    assert first.number not in response.content.decode()
    assert Application.objects.count() == 1


def test_an_inactive_target_group_is_not_offered(client, batch):
    group = b.group("model_worker")
    group.active = False
    group.save()
    response = client.post(URL, post_data(target_group=group.pk))
    assert list(response.context["form"].errors) == ["target_group"]
    assert group.name not in client.get(URL).content.decode()


def test_when_applications_are_closed_the_page_says_so_and_when(client, batch):
    today = timezone.localdate()
    VoucherBatch.objects.update(
        applications_open_on=today - dt.timedelta(days=60),
        applications_close_on=today - dt.timedelta(days=1),
    )
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="closed"' in html
    assert f"{today - dt.timedelta(days=1):%Y-%m-%d}" in html
    response = client.post(URL, post_data())
    assert 'data-testid="applications-closed"' in response.content.decode()
    assert not Application.objects.exists()


def test_before_applications_open_the_page_gives_the_opening_date(client, batch):
    today = timezone.localdate()
    VoucherBatch.objects.exclude(pk=batch.pk).update(status=VoucherBatch.Status.CLOSED)
    start = today + dt.timedelta(days=10)
    VoucherBatch.objects.filter(pk=batch.pk).update(
        applications_open_on=start, applications_close_on=start + dt.timedelta(days=30)
    )
    html = client.get(URL).content.decode()
    assert 'data-state="not_yet"' in html and f"{start:%Y-%m-%d}" in html


def test_the_page_needs_the_csrf_token(batch):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(URL, post_data())
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_after_a_mistake_the_page_asks_to_choose_the_file_again(client, batch):
    response = client.post(URL, post_data(phone="12345"))
    assert 'data-testid="choose-again"' in response.content.decode()
    assert 'data-testid="choose-again"' not in client.get(URL).content.decode()


def test_the_page_shows_how_many_vouchers_are_still_to_be_issued(client, batch):
    # 应发尽发: residents see what is left of the batch, from the batch's own counters.
    VoucherBatch.objects.filter(pk=batch.pk).update(
        issued_count=7, issued_amount=batch.face_value * 7
    )
    response = client.get(URL)
    left = response.content.decode().split('data-testid="vouchers-left"')[1].split("</li>")[0]
    assert [int(n) for n in re.findall(r"[\d,]+", left.replace(",", ""))] == [3, batch.count]
