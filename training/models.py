"""Courses, enrolments, the yearly target and the public training sign-up."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, CodeManager, Street
from kunqu_jiafu.people.fields import EncryptedTextField, contact_index
from kunqu_jiafu.people.models import Person


class CourseKind(models.Model):
    """岗前培训, 技能提升, 巾帼家政专项, 家政经理人 … (editable)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    is_manager_training = models.BooleanField(_("manager training (counted apart)"), default=False)
    # The plan gives no figure: a bureau parameter, 待局里确认 until a bureau user confirms the
    # value it has (changing it afterwards makes it unconfirmed again).
    subsidy_standard = models.DecimalField(
        _("training subsidy standard per trainee (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("Paid per trainee who completed a course of this kind."),
    )
    standard_confirmed = models.DecimalField(
        _("confirmed standard (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    standard_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("standard confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    standard_confirmed_at = models.DateTimeField(_("standard confirmed at"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = CodeManager()  # loaddata of fixtures/training_course_kinds.json updates by code

    class Meta:
        verbose_name = _("course kind")
        verbose_name_plural = _("course kinds")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def standard_is_confirmed(self) -> bool:
        return (
            self.standard_confirmed_at is not None
            and self.standard_confirmed == self.subsidy_standard
        )


class TrainingTarget(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    people = models.PositiveIntegerField(_("people to train"), default=2000)

    class Meta:
        verbose_name = _("yearly training target")
        verbose_name_plural = _("yearly training targets")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.people}"


class Course(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ENROLLING = "enrolling", _("enrolling")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        CANCELLED = "cancelled", _("cancelled")

    name = models.CharField(_("course name"), max_length=100)
    kind = models.ForeignKey(
        CourseKind, verbose_name=_("course kind"), on_delete=models.PROTECT, related_name="courses"
    )
    provider = models.ForeignKey(
        Agency, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="courses"
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("street or town"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    class_hours = models.PositiveSmallIntegerField(_("class hours"))
    capacity = models.PositiveIntegerField(_("capacity"))
    policy_year = models.PositiveSmallIntegerField(_("policy year"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="course_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="course_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.starts_on:%Y-%m-%d}）"

    @property
    def subsidy_standard(self) -> Decimal:
        """The bureau's standard of the course's kind; a provider does not set its own."""
        return self.kind.subsidy_standard


ENROLMENT_KEY_LENGTH = 12
_KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed back


def new_enrolment_key() -> str:
    """The enrolment's own reference on exported rosters: random, unguessable, not the pk
    (a roster carries it where the reader may not see the full ID number)."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(ENROLMENT_KEY_LENGTH))


class Enrolment(models.Model):
    class Exam(models.TextChoices):
        NONE = "none", _("not examined")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("trainee"), on_delete=models.PROTECT, related_name="enrolments"
    )
    attended_hours = models.PositiveSmallIntegerField(_("hours attended"), default=0)
    completed = models.BooleanField(_("completed"), default=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    exam = models.CharField(
        _("exam result"), max_length=10, choices=Exam.choices, default=Exam.NONE
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    skill_level = models.CharField(_("skill appraisal level"), max_length=20, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    key = models.CharField(
        _("enrolment key"),
        max_length=ENROLMENT_KEY_LENGTH,
        unique=True,
        default=new_enrolment_key,
        editable=False,
        help_text=_("The enrolment's reference on exported rosters, accepted back on import."),
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("trainee's street or town"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="enrolment_once_per_course"),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="enrolment_certificate_unique",
            ),
            models.CheckConstraint(
                condition=Q(completed=False) | Q(completed_on__isnull=False),
                name="enrolment_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}·{self.course.name}"


class TrainingSignup(models.Model):
    """The plan's survey of training willingness: a public sign-up, turned into enrolments."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ENROLLED = "enrolled", _("enrolled")
        CLOSED = "closed", _("closed")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="training_signups"
    )
    # The name typed on the public page. When the ID number is registered under another name the
    # sign-up is still taken (the page answers the same whatever is known about an ID number),
    # linked to that record unchanged and flagged for staff to check the identity.
    name_given = models.CharField(_("name given"), max_length=50, blank=True)
    name_differs = models.BooleanField(
        _("name differs from the record"),
        default=False,
        help_text=_(
            "The name given on the sign-up is not the name registered for this ID number: "
            "check the person's identity before enrolling."
        ),
    )
    phone = EncryptedTextField(_("phone"), max_length=20)
    # Keyed blind index of the phone, set on save: staff find a sign-up by its phone number.
    phone_index = models.CharField(
        _("phone blind index"), max_length=64, blank=True, editable=False, db_index=True
    )
    street = models.ForeignKey(
        Street, verbose_name=_("street or town"), on_delete=models.PROTECT, related_name="+"
    )
    kinds = models.ManyToManyField(
        CourseKind, verbose_name=_("training wanted"), related_name="signups"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training sign-up")
        verbose_name_plural = _("training sign-ups")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.created_at:%Y-%m-%d}）"

    def save(self, *args, **kwargs):
        self.phone_index = contact_index("phone", self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_index"}
        super().save(*args, **kwargs)
