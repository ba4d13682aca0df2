"""Searching by ID number the way the pages and the API do it: the number is posted, a token
comes back in the address (kunqu_jiafu/people/id_search.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse


def id_token(client, number: str, next_url: str = "/") -> str:
    """The ``idt`` token the search box's post gives for ``number``."""
    response = client.post(reverse("id_search"), {"q": number, "next": next_url})
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert number not in location
    return parse_qs(urlsplit(location).query)["idt"][0]


def search(client, list_url: str, number: str, **extra):
    """Post ``number`` in ``list_url``'s search box and follow to the list."""
    token = id_token(client, number, list_url)
    return client.get(list_url, {"idt": token, **extra})


def api_token(client, number: str) -> str:
    response = client.post(
        "/api/id-search/", {"id_number": number}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["id_token"]
