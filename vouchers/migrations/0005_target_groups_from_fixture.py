"""Target groups are read from fixtures/vouchers_target_groups.json (issue 9: the reference data
the bureau edits per year kept as fixture files, "loaded by the data migrations and by
loaddata"). 0002 stays as the record of what was first seeded (and seeds the 2026 batch, which
is not reference data); this migration upserts the file's groups by code, so a deployment
gets the file's list."""

from django.db import migrations

from kunqu_jiafu.reference_data import seed_fixture


def seed(apps, schema_editor):
    """Idempotent: tests/conftest.py re-runs it after a flush."""
    seed_fixture(apps, "vouchers_target_groups")


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0004_one_voucher_per_household")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
