"""The statistical survey's read-only API: an agency sees only its own returns; the list
runs the same queries at two sizes."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.services import survey as survey_services
from tests import factories
from tests.agencies.survey_helpers import open_form, valid_figures


def _submit(user, org, form, **figures):
    return survey_services.survey_return_save(
        actor=user, agency=org, form=form, figures=valid_figures(org, form, **figures), submit=True
    )


def test_agency_b_never_sees_agency_a_return_through_the_api(
    agency_a, agency_b, org_a, reviewer, client_for
):
    form = open_form()
    mine = _submit(agency_a, org_a, form, revenue="27182.81")
    own = client_for(agency_a).get(f"/api/survey-returns/{mine.pk}/")
    assert own.status_code == 200
    figures = {v["indicator"]: v for v in own.json()["values"] if v["business_format"] is None}
    assert figures["revenue"]["value"] == "27182.81" and figures["revenue"]["unit"] == "万元"
    other = client_for(agency_b)
    assert other.get(f"/api/survey-returns/{mine.pk}/").status_code == 404
    listing = other.get("/api/survey-returns/")
    assert listing.status_code == 200 and "27182.81" not in listing.content.decode()
    assert org_a.name not in listing.content.decode()
    assert client_for(reviewer).get(f"/api/survey-returns/{mine.pk}/").status_code == 200
    assert other.post("/api/survey-returns/", {}).status_code == 405


def test_the_list_queries_do_not_grow_with_returns(reviewer, client_for):
    form = open_form()
    client = client_for(reviewer)

    def add(count, prefix):
        for k in range(count):
            org = factories.make_agency(f"{prefix}{k}家政")
            _submit(factories.make_agency_user(f"{prefix}{k}", org), org, form)

    add(2, "api_small")
    client.get("/api/survey-returns/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/survey-returns/").status_code == 200
    add(6, "api_large")
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/survey-returns/").status_code == 200
    assert len(small) == len(large)
