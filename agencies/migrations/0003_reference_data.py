from django.db import migrations

from kunqu_jiafu.reference_data import seed_fixture

STREETS = [
    ("150203001", "少先路街道"), ("150203003", "沼潭街道"), ("150203004", "林荫路街道"),
    ("150203005", "友谊大街街道"), ("150203006", "阿尔丁大街街道"), ("150203007", "团结大街街道"),
    ("150203008", "鞍山道街道"), ("150203009", "前进道街道"), ("150203010", "市府东路街道"),
    ("150203011", "白云路街道"), ("150203012", "黄河西路街道"), ("150203013", "昆工路街道"),
    ("150203014", "昆北街道"), ("150203100", "昆河镇"), ("150203102", "卜尔汉图镇"),
]
FORMATS = [
    ("housekeeping", "家政服务", True), ("eldercare", "养老服务", True),
    ("community_care", "社区照料服务", True), ("patient_care", "病患陪护服务", True),
    ("maternity", "母婴护理", False), ("family_education", "家庭教育", False), ("other", "其他", False),
]


def seed(apps, schema_editor):
    # The lists the bureau edits live in fixtures/ (the same rows as STREETS and FORMATS above,
    # kept here as the record of what this migration first seeded).
    seed_fixture(apps, "agencies_streets")
    seed_fixture(apps, "agencies_business_formats")
    AgencyPolicy = apps.get_model("agencies", "AgencyPolicy")
    AgencyPolicy.objects.get_or_create(year=2026)


def unseed(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_initial")]
    operations = [migrations.RunPython(seed, unseed)]
