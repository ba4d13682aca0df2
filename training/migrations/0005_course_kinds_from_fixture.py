"""Course kinds are read from fixtures/training_course_kinds.json (issue 9: the reference data
the bureau edits per year kept as fixture files, "loaded by the data migrations and by
loaddata"). 0002 and 0004 stay as the record of what was first seeded; this migration upserts
the file's kinds by code (name, manager training, standard, order, in use), so a deployment
gets the file's list. A standard's confirmation (who, when) is not in the file and stays."""

from django.db import migrations

from kunqu_jiafu.reference_data import seed_fixture


def seed(apps, schema_editor):
    """Idempotent: tests/conftest.py re-runs it after a flush."""
    seed_fixture(apps, "training_course_kinds")


class Migration(migrations.Migration):
    dependencies = [("training", "0004_course_kind_standard")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
