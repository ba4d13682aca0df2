"""Issue 11, "Full ID numbers can be rebuilt": the birth date and sex columns go (both are digits
of the encrypted ID number and are derived from it when needed), and the phone number is
encrypted at rest with the ID numbers' keys. Existing phone numbers are encrypted here, so
the keys (PERSON_ID_KEYS) must be the deployment's own when this runs."""

import datetime as dt

from django.db import migrations, models

import kunqu_jiafu.people.fields


def encrypt_phones(apps, schema_editor):
    from kunqu_jiafu.people import crypto

    _rewrite(apps, crypto.encrypt)


def decrypt_phones(apps, schema_editor):
    from kunqu_jiafu.people import crypto

    _rewrite(apps, crypto.decrypt)


def _rewrite(apps, transform):
    # Runs while the column is a plain text field, so values are read and written as stored.
    Person = apps.get_model("people", "Person")
    changed = []
    for person in Person.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        person.phone = transform(person.phone)
        changed.append(person)
        if len(changed) >= 2000:
            Person.objects.bulk_update(changed, ["phone"])
            changed = []
    if changed:
        Person.objects.bulk_update(changed, ["phone"])


def refill_birth_date_and_sex(apps, schema_editor):
    # Backwards only: the old columns are rebuilt from the decrypted numbers.
    from kunqu_jiafu.people import crypto

    Person = apps.get_model("people", "Person")
    changed = []
    for person in Person.objects.only("pk", "id_encrypted").iterator(chunk_size=2000):
        number = crypto.decrypt(person.id_encrypted)
        person.birth_date = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        person.sex = "M" if int(number[16]) % 2 else "F"
        changed.append(person)
    Person.objects.bulk_update(changed, ["birth_date", "sex"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_mask_last_four_only"),
    ]

    operations = [
        # Nullable first, so that rolling back can add the columns again and refill them.
        migrations.AlterField(
            model_name="person",
            name="birth_date",
            field=models.DateField(editable=False, null=True, verbose_name="birth date"),
        ),
        migrations.AlterField(
            model_name="person",
            name="sex",
            field=models.CharField(
                choices=[("M", "male"), ("F", "female")],
                editable=False,
                max_length=1,
                null=True,
                verbose_name="sex",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, refill_birth_date_and_sex),
        migrations.RemoveField(model_name="person", name="birth_date"),
        migrations.RemoveField(model_name="person", name="sex"),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=models.TextField(blank=True, max_length=20, verbose_name="phone"),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=kunqu_jiafu.people.fields.EncryptedTextField(
                blank=True, max_length=20, verbose_name="phone"
            ),
        ),
    ]
