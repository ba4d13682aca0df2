import datetime as dt
from decimal import Decimal

from django.db import migrations

GROUPS = [
    ("unemployed", "城镇失业人员", "在本区办理失业登记的城镇居民", "就业失业登记证或失业登记证明"),
    ("hard_to_employ", "就业困难人员", "经认定的就业困难人员", "就业困难人员认定证明"),
    ("model_worker", "劳动模范", "各级劳动模范及先进工作者", "劳动模范证书"),
]


def seed(apps, schema_editor):
    TargetGroup = apps.get_model("vouchers", "TargetGroup")
    VoucherBatch = apps.get_model("vouchers", "VoucherBatch")
    for order, (code, name, description, evidence) in enumerate(GROUPS, 1):
        TargetGroup.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "evidence_hint": evidence,
                "sort_order": order,
            },
        )
    VoucherBatch.objects.get_or_create(
        year=2026,
        name="促进就业券",
        defaults={
            "count": 5000,
            "face_value": Decimal("200.00"),
            "total": Decimal("1000000.00"),
            "applications_open_on": dt.date(2026, 1, 1),
            "applications_close_on": dt.date(2026, 12, 31),
            "valid_from": dt.date(2026, 1, 1),
            "valid_until": dt.date(2027, 6, 30),
            "status": "open",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
