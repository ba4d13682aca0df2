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
