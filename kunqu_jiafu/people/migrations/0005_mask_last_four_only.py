"""Stored masks show only the last four characters (DOMAIN.md): 1502**********123X becomes
**************123X. The mask is rebuilt from its own last four characters, so no key is
needed to run this."""

from django.db import migrations


def remask(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    changed = []
    for person in Person.objects.only("pk", "id_masked").iterator(chunk_size=2000):
        masked = person.id_masked or ""
        if len(masked) > 4 and masked[:-4].strip("*"):
            person.id_masked = "*" * (len(masked) - 4) + masked[-4:]
            changed.append(person)
        if len(changed) >= 2000:
            Person.objects.bulk_update(changed, ["id_masked"])
            changed = []
    if changed:
        Person.objects.bulk_update(changed, ["id_masked"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_person_graduated_on"),
    ]

    operations = [
        migrations.RunPython(remask, migrations.RunPython.noop),
    ]
