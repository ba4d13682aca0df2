"""No query string makes a list answer 5xx (issue 9).

Every changelist of every registered ModelAdmin and every list of the API is walked with
hostile values in each parameter it takes: each list filter's own parameters, the date
hierarchy, search, ordering, facets and the page in the admin; each django-filter field,
ordering, search, page and page size in the API. The parameters are discovered from the admin
registry, the DRF router and the generated schema, so a filter added tomorrow is walked too.
The world is the permission matrix's: one object of every kind, so every filter has rows to
narrow.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from kunqu_jiafu.api import api_registry
from tests.url_matrix import build_world, html_pdf

HOSTILE = (
    "0",
    "-1",
    str(10**16),
    "1e16",
    "²",
    "",
    "长" * 300,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "a\x00b",
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    module_settings = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("hostile-media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    module_settings.enable()
    pdf_engine = mock.patch("kunqu_jiafu.documents.pdf.render_pdf", html_pdf)
    pdf_engine.start()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            world = build_world()
            yield world
            transaction.set_rollback(True)
    finally:
        pdf_engine.stop()
        module_settings.disable()


@pytest.fixture(autouse=True)
def _media_root():
    """Replaced by the module's MEDIA_ROOT set in ``world``."""


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _admin_list(world, model):
    """(url, user, parameters) of the model's changelist; the parameters are read from the
    changelist itself as the user sees it."""
    model_admin = admin.site._registry[model]
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    request = RequestFactory().get(url)
    request.user = world.users["reviewer"]
    if not model_admin.has_view_or_change_permission(request):
        request.user = world.users["superuser"]
    request.session = {}
    changelist = model_admin.get_changelist_instance(request)
    params = {"q", "o", "p", "_facets"}
    for spec in changelist.filter_specs:
        params.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        params.update({f"{field}__year", f"{field}__month", f"{field}__day"})
    # Any local date field's parts: Django lets a changelist filter on them by query string.
    for field in opts.get_fields():
        if field.concrete and not field.is_relation and field.get_internal_type() in DATES:
            params.update({f"{field.name}__year", f"{field.name}__month"})
    return url, request.user, sorted(params)


DATES = {"DateField", "DateTimeField"}
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


def _api_lists():
    """(url, parameters) for every list of the API: the router's viewsets with a list action,
    their filterset's fields and the search, ordering and pagination parameters."""
    for prefix, viewset, _basename in api_registry():
        if not hasattr(viewset, "list"):
            continue
        params = {"search", "ordering", "page", "page_size", "format"}
        filterset_class = getattr(viewset, "filterset_class", None)
        if filterset_class is not None:
            params.update(filterset_class.base_filters)
        params.update(getattr(viewset, "filterset_fields", None) or ())
        yield f"/api/{prefix}/", sorted(params)
    # Lists that are not router viewsets (progress views and the like): their parameters are
    # read from the generated schema.
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    routed = {f"/api/{prefix}/" for prefix, _v, _b in api_registry()}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if path in routed or get is None or "{" in path:
            continue
        params = {p["name"] for p in get.get("parameters", ()) if p["in"] == "query"}
        if params:
            yield path, sorted(params)


def _assert_no_5xx(client, url, params, failures):
    admin_list = url.startswith("/admin/")
    sent = set()
    for name in params:
        for value in HOSTILE:
            # In the admin every value is sent with facets on: the facet counts run each filter's
            # query again, the path the "显示计数" link broke.
            query = {name: value, "_facets": "True"} if admin_list else {name: value}
            if tuple(query.items()) in sent:
                continue  # _facets itself: the same request ten times
            sent.add(tuple(query.items()))
            response = client.get(url, query)
            if response.status_code >= 500:
                failures.append(f"{url}?{name}={value[:20]!r} -> {response.status_code}")


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_no_admin_changelist_answers_5xx_to_hostile_query_values(world, model):
    failures: list[str] = []
    url, user, params = _admin_list(world, model)
    _assert_no_5xx(_client(user), url, params, failures)
    assert not failures, "\n".join(failures)


def test_every_registered_model_admin_is_walked():
    assert len(MODELS) > 20, "the admin registry was not read"


# One test per API list and actor (the lists read only from the schema together), so the
# walk spreads over the test processes instead of being two long tests at the end of one.
ROUTED = [f"/api/{prefix}/" for prefix, viewset, _b in api_registry() if hasattr(viewset, "list")]
FROM_SCHEMA = "lists from the schema"


@pytest.fixture(scope="module")
def api_lists(world, django_db_blocker) -> dict[str, list[str]]:
    with django_db_blocker.unblock():
        return dict(_api_lists())


@pytest.mark.django_db
def test_every_api_list_is_walked(api_lists):
    assert len(api_lists) > 10, "the router was not walked"
    assert set(ROUTED) <= set(api_lists), "a router list is missing from the walk"


@pytest.mark.django_db
@pytest.mark.parametrize("part", [*ROUTED, FROM_SCHEMA])
@pytest.mark.parametrize("actor", ["reviewer", "agency_a"])
def test_no_api_list_answers_5xx_to_hostile_query_values(world, api_lists, actor, part):
    failures: list[str] = []
    if part == FROM_SCHEMA:
        lists = {url: params for url, params in api_lists.items() if url not in ROUTED}
    else:
        lists = {part: api_lists[part]}
    client = _client(world.users[actor])
    for url, params in lists.items():
        _assert_no_5xx(client, url, params, failures)
    assert not failures, "\n".join(failures)
