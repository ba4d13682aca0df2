"""In the browser: an agency user whose password the bureau set signs in, is taken to the
change page, chooses a password that meets the rules and works on; a guesser is paused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kunqu_jiafu.accounts.models import User
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NEW = "Kq7!harbour-lights"
# Set to a folder to keep a picture of each page (how the pages were looked at).
SHOTS = os.environ.get("SIGN_IN_SHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _submit(page) -> None:
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    _submit(page)


def test_a_bureau_set_password_is_changed_at_the_first_sign_in(page, live_server):
    base = live_server.url
    agency = factories.make_agency("包头市昆区安心家政服务有限公司")
    user = factories.make_agency_user("anxin", agency)
    User.objects.filter(pk=user.pk).update(must_change_password=True)

    _sign_in(page, base, "anxin", factories.PASSWORD)
    assert page.url == f"{base}/accounts/password/change/"
    assert "请先设置您自己的新密码" in page.content()
    _shot(page, "password_change_forced")

    page.fill("#id_old_password", factories.PASSWORD)
    page.fill("#id_new_password1", "anxin2026")
    page.fill("#id_new_password2", "anxin2026")
    _submit(page)
    text = page.content()
    assert "密码规则“长度”" in text and "密码规则“字符种类”" in text
    _shot(page, "password_change_refused")

    page.fill("#id_old_password", factories.PASSWORD)
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    _submit(page)
    assert "/portal/" in page.url
    assert "密码已修改" in page.content()
    assert page.locator('a[href="/accounts/password/change/"]').count() == 1
    _shot(page, "portal_after_change")


def test_a_guesser_is_paused_and_told_how_long(page, live_server):
    base = live_server.url
    factories.make_user("zhangsan")
    for n in range(5):
        _sign_in(page, base, "zhangsan", f"Guess-{n}")
    _sign_in(page, base, "zhangsan", factories.PASSWORD)
    assert "登录失败次数过多" in page.content()
    assert "/accounts/login/" in page.url
    _shot(page, "login_throttled")

    page.goto(f"{base}/accounts/password/reset/")
    assert "机构账号" in page.content()
    _shot(page, "password_reset")
    page.fill("#id_email", "zhangsan@example.cn")
    _submit(page)
    assert "如果该地址属于机构账号" in page.content()
    _shot(page, "password_reset_sent")
