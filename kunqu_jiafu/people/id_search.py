"""Searching by a full ID number without putting the number in a URL (issue 11, "Personal data in
logs": query strings reach the access logs of the proxy and the application server).

A search box that may receive an ID number posts to ``id_search`` (the admin's and the portal's
boxes do). A term shaped like an ID number (or a phone number) is exchanged there for a random
token kept in the shared cache for an hour and bound to the user, and the browser is sent to the
list with ``?idt=<token>``; any other term (a name, an application number) goes on as ``?q=``. The API gives the same token from a POST
(``/api/id-search/``) for its ``id_token`` filters. ``RefuseIdNumberInQueryString`` answers any
request whose query string still holds an ID number without acting on it.

The token tells nothing about the number, even to someone holding the database: it is random
and lives only in the cache. Who may search by ID number is decided where the token is used
(``can_see_full_id`` in the admin, the agency's own workers in the portal)."""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import crypto
from .idcard import normalize
from .phone import is_phone, normalize_phone

TOKEN_PARAM = "idt"
TOKEN_TTL = 3600  # seconds: a list reached by a search can be paged and exported for an hour
_PREFIX = "id-search:"
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
# Inside a longer value too (e.g. "?search=王芳 150203197311270021"): digits not part of a longer
# run of digits.
_ID_INSIDE = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
# Not carried from the list's old address to the new one: the old search and its page.
_DROPPED = ("q", TOKEN_PARAM, "p", "page", "e", "search", "id_token")


def looks_like_id_number(term) -> bool:
    return bool(_ID_SHAPE.match(normalize(term or "")))


def holds_id_number(value) -> bool:
    """Whether a query-string value holds something shaped like a full ID number."""
    return bool(_ID_INSIDE.search(normalize(value or "")))


def issue_token(user, number: str, *, where: str) -> str:
    """A token for a search by this ID number. Searching by a full ID number is a security event
    (issue 11): the audit log records who searched, where (the list's path, or the API) and the
    number's blind index (which finds that person's other searches), never the number."""
    from kunqu_jiafu.accounts.roles import can_see_full_id, is_agency_user
    from kunqu_jiafu.audit.services import audit_log

    if not (can_see_full_id(user) or is_agency_user(user)):
        # Officials and the administrators of 三员分立 find nobody by ID number: their token
        # stands for nothing (the same answer, no search made, nothing to log).
        return _issue(user, "id", "")
    digest = crypto.blind_index(normalize(number))
    audit_log(user, None, "people.person.searched_by_id", after={"list": where, "id_hash": digest})
    return _issue(user, "id", digest)


def issue_phone_token(user, phone: str) -> str:
    """A token for a search by this (normalised) phone number: its blind index."""
    from .fields import contact_index

    return _issue(user, "phone", contact_index("phone", phone))


def _cache_key(token: str) -> str:
    """The cache key of a token: its digest, so a stranger's ``?idt=`` value never becomes part
    of a key (any length, any characters, the same fixed-size key shape)."""
    return _PREFIX + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _issue(user, kind: str, digest: str) -> str:
    token = secrets.token_urlsafe(18)
    cache.set(_cache_key(token), f"{user.pk}:{kind}:{digest}", TOKEN_TTL)
    return token


def _lookup(user, token, kind: str) -> str | None:
    if not token or user is None or not user.is_authenticated:
        return None
    value = cache.get(_cache_key(str(token)))
    if not value:
        return None
    owner, token_kind, digest = (value.split(":", 2) + ["", ""])[:3]
    return digest if owner == str(user.pk) and token_kind == kind else None


def hash_for_token(user, token: str | None) -> str | None:
    """The ID number's blind index the token stands for; None when it is unknown, expired,
    issued to someone else or stands for something else."""
    return _lookup(user, token, "id")


def request_phone_index(request) -> str | None:
    """The phone blind index searched for on this request (``?idt=`` from a phone number)."""
    token = request.GET.get(TOKEN_PARAM)
    if token is None:
        return None
    return _lookup(request.user, token, "phone") or ""


def request_id_hash(request, param: str = TOKEN_PARAM) -> str | None:
    """The blind index searched for on this request (``?idt=``; the API's ``?id_token=``), or
    None when there is no such search; "" when the token is unknown, expired or another's."""
    token = request.GET.get(param)
    if token is None:
        return None
    return hash_for_token(request.user, token) or ""


def _safe_next(request, value: str) -> str:
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return "/"
    return value


@require_POST
@login_required
def id_search(request):
    """The search boxes' target: ``q`` (the term), ``next`` (the list's address); any other field
    of the form (a filter beside the box) goes on into the list's query string."""
    parts = urlsplit(_safe_next(request, request.POST.get("next", "")))
    params = QueryDict(parts.query, mutable=True)
    for name in _DROPPED:
        params.pop(name, None)
    for name, values in request.POST.lists():
        if name not in ("csrfmiddlewaretoken", "next", "q"):
            params.setlist(name, [v for v in values if v])
            if not params.getlist(name):
                params.pop(name)
    term = (request.POST.get("q") or "").strip()
    if looks_like_id_number(term):
        params[TOKEN_PARAM] = issue_token(request.user, term, where=parts.path)
    elif is_phone(term):
        params[TOKEN_PARAM] = issue_phone_token(request.user, normalize_phone(term))
    elif term:
        params["q"] = term
    for name in list(params):
        if any(holds_id_number(v) for v in params.getlist(name)):
            params.pop(name)  # never carried into an address
    return redirect(urlunsplit(("", "", parts.path, params.urlencode(), "")))


API_TOKEN_PARAM = "id_token"
