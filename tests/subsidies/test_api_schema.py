"""The subsidies API is in the OpenAPI schema, documented, with no generator warnings."""

from __future__ import annotations

import pytest
from drf_spectacular.checks import schema_check
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

SUBSIDY_PATHS = {
    "/api/claim-types/": {"get"},
    "/api/claim-types/{id}/": {"get"},
    "/api/claims/": {"get", "post"},
    "/api/claims/{id}/": {"get", "patch"},
    "/api/claims/{id}/transition/": {"post"},
    "/api/claims/{id}/attachments/": {"post"},
    "/api/claims/{id}/attachments/{attachment_id}/": {"delete"},
    "/api/notices/": {"get"},
    "/api/notices/{id}/": {"get"},
    "/api/notices/{id}/download/": {"get"},
    "/api/funds/": {"get"},
    "/api/funds/{id}/": {"get"},
}


@pytest.fixture
def schema(db):
    # Recognition kinds are reference data the bureau edits: the schema lists those in the
    # database, so generating it reads the database.
    GENERATOR_STATS.reset()
    generated = SchemaGenerator().get_schema(request=None, public=True)
    yield generated
    GENERATOR_STATS.reset()


def test_schema_generates_with_no_warnings_or_errors(schema):
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}
    validate_schema(schema)
    assert schema_check(None) == []


def test_every_subsidy_endpoint_is_documented_with_its_methods(schema):
    paths = schema["paths"]
    for path, methods in SUBSIDY_PATHS.items():
        assert path in paths, path
        assert set(paths[path]) - {"parameters"} == methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation["summary"], (path, method)
            assert operation["tags"], (path, method)


def test_writes_document_400_with_declared_errors_nested(schema):
    paths = schema["paths"]
    for path, method in [
        ("/api/claims/", "post"),
        ("/api/claims/{id}/", "patch"),
        ("/api/claims/{id}/transition/", "post"),
        ("/api/claims/{id}/attachments/", "post"),
    ]:
        responses = paths[path][method]["responses"]
        assert {"400", "403"} <= set(responses), path
        ref = responses["400"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ClaimError")
    error = schema["components"]["schemas"]["ClaimError"]["properties"]
    # Errors per declared figure; a list when ``declared`` itself is missing or not an object.
    nested, whole = error["declared"]["oneOf"]
    assert nested["type"] == "object"
    assert nested["additionalProperties"]["type"] == "array"
    assert whole["type"] == "array"
    assert {"period", "subjects", "file", "approved_amount", "paid_on"} <= set(error)


def test_claim_types_and_claims_describe_their_fields(schema):
    components = schema["components"]["schemas"]
    claim_type = components["ClaimType"]["properties"]
    assert {"declared_fields", "required_attachments", "eligible", "ineligible_reasons"} <= set(
        claim_type
    )
    assert claim_type["eligible"]["nullable"] is True
    claim = components["Claim"]["properties"]
    assert {
        "declared",
        "eligible_amount",
        "trace",
        "eligibility_notes",
        "approved_amount",
        "available_actions",
        "attachments",
        "notices",
    } <= set(claim)
    transition = components["ClaimTransitionRequest"]["properties"]
    assert {"action", "reason", "approved_amount", "paid_on", "bank_reference"} <= set(transition)
    listed = {p["name"] for p in schema["paths"]["/api/claims/"]["get"]["parameters"]}
    assert {"status", "claim_type", "group", "year", "agency", "street", "search", "ordering"} <= (
        listed
    )


def test_attachment_upload_is_multipart_and_download_is_a_pdf(schema):
    upload = schema["paths"]["/api/claims/{id}/attachments/"]["post"]["requestBody"]["content"]
    assert set(upload) == {"multipart/form-data"}
    download = schema["paths"]["/api/notices/{id}/download/"]["get"]["responses"]["200"]
    assert download["content"]["application/pdf"]["schema"]["format"] == "binary"
