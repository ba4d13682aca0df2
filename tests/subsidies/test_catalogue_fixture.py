"""The claim catalogue of a policy year as a fixture file (issue 9: "Keep the reference data
that the bureau edits per year (streets and codes, business formats, course kinds, target
groups, the claim catalogue of a policy year) as fixture files there, loaded by the data
migrations and by loaddata, so a year's catalogue can be read and compared as a file")."""

from __future__ import annotations

import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from kunqu_jiafu.reference_data import FIXTURES_DIR, fixture_entries
from subsidies.models import AwardPolicy, ClaimType, ExemptionServiceKind, ParameterFlag
from training.models import CourseKind
from vouchers.models import TargetGroup

pytestmark = pytest.mark.django_db

NAME = "claim_catalogue_2026"
YEAR = 2026
TYPE_FIELDS = [
    f.name
    for f in ClaimType._meta.concrete_fields
    if f.name != "id"  # every field of a type is in the file
]
FLAG_FIELDS = ["name", "note"]
AWARD_FIELDS = ["year", "awards_per_year", "yearly_total", "basic_pass_counts"]


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _catalogue_in_database(year: int = YEAR) -> dict:
    types = {
        t["code"]: {k: _plain(v) for k, v in t.items()}
        for t in ClaimType.objects.filter(policy_year=year).values(*TYPE_FIELDS)
    }
    flags = {
        (f.claim_type.code, f.name): {"claim_type": [f.claim_type.code, year], "note": f.note}
        for f in ParameterFlag.objects.filter(claim_type__policy_year=year).select_related(
            "claim_type"
        )
    }
    awards = [
        {k: _plain(v) for k, v in row.items()}
        for row in AwardPolicy.objects.filter(year=year).values(*AWARD_FIELDS)
    ]
    return {"types": types, "flags": flags, "awards": awards}


def _catalogue_in_file(name: str = NAME) -> dict:
    entries = fixture_entries(name)
    types, flags, awards = {}, {}, []
    for entry in entries:
        fields = entry["fields"]
        if entry["model"] == "subsidies.claimtype":
            types[fields["code"]] = fields
        elif entry["model"] == "subsidies.parameterflag":
            flags[(fields["claim_type"][0], fields["name"])] = {
                "claim_type": fields["claim_type"],
                "note": fields["note"],
            }
        else:
            assert entry["model"] == "subsidies.awardpolicy"
            awards.append(fields)
    return {"types": types, "flags": flags, "awards": awards}


def _type_rows_per_key() -> list[tuple]:
    return list(ClaimType.objects.values_list("code", "policy_year"))


def test_the_file_is_readable_one_object_per_claim_type_with_everything_it_needs():
    entries = fixture_entries(NAME)
    types = [e["fields"] for e in entries if e["model"] == "subsidies.claimtype"]
    assert (
        len(types) == 13
    )  # 一贴息七补贴一减免 (1 + 7 + 1), three employee-system benefits, 稳岗返还
    assert all("pk" not in e for e in entries)  # keyed by natural keys only
    for fields in types:
        assert fields["policy_year"] == YEAR
        assert set(fields) == set(TYPE_FIELDS)
    raw = (FIXTURES_DIR / f"{NAME}.json").read_text(encoding="utf-8")
    assert "社区家庭服务中心奖补" in raw  # Chinese as written, not \\u escapes


def test_the_migrations_seed_exactly_the_file():
    """The database after every migration holds the file's catalogue: they cannot drift."""
    assert _catalogue_in_database() == _catalogue_in_file()
    assert {k.code: k.name for k in ExemptionServiceKind.objects.all()} == {
        e["fields"]["code"]: e["fields"]["name"]
        for e in fixture_entries("subsidies_exemption_service_kinds")
    }


def test_the_file_is_the_state_migrations_0001_to_0007_left_with_the_ceilings_of_0009():
    """The file was written from the catalogue the migrations before it built step by step
    (centre and station two awards, the training standard on the course kind, the social
    insurance rule, the fee exemption per household, the 待局里确认 flags). Changing the file
    changes the catalogue: then this test names the change, and a new migration (or loaddata)
    carries it to deployments."""
    ParameterFlag.objects.all().delete()
    ClaimType.objects.all().delete()
    AwardPolicy.objects.all().delete()
    ExemptionServiceKind.objects.all().delete()
    for module in (
        "0002_catalogue_2026",
        "0003_training_from_records",
        "0005_catalogue_headline_and_flags",
        "0006_rules_to_the_plan",
        "0007_fee_exemptions",
    ):
        importlib.import_module(f"subsidies.migrations.{module}").seed(apps, None)
    # Then the file changed once (0009): the typo ceilings became flagged parameters.
    for code, name, value in (
        ("loan_interest", "max_annual_rate", "0.24"),
        ("social_insurance", "max_monthly_contribution", "20000.00"),
    ):
        kind = ClaimType.objects.get(code=code, policy_year=YEAR)
        kind.parameters[name] = value
        kind.save(update_fields=["parameters"])
        note = _catalogue_in_file()["flags"][(code, name)]["note"]
        ParameterFlag.objects.create(claim_type=kind, name=name, note=note)
    assert _catalogue_in_database() == _catalogue_in_file()


def test_loaddata_twice_leaves_one_row_per_type_and_puts_edits_back():
    counts = (ClaimType.objects.count(), ParameterFlag.objects.count(), AwardPolicy.objects.count())
    health = ClaimType.objects.get(code="health_check", policy_year=YEAR)
    ClaimType.objects.filter(pk=health.pk).update(
        name="改过的名称", parameters={"unit_amount": "1.00", "subject_kind": "person"}
    )
    AwardPolicy.objects.filter(year=YEAR).update(basic_pass_counts=True)
    for _ in range(2):
        call_command("loaddata", NAME, verbosity=0)  # by name: FIXTURE_DIRS holds fixtures/
    assert (
        ClaimType.objects.count(),
        ParameterFlag.objects.count(),
        AwardPolicy.objects.count(),
    ) == counts
    keys = _type_rows_per_key()
    assert len(keys) == len(set(keys)) == ClaimType.objects.count()
    health.refresh_from_db()
    assert health.name == "健康体检费用补贴"
    assert health.parameters["unit_amount"] == "200.00"
    assert AwardPolicy.objects.get(year=YEAR).basic_pass_counts is False
    assert _catalogue_in_database() == _catalogue_in_file()


def test_loaddata_keeps_a_bureau_users_confirmation(reviewer):
    flag = ParameterFlag.objects.get(claim_type__code="health_check", name="unit_amount")
    now = timezone.now()
    ParameterFlag.objects.filter(pk=flag.pk).update(
        confirmed_value="200.00", confirmed_by=reviewer, confirmed_at=now
    )
    call_command("loaddata", NAME, verbosity=0)
    flag.refresh_from_db()
    assert (flag.confirmed_by, flag.confirmed_at, flag.confirmed) == (reviewer, now, True)


def test_a_file_with_another_figure_makes_the_confirmation_lapse(reviewer, tmp_path):
    """ "Changing the value afterwards makes it unconfirmed again" holds for a loaded file."""
    flag = ParameterFlag.objects.get(claim_type__code="health_check", name="unit_amount")
    ParameterFlag.objects.filter(pk=flag.pk).update(
        confirmed_value="200.00", confirmed_by=reviewer, confirmed_at=timezone.now()
    )
    entries = fixture_entries(NAME)
    for entry in entries:
        if entry["model"] == "subsidies.claimtype" and entry["fields"]["code"] == "health_check":
            entry["fields"]["parameters"]["unit_amount"] = "300.00"
    path = tmp_path / "claim_catalogue_2026.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    flag.refresh_from_db()
    assert flag.current_value == "300.00"
    assert flag.confirmed is False


def test_a_next_years_file_adds_that_year_and_leaves_this_one(tmp_path):
    entries = fixture_entries(NAME)
    for entry in entries:
        fields = entry["fields"]
        if "policy_year" in fields:
            fields["policy_year"] = YEAR + 1
        if "claim_type" in fields:
            fields["claim_type"] = [fields["claim_type"][0], YEAR + 1]
        if "year" in fields:
            fields["year"] = YEAR + 1
    path = tmp_path / "claim_catalogue_2027.json"
    path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    before = _catalogue_in_database()
    call_command("loaddata", str(path), verbosity=0)
    assert ClaimType.objects.filter(policy_year=YEAR + 1).count() == 13
    assert ParameterFlag.objects.filter(claim_type__policy_year=YEAR + 1).count() == 6
    assert AwardPolicy.objects.filter(year=YEAR + 1).exists()
    assert _catalogue_in_database() == before


def test_the_data_migration_upserts_the_file_and_keeps_confirmations(reviewer):
    """A deployment gets the file's catalogue: rows changed or missing are put right."""
    seed = importlib.import_module("subsidies.migrations.0008_catalogue_from_fixture").seed
    ClaimType.objects.filter(code="ui_refund").update(eligibility="registered", sort_order=99)
    ParameterFlag.objects.filter(claim_type__code="social_insurance").delete()
    AwardPolicy.objects.all().delete()
    ExemptionServiceKind.objects.filter(code="cooking").update(name="烹饪")
    flag = ParameterFlag.objects.get(claim_type__code="health_check", name="unit_amount")
    ParameterFlag.objects.filter(pk=flag.pk).update(
        confirmed_value="200.00", confirmed_by=reviewer, confirmed_at=timezone.now()
    )
    seed(apps, None)
    seed(apps, None)
    assert _catalogue_in_database() == _catalogue_in_file()
    assert ExemptionServiceKind.objects.get(code="cooking").name == "做饭"
    flag.refresh_from_db()
    assert flag.confirmed is True


@pytest.mark.parametrize(
    ("module", "model", "code"),
    [
        ("training.migrations.0005_course_kinds_from_fixture", CourseKind, "manager"),
        ("vouchers.migrations.0005_target_groups_from_fixture", TargetGroup, "model_worker"),
    ],
)
def test_course_kinds_and_target_groups_are_seeded_from_their_files(module, model, code):
    name = model.objects.get(code=code).name
    model.objects.filter(code=code).update(name="改过的名称")
    importlib.import_module(module).seed(apps, None)
    assert model.objects.get(code=code).name == name
