"""Helpers of the permission matrix (tests/test_permission_matrix.py).

``url_patterns()`` lists every pattern of the root resolver; ``build_world()`` makes the
actors and one object of every kind, all belonging to agency A, once per module. Agency A's
subsidy claims stand at each step a URL acts on: a draft with an attachment, a submitted one,
a first-passed one and an approved one whose notice PDF exists (stored directly: no PDF
engine runs in the matrix). So do the employment vouchers whose holders chose A: a
submitted and an approved application, an issued voucher, a redeemed one with its home
service and a follow-up call, a verified one not yet settled, and two settlement statements
awaiting payment (one drawn up by the reviewer, one by the approver). Voucher PDFs are
rendered by ``html_pdf``: the document's HTML behind a PDF header, so the matrix reads what
each actor is sent.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from agencies import services
from agencies.models import (
    Agency,
    AgencyPolicy,
    AgencyStanding,
    BusinessFormat,
    EmployeeSystemFiling,
    EnterpriseSizeThreshold,
    Recognition,
    RecognitionKind,
    Street,
    SurveyForm,
    SurveyReminder,
    SurveyReturn,
    SurveyValue,
    Worker,
)
from inspections.models import (
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionRound,
    InspectionScore,
)
from kunqu_jiafu.accounts.roles import (
    AGENCY_USER,
    APPROVER,
    AUDIT_ADMIN,
    OFFICIAL,
    REVIEWER,
    SECURITY_ADMIN,
    SYSTEM_ADMIN,
)
from kunqu_jiafu.audit.models import AuditEntry
from kunqu_jiafu.documents.models import Document
from kunqu_jiafu.documents.numbering import next_number
from kunqu_jiafu.documents.services import document_store
from kunqu_jiafu.documents.xlsx import table_xlsx
from kunqu_jiafu.exports.models import ExportJob
from kunqu_jiafu.imports.models import ImportJob
from kunqu_jiafu.notifications.models import Notification
from kunqu_jiafu.notifications.services import notify
from kunqu_jiafu.tokens.models import ApiToken
from kunqu_jiafu.tokens.services import token_issue
from subsidies import services as subsidies
from subsidies.models import (
    AwardPolicy,
    Claim,
    ClaimAttachment,
    ClaimType,
    Notice,
    ParameterFlag,
    SettingChange,
    SpecialFund,
)
from tests import factories
from tests.inspections import matrix as inspection_matrix
from tests.inspections.spot_world import spot_check_objects, spot_fingerprint
from tests.reports import matrix as report_matrix
from training import services as training
from training.models import Course, CourseKind, Enrolment, TrainingSignup, TrainingTarget
from vouchers import public_views as voucher_pages
from vouchers.models import (
    Application,
    FollowUp,
    Participation,
    Service,
    Settlement,
    TargetGroup,
    Voucher,
    VoucherBatch,
)
from vouchers.services.applications import (
    APPLICATION_SERIES,
    application_create,
    application_decide,
)
from vouchers.services.batches import batch_save, participation_set
from vouchers.services.choice import voucher_choose_agency
from vouchers.services.issue import voucher_issue
from vouchers.services.redemption import voucher_redeem
from vouchers.services.settlement import settlement_create
from vouchers.services.verification import followup_record, voucher_verify

ACTORS = (
    "anonymous",
    "applicant",  # signed up (anyone can), no role and no agency yet
    "agency_a",
    "agency_b",
    "reviewer",
    "approver",
    "official",
    "superuser",  # set-up only, no business role; its column shows the pages are real
)
# 三员分立: not columns of the table; test_administrators_* hold them to their own pages.
ADMINISTRATORS = ("system_admin", "security_admin", "audit_admin")

# A 1x1 PNG: the smallest file the licence upload accepts.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
# The smallest files the claim attachments and notices accept (the content is sniffed).
PDF = factories.PDF
# Agency A's claims are of this seeded type (quarterly, so four periods for four claims).
CLAIM_TYPE = "loan_interest"
LOAN = {
    "lender": "中国银行包头昆都仑支行",
    "contract_number": "BT-2025-0601",
    "loan_amount": "300000.00",
    "annual_rate": "6.00",
    "loan_start": "2025-06-01",
    "loan_end": "2027-05-31",
    "interest_paid": "4321.09",
}
# Strings only agency A's records contain: no page given to anyone outside A may show them.
A_NAME = "甲家政服务有限公司"
A_WORKER_NAME = "甲机构员工"
# The holders of the vouchers and applications of the matrix: "甲券户" and a number.
HOLDER_NAME = "甲券户"


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
    reviewer = factories.make_user("reviewer", REVIEWER, full_name="赵经办")
    approver = factories.make_user("approver", APPROVER, full_name="孙领导")
    official = factories.make_user("official", OFFICIAL, full_name="周统计")
    superuser = factories.make_user("root", is_staff=True, is_superuser=True)
    administrators = {
        "system_admin": factories.make_user("sysadmin", SYSTEM_ADMIN, is_staff=True),
        "security_admin": factories.make_user("secadmin", SECURITY_ADMIN, is_staff=True),
        "audit_admin": factories.make_user("auditadmin", AUDIT_ADMIN, is_staff=True),
    }

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
    import_job_a = ImportJob.objects.create(
        kind=ImportJob.Kind.WORKERS,
        step=ImportJob.Step.WRITE,
        status=ImportJob.Status.FAILED,
        agency=org_a,
        created_by=agency_a,
        file_name="从业人员.xlsx",
        sha256="0" * 64,
        error="读取该文件超过了导入的时间上限 60 秒。",
    )
    # A finished background export of the worker list, asked for by the reviewer: theirs alone.
    export_job_a = ExportJob.objects.create(
        exporter_key="agencies.worker",
        label="从业人员",
        query=f"agency__id__exact={org_a.pk}",
        created_by=reviewer,
        status=ExportJob.Status.DONE,
        rows_total=12,
        rows_written=12,
        file_name="从业人员-20261129.xlsx",
    )
    export_job_a.file.save(
        f"{export_job_a.pk.hex}.xlsx",
        ContentFile(table_xlsx("从业人员", ["姓名"], [[A_WORKER_NAME]])),
    )
    token_issue(agency_a)
    subsidy = _subsidies(org_a, agency_a, reviewer, approver)
    courses = _training(org_a, agency_a, person_a)
    voucher_objects = _vouchers(org_a, org_b, agency_a, worker_a, reviewer, approver)
    inspection_objects = {
        **_inspections(org_a, agency_a, recognition_a),
        **inspection_matrix.world_objects(org_a, approver),
        **_inspection_scoring(org_a, reviewer, approver),
    }
    evalvisit_objects = _evaluations_and_visits(org_a, reviewer)
    survey_objects = _survey(org_a, agency_a)

    users = {
        "applicant": applicant,
        "agency_a": agency_a,
        "agency_b": agency_b,
        "reviewer": reviewer,
        "approver": approver,
        "official": official,
        "superuser": superuser,
        **administrators,
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
        import_job_a=import_job_a,
        export_job_a=export_job_a,
        street=Street.objects.order_by("code").first(),
        business_format=BusinessFormat.objects.order_by("pk").first(),
        policy=AgencyPolicy.objects.order_by("year").first(),
        size_threshold=EnterpriseSizeThreshold.objects.order_by("pk").first(),
        recognition_kind=RecognitionKind.objects.order_by("pk").first(),
        group=Group.objects.get(name=AGENCY_USER),
        document_type=ContentType.objects.get_for_model(Document),
        # Not used by anyone yet: for "add a worker" and "apply for an agency".
        new_id=factories.id_number(birth="19900101"),
        new_uscc=factories.credit_code(),
        **subsidy,
        **_exemption(subsidy["claim_a"], worker_a),
        **courses,
        **voucher_objects,
        **inspection_objects,
        **spot_check_objects(
            org_a, reviewer, voucher_objects["verified_a"], voucher_objects["redeemed_a"]
        ),
        **evalvisit_objects,
        **report_matrix.world_objects(official),
        **survey_objects,
    )


def _inspections(org_a, agency_a, recognition_a) -> dict[str, object]:
    """Agency A failed two inspections last year (itself and its station): one rectification
    open, the other answered with an evidence file. This year's round is tests/inspections/
    matrix.py's (its ``inspection_a`` is this year's planned inspection)."""
    from inspections.services.consequences import after_conclusion
    from inspections.services.rectifications import rectification_answer
    from tests.inspections import factories_rectification as fr

    failed = fr.concluded(org_a, year=fr.YEAR - 1)
    after_conclusion(failed)
    station = fr.concluded(org_a, recognition=recognition_a, year=fr.YEAR - 1)
    after_conclusion(station)
    answered = rectification_answer(
        actor=agency_a,
        rectification=station.rectification,
        answer="已整改",
        files=[pdf_upload("整改照片.pdf")],
    )
    return {
        "concluded_inspection_a": failed,
        "rectification_a": failed.rectification,
        "answered_rectification_a": answered,
        "evidence_a": Document.objects.get(
            owner_id=str(answered.pk), purpose="rectification-evidence"
        ),
    }


def _inspection_scoring(org_a, reviewer, approver) -> dict[str, object]:
    """A's annual inspection of 2024 (a round of its own: this year's is tests/inspections/
    matrix.py's, last year's holds the rectifications), with the reviewer and the approver as
    its two inspectors, not yet scored: the phone form's pages. A template of its own, not
    current, so a seeded checklist keeps its place."""
    version = ChecklistTemplate.objects.filter(subject_kind="agency").count() + 1
    template = ChecklistTemplate.objects.create(
        subject_kind="agency", version=version, name="权限矩阵检查表", current=False
    )
    item = ChecklistItem.objects.create(
        template=template, group="five_unified", code="sign", title="统一标识", weight=100
    )
    round_, _created = InspectionRound.objects.get_or_create(
        year=2024,
        defaults={
            "title": "2024年度年检复核",
            "starts_on": dt.date(2024, 1, 1),
            "due_on": dt.date(2024, 12, 31),
        },
    )
    inspection = Inspection.objects.create(
        round=round_,
        agency=org_a,
        subject_kind="agency",
        template=template,
        inspector_1=reviewer,
        inspector_2=approver,
    )
    return {"sheet_inspection_a": inspection, "inspection_item": item}


def png_upload(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _survey(org_a, agency_a) -> dict[str, object]:
    """The seeded 2026 statistical survey, open around today, with A's return submitted
    (B has not filed, so reminding has someone to remind)."""
    from agencies.services import survey as survey_services
    from tests.agencies.survey_helpers import open_form, valid_figures

    form = open_form()
    survey_return = survey_services.survey_return_save(
        actor=agency_a, agency=org_a, form=form, figures=valid_figures(org_a, form), submit=True
    )
    return {"survey_form": form, "survey_return_a": survey_return}


def _evaluations_and_visits(org_a, reviewer) -> dict[str, object]:
    """A's performance evaluation of 2026 (the seeded scheme) and a field visit to A with a
    photo; through the services."""
    from inspections.models import EvaluationScheme, PerformanceEvaluation
    from inspections.services.visits import visit_record

    scheme = EvaluationScheme.objects.get(year=2026)
    visit = visit_record(
        actor=reviewer,
        data={
            "agency": org_a,
            "visited_on": dt.date(2026, 3, 2),
            "staff": [reviewer],
            "purpose": "调研企业发展情况",
            "situation": "经营正常",
            "needs": "用工需求",
        },
        photos=[SimpleUploadedFile("走访.png", PNG, content_type="image/png")],
    )
    return {
        "evaluation_scheme": scheme,
        "evaluation_a": PerformanceEvaluation.objects.create(scheme=scheme, agency=org_a),
        "visit_a": visit,
    }


def pdf_upload(name: str = "回单.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def roster_upload(id_number: str) -> SimpleUploadedFile:
    """A training roster (CSV) enrolling one person not yet known."""
    body = f"姓名,身份证号\n名册新学员,{id_number}\n".encode()
    return SimpleUploadedFile("花名册.csv", body, content_type="text/csv")


def _subsidies(org_a, agency_a, reviewer, approver) -> dict[str, object]:
    """A's claims at each step, the year's fund, A's standing; through the services."""
    claim_type = ClaimType.objects.get(code=CLAIM_TYPE, policy_year=2026)
    fund = subsidies.fund_set(actor=approver, year=2026, amount="1000000.00")
    standing = factories.record_standing(
        actor=reviewer,
        agency=org_a,
        year=2026,
        inspection=AgencyStanding.Inspection.PASSED,
        rating=AgencyStanding.Rating.GOOD,
    )

    def draft(quarter: int) -> Claim:
        claim = subsidies.claim_create(
            actor=agency_a,
            agency=org_a,
            claim_type=claim_type,
            period=f"2026Q{quarter}",
            declared=LOAN,
        )
        for code, _label in claim_type.required_attachments:
            subsidies.claim_attach(actor=agency_a, claim=claim, code=code, upload=pdf_upload())
        return claim

    def move(actor, claim: Claim, action: str, **kwargs) -> Claim:
        return subsidies.claim_act(actor=actor, claim=claim, action=action, **kwargs)

    claim_a = draft(1)
    submitted_a = move(agency_a, draft(2), "submit")
    # First-passed by a second reviewer: the approver may approve it.
    reviewer2 = factories.make_user("reviewer2", REVIEWER, full_name="钱经办")
    passed_a = move(reviewer2, move(agency_a, draft(3), "submit"), "first_pass")
    approved_a = move(
        approver, move(reviewer, move(agency_a, draft(4), "submit"), "first_pass"), "approve"
    )
    notice_a = Notice.objects.get(claim=approved_a)
    notice_a.document = document_store(
        pdf_upload(f"{notice_a.number}.pdf"),
        allowed=("application/pdf",),
        field="file",
        owner=approved_a,
        purpose=notice_a.kind,
    )
    notice_a.rendered_at = timezone.now()
    notice_a.save(update_fields=["document", "rendered_at"])
    return {
        "claim_type": claim_type,
        # Open, and not claimed by A yet: for "file a new claim".
        "new_claim_type": ClaimType.objects.get(code="excellence_award", policy_year=2026),
        "fund": fund,
        # A budget proposed by the approver, waiting for a second approver.
        "setting_change": subsidies.fund_change_propose(
            actor=approver, year=2026, amount="1200000.00", reason="追加预算"
        ),
        "award_policy": AwardPolicy.objects.get(year=2026),
        "parameter_flag": ParameterFlag.objects.filter(claim_type__policy_year=2026).first(),
        "standing_a": standing,
        "claim_a": claim_a,
        "attachment_a": claim_a.attachments.order_by("pk").first(),
        "submitted_a": submitted_a,
        "submitted_attachment_a": submitted_a.attachments.order_by("pk").first(),
        "passed_a": passed_a,
        "approved_a": approved_a,
        "notice_a": notice_a,
    }


def _exemption(claim, worker) -> dict[str, object]:
    """One fee exemption on A's draft claim (stored directly: the admin only reads it) and the
    bureau's first covered service."""
    from kunqu_jiafu.people import crypto
    from subsidies.exemption_models import ExemptionServiceKind, FeeExemption

    kind = ExemptionServiceKind.objects.order_by("sort_order", "pk").first()
    head = factories.id_number(birth="19600101")
    exemption = FeeExemption.objects.create(
        claim=claim,
        head_id_encrypted=crypto.encrypt(head),
        head_id_hash=crypto.blind_index(head),
        address_encrypted=crypto.encrypt("昆区少先路3号楼2单元501"),
        street=Street.objects.order_by("code").first(),
        service_date=dt.date(2026, 1, 5),
        service_kind=kind,
        worker=worker,
    )
    return {"exemption_kind": kind, "fee_exemption_a": exemption}


def _training(org_a, agency_a, person_a) -> dict[str, object]:
    """A's course with two trainees (person_a, and one completed with a certificate) and one
    public sign-up waiting to be enrolled; through the services."""
    kind = CourseKind.objects.order_by("sort_order", "pk").first()
    course_a = training.course_create(
        actor=agency_a,
        provider=org_a,
        data={
            "name": f"{A_NAME}岗前培训班",
            "kind": kind,
            "starts_on": dt.date(2026, 9, 1),
            "ends_on": dt.date(2026, 9, 30),
            "class_hours": 40,
            "capacity": 30,
            "policy_year": 2026,
            "status": Course.Status.ENROLLING,
        },
    )
    enrolment_a = training.enrol(
        actor=agency_a, course=course_a, id_number=person_a.id_number, name=person_a.name
    )
    certified = training.enrol(
        actor=agency_a,
        course=course_a,
        id_number=factories.id_number(birth="19850315"),
        name="甲机构学员",
    )
    certified = training.enrolment_record(
        actor=agency_a,
        enrolment=certified,
        data={
            "attended_hours": 40,
            "completed": True,
            "completed_on": dt.date(2026, 9, 30),
            "exam": Enrolment.Exam.PASSED,
            "certificate_number": "JZ-2026-000001",
            "skill_level": "五级",
            "certified_on": dt.date(2026, 10, 10),
        },
    )
    signup = training.signup_create(
        id_number=factories.id_number(birth="19920620"),
        name="报名居民",
        phone="13800000001",
        street=Street.objects.order_by("code").first(),
        kinds=[kind],
    )
    return {
        "course_kind": kind,
        "target": TrainingTarget.objects.order_by("year").first(),
        "course_a": course_a,
        "enrolment_a": enrolment_a,
        "certified_a": certified,
        "signup": signup,
        # Nobody's yet: for "enrol a trainee" and "sign up".
        "new_trainee_id": factories.id_number(birth="19950808"),
    }


def _vouchers(org_a, org_b, agency_a, worker_a, reviewer, approver) -> dict[str, object]:
    """A batch of this year with A (and B) in the programme, and A's vouchers at each step;
    through the services. Vouchers served in earlier months are backdated (issued_at) first,
    as a service cannot be dated before its voucher was issued."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    month_before = (last_month - dt.timedelta(days=1)).replace(day=1)
    batch = batch_save(
        actor=reviewer,
        data={
            "year": today.year,
            "name": "权限矩阵测试券",
            "count": 20,
            "face_value": Decimal("200.00"),
            "total": Decimal("4000.00"),
            "applications_open_on": today - dt.timedelta(days=120),
            "applications_close_on": today + dt.timedelta(days=120),
            "valid_from": today - dt.timedelta(days=120),
            "valid_until": today + dt.timedelta(days=240),
            "status": VoucherBatch.Status.OPEN,
        },
    )
    participation_a = participation_set(actor=reviewer, batch=batch, agency=org_a)
    participation_set(actor=reviewer, batch=batch, agency=org_b)
    # The look-up form shows JQ<year>-00001 as its example: no application of A's has it.
    next_number(APPLICATION_SERIES, batch.year)
    group = TargetGroup.objects.get(code="unemployed")
    street = Street.objects.order_by("code").first()
    kind = BusinessFormat.objects.order_by("pk").first()
    households = iter(range(1, 100))

    def apply() -> Application:
        n = next(households)
        return application_create(
            batch=batch,
            id_number=factories.id_number(birth=f"19{60 + n}0101"),
            name=f"{HOLDER_NAME}{n}",
            phone="13900000001",
            address="昆都仑区阿尔丁大街2号",
            street=street,
            target_group=group,
            actor=reviewer,
        )

    def approve(application: Application) -> Application:
        return application_decide(actor=reviewer, application=application, approve=True)

    def issue(served_on: dt.date | None = None) -> Voucher:
        voucher = voucher_issue(actor=reviewer, application=approve(apply()))
        if served_on is not None:
            moment = timezone.make_aware(dt.datetime.combine(served_on, dt.time(9, 0)))
            Voucher.objects.filter(pk=voucher.pk).update(issued_at=moment)
        # The household chose A on the status page.
        return voucher_choose_agency(voucher=voucher, agency=org_a)

    def redeem(voucher: Voucher, served_on: dt.date) -> Voucher:
        voucher_redeem(
            actor=agency_a,
            code=voucher.code,
            service_date=served_on,
            kind=kind,
            worker=worker_a,
            hours=Decimal("2"),
        )
        return Voucher.objects.get(pk=voucher.pk)

    def verified(served_on: dt.date) -> Voucher:
        voucher = redeem(issue(served_on), served_on)
        return voucher_verify(actor=reviewer, voucher=voucher, passed=True)

    application_a = apply()
    approved_application_a = approve(apply())
    voucher_a = issue()
    redeemed_a = redeem(issue(), today)
    followup_a = followup_record(
        actor=reviewer, voucher=redeemed_a, called_on=today, reached=True, satisfaction=5
    )
    verified_a = verified(today)
    settled_a = verified(last_month)
    settlement_a = settlement_create(actor=reviewer, batch=batch, agency=org_a, month=last_month)
    verified(month_before)
    # Drawn up by the approver, who therefore may not record its payment (four eyes).
    own_settlement_a = settlement_create(
        actor=approver, batch=batch, agency=org_a, month=month_before
    )
    holders = Voucher.objects.filter(batch=batch).select_related("person")
    applicants = Application.objects.filter(batch=batch).select_related("person")
    return {
        "voucher_batch": batch,
        "voucher_group": group,
        "participation_a": participation_a,
        # Registered, not in the programme: for "add agencies to the programme".
        "org_c": factories.make_agency("丙家政服务有限公司"),
        "application_a": application_a,
        "approved_application_a": approved_application_a,
        "voucher_a": voucher_a,
        "redeemed_a": redeemed_a,
        "service_a": Service.objects.get(voucher=redeemed_a),
        "followup_a": followup_a,
        "verified_a": verified_a,
        "settled_a": settled_a,
        "settlement_a": settlement_a,
        "own_settlement_a": own_settlement_a,
        # Whatever the page: shown in full to reviewers and approvers only; the numbers and
        # the holders (HOLDER_NAME) never to anyone outside A.
        "holder_ids": sorted(
            {v.person.id_number for v in holders} | {a.person.id_number for a in applicants}
        ),
        "voucher_applications": list(applicants),
        "today": today.isoformat(),
        "this_month": f"{this_month:%Y-%m}",
        # Nobody's yet: for "apply for a voucher".
        "new_household_id": factories.id_number(birth="19700707"),
    }


def holder_session(application: Application) -> str:
    """A browser session (no account) in which the household unlocked its application with the
    number and the ID number, as the status look-up does; valid for the whole run."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[voucher_pages.ACCESS_KEY % application.pk] = int(time.time()) + 24 * 3600
    store.save()
    return store.session_key


def html_pdf(template_name: str, context: dict) -> bytes:
    """Stands in for the PDF engine: the document's HTML, so the matrix reads what is sent."""
    return b"%PDF-1.4\n" + render_to_string(template_name, context).encode()


def fingerprint(world: SimpleNamespace) -> dict[str, object]:
    """What a forbidden request must leave exactly as it was."""
    org_a = Agency.objects.get(pk=world.org_a.pk)
    worker = Worker.objects.get(pk=world.worker_a.pk)
    return {
        "agency": (org_a.status, org_a.name, org_a.phone, org_a.contact_name, org_a.updated_at),
        "worker": (worker.job, worker.left_on, worker.health_check_on),
        "recognition": Recognition.objects.get(pk=world.recognition_a.pk).status,
        "filing": EmployeeSystemFiling.objects.get(pk=world.filing_a.pk).status,
        "survey_forms": sorted(
            SurveyForm.objects.values_list(
                "pk", "title", "opens_on", "closes_on", "tolerance_percent"
            )
        ),
        "survey_returns": sorted(
            SurveyReturn.objects.values_list("pk", "agency_id", "status", "decided_by_id")
        ),
        "survey_values": sorted(SurveyValue.objects.values_list("pk", "value", "explanation")),
        "survey_reminders": SurveyReminder.objects.count(),
        "street": Street.objects.get(pk=world.street.pk).name,
        "claims": sorted(
            Claim.objects.filter(agency=world.org_a).values_list(
                "pk", "status", "declared", "eligible_amount", "approved_amount", "paid_on"
            )
        ),
        "claim_type": ClaimType.objects.filter(pk=world.claim_type.pk).values().get(),
        "funds": sorted(SpecialFund.objects.values_list("pk", "amount", "committed", "note")),
        "standing": AgencyStanding.objects.filter(pk=world.standing_a.pk).values().get(),
        "notices": sorted(Notice.objects.values_list("pk", "number", "document_id")),
        "courses": sorted(
            Course.objects.values_list("pk", "name", "status", "capacity", "class_hours")
        ),
        "enrolments": sorted(
            Enrolment.objects.values_list(
                "pk",
                "course_id",
                "person_id",
                "attended_hours",
                "completed",
                "exam",
                "certificate_number",
            )
        ),
        "signups": sorted(TrainingSignup.objects.values_list("pk", "status", "enrolment_id")),
        "course_kinds": sorted(CourseKind.objects.values_list("pk", "name", "active")),
        "targets": sorted(TrainingTarget.objects.values_list("pk", "year", "people")),
        "voucher_batches": sorted(VoucherBatch.objects.values_list()),
        "target_groups": sorted(TargetGroup.objects.values_list()),
        "participations": sorted(
            Participation.objects.values_list("pk", "agency_id", "active", "note")
        ),
        "applications": sorted(
            Application.objects.values_list("pk", "status", "decided_by_id", "decision_reason")
        ),
        "vouchers": sorted(
            Voucher.objects.values_list(
                "pk",
                "status",
                "agency_id",
                "agency_chosen_at",
                "verified_at",
                "verification_note",
                "settlement_id",
                "voided_at",
            )
        ),
        "settlements": sorted(
            Settlement.objects.values_list("pk", "status", "paid_on", "paid_by_id")
        ),
        "setting_changes": sorted(SettingChange.objects.values_list("pk", "status", "amount")),
        **inspection_matrix.fingerprint(),
        **report_matrix.fingerprint(),
        "rectifications": sorted(_rectification_rows()),
        "spot_checks": spot_fingerprint(),
        "inspection_sheets": sorted(
            Inspection.objects.values_list(
                "pk", "status", "notes", "inspected_on", "score", "result", "draft_saved_at"
            )
        ),
        "inspection_scores": sorted(InspectionScore.objects.values_list("pk", "score", "note")),
        **_evalvisit_fingerprint(),
        "roles": sorted(Group.objects.values_list("name", "user__username")),
        "group_permissions": Group.objects.filter(permissions__isnull=False).count()
        and sorted(Group.objects.values_list("name", "permissions__codename")),
        "counts": (
            AuditEntry.objects.exclude(action__startswith="accounts.").count(),
            Agency.objects.count(),
            Worker.objects.count(),
            Recognition.objects.count(),
            EmployeeSystemFiling.objects.count(),
            Notification.objects.filter(read_at__isnull=True).count(),
            Document.objects.count(),
            ApiToken.objects.count(),
            ClaimType.objects.count(),
            ClaimAttachment.objects.count(),
            AgencyStanding.objects.count(),
            Service.objects.count(),
            FollowUp.objects.count(),
        ),
    }


def _rectification_rows() -> list:
    from inspections.models import Inspection, Rectification

    return list(Rectification.objects.values_list("pk", "status", "answer")) + list(
        Inspection.objects.values_list("pk", "kind", "status")
    )


def _evalvisit_fingerprint() -> dict[str, object]:
    from inspections.models import EvaluationScheme, FieldVisit, PerformanceEvaluation

    return {
        "evaluation_schemes": sorted(EvaluationScheme.objects.values_list()),
        "evaluations": sorted(
            PerformanceEvaluation.objects.values_list("pk", "score", "rating", "notes")
        ),
        "field_visits": sorted(
            FieldVisit.objects.values_list("pk", "purpose", "visited_on", "needs")
        ),
    }
