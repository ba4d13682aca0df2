"""The claim catalogue of policy year 2026 is read from a fixture file (issue 9: "Keep the
reference data that the bureau edits per year (… the claim catalogue of a policy year) as
fixture files there, loaded by the data migrations and by loaddata, so a year's catalogue can
be read and compared as a file").

fixtures/claim_catalogue_2026.json was written from the state after 0001-0007 (claim types,
the parameters flagged 待局里确认, the award settings); the list of services the fee exemption
covers is fixtures/subsidies_exemption_service_kinds.json. This migration upserts both by
natural key, so a deployment gets the files' catalogue; ``manage.py loaddata
claim_catalogue_2026`` updates the same rows in place."""

from django.db import migrations

from kunqu_jiafu.reference_data import seed_catalogue, seed_fixture


def seed(apps, schema_editor):
    """Idempotent: tests/conftest.py re-runs it after a flush."""
    seed_fixture(apps, "subsidies_exemption_service_kinds")
    seed_catalogue(apps, "claim_catalogue_2026")


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0007_fee_exemptions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
