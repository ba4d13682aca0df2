from django.db import migrations


def keep_stored_codes(apps, schema_editor):
    """Every code a recognition holds gets a kind before 0009 makes the code a foreign key
    (a kind deleted since it was granted comes back out of use, named by its code), so the
    constraint never meets an orphan and no recognition is lost."""
    Recognition = apps.get_model("agencies", "Recognition")
    RecognitionKind = apps.get_model("agencies", "RecognitionKind")
    stored = set(Recognition.objects.values_list("kind", flat=True).distinct())
    known = set(RecognitionKind.objects.values_list("code", flat=True))
    taken = set(RecognitionKind.objects.values_list("name", flat=True))
    for code in sorted(stored - known):
        name = code if code not in taken else f"{code}（{code}）"
        RecognitionKind.objects.create(code=code, name=name[:50], sort_order=99, active=False)
        taken.add(name)


class Migration(migrations.Migration):
    # Its own migration (transaction) before the schema change: PostgreSQL will not alter a
    # table in a transaction that still has pending constraint checks.

    dependencies = [
        ("agencies", "0007_recognition_kinds"),
    ]

    operations = [
        migrations.RunPython(keep_stored_codes, migrations.RunPython.noop),
    ]
