"""居民家庭服务费用减免 per household (issue 9): the bureau's list of covered services
("适当调整和增加服务项目"), one row per exemption (household head's ID encrypted with a blind index,
address encrypted, street, date, service kind, worker), the same household, day and kind once on
live rows, and the fee_exemption type computed from the listed exemptions (50 元 each) with a
yearly number per household (a placeholder: the plan gives no figure, so it is flagged
待局里确认)."""

import django.db.models.deletion
from django.db import migrations, models

# code, name, what it covers
SERVICE_KINDS = [
    ("cleaning", "家庭保洁", "日常保洁、深度保洁、开荒保洁"),
    ("appliance_cleaning", "家电清洗", "油烟机、空调、洗衣机等家电清洗"),
    ("cooking", "做饭", "上门做饭、家庭餐制作"),
    ("laundry", "衣物洗护", "衣物、床品洗涤熨烫"),
    ("elderly_care", "居家养老照料", "老年人生活照料、助浴、助餐"),
    ("patient_care", "病患陪护", "居家或住院病患陪护"),
    ("maternity_care", "母婴照护", "产妇和新生儿护理"),
    ("childcare", "育儿照看", "婴幼儿看护、接送"),
    ("home_repair", "家居维修", "水电、管道疏通、门窗等小修"),
]
FEE_EXEMPTION = {"calculator": "per_exemption"}
PER_HOUSEHOLD_PER_YEAR = 12
FLAG_NOTE = "规划未给出每户每年可享受减免的次数，现为占位数"


def seed(apps, schema_editor):
    """Idempotent: tests/conftest.py re-runs it after a flush, after 0002's seed."""
    Kind = apps.get_model("subsidies", "ExemptionServiceKind")
    ClaimType = apps.get_model("subsidies", "ClaimType")
    ParameterFlag = apps.get_model("subsidies", "ParameterFlag")
    for order, (code, name, description) in enumerate(SERVICE_KINDS, 1):
        Kind.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )
    for claim_type in ClaimType.objects.filter(code="fee_exemption", calculator="fixed_per_unit"):
        params = dict(claim_type.parameters or {})
        params.setdefault("per_household_per_year", PER_HOUSEHOLD_PER_YEAR)
        params["subject_kind"] = "order"
        claim_type.calculator = FEE_EXEMPTION["calculator"]
        claim_type.parameters = params
        claim_type.save(update_fields=["calculator", "parameters"])
        ParameterFlag.objects.get_or_create(
            claim_type=claim_type, name="per_household_per_year", defaults={"note": FLAG_NOTE}
        )


def unseed(apps, schema_editor):
    ClaimType = apps.get_model("subsidies", "ClaimType")
    for claim_type in ClaimType.objects.filter(code="fee_exemption", calculator="per_exemption"):
        params = dict(claim_type.parameters or {})
        params.pop("per_household_per_year", None)
        claim_type.calculator = "fixed_per_unit"
        claim_type.parameters = params
        claim_type.save(update_fields=["calculator", "parameters"])


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("subsidies", "0006_rules_to_the_plan"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExemptionServiceKind",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=30, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=50, unique=True, verbose_name="name")),
                (
                    "description",
                    models.CharField(blank=True, max_length=200, verbose_name="what it covers"),
                ),
                ("active", models.BooleanField(default=True, verbose_name="covered")),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "covered household service",
                "verbose_name_plural": "covered household services",
                "ordering": ["sort_order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="FeeExemption",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "head_id_encrypted",
                    models.TextField(verbose_name="household head's ID number (encrypted)"),
                ),
                (
                    "head_id_hash",
                    models.CharField(max_length=64, verbose_name="household head's ID blind index"),
                ),
                ("address_encrypted", models.TextField(verbose_name="address (encrypted)")),
                ("service_date", models.DateField(verbose_name="service date")),
                ("live", models.BooleanField(default=True, verbose_name="counts")),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fee_exemptions",
                        to="subsidies.claim",
                        verbose_name="claim",
                    ),
                ),
                (
                    "service_kind",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="exemptions",
                        to="subsidies.exemptionservicekind",
                        verbose_name="service kind",
                    ),
                ),
                (
                    "street",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="agencies.street",
                        verbose_name="street or town",
                    ),
                ),
                (
                    "worker",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fee_exemptions",
                        to="agencies.worker",
                        verbose_name="worker",
                    ),
                ),
            ],
            options={
                "verbose_name": "fee exemption",
                "verbose_name_plural": "fee exemptions",
                "ordering": ["service_date", "pk"],
                "indexes": [
                    models.Index(
                        fields=["head_id_hash", "service_date"],
                        name="subsidies_f_head_id_9261c6_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("live", True)),
                        fields=("head_id_hash", "service_date", "service_kind"),
                        name="feeexemption_household_day_kind_once",
                    )
                ],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
