from django.db import migrations

KINDS = [
    ("pre_job", "岗前培训", False), ("skill_up", "技能提升", False), ("women", "巾帼家政专项", False),
    ("manager", "家政经理人", True), ("family_education", "家庭教育", False), ("family_health", "家庭保健", False),
    ("cooking_tea", "烹饪茶艺", False), ("consulting", "咨询服务", False),
    ("community_service", "社区家庭服务", False), ("new_formats", "新业态", False),
]


def seed(apps, schema_editor):
    CourseKind = apps.get_model("training", "CourseKind")
    TrainingTarget = apps.get_model("training", "TrainingTarget")
    for order, (code, name, manager) in enumerate(KINDS, 1):
        CourseKind.objects.get_or_create(
            code=code, defaults={"name": name, "is_manager_training": manager, "sort_order": order}
        )
    TrainingTarget.objects.get_or_create(year=2026, defaults={"people": 2000})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
