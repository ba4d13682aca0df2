"""Issue 11: password reset by e-mail for agency users only; the page never tells whether an
address is known; requests are limited per client address and per e-mail address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from kunqu_jiafu.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
NEW = "Kq7!harbour-lights"


def ask(email: str, address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(RESET, {"email": email})


def test_an_agency_user_gets_a_link_and_chooses_a_new_password(agency_a):
    User.objects.filter(pk=agency_a.pk).update(must_change_password=True)
    response = ask("agency_a@example.cn")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "重设密码" in mail.outbox[0].subject
    link = re.search(r"http://\S+/accounts/password/reset/\S+/\S+/", body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    client = Client()
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "abc", "new_password2": "abc"})
    assert "密码规则“长度”" in weak.content.decode()
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.check_password(NEW)
    assert not agency_a.must_change_password
    # The link works once.
    assert "链接无效" in Client().get("/" + path, follow=True).content.decode()


def test_unknown_and_staff_addresses_get_the_same_answer_and_no_mail(agency_a, reviewer):
    answers = [ask(email) for email in ("nobody@example.cn", "reviewer@example.cn")]
    known = ask("agency_a@example.cn")
    assert [a.status_code for a in answers] == [known.status_code] * 2
    assert [a["Location"] for a in answers] == [known["Location"]] * 2
    assert [m.to for m in mail.outbox] == [["agency_a@example.cn"]]
    page = Client().get(known["Location"]).content.decode()
    assert "如果该地址属于机构账号" in page


def test_superusers_are_never_reset_by_email(db):
    factories.make_user("root", is_staff=True, is_superuser=True)
    ask("root@example.cn")
    assert mail.outbox == []


def test_requests_are_limited_per_email_address(agency_a):
    for n in range(3):
        assert ask("agency_a@example.cn", address=f"198.51.100.{n}").status_code == 302
    refused = ask("agency_a@example.cn", address="198.51.100.9")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "重设密码的请求过多" in refused.content.decode()
    assert len(mail.outbox) == 3
    # An unknown address is limited the same way: the limit tells nothing either.
    for n in range(3):
        ask("nobody@example.cn", address=f"198.51.100.{n}")
    assert ask("nobody@example.cn", address="198.51.100.9").status_code == 429


def test_requests_are_limited_per_client_address(agency_a):
    answers = [ask(f"someone{n}@example.cn", address="192.0.2.66") for n in range(21)]
    assert [a.status_code for a in answers] == [302] * 20 + [429]
    assert ask("agency_a@example.cn", address="192.0.2.66").status_code == 429
    assert ask("agency_a@example.cn", address="192.0.2.67").status_code == 302


def test_the_sign_in_page_links_to_the_reset(db):
    assert f'href="{RESET}"' in Client().get("/accounts/login/").content.decode()
