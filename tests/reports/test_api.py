"""The reports API: the year's figures are the computed sections (the page's and the files'),
runs are listed, read and asked for (joining one under way); agencies get 403."""

from __future__ import annotations

from django.utils import timezone

from kunqu_jiafu.reporting.registry import report_for_year
from reports import services
from reports.models import ReportRun
from tests.factories import make_agency

YEAR = timezone.localdate().year


def test_the_figures_equal_the_computed_sections(official, client_for):
    make_agency("甲家政服务有限公司", registered_on=timezone.localdate())
    body = client_for(official).get(f"/api/report-figures/?year={YEAR}").json()
    computed = report_for_year(YEAR)
    assert body["year"] == YEAR
    assert [s["key"] for s in body["sections"]] == [s.key for s in computed]
    for section, answer in zip(computed, body["sections"], strict=True):

        def number(value):
            return None if value is None else float(value)

        got = {f["key"]: (number(f["value"]), number(f["previous"])) for f in answer["figures"]}
        want = {f.key: (number(f.value), number(f.previous)) for f in section.data.figures}
        assert got == want
        assert len(answer["tables"]) == len(section.data.tables)
    new = next(f for s in body["sections"] for f in s["figures"] if f["key"] == "agencies.new")
    assert new["value"] == 1 and new["target_min"] == 5 and new["reached"] is False


def test_a_bad_year_is_a_400_naming_the_field(official, client_for):
    response = client_for(official).get("/api/report-figures/?year=二〇二六")
    assert response.status_code == 400 and "year" in response.json()


def test_asking_twice_answers_the_same_run(official, reviewer, client_for, monkeypatch):
    monkeypatch.setattr(services, "queue_on_commit", lambda *a, **k: None)
    first = client_for(official).post(
        "/api/report-runs/", {"year": YEAR}, content_type="application/json"
    )
    second = client_for(reviewer).post(
        "/api/report-runs/", {"year": YEAR}, content_type="application/json"
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] == str(ReportRun.objects.get().pk)
    assert first.json()["status"] == "queued" and first.json()["pdf_url"] is None
    listed = client_for(official).get("/api/report-runs/").json()
    assert [r["id"] for r in listed["results"]] == [first.json()["id"]]


def test_a_bad_request_is_a_400_and_makes_nothing(official, client_for):
    for body in ({}, {"year": "abc"}, {"year": 1999}):
        response = client_for(official).post(
            "/api/report-runs/", body, content_type="application/json"
        )
        assert response.status_code == 400 and "year" in response.json(), body
    assert not ReportRun.objects.exists()


def test_agencies_get_403(agency_a, client_for):
    client = client_for(agency_a)
    assert client.get("/api/report-figures/").status_code == 403
    assert client.get("/api/report-runs/").status_code == 403
    assert (
        client.post(
            "/api/report-runs/", {"year": YEAR}, content_type="application/json"
        ).status_code
        == 403
    )
    assert not ReportRun.objects.exists()
