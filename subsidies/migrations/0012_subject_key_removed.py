"""The text key goes; each kind of subject is subsidised once per claim type by a constraint
on its own columns, and a check that a subject names exactly the record of its kind."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0011_subjects_from_keys")]

    operations = [
        migrations.RemoveField(model_name="claimsubject", name="key"),
        migrations.AddConstraint(
            model_name="claimsubject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("agency__isnull", True),
                        ("certificate__isnull", True),
                        ("enrolment__isnull", True),
                        ("fee_exemption__isnull", True),
                        ("kind", "person"),
                        ("month__isnull", False),
                        ("order_number", ""),
                        ("person__isnull", False),
                    ),
                    models.Q(
                        ("agency__isnull", True),
                        ("certificate__isnull", True),
                        ("enrolment__isnull", False),
                        ("fee_exemption__isnull", True),
                        ("kind", "enrolment"),
                        ("month__isnull", True),
                        ("order_number", ""),
                        ("person__isnull", True),
                    ),
                    models.Q(
                        ("agency__isnull", True),
                        ("certificate__isnull", False),
                        ("enrolment__isnull", True),
                        ("fee_exemption__isnull", True),
                        ("kind", "certificate"),
                        ("month__isnull", True),
                        ("order_number", ""),
                        ("person__isnull", True),
                    ),
                    models.Q(
                        ("agency__isnull", True),
                        ("certificate__isnull", True),
                        ("enrolment__isnull", True),
                        ("fee_exemption__isnull", False),
                        ("kind", "order"),
                        ("month__isnull", True),
                        ("order_number", ""),
                        ("person__isnull", True),
                    ),
                    models.Q(
                        ("agency__isnull", False),
                        ("certificate__isnull", True),
                        ("enrolment__isnull", True),
                        ("fee_exemption__isnull", True),
                        ("kind", "order"),
                        ("month__isnull", True),
                        ("person__isnull", True),
                        models.Q(("order_number", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="subject_names_its_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimsubject",
            constraint=models.UniqueConstraint(
                condition=models.Q(("live", True), ("person__isnull", False)),
                fields=("claim_type", "person", "month"),
                name="subject_person_month_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimsubject",
            constraint=models.UniqueConstraint(
                condition=models.Q(("enrolment__isnull", False), ("live", True)),
                fields=("claim_type", "enrolment"),
                name="subject_enrolment_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimsubject",
            constraint=models.UniqueConstraint(
                condition=models.Q(("certificate__isnull", False), ("live", True)),
                fields=("claim_type", "certificate"),
                name="subject_certificate_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimsubject",
            constraint=models.UniqueConstraint(
                condition=models.Q(("agency__isnull", False), ("live", True)),
                fields=("claim_type", "agency", "order_number"),
                name="subject_order_once",
            ),
        ),
    ]
