"""The voucher API is in the OpenAPI schema, documented (idempotent redemption included), with no
generator warnings."""

from __future__ import annotations

import pytest
from drf_spectacular.checks import schema_check
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

VOUCHER_PATHS = {
    "/api/target-groups/": {"get"},
    "/api/target-groups/{id}/": {"get"},
    "/api/voucher-batches/": {"get"},
    "/api/voucher-batches/{id}/": {"get", "patch"},
    "/api/voucher-applications/": {"get", "post"},
    "/api/voucher-applications/{id}/": {"get"},
    "/api/voucher-applications/{id}/approve/": {"post"},
    "/api/voucher-applications/{id}/reject/": {"post"},
    "/api/voucher-applications/{id}/issue/": {"post"},
    "/api/vouchers/": {"get"},
    "/api/vouchers/{id}/": {"get"},
    "/api/vouchers/{id}/void/": {"post"},
    "/api/vouchers/{id}/choose-agency/": {"post"},
    "/api/vouchers/{id}/follow-ups/": {"get", "post"},
    "/api/vouchers/{id}/verify/": {"post"},
    "/api/vouchers/{id}/pdf/": {"get"},
    "/api/vouchers/redeem/": {"post"},
    "/api/vouchers/progress/": {"get"},
    "/api/voucher-settlements/": {"get", "post"},
    "/api/voucher-settlements/{id}/": {"get"},
    "/api/voucher-settlements/{id}/mark-paid/": {"post"},
    "/api/voucher-settlements/{id}/pdf/": {"get"},
    "/api/voucher-settlements/{id}/xlsx/": {"get"},
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


def test_every_voucher_endpoint_is_documented_with_its_methods_and_errors(schema):
    paths = schema["paths"]
    for path, methods in VOUCHER_PATHS.items():
        assert path in paths, path
        assert set(paths[path]) - {"parameters"} == methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation["summary"], (path, method)
            assert operation["tags"], (path, method)
            if method in ("post", "patch"):
                assert {"400", "403"} <= set(operation["responses"]), (path, method)
    listed = {p["name"] for p in paths["/api/vouchers/"]["get"]["parameters"]}
    assert {"status", "agency", "target_group", "street", "batch", "search", "page"} <= listed
    listed = {p["name"] for p in paths["/api/voucher-applications/"]["get"]["parameters"]}
    assert {"status", "target_group", "street", "batch", "search", "page"} <= listed
    progress = schema["components"]["schemas"]["VoucherProgress"]["properties"]
    assert {"count", "total", "issued", "remaining", "percent", "by_group", "by_street"} <= set(
        progress
    )


def test_the_application_form_accepts_a_multipart_upload(schema):
    body = schema["paths"]["/api/voucher-applications/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)


def test_issuing_documents_the_exhausted_batch_as_400(schema):
    responses = schema["paths"]["/api/voucher-applications/{id}/issue/"]["post"]["responses"]
    assert "201" in responses and "409" not in responses
    assert "non_field_errors" in responses["400"]["description"]


def test_redemption_documents_the_idempotency_key_and_every_answer(schema):
    operation = schema["paths"]["/api/vouchers/redeem/"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and not header.get("required", False)
    responses = operation["responses"]
    assert {"200", "201", "400", "403", "422"} <= set(responses)
    assert "Idempotent-Replayed" in responses["200"]["headers"]
    for code in ("200", "201"):
        ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/VoucherRedemption")
    assert "idempotency_key" in responses["422"]["description"]
    assert "code" in responses["400"]["description"]
    assert "Idempotency-Key" in operation["description"]


def test_the_application_form_documents_the_household_head(schema):
    body = schema["paths"]["/api/voucher-applications/"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    field = schema["components"]["schemas"][ref]["properties"]["head_id_number"]
    assert field["type"] == "string" and "one_per" in field["description"]
    assert "head_id_number" not in schema["components"]["schemas"][ref].get("required", [])
