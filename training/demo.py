"""Demo training data for ``manage.py load_demo`` (idempotent): two courses of agency A, one
finished with completed trainees and certificates, one running, and a few public sign-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext
from stdnum.cn import ric

from agencies import selectors as agency_selectors
from kunqu_jiafu.people.fields import contact_index

from . import services
from .models import Course, CourseKind, TrainingSignup

# Demo data (names of people and courses, as a resident or provider would type them).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂兰", "玉梅", "淑珍", "红霞", "丽娟", "春燕", "美玲", "海燕", "建华"]
FINISHED = "2026年第一期家政服务员岗前培训"
RUNNING = "2026年养老护理员技能提升班"


def _id(n: int) -> str:
    body = f"150203{1970 + n % 30}{1 + n % 12:02d}{1 + n % 27:02d}{300 + n * 2:03d}"
    return body + ric.calc_check_digit(body + "0")


def load(*, password: str, stdout) -> None:  # noqa: ARG001 - same hook signature
    membership = agency_selectors.memberships_by_username(["agency_a"]).get("agency_a")
    if membership is None or Course.objects.filter(name=FINISHED).exists():
        return
    user, agency = membership.user, membership.agency
    finished = services.course_create(
        actor=user,
        provider=agency,
        data={
            "name": FINISHED,
            "kind": CourseKind.objects.get(code="pre_job"),
            "starts_on": dt.date(2026, 3, 2),
            "ends_on": dt.date(2026, 3, 27),
            "class_hours": 80,
            "capacity": 40,
            "subsidy_standard": Decimal("1200.00"),
            "policy_year": 2026,
            "status": Course.Status.FINISHED,
        },
    )
    for n in range(30):
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)]
        enrolment = services.enrol(
            actor=user,
            course=finished,
            id_number=_id(n),
            name=name,
            flags={"is_unemployed": n % 3 == 0, "is_hard_to_employ": n % 5 == 0},
        )
        if n < 26:
            passed = n < 20
            services.enrolment_record(
                actor=user,
                enrolment=enrolment,
                data={
                    "attended_hours": 80,
                    "completed": True,
                    "completed_on": dt.date(2026, 3, 27),
                    "exam": "passed" if passed else "failed",
                    "certificate_number": f"JZ2026{n + 1:04d}" if passed else "",
                    "skill_level": "五级" if passed else "",
                    "certified_on": dt.date(2026, 4, 15) if passed else None,
                },
            )
    running = services.course_create(
        actor=user,
        provider=agency,
        data={
            "name": RUNNING,
            "kind": CourseKind.objects.get(code="skill_up"),
            "starts_on": dt.date(2026, 11, 2),
            "ends_on": dt.date(2026, 12, 18),
            "class_hours": 60,
            "capacity": 30,
            "subsidy_standard": Decimal("1500.00"),
            "policy_year": 2026,
            "status": Course.Status.RUNNING,
        },
    )
    for n in range(40, 52):
        services.enrol(
            actor=user,
            course=running,
            id_number=_id(n),
            name=SURNAMES[n % len(SURNAMES)] + GIVEN[(n + 3) % len(GIVEN)],
        )
    _signups()
    stdout.write(
        gettext("Demo training: %(courses)s courses, 26 people completed.")
        % {"courses": Course.objects.count()}
    )


def _signups() -> None:
    """A few public sign-ups, waiting to be enrolled."""
    streets = list(agency_selectors.all_streets().order_by("code")[:3])
    kinds = list(CourseKind.objects.filter(code__in=["pre_job", "family_education", "cooking_tea"]))
    for n in range(3):
        phone_index = contact_index("phone", f"1384720{n:04d}")
        if not TrainingSignup.objects.filter(phone_index=phone_index).exists():
            services.signup_create(
                id_number=_id(80 + n),
                name=SURNAMES[n + 5] + GIVEN[n + 4],
                phone=f"1384720{n:04d}",
                street=streets[n],
                kinds=kinds[: n + 1],
            )
