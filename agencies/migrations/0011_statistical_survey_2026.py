"""The 2026 statistical survey form (年度统计调查), as data the bureau may change in the admin
until the first return is submitted."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

YEAR = 2026

# code, label, unit, kind, required, min, max, by format, prefill, help text
INDICATORS = [
    ("revenue", "营业收入", "万元", "decimal", True, 0, None, False, "", "全年主营业务收入"),
    (
        "workers_by_format",
        "从业人员数",
        "人",
        "integer",
        True,
        0,
        None,
        True,
        "",
        "年末在岗人数，按业态分列",
    ),
    (
        "workers_labour",
        "签订劳动合同的从业人员",
        "人",
        "integer",
        True,
        0,
        None,
        False,
        "workers_labour",
        "",
    ),
    (
        "workers_service",
        "签订服务协议的从业人员",
        "人",
        "integer",
        True,
        0,
        None,
        False,
        "workers_service",
        "",
    ),
    (
        "workers_insured",
        "参加社会保险的从业人员",
        "人",
        "integer",
        True,
        0,
        None,
        False,
        "workers_insured",
        "",
    ),
    (
        "households_served",
        "服务家庭户数",
        "户",
        "integer",
        True,
        0,
        None,
        True,
        "",
        "全年服务的家庭户数，按业态分列",
    ),
    (
        "service_hours",
        "服务时长",
        "小时",
        "integer",
        True,
        0,
        None,
        True,
        "",
        "全年服务总时长，按业态分列",
    ),
    ("new_hires", "新招用人员", "人", "integer", True, 0, None, False, "new_hires", ""),
    (
        "hard_to_employ_hired",
        "新招用就业困难人员",
        "人",
        "integer",
        True,
        0,
        None,
        False,
        "hard_to_employ_hired",
        "",
    ),
    (
        "workers_trained",
        "参加培训的从业人员",
        "人",
        "integer",
        True,
        0,
        None,
        False,
        "",
        "全年参加各类培训的人数",
    ),
    (
        "price_cleaning",
        "日常保洁服务价格",
        "元/小时",
        "decimal",
        False,
        0,
        1000,
        False,
        "",
        "不提供此项服务的可不填",
    ),
    (
        "price_nanny",
        "住家保姆服务价格",
        "元/月",
        "decimal",
        False,
        0,
        100000,
        False,
        "",
        "不提供此项服务的可不填",
    ),
    (
        "price_maternity",
        "月嫂服务价格",
        "元/月",
        "decimal",
        False,
        0,
        100000,
        False,
        "",
        "不提供此项服务的可不填",
    ),
    (
        "price_eldercare",
        "居家养老护理价格",
        "元/小时",
        "decimal",
        False,
        0,
        1000,
        False,
        "",
        "不提供此项服务的可不填",
    ),
]


def seed(apps, schema_editor):
    Form = apps.get_model("agencies", "SurveyForm")
    Indicator = apps.get_model("agencies", "SurveyIndicator")
    form, created = Form.objects.get_or_create(
        year=YEAR,
        defaults={
            "title": "2026年度昆都仑区家庭服务业统计调查",
            "opens_on": dt.date(2026, 12, 1),
            "closes_on": dt.date(2027, 2, 28),
            "tolerance_percent": Decimal("10"),
            "instructions": "请如实填报本机构2026年度数据；与系统已有数据差异较大的，请说明原因。",
        },
    )
    if not created:
        return
    Indicator.objects.bulk_create(
        Indicator(
            form=form,
            code=code,
            label=label,
            unit=unit,
            kind=kind,
            required=required,
            min_value=low,
            max_value=high,
            by_format=by_format,
            prefill=prefill,
            help_text=help_text,
            sort_order=order,
        )
        for order, (
            code,
            label,
            unit,
            kind,
            required,
            low,
            high,
            by_format,
            prefill,
            help_text,
        ) in enumerate(INDICATORS, 1)
    )


def unseed(apps, schema_editor):
    """Remove the seeded form if no agency has a return on it. Plain deletes, without the
    deletion collector (its related-object queries mix historical model states when many
    migrations are unapplied at once)."""
    Form = apps.get_model("agencies", "SurveyForm")
    Indicator = apps.get_model("agencies", "SurveyIndicator")
    Return = apps.get_model("agencies", "SurveyReturn")
    Reminder = apps.get_model("agencies", "SurveyReminder")
    ids = list(
        Form.objects.filter(year=YEAR)
        .exclude(pk__in=Return.objects.values("form_id"))
        .values_list("pk", flat=True)
    )
    Reminder.objects.filter(form_id__in=ids)._raw_delete(Reminder.objects.db)
    Indicator.objects.filter(form_id__in=ids)._raw_delete(Indicator.objects.db)
    Form.objects.filter(pk__in=ids)._raw_delete(Form.objects.db)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0010_statistical_survey")]

    operations = [migrations.RunPython(seed, unseed)]
