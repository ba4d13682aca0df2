"""Issue 11: an application's phone number and address are encrypted at rest (the ID numbers'
keys). Existing rows are encrypted here, so PERSON_ID_KEYS must be the deployment's own when
this runs. The household key (a blind index of head's ID and address) is unchanged."""

from django.db import migrations, models

import kunqu_jiafu.people.fields

FIELDS = ("phone", "address")


def _rewrite(apps, transform):
    Application = apps.get_model("vouchers", "Application")
    changed = []
    for application in Application.objects.only("pk", *FIELDS).iterator(chunk_size=2000):
        for name in FIELDS:
            value = getattr(application, name)
            if value:
                setattr(application, name, transform(value))
        changed.append(application)
        if len(changed) >= 2000:
            Application.objects.bulk_update(changed, FIELDS)
            changed = []
    if changed:
        Application.objects.bulk_update(changed, FIELDS)


def encrypt_contacts(apps, schema_editor):
    from kunqu_jiafu.people import crypto

    _rewrite(apps, crypto.encrypt)


def decrypt_contacts(apps, schema_editor):
    from kunqu_jiafu.people import crypto

    _rewrite(apps, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0006_application_name_given"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="phone",
            field=models.TextField(max_length=20, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="application",
            name="address",
            field=models.TextField(max_length=200, verbose_name="address"),
        ),
        migrations.RunPython(encrypt_contacts, decrypt_contacts),
        migrations.AlterField(
            model_name="application",
            name="phone",
            field=kunqu_jiafu.people.fields.EncryptedTextField(max_length=20, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="application",
            name="address",
            field=kunqu_jiafu.people.fields.EncryptedTextField(
                max_length=200, verbose_name="address"
            ),
        ),
    ]
