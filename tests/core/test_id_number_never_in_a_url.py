"""Issue 11, "Personal data in logs": a search by full ID number never puts the number in a URL
(query strings reach the access logs). The search boxes post it and get a token back; the API
exchanges it for a token by POST; any address still holding a number is not acted on."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.urls import reverse

from agencies.models import Street
from kunqu_jiafu.people.id_search import holds_id_number
from tests import factories
from tests.id_search import api_token, id_token
from training import services
from training.models import CourseKind

ADMIN_LISTS = (
    "admin:people_person_changelist",
    "admin:agencies_worker_changelist",
    "admin:training_enrolment_changelist",
    "admin:training_trainingsignup_changelist",
    "admin:vouchers_application_changelist",
    "admin:vouchers_voucher_changelist",
)


def _no_number(response, number: str) -> None:
    """Neither the redirect's Location nor any link of the page carries the number."""
    for hop_url, _status in getattr(response, "redirect_chain", []):
        assert number not in unquote(hop_url) and number[:14] not in unquote(hop_url)
    if response.has_header("Location"):
        assert number not in unquote(response["Location"])
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert f"={number}" not in html and f"q={number[:6]}" not in html


@pytest.fixture
def worker(org_a):
    return factories.make_worker(org_a, person=factories.make_person("韩梅梅"))


@pytest.mark.parametrize("name", ADMIN_LISTS)
def test_every_admin_search_box_posts_and_finds_by_token(name, reviewer, worker, client_for):
    client = client_for(reviewer)
    url = reverse(name)
    page = client.get(url).content.decode()
    assert 'id="changelist-search" method="post"' in page
    number = worker.person.id_number
    spaced = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    response = client.post(reverse("id_search"), {"q": spaced, "next": url}, follow=True)
    assert response.status_code == 200
    _no_number(response, number)
    (final, _status) = response.redirect_chain[-1]
    assert "idt=" in final and "q=" not in final


def test_the_token_finds_the_person_for_a_reviewer_only(reviewer, official, worker, client_for):
    url = reverse("admin:people_person_changelist")
    factories.make_person("李雷")
    client = client_for(reviewer)
    token = id_token(client, worker.person.id_number, url)
    page = client.get(url, {"idt": token})
    assert [p.pk for p in page.context["cl"].result_list] == [worker.person.pk]
    # Pages, sorting and the filters keep the search; the number is nowhere in the page.
    assert f"idt={token}" in page.content.decode()
    _no_number(page, worker.person.id_number)
    # The token is bound to whoever asked for it, and an official finds nothing by ID.
    stolen = client_for(official).get(url, {"idt": token})
    assert list(stolen.context["cl"].result_list) == []
    own = id_token(client_for(official), worker.person.id_number, url)
    assert list(client_for(official).get(url, {"idt": own}).context["cl"].result_list) == []
    # An expired (or made-up) token finds nothing rather than everything.
    cache.clear()
    assert list(client.get(url, {"idt": token}).context["cl"].result_list) == []


def test_a_list_that_does_not_search_by_id_finds_nothing_by_a_token(reviewer, org_a, client_for):
    client = client_for(reviewer)
    url = reverse("admin:agencies_agency_changelist")
    token = id_token(client, factories.id_number(), url)
    assert list(client.get(url, {"idt": token}).context["cl"].result_list) == []


def test_names_still_go_to_the_list_as_text(reviewer, worker, client_for):
    url = reverse("admin:people_person_changelist")
    response = client_for(reviewer).post(reverse("id_search"), {"q": "韩梅梅", "next": url})
    assert response.status_code == 302 and "idt=" not in response["Location"]
    page = client_for(reviewer).get(response["Location"])
    assert [p.pk for p in page.context["cl"].result_list] == [worker.person.pk]


def test_the_search_keeps_the_lists_filters_and_refuses_a_foreign_next(reviewer, client_for):
    client = client_for(reviewer)
    url = reverse("admin:people_person_changelist") + "?area_known__exact=1&o=2"
    response = client.post(reverse("id_search"), {"q": factories.id_number(), "next": url})
    location = response["Location"]
    assert location.startswith(reverse("admin:people_person_changelist") + "?")
    assert "area_known__exact=1" in location and "o=2" in location
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(reverse("id_search"), {"q": "x", "next": bad})
        assert response["Location"].startswith("/?") or response["Location"] == "/"


def test_the_search_endpoint_needs_a_login_and_a_post(client, reviewer, client_for):
    assert client.post(reverse("id_search"), {"q": factories.id_number()}).status_code == 302
    assert "login" in client.post(reverse("id_search"), {"q": "x"})["Location"]
    assert client_for(reviewer).get(reverse("id_search")).status_code == 405


def test_the_portals_worker_search_posts_and_finds_by_token(agency_a, org_a, worker, client_for):
    client = client_for(agency_a)
    page = client.get(reverse("portal:workers")).content.decode()
    assert f'method="post" action="{reverse("id_search")}"' in page
    factories.make_worker(org_a)
    number = worker.person.id_number
    response = client.post(
        reverse("id_search"),
        {"q": number, "next": reverse("portal:workers"), "job": "", "show": ""},
        follow=True,
    )
    _no_number(response, number)
    assert [w.pk for w, _id, _s in response.context["rows"]] == [worker.pk]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/people/person/?q={number}",
        "/admin/agencies/worker/?q={spaced}",
        "/portal/workers/?q={number}&job=",
        "/admin/vouchers/application/?q=王芳+{number}",
    ],
)
def test_an_address_holding_an_id_number_is_not_acted_on(url, reviewer, agency_a, client_for):
    number = factories.id_number()
    spaced = f"{number[:6]}%20{number[6:]}"
    user = agency_a if url.startswith("/portal/") else reviewer
    response = client_for(user).get(url.format(number=number, spaced=spaced))
    assert response.status_code == 302
    assert not holds_id_number(unquote(response["Location"]))
    assert number not in unquote(response["Location"])


def test_the_api_refuses_a_number_in_the_address_and_searches_by_token(
    reviewer, worker, client_for
):
    client = client_for(reviewer)
    number = worker.person.id_number
    for url in (f"/api/workers/?id_number={number}", f"/api/voucher-applications/?search={number}"):
        response = client.get(url)
        assert response.status_code == 400
        assert "/api/id-search/" in response.json()["detail"]
    token = api_token(client, number)
    assert number not in token
    rows = client.get("/api/workers/", {"id_token": token}).json()["results"]
    assert [row["id"] for row in rows] == [worker.pk]
    response = client.post(
        "/api/id-search/", {"id_number": "12345"}, content_type="application/json"
    )
    assert response.status_code == 400 and "id_number" in response.json()


def test_holds_id_number_sees_numbers_in_any_spelling_and_not_other_codes():
    number = factories.id_number()
    assert holds_id_number(number)
    assert holds_id_number(f"王芳 {number}")
    assert holds_id_number(f"{number[:6]} {number[6:14]} {number[14:]}")
    assert holds_id_number("".join(chr(ord(c) + 0xFEE0) for c in number))  # full width
    assert not holds_id_number("JQ2026-00001")
    assert not holds_id_number("91150203MA0N12345X")  # an agency's credit code
    assert not holds_id_number(number[:17])
    assert not holds_id_number(number + "1")


def test_a_phone_number_typed_in_the_search_box_goes_as_a_token_too(reviewer, client_for):
    street = Street.objects.filter(active=True).first()
    kinds = list(CourseKind.objects.all()[:1])
    signup = services.signup_create(
        id_number=factories.id_number(),
        name="刘秀英",
        phone="13912345678",
        street=street,
        kinds=kinds,
    )
    services.signup_create(
        id_number=factories.id_number(),
        name="王芳",
        phone="13912340000",
        street=street,
        kinds=kinds,
    )
    url = reverse("admin:training_trainingsignup_changelist")
    response = client_for(reviewer).post(
        reverse("id_search"), {"q": "139 1234 5678", "next": url}, follow=True
    )
    for hop, _status in response.redirect_chain:
        assert "13912345678" not in hop and "5678" not in hop
    assert [s.pk for s in response.context["cl"].result_list] == [signup.pk]
    # The same token on a list without phone search finds nothing.
    (final, _status) = response.redirect_chain[-1]
    token = final.split("idt=")[1]
    people = client_for(reviewer).get(reverse("admin:people_person_changelist"), {"idt": token})
    assert list(people.context["cl"].result_list) == []


def test_a_made_up_token_of_any_shape_finds_nothing_and_never_becomes_a_cache_key(
    reviewer, worker, client_for, recwarn
):
    """A stranger's ``?idt=`` / ``?id_token=`` value is only ever hashed into a cache key: a
    quote, spaces, control characters or 5,000 characters find nothing, warn nothing, and the
    cache holds no key with the value in it."""
    from kunqu_jiafu.people import id_search

    url = reverse("admin:people_person_changelist")
    client = client_for(reviewer)
    hostile = ("' OR 1=1 --", "a b\tc\x01", "令" * 5000)
    for value in hostile:
        page = client.get(url, {"idt": value})
        assert page.status_code == 200
        assert list(page.context["cl"].result_list) == []
        answer = client.get("/api/workers/", {"id_token": value})
        assert answer.status_code < 500
    assert not [w for w in recwarn if "CacheKeyWarning" in type(w.message).__name__]
    key = id_search._cache_key(hostile[0])
    assert key.startswith("id-search:") and hostile[0] not in key and len(key) == 10 + 64
