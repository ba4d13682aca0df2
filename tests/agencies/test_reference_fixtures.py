"""Reference data the bureau edits per year is kept as fixture files in fixtures/ (issue 9:
"Keep the reference data that the bureau edits per year … as fixture files there, loaded by
the data migrations and by loaddata, so a year's catalogue can be read and compared as a
file"). Recognition kinds are such data: the plan's brands and bases, seeded, editable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from agencies import services
from agencies.models import BusinessFormat, Recognition, RecognitionKind, Street
from kunqu_jiafu.reference_data import FIXTURES_DIR, fixture_entries
from subsidies import rules as subsidy_rules
from subsidies.models import ExemptionServiceKind
from training.models import CourseKind
from vouchers.models import TargetGroup

pytestmark = pytest.mark.django_db

AGENCY_FIXTURES = {
    "agencies_streets": Street,
    "agencies_business_formats": BusinessFormat,
    "agencies_recognition_kinds": RecognitionKind,
    # Seeded by the training and vouchers migrations; the fixture must not drift from them.
    "training_course_kinds": CourseKind,
    "vouchers_target_groups": TargetGroup,
    "subsidies_exemption_service_kinds": ExemptionServiceKind,
}
# Checked in tests/subsidies/test_catalogue_fixture.py (claim types, flags, award settings).
CATALOGUE_FIXTURES = {"claim_catalogue_2026"}


def _rows(model, fields) -> dict[str, dict]:
    def plain(value):
        return str(value) if isinstance(value, Decimal) else value

    return {
        row["code"]: {k: plain(v) for k, v in row.items()} for row in model.objects.values(*fields)
    }


@pytest.mark.parametrize("name", sorted(AGENCY_FIXTURES))
def test_the_migrations_seed_exactly_the_fixture(name):
    """Every fixture in fixtures/ is checked here: a file nobody compares can drift."""
    entries = fixture_entries(name)
    fields = list(entries[0]["fields"])
    expected = {e["fields"]["code"]: e["fields"] for e in entries}
    assert _rows(AGENCY_FIXTURES[name], fields) == expected


@pytest.mark.parametrize("name", sorted(AGENCY_FIXTURES))
def test_loaddata_updates_the_same_rows_in_place(name):
    model = AGENCY_FIXTURES[name]
    first = model.objects.order_by("pk").first()
    original = first.name
    model.objects.filter(pk=first.pk).update(name="改过的名称")
    count = model.objects.count()
    call_command("loaddata", str(FIXTURES_DIR / f"{name}.json"), verbosity=0)
    assert model.objects.count() == count  # no duplicates
    first.refresh_from_db()
    assert first.name == original


def test_the_plans_brands_and_bases_are_recognition_kinds():
    names = set(RecognitionKind.objects.values_list("name", flat=True))
    for plan_name in (
        "自治区家庭服务知名品牌",
        "包头市特色家政服务品牌",
        "自治区“百户十强”",
        "家庭服务业培训示范基地（自治区级）",
        "“领跑者”企业",
        "社区家庭服务中心",
        "社区家庭服务站",
    ):
        assert plan_name in names


def test_existing_codes_keep_working_for_the_subsidy_rules():
    codes = set(RecognitionKind.objects.values_list("code", flat=True))
    rule_codes = (
        subsidy_rules.CENTRE_KINDS
        | subsidy_rules.STATION_KINDS
        | subsidy_rules.MARKET_KINDS
        | subsidy_rules.BRAND_KINDS
    )
    assert rule_codes <= codes
    assert set(Recognition.Kind.values) <= codes


def test_a_kind_the_bureau_adds_can_be_granted_and_shows_its_name(org_a, reviewer):
    RecognitionKind.objects.create(code="star_market", name="星级家政市场", sort_order=20)
    recognition = services.recognition_grant(
        actor=reviewer,
        agency=org_a,
        kind="star_market",
        year=2026,
        granted_on=dt.date(2026, 5, 1),
        valid_until=None,
    )
    assert recognition.get_kind_display() == "星级家政市场"


def test_a_kind_out_of_use_or_unknown_cannot_be_granted(org_a, reviewer):
    RecognitionKind.objects.filter(code="market").update(active=False)
    for kind in ("market", "no_such_kind"):
        with pytest.raises(ValidationError) as exc:
            services.recognition_grant(
                actor=reviewer,
                agency=org_a,
                kind=kind,
                year=2026,
                granted_on=dt.date(2026, 5, 1),
                valid_until=None,
            )
        assert "kind" in exc.value.message_dict
    assert not Recognition.objects.filter(agency=org_a).exists()


def test_reviewer_edits_a_kind_name_in_the_admin_but_not_its_code(reviewer, client_for):
    kind = RecognitionKind.objects.get(code="city_brand")
    url = reverse("admin:agencies_recognitionkind_change", args=[kind.pk])
    data = {
        "code": "renamed",
        "name": "包头市特色家政服务品牌（市级）",
        "basis": "",
        "sort_order": 6,
    }
    data["active"] = "on"
    assert client_for(reviewer).post(url, data).status_code == 302
    kind.refresh_from_db()
    assert (kind.code, kind.name) == ("city_brand", "包头市特色家政服务品牌（市级）")
    page = client_for(reviewer).get(reverse("admin:agencies_recognition_add"))
    assert "包头市特色家政服务品牌（市级）" in page.content.decode()


def test_every_fixture_file_is_checked_here():
    files = {path.stem for path in FIXTURES_DIR.glob("*.json")}
    assert files == set(AGENCY_FIXTURES) | CATALOGUE_FIXTURES
