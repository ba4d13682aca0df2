"""With DEBUG off, 400/403/404/500 and the CSRF failure page are the portal's own: its look
(base.html, portal.css), Chinese, and the bureau's contact line from the settings.

Issue 9: "403/404/500 pages are Django's English ones with DEBUG off: give them the portal's
look, in Chinese, with the bureau's contact line."
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

BUREAU = "包头市昆都仑区人力资源和社会保障局"
PHONE = "0472-2345678"
ADDRESS = "包头市昆都仑区测试路1号"
ENGLISH = (
    "Not Found",
    "Server Error",
    "Forbidden",
    "Bad Request",
    "CSRF verification failed",
    "The requested resource",
    "More information is available with DEBUG=True",
)

pytestmark = pytest.mark.django_db

error_settings = override_settings(
    DEBUG=False,
    ROOT_URLCONF="tests.core.error_urls",
    BUREAU_PHONE=PHONE,
    BUREAU_ADDRESS=ADDRESS,
)


def _assert_portal_error_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "css/portal.css" in html  # the portal's look, from base.html
    assert heading in html
    assert BUREAU in html and PHONE in html and ADDRESS in html
    for english in ENGLISH:
        assert english not in html, english
    return html


@error_settings
def test_unknown_page_is_a_chinese_404_with_the_bureau_contact(client):
    response = client.get("/no-such-page/")
    _assert_portal_error_page(response, 404, "找不到您要访问的页面")


@error_settings
def test_a_view_that_raises_gives_a_chinese_500_with_the_bureau_contact():
    client = Client(raise_request_exception=False)
    response = client.get("/__test__/500/")
    html = _assert_portal_error_page(response, 500, "系统出现故障")
    assert "a bug in a view" not in html  # nothing of the error leaks to the user


@error_settings
def test_permission_denied_is_a_chinese_403_with_the_bureau_contact(client):
    response = client.get("/__test__/403/")
    _assert_portal_error_page(response, 403, "您无权打开此页面")


@error_settings
def test_an_agency_user_opening_a_staff_page_gets_the_chinese_403(agency_a, client_for):
    response = client_for(agency_a).get("/__test__/403/")
    html = _assert_portal_error_page(response, 403, "您无权打开此页面")
    assert "退出" in html  # the signed-in navigation of base.html is there


@error_settings
def test_suspicious_request_is_a_chinese_400_with_the_bureau_contact(client):
    response = client.get("/__test__/400/")
    _assert_portal_error_page(response, 400, "无法识别该请求")


@error_settings
def test_a_form_with_too_many_fields_is_a_chinese_400(client):
    fields = {f"f{n}": "x" for n in range(1100)}  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post("/accounts/login/", fields)
    _assert_portal_error_page(response, 400, "无法识别该请求")


@error_settings
def test_a_post_without_csrf_token_gets_the_chinese_csrf_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    _assert_portal_error_page(response, 403, "表单未能安全提交")


@error_settings
def test_the_phone_and_address_come_from_the_settings(client, settings):
    settings.BUREAU_PHONE = "0472-7654321"
    html = client.get("/no-such-page/").content.decode()
    assert "0472-7654321" in html and PHONE not in html


def test_the_phone_setting_has_a_visible_placeholder_default_read_from_the_environment():
    from django.conf import settings

    # tests run without BUREAU_PHONE in the environment: the placeholder shows it is unset
    assert settings.BUREAU_PHONE
    assert settings.BUREAU_ADDRESS


@error_settings
def test_a_missing_back_office_page_keeps_the_admin_look_in_chinese(reviewer, client_for):
    response = client_for(reviewer).get("/admin/no-such-section/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="site-name"' in html  # the back office's header, not the portal's
    assert "找不到您要访问的页面" in html and BUREAU in html and PHONE in html
    for english in ENGLISH:
        assert english not in html, english


@error_settings
def test_a_missing_back_office_page_for_an_agency_user_is_the_portal_404(agency_a, client_for):
    response = client_for(agency_a).get("/admin/no-such-section/")
    # the admin sends non-staff to its login page; never an English page
    assert response.status_code in (302, 404)
    if response.status_code == 404:
        _assert_portal_error_page(response, 404, "找不到您要访问的页面")
