"""Claim subjects point at their records (issue 10): a person and month, an enrolment, a
certificate's enrolment, a fee exemption or an agency's order number, in columns of their own.
This step adds the columns and drops the rule on the text key; 0011 fills the columns from the
keys and 0012 drops the keys and holds the "once" rule per kind."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("people", "0005_mask_last_four_only"),
        ("training", "0006_signup_name_given"),
        ("subsidies", "0009_typo_ceilings_as_parameters"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="claimsubject", name="subject_subsidised_once"),
        migrations.AddField(
            model_name="claimsubject",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.person",
                verbose_name="person",
            ),
        ),
        migrations.AddField(
            model_name="claimsubject",
            name="month",
            field=models.DateField(blank=True, null=True, verbose_name="month"),
        ),
        migrations.AddField(
            model_name="claimsubject",
            name="enrolment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="training.enrolment",
                verbose_name="training enrolment",
            ),
        ),
        migrations.AddField(
            model_name="claimsubject",
            name="certificate",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="training.enrolment",
                verbose_name="certificate",
            ),
        ),
        migrations.AddField(
            model_name="claimsubject",
            name="fee_exemption",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="subject",
                to="subsidies.feeexemption",
                verbose_name="fee exemption",
            ),
        ),
        migrations.AddField(
            model_name="claimsubject",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddField(
            model_name="claimsubject",
            name="order_number",
            field=models.CharField(blank=True, max_length=60, verbose_name="order number"),
        ),
    ]
