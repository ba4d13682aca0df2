"""The performance evaluation (绩效考评) of 2026 with its default criteria (points sum to 100)
and thresholds 90 / 80 / 60, 优秀 for at most 20 % of the agencies evaluated. Later years are
made by inspections.services.evaluations.scheme_create, which copies the latest year."""

from django.db import migrations

YEAR = 2026
# The same criteria as inspections.services.evaluations.DEFAULT_CRITERIA (a migration keeps
# its own copy: it must not change when the code does).
CRITERIA = (
    ("service_quality", "服务质量与满意度", 25, "回访满意率、服务规范执行情况"),
    ("standard_operation", "规范经营", 20, "按照“五统一”要求规范运作，证照、制度、收费公开"),
    ("employee_system", "员工制与社会保险", 20, "签订劳动合同并缴纳社会保险的从业人员比例"),
    ("training_employment", "培训与就业带动", 15, "组织培训人次、吸纳就业人数"),
    ("integrity", "诚信与投诉处理", 10, "投诉及时处理，无查实的违规"),
    ("innovation", "创新与品牌建设", 10, "服务创新、品牌创建与宣传"),
)


def seed(apps, schema_editor):
    Scheme = apps.get_model("inspections", "EvaluationScheme")
    Criterion = apps.get_model("inspections", "EvaluationCriterion")
    scheme, created = Scheme.objects.get_or_create(year=YEAR)
    if not created:
        return
    Criterion.objects.bulk_create(
        Criterion(scheme=scheme, code=code, title=title, weight=points, guidance=guide, sort_order=i)
        for i, (code, title, points, guide) in enumerate(CRITERIA, start=1)
    )


def unseed(apps, schema_editor):
    """Remove the 2026 scheme if no evaluation uses it, without Django's deletion collector
    (see 0010_default_checklists.unseed: it fails when many migrations are unapplied)."""
    Scheme = apps.get_model("inspections", "EvaluationScheme")
    Criterion = apps.get_model("inspections", "EvaluationCriterion")
    ids = list(
        Scheme.objects.filter(year=YEAR, evaluations__isnull=True).values_list("pk", flat=True)
    )
    Criterion.objects.filter(scheme_id__in=ids)._raw_delete(Criterion.objects.db)
    Scheme.objects.filter(pk__in=ids)._raw_delete(Scheme.objects.db)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0040_spot_check_population")]

    operations = [migrations.RunPython(seed, unseed)]
