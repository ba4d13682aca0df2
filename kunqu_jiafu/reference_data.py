"""Reference data the bureau edits per year lives as fixture files in ``fixtures/`` (Django's
JSON fixture format, rows keyed by their natural key, no primary keys), so a year's lists
can be read and compared as files. Data migrations seed from them with ``seed_fixture``;
``manage.py loaddata fixtures/<name>.json`` updates the same rows in place."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_entries(name: str) -> list[dict]:
    """The entries of ``fixtures/<name>.json`` (each with "model" and "fields")."""
    with open(FIXTURES_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def seed_fixture(apps, name: str, key: str = "code") -> int:
    """Create or update each row of the fixture by its key, with the migration's historical
    models (``apps``); only plain fields (no relations). Returns the number of rows."""
    entries = fixture_entries(name)
    for entry in entries:
        model = apps.get_model(entry["model"])
        fields = dict(entry["fields"])
        model.objects.update_or_create(**{key: fields.pop(key)}, defaults=fields)
    return len(entries)


def seed_catalogue(apps, name: str) -> int:
    """Create or update a year's claim catalogue (``fixtures/claim_catalogue_<year>.json``) by
    its natural keys, with the migration's historical models: claim types by code and policy
    year, parameter flags (待局里确认) by claim type and parameter, award settings by year.
    Only the file's fields are written: a flag's confirmation (who, when, which value) is the
    bureau's record and stays. Returns the number of rows."""
    ClaimType = apps.get_model("subsidies", "ClaimType")
    ParameterFlag = apps.get_model("subsidies", "ParameterFlag")
    AwardPolicy = apps.get_model("subsidies", "AwardPolicy")
    entries = fixture_entries(name)
    for entry in entries:
        fields = dict(entry["fields"])
        if entry["model"] == "subsidies.claimtype":
            ClaimType.objects.update_or_create(
                code=fields.pop("code"), policy_year=fields.pop("policy_year"), defaults=fields
            )
        elif entry["model"] == "subsidies.parameterflag":
            code, year = fields.pop("claim_type")
            ParameterFlag.objects.update_or_create(
                claim_type=ClaimType.objects.get(code=code, policy_year=year),
                name=fields.pop("name"),
                defaults=fields,
            )
        elif entry["model"] == "subsidies.awardpolicy":
            AwardPolicy.objects.update_or_create(year=fields.pop("year"), defaults=fields)
        else:
            raise ValueError(f"{name}: unexpected model {entry['model']}")
    return len(entries)
