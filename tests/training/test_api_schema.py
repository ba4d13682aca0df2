"""The training API is in the OpenAPI schema, documented, with no generator warnings."""

from __future__ import annotations

import pytest
from drf_spectacular.checks import schema_check
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

TRAINING_PATHS = {
    "/api/courses/": {"get", "post"},
    "/api/courses/{id}/": {"get", "patch"},
    "/api/enrolments/": {"get", "post"},
    "/api/enrolments/{id}/": {"get", "patch"},
    "/api/training-progress/": {"get"},
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


def test_every_training_endpoint_is_documented_with_its_methods_and_errors(schema):
    paths = schema["paths"]
    for path, methods in TRAINING_PATHS.items():
        assert path in paths, path
        assert set(paths[path]) - {"parameters"} == methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation["summary"], (path, method)
            assert operation["tags"], (path, method)
            if method in ("post", "patch"):
                assert {"400", "403"} <= set(operation["responses"]), (path, method)
    filters = {p["name"] for p in paths["/api/courses/"]["get"]["parameters"]}
    assert {"kind", "provider", "status", "year"} <= filters
    filters = {p["name"] for p in paths["/api/enrolments/"]["get"]["parameters"]}
    assert {"course", "completed", "exam"} <= filters
    progress = schema["components"]["schemas"]["Progress"]["properties"]
    assert {"target", "trained", "managers", "by_month", "by_kind", "by_street"} <= set(progress)
