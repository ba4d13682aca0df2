from django.db import migrations, models

# 三员分立: the system, security and audit administrators, beside the business roles.
ADMINISTRATION_ROLES = ("系统管理员", "安全管理员", "审计管理员")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ADMINISTRATION_ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ADMINISTRATION_ROLES).delete()


class Migration(migrations.Migration):
    # 0003 is another change's; this one needs only the role groups of 0002.
    dependencies = [("accounts", "0003_password_rules")]

    operations = [
        migrations.CreateModel(
            name="AppliedRolePermission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("role", models.CharField(max_length=150, verbose_name="role")),
                ("app_label", models.CharField(max_length=100, verbose_name="app")),
                ("codename", models.CharField(max_length=100, verbose_name="permission")),
                ("applied_at", models.DateTimeField(auto_now_add=True, verbose_name="applied at")),
            ],
            options={
                "verbose_name": "role permission applied",
                "verbose_name_plural": "role permissions applied",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("role", "app_label", "codename"), name="role_permission_applied_once"
                    )
                ],
            },
        ),
        migrations.RunPython(create_groups, remove_groups),
    ]
