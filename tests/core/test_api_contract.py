"""Every API operation answers as ``/api/schema/`` says (issue 9).

The operations are read from the generated schema, so an operation added tomorrow is covered
(or this test names it as unexercised). The requests are the permission matrix's: each API row
(reads and writes, with the matrix's data) is sent as every signed-in actor, and each answer
must be a status code the operation documents, with a JSON body valid against the documented
schema (OpenAPI ``nullable`` honoured). Then every operation must have been seen succeeding and
failing (400, 403, 404, 422 where the schema documents them).
"""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from tests import factories
from tests import test_permission_matrix as matrix
from tests.test_permission_matrix import _media_root, world  # noqa: F401 - the matrix's fixtures

ACTORS = ("anonymous", "applicant", "agency_a", "agency_b", "reviewer", "approver", "official")
NOT_OPERATIONS = {"/api/schema/", "/api/docs/"}


def _nullable(node):
    """OpenAPI 3.0 ``nullable: true`` as JSON Schema understands it."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="module")
def schema(world, django_db_blocker):  # noqa: F811
    # Some enums are read from reference data (recognition kinds).
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operation_of(schema, method: str, url: str):
    """The documented operation serving ``method url``; literal paths are tried first, so
    /api/vouchers/redeem/ is not taken for /api/vouchers/{id}/."""
    path = url.partition("?")[0]
    for template, operations in sorted(schema["paths"].items(), key=lambda t: t[0].count("{")):
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return (template, operations[method]) if method in operations else (None, None)
    return None, None


def _validate(schema, template, method, operation, response) -> str | None:
    """None when the response is as documented, else what is wrong."""
    status = str(response.status_code)
    documented = operation.get("responses", {})
    if status not in documented:
        return (
            f"{method.upper()} {template}: status {status} is not documented ({sorted(documented)})"
        )
    content = documented[status].get("content")
    if not content:
        if response.status_code == 204:
            return None
        return f"{method.upper()} {template}: {status} has no documented body"
    media = response.get("Content-Type", "").partition(";")[0]
    if media not in content:
        return f"{method.upper()} {template}: {status} is {media}, documented {sorted(content)}"
    if media != "application/json":
        return None
    body_schema = content[media].get("schema")
    if body_schema is None:
        return f"{method.upper()} {template}: {status} documents no schema"
    full = {"allOf": [_nullable(body_schema)], "components": _nullable(schema["components"])}
    try:
        jsonschema.validate(json.loads(response.content), full, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        return f"{method.upper()} {template}: {status} body at {where!r}: {exc.message[:300]}"
    return None


def _scenarios(schema):
    """Lists of (actor, method, url, data, headers) sent in turn inside one rolled-back
    transaction. Every read and write of the matrix is sent as every actor; each write is
    then sent twice in a row by the actor who may make it (the second finds the state
    changed: 400, 409 or a replay); operations also get a missing object, a page past the
    end, an unreadable body, multipart with nothing in it, and a reused Idempotency-Key."""
    everyone = ACTORS
    scenarios = []
    for row in matrix.MATRIX:
        if row.url.startswith("/api/") and ".json" not in row.url:
            scenarios += [[(actor, "get", row.url, {}, {})] for actor in everyone]
    writes = [
        row for row in matrix.WRITES if row.url.startswith("/api/") and ".json" not in row.url
    ]
    for row in writes:
        scenarios += [[(actor, row.method, row.url, row.data, {})] for actor in everyone]
        if row.by:
            scenarios.append([(row.by, row.method, row.url, row.data, {})] * 2)
    rows = [*matrix.MATRIX, *writes]
    for template, operations in schema["paths"].items():
        # The object an operation acts on: a matrix URL of the same route names the right one
        # (a claim's, a course's pk); org_a's pk only where no row names the route, since
        # another object with that number exists only by chance (sequences are not reset).
        named = [r.url for r in rows if ".json" not in r.url and _matches(template, r.url)]
        filled = named[0].split("?")[0] if named else re.sub(r"\{[^}]+\}", "{org_a.pk}", template)
        missing = re.sub(r"\{[^}]+\}", "999999999", template)
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            query = {p["name"]: p for p in operation.get("parameters", ()) if p["in"] == "query"}
            headers = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "header"}
            if "{" in template:
                scenarios.append([("reviewer", method, missing, {}, {})])
            if method == "get" and query:
                scenarios.append(
                    [("reviewer", "get", filled + "?" + "&".join(f"{q}=x" for q in query), {}, {})]
                )
                numbers = [
                    q for q, p in query.items() if p.get("schema", {}).get("type") == "integer"
                ]
                if numbers:
                    big = "&".join(f"{q}=999999999" for q in numbers)
                    scenarios.append([("reviewer", "get", f"{filled}?{big}", {}, {})])
            if method in {"post", "patch", "put"}:
                for actor in ("agency_a", "reviewer", "approver"):
                    scenarios.append([(actor, method, filled, NOT_AN_OBJECT, {})])
                    scenarios.append([(actor, method, filled, MULTIPART_NOTHING, {})])
            if "Idempotency-Key" in headers or "422" in operation.get("responses", {}):
                same_key = {"HTTP_IDEMPOTENCY_KEY": "contract-test"}
                mine = [
                    r for r in writes if r.method == method and r.by and _matches(template, r.url)
                ]
                for row in mine[:1]:
                    # The same key again with other content (a note added): the key is reused.
                    other = {**row.data, "note": "contract-test"}
                    first = (row.by, method, row.url, row.data, same_key)
                    scenarios.append([first, (row.by, method, row.url, other, same_key)])
    return scenarios


METHODS = {"get", "post", "patch", "put", "delete"}
NOT_AN_OBJECT = object()  # a JSON list where an object is expected
MULTIPART_NOTHING = object()  # multipart/form-data with no fields


def _matches(template: str, url: str) -> bool:
    return bool(re.match("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$", url.split("?")[0]))


def _client(the_world, actor: str) -> Client:
    client = Client(raise_request_exception=False)
    if actor != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = the_world.sessions[actor]
    return client


def _send(client: Client, method: str, url: str, data, headers):
    if method == "get":
        return client.get(url, **headers)
    if data is NOT_AN_OBJECT:
        return getattr(client, method)(url, "[]", content_type="application/json", **headers)
    if data is MULTIPART_NOTHING:
        if method == "post":
            return client.post(url, {}, **headers)
        return getattr(client, method)(url, "", content_type="multipart/form-data; boundary=x")
    if any(isinstance(v, File) for v in data.values()):
        return getattr(client, method)(url, data, **headers)
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", **headers
    )


def test_every_api_answer_is_as_the_schema_documents(world, db, schema):  # noqa: F811
    problems: list[str] = []
    seen: dict[tuple[str, str], set[int]] = {}
    scenarios = _scenarios(schema)
    # The token operation: an agency user's real password, a reviewer's with the code of the
    # authenticator app, then a wrong password.
    agency, staff = world.users["agency_a"], world.users["reviewer"]
    code = factories.totp_code(factories.give_second_factor(staff))
    token = [
        ("anonymous", "post", "/api/auth/token/", data, {})
        for data in (
            {"username": agency.username, "password": factories.PASSWORD},
            {"username": staff.username, "password": factories.PASSWORD, "otp_token": code},
            {"username": agency.username, "password": "wrong"},
        )
    ]
    scenarios.append(token)
    for scenario in scenarios:
        with transaction.atomic():
            for actor, method, url, data, headers in scenario:
                filled = matrix._fill(url, world)
                template, operation = _operation_of(schema, method, filled)
                if operation is None:
                    continue
                body = (
                    data
                    if data in (NOT_AN_OBJECT, MULTIPART_NOTHING)
                    else matrix._fill(data, world)
                )
                response = _send(_client(world, actor), method, filled, body, headers)
                seen.setdefault((method, template), set()).add(response.status_code)
                problem = _validate(schema, template, method, operation, response)
                if problem and problem not in problems:
                    problems.append(problem)
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
    unexercised = []
    for template, operations in schema["paths"].items():
        if template in NOT_OPERATIONS:
            continue
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            statuses = seen.get((method, template), set())
            documented = {int(code) for code in operation.get("responses", {})}
            if not any(200 <= code < 300 for code in statuses):
                unexercised.append(f"{method.upper()} {template}: never succeeded")
            # Lists need not refuse a filter value (not every filter can be wrong).
            required = {403, 404, 409, 422} if method == "get" else {400, 403, 404, 409, 422}
            if "{" not in template:
                # A list's 404 (no batch at all, a page past the end) needs another world.
                required.discard(404)
            for code in documented & required - statuses:
                unexercised.append(f"{method.upper()} {template}: {code} never seen")
    assert not unexercised, "\n".join(unexercised)
