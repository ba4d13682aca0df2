"""Issue 11: a sign-up's phone number is encrypted at rest (the ID numbers' keys) and found by a
keyed blind index. Existing rows are encrypted and indexed here, so PERSON_ID_KEYS and
PERSON_ID_HASH_KEY must be the deployment's own when this runs."""

from django.db import migrations, models

import kunqu_jiafu.people.fields


def encrypt_phones(apps, schema_editor):
    from kunqu_jiafu.people import crypto
    from kunqu_jiafu.people.fields import contact_index

    Signup = apps.get_model("training", "TrainingSignup")
    changed = []
    for signup in Signup.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        signup.phone_index = contact_index("phone", signup.phone)
        signup.phone = crypto.encrypt(signup.phone)
        changed.append(signup)
        if len(changed) >= 2000:
            Signup.objects.bulk_update(changed, ["phone", "phone_index"])
            changed = []
    if changed:
        Signup.objects.bulk_update(changed, ["phone", "phone_index"])


def decrypt_phones(apps, schema_editor):
    from kunqu_jiafu.people import crypto

    Signup = apps.get_model("training", "TrainingSignup")
    changed = []
    for signup in Signup.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
        signup.phone = crypto.decrypt(signup.phone)
        changed.append(signup)
    Signup.objects.bulk_update(changed, ["phone"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0006_signup_name_given"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingsignup",
            name="phone_index",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=64,
                verbose_name="phone blind index",
            ),
        ),
        migrations.AlterField(
            model_name="trainingsignup",
            name="phone",
            field=models.TextField(max_length=20, verbose_name="phone"),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones),
        migrations.AlterField(
            model_name="trainingsignup",
            name="phone",
            field=kunqu_jiafu.people.fields.EncryptedTextField(max_length=20, verbose_name="phone"),
        ),
    ]
