"""Every dynamic answer carries the Content-Security-Policy, the Permissions-Policy and
``Cache-Control: no-store``; request bodies over their cap are refused before anything reads
them (issue 11)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agencies.models import Worker
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.web.middleware import request_body_limit


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/api/", "/no-such-page/"])
def test_every_answer_forbids_inline_scripts_framing_and_plugins(client, url):
    response = client.get(url)
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    # Styles from our files only, plus the hash of Django's one fixed <style> block.
    assert csp["style-src"][0] == "'self'" and "'unsafe-inline'" not in csp["style-src"]
    assert all(source.startswith("'sha256-") for source in csp["style-src"][1:])
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


@pytest.mark.django_db
def test_a_csrf_refusal_carries_the_headers_too(agency_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agency_a)
    response = client.post("/portal/workers/add/", {})
    assert response.status_code == 403
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_camera_can_be_allowed_for_our_own_pages(settings):
    settings.PERMISSIONS_POLICY = {**settings.PERMISSIONS_POLICY, "camera": ["self"]}
    response = Client().get("/")  # a new handler reads the setting
    assert "camera=(self)" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_signed_in_pages_and_api_answers_are_never_cached(client_for, agency_a, reviewer):
    for client, url in (
        (client_for(agency_a), "/portal/workers/"),
        (client_for(agency_a), "/api/workers/"),
        (client_for(reviewer), "/admin/"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert response["Pragma"] == "no-cache", url


@pytest.mark.django_db
def test_an_anonymous_api_refusal_is_not_cached_either(client):
    response = client.get("/api/workers/")
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


# --- request bodies ---------------------------------------------------------------------------


def test_the_cap_is_the_upload_limit_plus_room_for_the_form(settings):
    assert settings.REQUEST_BODY_MAX_BYTES > settings.UPLOAD_MAX_BYTES
    assert request_body_limit("/portal/workers/add/") == settings.REQUEST_BODY_MAX_BYTES
    settings.REQUEST_BODY_MAX_BYTES_BY_PATH = {"/portal/": 100, "/portal/workers/import/": 50}
    assert request_body_limit("/portal/workers/import/") == 50  # the longest prefix wins
    assert request_body_limit("/portal/claims/") == 100
    assert request_body_limit("/api/workers/") == settings.REQUEST_BODY_MAX_BYTES


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_with_413_before_the_body_is_read(
    client_for, agency_a, settings
):
    settings.REQUEST_BODY_MAX_BYTES = 1536 * 1024
    client = client_for(agency_a)
    upload = SimpleUploadedFile("workers.xlsx", b"x" * (2 * 1024 * 1024))
    with mock.patch(
        "django.http.request.HttpRequest._load_post_and_files",
        side_effect=AssertionError("the body was read"),
    ):
        response = client.post("/portal/workers/import/", {"file": upload})
    assert response.status_code == 413
    page = response.content.decode()
    assert "上传的内容过大" in page
    assert "上传的内容为 2 MB，一次最多可发送 1.5 MB" in page
    assert "no-store" in response["Cache-Control"]
    assert Worker.objects.count() == 0 and Document.objects.count() == 0


@pytest.mark.django_db
def test_a_lying_content_length_is_refused_from_the_header_alone(client_for, agency_a):
    # 1 GB announced: refused at once, nothing waits for or reads such a body.
    response = client_for(agency_a).post(
        "/api/workers/", b"{}", content_type="application/json", CONTENT_LENGTH=str(1 << 30)
    )
    assert response.status_code == 413
    assert "1024 MB" in response.json()["detail"]


@pytest.mark.django_db
def test_a_content_length_of_hundreds_of_digits_is_a_413_not_a_500(client):
    response = client.post(
        "/vouchers/apply/", b"", content_type="text/plain", CONTENT_LENGTH="9" * 400
    )
    assert response.status_code == 413


@pytest.mark.django_db
def test_a_body_under_the_cap_goes_through(client_for, agency_a):
    response = client_for(agency_a).post("/api/workers/", {}, content_type="application/json")
    assert response.status_code == 400  # the serializer's answer: the body was read


def test_the_style_hash_is_that_of_the_admin_change_list_block(settings):
    """The one hashed <style>: Django's change list without actions (read from the installed
    template, so an upgrade that changes it changes the hash too)."""
    import base64
    import hashlib

    block = "\n      #changelist table thead th:first-child {width: inherit}\n    "
    digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
    assert settings.CONTENT_SECURITY_POLICY["style-src"] == ["'self'", f"'sha256-{digest}'"]


@pytest.mark.parametrize(
    ("value", "keep_sliver", "expected"),
    [
        (0, "", "kj-w-0"),
        ("37.5", "", "kj-w-38"),
        (0.3, "", "kj-w-0"),
        (0.3, "min", "kj-w-0 kj-w-some"),
        (0, "min", "kj-w-0"),
        (250, "", "kj-w-100"),  # over the target: a full bar, not a bar out of its track
        (-5, "", "kj-w-0"),
        ("", "", "kj-w-0"),
        ("nan", "", "kj-w-0"),
        ("abc", "min", "kj-w-0"),
    ],
)
def test_bar_widths_are_whole_percent_classes_within_the_track(value, keep_sliver, expected):
    from kunqu_jiafu.web.templatetags.bars import left_class, width_class

    assert width_class(value, keep_sliver) == expected
    assert left_class(value) == expected.split()[0].replace("kj-w-", "kj-l-")


def test_every_bar_class_has_its_rule():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "widths.css").read_text()
    for n in range(101):
        assert f".kj-w-{n}{{width:{n}%}}" in css and f".kj-l-{n}{{left:{n}%}}" in css
    assert ".kj-w-some{min-width:3px}" in css


@pytest.mark.django_db
def test_only_the_browsable_api_pages_get_inline_styles(client_for, agency_a):
    """DRF's own HTML templates write style attributes: its pages alone get 'unsafe-inline'
    for styles, never for scripts; its JSON answers and every portal page do not."""
    client = client_for(agency_a)
    browsable = _directives(client.get("/api/agencies/", HTTP_ACCEPT="text/html"))
    assert browsable["style-src"] == ["'self'", "'unsafe-inline'"]
    assert browsable["script-src"] == ["'self'"]
    for response in (
        client.get("/api/agencies/", HTTP_ACCEPT="application/json"),
        client.get("/portal/"),
        client.get("/api/docs/"),
    ):
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
