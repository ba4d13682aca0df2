"""Every write of the training area: validate, lock, change, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Street
from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user
from kunqu_jiafu.people.models import Person
from kunqu_jiafu.people.phone import phone_or_error
from kunqu_jiafu.people.public_forms import person_for_public_form
from kunqu_jiafu.people.services import person_get_or_create

from . import permissions
from .models import Course, CourseKind, Enrolment, TrainingSignup

COURSE_FIELDS = (
    "name",
    "kind",
    "street",
    "starts_on",
    "ends_on",
    "class_hours",
    "capacity",
    "policy_year",
    "status",
)
RECORD_FIELDS = (
    "attended_hours",
    "completed",
    "completed_on",
    "exam",
    "certificate_number",
    "skill_level",
    "certified_on",
)
FLAGS = ("is_hard_to_employ", "is_unemployed", "is_graduate", "is_low_income")


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason)


def _validate_course(data: dict[str, Any]) -> None:
    errors = {}
    if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = _("The course cannot end before it starts.")
    if data.get("capacity") is not None and data["capacity"] <= 0:
        errors["capacity"] = _("The capacity must be at least 1.")
    if data.get("class_hours") is not None and data["class_hours"] <= 0:
        errors["class_hours"] = _("Enter the number of class hours.")
    if errors:
        raise ValidationError(errors)


def course_create(*, actor: User, provider: Agency, data: dict[str, Any]) -> Course:
    _require(permissions.can_create_course(actor, provider))
    _validate_course(data)
    with transaction.atomic():
        course = Course.objects.create(
            provider=provider, **{f: data[f] for f in COURSE_FIELDS if f in data}
        )
        audit.log(actor, course, "training.course.created", after={"name": course.name})
    return course


def course_update(*, actor: User, course: Course, data: dict[str, Any]) -> Course:
    _require(permissions.can_manage_course(actor, course))
    merged = {f: getattr(course, f) for f in COURSE_FIELDS} | data
    _validate_course(merged)
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
        if "capacity" in data and data["capacity"] < course.enrolments.count():
            raise ValidationError(
                {"capacity": _("More people are already enrolled than this capacity.")}
            )
        before = {f: getattr(course, f) for f in ("status", "capacity")}
        for name, value in data.items():
            if name in COURSE_FIELDS:
                setattr(course, name, value)
        course.save()
        audit.log(
            actor,
            course,
            "training.course.updated",
            before=before,
            after={f: getattr(course, f) for f in ("status", "capacity")},
        )
    return course


def enrol(
    *,
    actor: User,
    course: Course,
    id_number: str,
    name: str,
    phone: str = "",
    flags: dict[str, bool] | None = None,
) -> Enrolment:
    """Enrol one person; the course row is locked so capacity holds under concurrency."""
    _require(permissions.can_manage_course(actor, course))
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
        try:
            person = person_get_or_create(id_number=id_number, name=name, phone=phone, actor=actor)
        except ValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"id_number": exc.messages}
            ) from None
        if flags:
            _set_flags(person, flags)
        if course.enrolments.filter(person=person).exists():
            raise ValidationError(
                {"id_number": _("This person is already enrolled in the course.")}
            )
        if course.enrolments.count() >= course.capacity:
            raise ValidationError(_("The course is full (%(n)s places).") % {"n": course.capacity})
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(course=course, person=person)
        except IntegrityError:
            raise ValidationError(
                {"id_number": _("This person is already enrolled in the course.")}
            ) from None
        audit.log(actor, enrolment, "training.enrolment.created", after={"course": course.pk})
    return enrolment


def _set_flags(person: Person, flags: dict[str, bool]) -> None:
    changed = [f for f in FLAGS if f in flags and bool(flags[f]) != getattr(person, f)]
    for f in changed:
        setattr(person, f, bool(flags[f]))
    if changed:
        person.save(update_fields=[*changed, "updated_at"])


def enrolment_record(*, actor: User, enrolment: Enrolment, data: dict[str, Any]) -> Enrolment:
    """Attendance, completion, exam and certificate of one trainee."""
    _require(permissions.can_manage_course(actor, enrolment.course))
    merged = {f: getattr(enrolment, f) for f in RECORD_FIELDS} | data
    errors = {}
    if merged["attended_hours"] and merged["attended_hours"] > enrolment.course.class_hours:
        errors["attended_hours"] = _("More hours than the course has (%(h)s).") % {
            "h": enrolment.course.class_hours
        }
    if merged["completed"] and not merged["completed_on"]:
        merged["completed_on"] = min(timezone.localdate(), enrolment.course.ends_on)
    if merged["completed_on"] and merged["completed_on"] > timezone.localdate():
        errors["completed_on"] = _("The completion date cannot be in the future.")
    if merged["certificate_number"] and merged["exam"] != Enrolment.Exam.PASSED:
        errors["certificate_number"] = _("A certificate needs a passed exam.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("course")
            .get(pk=enrolment.pk)
        )
        before = {f: getattr(enrolment, f) for f in RECORD_FIELDS}
        for f in RECORD_FIELDS:
            setattr(enrolment, f, merged[f])
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:
            raise ValidationError(
                {"certificate_number": _("This certificate number is already recorded.")}
            ) from None
        audit.log(
            actor,
            enrolment,
            "training.enrolment.recorded",
            before=before,
            after={f: getattr(enrolment, f) for f in RECORD_FIELDS},
        )
    return enrolment


def signup_create(
    *,
    id_number: str,
    name: str,
    phone: str,
    street: Street,
    kinds: list[CourseKind],
    note: str = "",
) -> TrainingSignup:
    """A resident (no account) says which training they want.

    A second sign-up while the first is still open changes nothing and is answered as the first
    was: the public page must not tell whoever knows an ID number that its holder signed up. The
    person's row is locked so two sign-ups at once still make one. A phone number already on
    record is not overwritten from the public page; the sign-up keeps the one given. An ID number
    registered under another name is not refused (that would tell a stranger the name does not
    match): the sign-up is taken with the name given, flagged for staff, the record unchanged."""
    if not kinds:
        raise ValidationError({"kinds": _("Tick at least one kind of training.")})
    if not (phone or "").strip():
        raise ValidationError(
            {"phone": _("Please leave a phone number so the bureau can reach you.")}
        )
    phone = phone_or_error(phone)
    with transaction.atomic():
        try:
            match = person_for_public_form(id_number=id_number, name=name, phone=phone)
        except ValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"id_number": exc.messages}
            ) from None
        person = Person.objects.select_for_update().get(pk=match.person.pk)
        open_signup = TrainingSignup.objects.filter(
            person=person, name_given=match.name_given, status=TrainingSignup.Status.NEW
        ).first()
        if open_signup is not None:
            return open_signup  # nothing changes, so nothing is audited
        signup = TrainingSignup.objects.create(
            person=person,
            name_given=match.name_given,
            name_differs=match.name_differs,
            phone=phone,
            street=street,
            note=note,
        )
        signup.kinds.set(kinds)
        after = {"kinds": [k.code for k in kinds]}
        if match.name_differs:
            after["name_differs"] = True
        audit.log(None, signup, "training.signup.created", after=after)
    return signup


def signup_enrol(*, actor: User, signup: TrainingSignup, course: Course) -> Enrolment:
    if signup.status != TrainingSignup.Status.NEW:
        raise ValidationError(_("This sign-up has already been handled."))
    with transaction.atomic():
        signup = (
            TrainingSignup.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=signup.pk)
        )
        if signup.name_given and signup.name_given != signup.person.name:
            # Enrolling would put the record's holder on the course on a stranger's word.
            raise ValidationError(
                _(
                    "The name given on this sign-up (%(given)s) is not the name registered for "
                    "this ID number (%(name)s). Check the person's identity with them; it "
                    "cannot be enrolled while the two names differ."
                )
                % {"given": signup.name_given, "name": signup.person.name}
            )
        enrolment = enrol(
            actor=actor,
            course=course,
            id_number=signup.person.id_number,
            name=signup.person.name,
            phone=signup.phone,
        )
        signup.status = TrainingSignup.Status.ENROLLED
        signup.enrolment = enrolment
        signup.save(update_fields=["status", "enrolment"])
        audit.log(actor, signup, "training.signup.enrolled", after={"course": course.pk})
    return enrolment


def completion_date_default(course: Course) -> dt.date:
    return min(timezone.localdate(), course.ends_on)


def course_kind_confirm_standard(*, actor: User, kind: CourseKind) -> CourseKind:
    """A bureau user confirms the training subsidy standard a course kind has now (the plan
    gives no figure); who and when are kept, and a later change makes it unconfirmed again."""
    if is_agency_user(actor) or not has_role(actor, REVIEWER, APPROVER):
        raise PermissionDenied(_("Only bureau staff confirm subsidy standards."))
    with transaction.atomic():
        kind = CourseKind.objects.select_for_update().get(pk=kind.pk)
        before = {"standard": kind.standard_confirmed, "confirmed_at": kind.standard_confirmed_at}
        kind.standard_confirmed = kind.subsidy_standard
        kind.standard_confirmed_by = actor
        kind.standard_confirmed_at = timezone.now()
        kind.save(
            update_fields=["standard_confirmed", "standard_confirmed_by", "standard_confirmed_at"]
        )
        audit.log(
            actor,
            kind,
            "training.coursekind.standard_confirmed",
            before=before,
            after={"standard": kind.subsidy_standard},
        )
    return kind


def signups_purge(*, now: dt.datetime, dry_run: bool = False) -> int:
    """Retention: sign-ups (the willingness survey) older than ``RETENTION_TRAINING_SIGNUP_DAYS``
    are deleted, whatever became of them (an enrolment keeps what the course needs). One audit
    entry lists their ids (no name, no ID). Returns how many."""
    before = now - dt.timedelta(days=settings.RETENTION_TRAINING_SIGNUP_DAYS)
    expired = TrainingSignup.objects.filter(created_at__lt=before)
    if dry_run:
        return expired.count()
    with transaction.atomic():
        ids = list(expired.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        TrainingSignup.objects.filter(pk__in=ids).delete()
        audit.log(
            None,
            None,
            "training.signup.purged",
            after={"ids": ids, "before": before.isoformat()},
            reason=f"RETENTION_TRAINING_SIGNUP_DAYS={settings.RETENTION_TRAINING_SIGNUP_DAYS}",
        )
    return len(ids)
