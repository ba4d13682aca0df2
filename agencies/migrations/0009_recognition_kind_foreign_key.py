import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Recognition.kind becomes a foreign key to RecognitionKind by its code: the stored
    values stay as they are (the column is renamed kind_id), fixtures keep naming codes."""

    dependencies = [
        ("agencies", "0008_recognition_kinds_for_stored_codes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="recognition",
            options={
                "ordering": ["-year", "agency_id", "kind_id"],
                "verbose_name": "recognition",
                "verbose_name_plural": "recognitions",
            },
        ),
        migrations.AlterField(
            model_name="recognition",
            name="kind",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="recognitions",
                to="agencies.recognitionkind",
                to_field="code",
                verbose_name="recognition",
            ),
        ),
    ]
