"""A recognition's kind is a row of RecognitionKind (a foreign key by its code): names are
read with the recognition, never from a per-process copy, and a kind in use stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from agencies import services
from agencies.models import Recognition, RecognitionKind


def _grant(reviewer, agency, kind: str = "station", year: int = 2026) -> Recognition:
    return services.recognition_grant(
        actor=reviewer,
        agency=agency,
        kind=kind,
        year=year,
        granted_on=dt.date(year, 4, 1),
        valid_until=None,
    )


def test_the_stored_value_is_the_kind_code(org_a, reviewer):
    recognition = _grant(reviewer, org_a)
    assert recognition.kind_id == "station"
    assert Recognition.objects.filter(kind="station").get() == recognition
    assert Recognition.objects.filter(kind__name="社区家庭服务站").get() == recognition


def test_a_kind_renamed_without_signals_shows_its_new_name_at_once(org_a, reviewer, client_for):
    # update() sends no post_save: a cached copy of the names would keep the old one.
    _grant(reviewer, org_a)
    client = client_for(reviewer)
    before = client.get("/api/recognitions/").json()["results"]
    assert [r["kind_display"] for r in before] == ["社区家庭服务站"]
    RecognitionKind.objects.filter(code="station").update(name="社区家庭服务站（新名称）")
    after = client.get("/api/recognitions/").json()["results"]
    assert [(r["kind"], r["kind_display"]) for r in after] == [
        ("station", "社区家庭服务站（新名称）")
    ]
    page = client.get(reverse("admin:agencies_recognition_changelist")).content.decode()
    assert "社区家庭服务站（新名称）" in page


def test_a_kind_held_by_a_recognition_cannot_be_deleted(org_a, reviewer):
    _grant(reviewer, org_a)
    with pytest.raises(ProtectedError):
        RecognitionKind.objects.get(code="station").delete()
    assert RecognitionKind.objects.filter(code="station").exists()
    # A kind nobody holds can go.
    RecognitionKind.objects.create(code="unused", name="未使用的称号")
    RecognitionKind.objects.get(code="unused").delete()


def test_admin_list_filters_by_kind_under_its_chinese_names(org_a, org_b, reviewer, client_for):
    _grant(reviewer, org_a, "station")
    _grant(reviewer, org_b, "centre")
    client = client_for(reviewer)
    url = reverse("admin:agencies_recognition_changelist")
    page = client.get(url)
    spec = next(s for s in page.context["cl"].filter_specs if s.title == "认定称号")
    labels = [c["display"] for c in spec.choices(page.context["cl"])]
    assert {"社区家庭服务站", "社区家庭服务中心", "自治区家庭服务知名品牌"} <= set(labels)
    narrowed = client.get(url + "?kind__code__exact=centre").context["cl"].result_list
    assert [r.agency_id for r in narrowed] == [org_b.pk]


def test_api_filters_by_kind_codes_and_refuses_an_unknown_code(org_a, org_b, reviewer, client_for):
    _grant(reviewer, org_a, "station")
    _grant(reviewer, org_b, "centre")
    client = client_for(reviewer)
    both = client.get("/api/recognitions/?kind=station&kind=centre").json()["results"]
    assert {r["agency"] for r in both} == {org_a.pk, org_b.pk}
    one = client.get("/api/recognitions/?kind=centre").json()["results"]
    assert [r["agency"] for r in one] == [org_b.pk]
    refused = client.get("/api/recognitions/?kind=no_such_kind")
    assert refused.status_code == 400
    assert "no_such_kind 不在可用的选项中" in refused.json()["kind"][0]
