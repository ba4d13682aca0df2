"""Each enrolment gets its own key (the roster export carries it where the reader may not see
full ID numbers, and the roster import accepts it back), and the trainee's street."""

import django.db.models.deletion
from django.db import migrations, models

import training.models


def fill_keys(apps, schema_editor):
    Enrolment = apps.get_model("training", "Enrolment")
    used = set()
    for enrolment in Enrolment.objects.only("pk").iterator():
        key = training.models.new_enrolment_key()
        while key in used:
            key = training.models.new_enrolment_key()
        used.add(key)
        Enrolment.objects.filter(pk=enrolment.pk).update(key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("training", "0002_seed"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="key",
            field=models.CharField(
                editable=False, max_length=12, null=True, verbose_name="enrolment key"
            ),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="enrolment",
            name="key",
            field=models.CharField(
                default=training.models.new_enrolment_key,
                editable=False,
                help_text="The enrolment's reference on exported rosters, accepted back on import.",
                max_length=12,
                unique=True,
                verbose_name="enrolment key",
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="street",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.street",
                verbose_name="trainee's street or town",
            ),
        ),
    ]
