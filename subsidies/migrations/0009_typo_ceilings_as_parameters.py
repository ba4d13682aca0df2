"""The 24% loan-rate ceiling and the 20,000 yuan per worker-month ceiling were code constants;
they become parameters of their claim types (``max_annual_rate`` of 创业担保贷款贴息,
``max_monthly_contribution`` of 社会保险补贴), flagged 待局里确认 like the other figures the
plan never gave (issue 9). Written to fixtures/claim_catalogue_2026.json and upserted from it."""

from django.db import migrations

from kunqu_jiafu.reference_data import seed_catalogue


def seed(apps, schema_editor):
    """Idempotent: tests/conftest.py re-runs it after a flush."""
    seed_catalogue(apps, "claim_catalogue_2026")


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0008_catalogue_from_fixture")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
