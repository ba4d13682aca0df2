"""Training and certification subsidies take their figures from the provider's records."""

from django.db import migrations

CODES = ("training_subsidy", "certification_subsidy")


def forwards(apps, schema_editor):
    ClaimType = apps.get_model("subsidies", "ClaimType")
    ClaimType.objects.filter(code__in=CODES, calculator="per_head").update(
        calculator="per_enrolment"
    )


def backwards(apps, schema_editor):
    ClaimType = apps.get_model("subsidies", "ClaimType")
    ClaimType.objects.filter(code__in=CODES, calculator="per_enrolment").update(
        calculator="per_head"
    )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0002_catalogue_2026")]
    operations = [migrations.RunPython(forwards, backwards)]


# Idempotent: tests/conftest.py re-runs it after a flush, after 0002's seed.
seed = forwards
