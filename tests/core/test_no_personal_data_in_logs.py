"""Issue 11, "Personal data in logs": the main flows leave no ID number, phone number, name or
address in any log.

Every logger is captured at DEBUG (django.request, django.server, celery, ours), and an access
log is kept as gunicorn's would be (the request line with its query string, the status and any
redirect's Location) for every request the flows make, redirects followed included. Then the
captured text is searched for every personal value the flows used."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agencies.models import Worker
from tests import factories
from tests.agencies.test_portal_workers import worker_post
from tests.id_search import api_token
from tests.training.test_signup_public import signup_post
from tests.vouchers import core_builders as b
from tests.vouchers.test_public_apply import PNG, post_data
from vouchers.models import Application

access = logging.getLogger("tests.access")  # stands for gunicorn's --access-logfile


class LoggedClient(Client):
    """A test client whose every request goes to an access log, as a server would write it."""

    def request(self, **request):
        response = super().request(**request)
        query = request.get("QUERY_STRING", "")
        line = request["PATH_INFO"] + (f"?{query}" if query else "")
        access.info(
            '"%s %s" %s %s',
            request["REQUEST_METHOD"],
            line,
            response.status_code,
            response.get("Location", "-"),
        )
        return response


def _client(user=None, address="203.0.113.9") -> LoggedClient:
    client = LoggedClient(REMOTE_ADDR=address)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def captured(caplog):
    caplog.set_level(logging.DEBUG)  # the root logger: every logger that propagates
    # Django's own server log does not propagate: listen to it directly.
    server = logging.getLogger("django.server")
    server.addHandler(caplog.handler)
    previous = server.level
    server.setLevel(logging.DEBUG)
    yield caplog
    server.removeHandler(caplog.handler)
    server.setLevel(previous)


def _spellings(number: str) -> set[str]:
    return {number, number[:14], number[6:14], f"{number[:6]} {number[6:14]}"}


def test_the_main_flows_log_no_personal_data(
    captured, reviewer, official, agency_a, org_a, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    secrets: set[str] = set()

    # A resident applies for a voucher online and looks the application up.
    b.batch(count=10)
    applicant_id = factories.id_number(birth="19620704", seq=411)
    data = post_data(
        name="欧阳秀梅",
        id_number=applicant_id,
        phone="13604721188",
        address="昆都仑区林荫路77号3单元502室",
        evidence=SimpleUploadedFile("card.png", PNG, content_type="image/png"),
    )
    secrets |= {"欧阳秀梅", "13604721188", "林荫路77号", *_spellings(applicant_id)}
    resident = _client(address="198.51.100.21")
    done = resident.post("/vouchers/apply/", data, follow=True)
    assert done.status_code == 200
    application = Application.objects.get(person__name="欧阳秀梅")
    looked_up = resident.post(
        "/vouchers/status/", {"number": application.number, "id_number": applicant_id}
    )
    assert looked_up.status_code in (200, 302)
    # A wrong pair: refused, logged as a failure without the values.
    resident.post("/vouchers/status/", {"number": "JQ2026-99999", "id_number": applicant_id})

    # A resident signs up for training.
    trainee_id = factories.id_number(birth="19790918", seq=233)
    secrets |= {"司马春燕", "13904725566", *_spellings(trainee_id)}
    signed = _client(address="198.51.100.22").post(
        "/training/signup/",
        signup_post(name="司马春燕", id_number=trainee_id, phone="13904725566"),
    )
    assert signed.status_code in (200, 302)

    # An agency registers a worker.
    worker_id = factories.id_number(birth="19830212", seq=517)
    secrets |= {"诸葛兰芳", "13704723344", *_spellings(worker_id)}
    added = _client(agency_a).post(
        reverse("portal:worker_add"),
        worker_post(name="诸葛兰芳", id_number=worker_id, phone="13704723344"),
    )
    assert added.status_code == 302
    assert Worker.objects.filter(person__name="诸葛兰芳").exists()

    # Staff search by ID number and by name, in the admin and the API.
    staff = _client(reviewer)
    for list_name in (
        "admin:people_person_changelist",
        "admin:agencies_worker_changelist",
        "admin:vouchers_application_changelist",
        "admin:training_trainingsignup_changelist",
    ):
        url = reverse(list_name)
        for term in (worker_id, applicant_id, trainee_id, "诸葛兰芳", "13904725566"):
            found = staff.post(reverse("id_search"), {"q": term, "next": url}, follow=True)
            assert found.status_code == 200
    token = api_token(staff, worker_id)
    assert staff.get("/api/workers/", {"id_token": token}).json()["count"] == 1
    _client(official).post(
        reverse("id_search"),
        {"q": worker_id, "next": reverse("admin:people_person_changelist")},
        follow=True,
    )

    # Failing requests that log with their path: an address holding an ID number, typed by
    # hand (the server's access log has it from the client, so it is not kept here; the portal
    # refuses it before acting on it and logs only the path), an API 400, a refused worker, a 404.
    typed = Client()
    typed.force_login(reviewer)
    assert typed.get("/admin/people/person/", {"q": worker_id}).status_code == 302
    assert typed.get("/api/workers/", {"id_number": worker_id}).status_code == 400
    refused = _client(agency_a).post(
        "/api/workers/",
        {"name": "诸葛兰芳", "id_number": worker_id[:17] + "0", "phone": "13704723344"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert _client(official).get("/admin/people/person/999999/").status_code in (302, 404)
    resident.post("/vouchers/apply/", post_data(name="欧阳秀梅", id_number=applicant_id[:17]))

    text = captured.text
    assert "/vouchers/apply/" in text and "/admin/people/person/" in text  # logged at all
    assert re.search(r"Bad Request: /api/workers/", text)
    found = sorted(s for s in secrets if s in text)
    assert not found, found


def test_a_server_error_logs_its_path_not_the_posted_personal_data(captured, settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    number = factories.id_number(birth="19550101", seq=99)
    client = LoggedClient(raise_request_exception=False)
    response = client.post(
        "/__test__/500/", {"name": "上官婉儿", "id_number": number, "phone": "13804729999"}
    )
    assert response.status_code == 500
    text = captured.text
    assert "Internal Server Error: /__test__/500/" in text
    for secret in ("上官婉儿", number, "13804729999"):
        assert secret not in text
