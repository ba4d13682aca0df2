"""Helpers of the permission matrix (tests/test_permission_matrix.py).

``url_patterns()`` lists every pattern of the root resolver; ``build_world()`` makes the
actors and one object of every kind, all belonging to agency A, once per module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from agencies import services
from agencies.models import (
    Agency,
    AgencyPolicy,
    BusinessFormat,
    EmployeeSystemFiling,
    Recognition,
    Street,
    Worker,
)
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.notifications.models import Notification
from kunqu_jiafu.notifications.services import notify
from tests import factories

ACTORS = (
    "anonymous",
    "applicant",  # signed up (anyone can), no role and no agency yet
    "agency_a",
    "agency_b",
    "reviewer",
    "approver",
    "official",
    "superuser",  # set-up only; its column shows every URL of the table is a real page
)

# A 1x1 PNG: the smallest file the licence upload accepts.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
# Strings only agency A's records contain: no page given to anyone outside A may show them.
A_NAME = "甲家政服务有限公司"
A_WORKER_NAME = "甲机构员工"


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name"; the route for unnamed patterns; "<name>.<format>" suffixes
    route: str


def url_patterns() -> list[Pattern]:
    """Every pattern of the root URLconf, recursively, with namespaces."""
    found: list[Pattern] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), inner)
                continue
            assert isinstance(entry, URLPattern)
            route = prefix + str(entry.pattern)
            if entry.name is None:
                key = route
            else:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
                if "(?P<format>" in route or "<drf_format_suffix:format>" in route:
                    key += ".<format>"  # DRF's format-suffix twin of a named route
            found.append(Pattern(key, route))

    walk(get_resolver(), "/", None)
    return found


def build_world() -> SimpleNamespace:
    """The actors, and one object of every kind that the URLs take, all of agency A."""
    org_a = factories.make_agency(A_NAME)
    org_b = factories.make_agency("乙养老服务有限公司")
    agency_a = factories.make_agency_user("agency_a", org_a)
    agency_b = factories.make_agency_user("agency_b", org_b)
    applicant = factories.make_user("applicant", full_name="吴申请")
    reviewer = factories.make_user("reviewer", "业务经办", full_name="赵经办")
    approver = factories.make_user("approver", "审批领导", full_name="孙领导")
    official = factories.make_user("official", "统计查询", full_name="周统计")
    superuser = factories.make_user("root", is_staff=True, is_superuser=True)

    licence = document_store(
        SimpleUploadedFile("营业执照.png", PNG, content_type="image/png"),
        allowed=("image/png",),
        field="license",
        user=agency_a,
        owner=org_a,
        purpose="agency licence",
    )
    Agency.objects.filter(pk=org_a.pk).update(license=licence)

    # Twelve qualifying workers so the filing meets the threshold like a real one would.
    person_a = factories.make_person(A_WORKER_NAME)
    worker_a = factories.make_worker(org_a, person=person_a)
    for _ in range(11):
        factories.make_worker(org_a)
    worker_b = factories.make_worker(org_b, person=factories.make_person("乙机构员工"))

    today = dt.date.today()
    recognition_a = services.recognition_grant(
        actor=reviewer,
        agency=org_a,
        kind=Recognition.Kind.STATION,
        year=today.year,
        granted_on=today,
        valid_until=today + dt.timedelta(days=365),
    )
    filing_a = services.filing_submit(
        actor=agency_a,
        agency=org_a,
        declarations={
            "signs_customer_contracts": True,
            "dispatches_workers": True,
            "pays_wages_directly": True,
            "trains_continuously": True,
        },
    )
    audit_a = AuditEntry.objects.for_object(filing_a).latest("id")
    notification_a = notify([agency_a], f"{A_NAME}：备案已提交")[0]
    Token.objects.create(user=agency_a)

    users = {
        "applicant": applicant,
        "agency_a": agency_a,
        "agency_b": agency_b,
        "reviewer": reviewer,
        "approver": approver,
        "official": official,
        "superuser": superuser,
    }
    return SimpleNamespace(
        users=users,
        org_a=org_a,
        org_b=org_b,
        worker_a=worker_a,
        worker_b=worker_b,
        person_a=person_a,
        recognition_a=recognition_a,
        filing_a=filing_a,
        licence=licence,
        audit_a=audit_a,
        notification_a=notification_a,
        street=Street.objects.order_by("code").first(),
        business_format=BusinessFormat.objects.order_by("pk").first(),
        policy=AgencyPolicy.objects.order_by("year").first(),
        group=Group.objects.get(name="机构用户"),
        document_type=ContentType.objects.get_for_model(Document),
        # Not used by anyone yet: for "add a worker" and "apply for an agency".
        new_id=factories.id_number(birth="19900101"),
        new_uscc=factories.credit_code(),
    )


def fingerprint(world: SimpleNamespace) -> dict[str, object]:
    """What a forbidden request must leave exactly as it was."""
    org_a = Agency.objects.get(pk=world.org_a.pk)
    worker = Worker.objects.get(pk=world.worker_a.pk)
    return {
        "agency": (org_a.status, org_a.name, org_a.phone, org_a.contact_name, org_a.updated_at),
        "worker": (worker.job, worker.left_on, worker.health_check_on),
        "recognition": Recognition.objects.get(pk=world.recognition_a.pk).status,
        "filing": EmployeeSystemFiling.objects.get(pk=world.filing_a.pk).status,
        "street": Street.objects.get(pk=world.street.pk).name,
        "counts": (
            AuditEntry.objects.count(),
            Agency.objects.count(),
            Worker.objects.count(),
            Recognition.objects.count(),
            EmployeeSystemFiling.objects.count(),
            Notification.objects.filter(read_at__isnull=True).count(),
            Document.objects.count(),
            Token.objects.count(),
        ),
    }
