"""The OpenAPI schema generates cleanly and the Swagger UI works without the internet."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from drf_spectacular.checks import schema_check
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

API_PATHS = {
    "/api/agencies/",
    "/api/agencies/{id}/",
    "/api/agencies/{id}/transition/",
    "/api/workers/",
    "/api/workers/{id}/",
    "/api/recognitions/",
    "/api/recognitions/{id}/",
    "/api/filings/",
    "/api/filings/{id}/",
    "/api/filings/{id}/decide/",
    "/api/streets/",
    "/api/business-formats/",
    "/api/me/",
    "/api/auth/token/",
}


@pytest.fixture
def clean_stats(db):
    # Recognition kinds are reference data: the schema lists those in the database.
    GENERATOR_STATS.reset()
    yield GENERATOR_STATS
    GENERATOR_STATS.reset()


def test_schema_generates_with_no_warnings_or_errors(clean_stats):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert dict(clean_stats._warn_cache) == {}
    assert dict(clean_stats._error_cache) == {}
    validate_schema(schema)  # raises on an invalid OpenAPI document
    assert API_PATHS <= set(schema["paths"])


def test_deploy_check_of_drf_spectacular_is_clean(clean_stats):
    # The same check `manage.py check --deploy --fail-level WARNING` runs in CI.
    assert schema_check(None) == []


def test_schema_documents_writes_and_errors(clean_stats):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert set(paths["/api/agencies/"]) == {"get", "post"}
    assert set(paths["/api/agencies/{id}/"]) == {"get", "patch"}
    assert {"200", "400", "403", "404"} <= set(paths["/api/workers/{id}/"]["patch"]["responses"])
    assert paths["/api/workers/"]["get"]["tags"] == ["从业人员"]
    listed = {p["name"] for p in paths["/api/workers/"]["get"]["parameters"]}
    assert {"agency", "job", "contract_kind", "social_insurance", "status", "page"} <= listed
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_endpoint_serves_openapi(db, client, agency_a):
    client.force_login(agency_a)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_swagger_ui_references_only_local_assets(db, client, agency_a):
    client.force_login(agency_a)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html), "external host in HTML"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page should load the Swagger UI assets"
    # Its start-up script comes from the docs' own URL (no inline script: CSP).
    assert "/api/docs/?script=" in assets
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
    for url in (url for url in assets if not url.startswith("/api/docs/")):
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a local static file"
    assert b"/api/schema/" in script.content


def test_swagger_ui_assets_are_served_by_whitenoise(db, settings, agency_a):
    # Let WhiteNoise find files without collectstatic, as it does in development.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new handler builds the middleware with these settings
    client.force_login(agency_a)
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) == 5  # drf-spectacular's four and our swagger.css (no inline style)
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content)
        assert body, url
    bundle = next(url for url in assets if url.endswith("swagger-ui-bundle.js"))
    assert b"SwaggerUIBundle" in b"".join(client.get(bundle).streaming_content)


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_schema_and_docs_need_a_login_in_production(db, client, settings, url):
    settings.DEBUG = False
    response = client.get(url)
    assert response.status_code == 403
    assert b"openapi" not in response.content
    assert b"/api/workers/" not in response.content


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_are_open_in_development(db, client, settings, url):
    settings.DEBUG = True
    assert client.get(url).status_code == 200


def test_a_signed_in_agency_reads_the_schema_in_production(db, client, settings, agency_a):
    settings.DEBUG = False
    client.force_login(agency_a)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/workers/" in response.json()["paths"]
