"""The 一贴息七补贴一减免 catalogue, claims, the special fund and notices."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


class ClaimTypeManager(models.Manager):
    """A claim type is found by code and policy year, so ``loaddata`` of a year's catalogue
    (fixtures/claim_catalogue_<year>.json, no primary keys) updates the same rows in place."""

    def get_by_natural_key(self, code: str, policy_year: int):
        return self.get(code=code, policy_year=policy_year)


class ClaimType(models.Model):
    """A claim type of one policy year: how it is computed and who may claim it."""

    class Group(models.TextChoices):
        INTEREST = "interest", _("interest subsidy")
        SEVEN = "seven", _("seven grants")
        EXEMPTION = "exemption", _("fee exemption")
        EMPLOYEE_SYSTEM = "employee_system", _("employee-system support")
        JOB_STABILITY = "job_stability", _("job stabilisation")

    class PeriodKind(models.TextChoices):
        YEAR = "year", _("year")
        HALF = "half", _("half year")
        QUARTER = "quarter", _("quarter")
        MONTH = "month", _("month")

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    group = models.CharField(_("policy group"), max_length=20, choices=Group.choices)
    policy_year = models.PositiveSmallIntegerField(_("policy year"))
    calculator = models.CharField(_("calculator"), max_length=40)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    eligibility = models.CharField(_("eligibility rule"), max_length=40)
    required_attachments = models.JSONField(
        _("required attachments"),
        default=list,
        blank=True,
        help_text=_("A list of [code, label] pairs."),
    )
    period_kind = models.CharField(
        _("claim period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("open for claims"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ClaimTypeManager()

    class Meta:
        verbose_name = _("claim type")
        verbose_name_plural = _("claim types")
        ordering = ["-policy_year", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "policy_year"], name="claimtype_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.policy_year}）"

    def natural_key(self) -> tuple[str, int]:
        return (self.code, self.policy_year)


class SpecialFund(models.Model):
    """专项发展资金 of a year, for all types (claim_type empty) or for one type."""

    year = models.PositiveSmallIntegerField(_("year"))
    claim_type = models.ForeignKey(
        ClaimType,
        verbose_name=_("claim type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funds",
        help_text=_("Empty: the year's fund for all claim types."),
    )
    amount = models.DecimalField(_("budget"), **MONEY, validators=[MinValueValidator(ZERO)])
    committed = models.DecimalField(_("approved so far"), **MONEY, default=ZERO)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("special fund")
        verbose_name_plural = _("special funds")
        ordering = ["-year", "claim_type_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(claim_type__isnull=True),
                name="fund_one_general_per_year",
            ),
            models.UniqueConstraint(
                fields=["year", "claim_type"],
                condition=Q(claim_type__isnull=False),
                name="fund_one_per_type_per_year",
            ),
            # The database itself refuses to commit more than the budget.
            models.CheckConstraint(
                condition=Q(committed__lte=models.F("amount")) & Q(committed__gte=0),
                name="fund_never_overspent",
            ),
        ]

    def __str__(self) -> str:
        label = self.claim_type.name if self.claim_type_id else _("all claim types")
        return f"{self.year} {_('special fund')}·{label}"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed


class Claim(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        FIRST_PASSED = "first_passed", _("first review passed")
        APPROVED = "approved", _("approved")
        PAID = "paid", _("paid")
        RETURNED = "returned", _("returned for correction")
        # Not the agency registration's 已驳回: a claim is 不予通过.
        REJECTED = "rejected", pgettext_lazy("claim status", "rejected")
        REVOKED = "revoked", _("revoked")
        WITHDRAWN = "withdrawn", _("withdrawn")

    LIVE = ("draft", "submitted", "first_passed", "approved", "paid", "returned")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="claims"
    )
    claim_type = models.ForeignKey(
        ClaimType, verbose_name=_("claim type"), on_delete=models.PROTECT, related_name="claims"
    )
    period = models.CharField(_("period"), max_length=10)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    declared = models.JSONField(_("declared figures"), default=dict, blank=True)
    eligible_amount = models.DecimalField(_("eligible amount"), **MONEY, default=ZERO)
    trace = models.JSONField(_("calculation"), default=list, blank=True)
    eligibility_notes = models.JSONField(_("eligibility"), default=list, blank=True)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_reviewed_at = models.DateTimeField(_("first reviewed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or refused by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    last_reason = models.TextField(_("reason for the last decision"), blank=True)
    fund = models.ForeignKey(
        SpecialFund,
        verbose_name=_("drawn from fund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    recovery_amount = models.DecimalField(_("amount to recover"), **MONEY, null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("subsidy claim")
        verbose_name_plural = _("subsidy claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "claim_type", "period"],
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "first_passed",
                        "approved",
                        "paid",
                        "returned",
                    ]
                ),
                name="claim_one_live_per_agency_type_period",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(approved_amount__lte=models.F("eligible_amount")),
                name="claim_approved_within_eligible",
            ),
            models.CheckConstraint(
                condition=Q(eligible_amount__gte=0)
                & (Q(approved_amount__isnull=True) | Q(approved_amount__gte=0)),
                name="claim_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(bank_reference="")),
                name="claim_paid_has_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}·{self.claim_type.name}·{self.period}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE


class ClaimSubject(models.Model):
    """A worker-month, training enrolment, certificate or household service a claim
    subsidises: at most once per claim type while the claim counts (``live``). Each kind
    points at its own record; the database holds the "once" rule per kind."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ENROLMENT = "enrolment", _("training enrolment")
        ORDER = "order", _("service order")
        CERTIFICATE = "certificate", _("certificate")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="subjects"
    )
    claim_type = models.ForeignKey(ClaimType, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # person: the worker's person record and the month subsidised (社会保险补贴) or the first
    # day of the claim period (types paid per person and period).
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    month = models.DateField(_("month"), null=True, blank=True)
    enrolment = models.ForeignKey(
        "training.Enrolment",
        verbose_name=_("training enrolment"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # certificate: the enrolment that holds the certificate.
    certificate = models.ForeignKey(
        "training.Enrolment",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # order, 居民家庭服务费用减免: the exemption (its own constraint pays a household, day and
    # service kind once, by any agency); other types: the agency's own order number.
    fee_exemption = models.OneToOneField(
        "subsidies.FeeExemption",
        verbose_name=_("fee exemption"),
        on_delete=models.CASCADE,
        related_name="subject",
        null=True,
        blank=True,
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    order_number = models.CharField(_("order number"), max_length=60, blank=True)
    label = models.CharField(_("description"), max_length=120, blank=True)
    live = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("subsidised subject")
        verbose_name_plural = _("subsidised subjects")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="person",
                        person__isnull=False,
                        month__isnull=False,
                        enrolment__isnull=True,
                        certificate__isnull=True,
                        fee_exemption__isnull=True,
                        agency__isnull=True,
                        order_number="",
                    )
                    | Q(
                        kind="enrolment",
                        person__isnull=True,
                        month__isnull=True,
                        enrolment__isnull=False,
                        certificate__isnull=True,
                        fee_exemption__isnull=True,
                        agency__isnull=True,
                        order_number="",
                    )
                    | Q(
                        kind="certificate",
                        person__isnull=True,
                        month__isnull=True,
                        enrolment__isnull=True,
                        certificate__isnull=False,
                        fee_exemption__isnull=True,
                        agency__isnull=True,
                        order_number="",
                    )
                    | Q(
                        kind="order",
                        person__isnull=True,
                        month__isnull=True,
                        enrolment__isnull=True,
                        certificate__isnull=True,
                        fee_exemption__isnull=False,
                        agency__isnull=True,
                        order_number="",
                    )
                    | (
                        Q(
                            kind="order",
                            person__isnull=True,
                            month__isnull=True,
                            enrolment__isnull=True,
                            certificate__isnull=True,
                            fee_exemption__isnull=True,
                            agency__isnull=False,
                        )
                        & ~Q(order_number="")
                    )
                ),
                name="subject_names_its_kind",
            ),
            models.UniqueConstraint(
                fields=["claim_type", "person", "month"],
                condition=Q(live=True, person__isnull=False),
                name="subject_person_month_once",
            ),
            models.UniqueConstraint(
                fields=["claim_type", "enrolment"],
                condition=Q(live=True, enrolment__isnull=False),
                name="subject_enrolment_once",
            ),
            models.UniqueConstraint(
                fields=["claim_type", "certificate"],
                condition=Q(live=True, certificate__isnull=False),
                name="subject_certificate_once",
            ),
            models.UniqueConstraint(
                fields=["claim_type", "agency", "order_number"],
                condition=Q(live=True, agency__isnull=False),
                name="subject_order_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.order_number or str(self.pk)


class ClaimAttachment(models.Model):
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="attachments"
    )
    code = models.SlugField(_("attachment kind"), max_length=40)
    document = models.ForeignKey(
        "documents.Document", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["code", "id"]

    def __str__(self) -> str:
        return str(self.document)


class Notice(models.Model):
    """A numbered 审批通知书 or 不予通过告知书. The number is gap-free per kind and year."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("approval notice")
        REJECTION = "rejection", _("rejection notice")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("notice number"), max_length=40, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    issued_on = models.DateField(_("issued on"))
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # When it was issued, to the second: the sweep leaves fresh notices to the normal path.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # Set when rendering the PDF failed after every retry; cleared when it is made.
    render_failed_at = models.DateTimeField(_("PDF failed at"), null=True, blank=True)
    render_error = models.TextField(_("PDF error"), blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("PDF attempts"), default=0)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="notice_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class AwardPolicyManager(models.Manager):
    def get_by_natural_key(self, year: int):
        return self.get(year=year)


class AwardPolicy(models.Model):
    """The bureau's settings for the awards (奖补, 不超过10万元 each) of one policy year.

    A year without a row reads as the defaults: one award of each kind a year, no yearly
    total, 基本合格 not counted as 考评合格."""

    class Limit(models.TextChoices):
        EACH_KIND = "each_kind", _("one award of each kind a year")
        ONE = "one", _("one award a year in all")

    year = models.PositiveSmallIntegerField(_("policy year"), unique=True)
    awards_per_year = models.CharField(
        _("awards per agency and year"),
        max_length=10,
        choices=Limit.choices,
        default=Limit.EACH_KIND,
    )
    yearly_total = models.DecimalField(
        _("yearly total of awards per agency (yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Empty: no yearly total."),
    )
    basic_pass_counts = models.BooleanField(
        _("“basically passed” counts as passing the inspection"),
        default=False,
        help_text=_("Off: only “passed” in the annual inspection qualifies for an award."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AwardPolicyManager()

    class Meta:
        verbose_name = _("award settings")
        verbose_name_plural = _("award settings")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {_('award settings')}"

    def natural_key(self) -> tuple[int]:
        return (self.year,)


# How the catalogue names a calculator's parameters (the code name where none is given).
PARAMETER_LABELS = {
    "unit_amount": _("standard per head"),
    "graduate_years": _("years after graduation that count as a graduate"),
    "cap": _("upper limit"),
    "rate": _("rate"),
    "max_annual_rate": _("highest loan rate accepted (above it a typo is assumed)"),
    "per_household_per_year": _("most exemptions per household and year"),
    "max_monthly_contribution": _(
        "highest employer contribution per worker and month accepted (above it a typo is assumed)"
    ),
}


class ParameterFlagManager(models.Manager):
    def get_by_natural_key(self, code: str, policy_year: int, name: str):
        return self.get(claim_type__code=code, claim_type__policy_year=policy_year, name=name)


class ParameterFlag(models.Model):
    """A parameter of a claim type whose figure the plan does not give: shown as 待局里确认
    until a bureau user confirms the value it has (who and when are recorded). Changing the
    value afterwards makes it unconfirmed again."""

    claim_type = models.ForeignKey(
        ClaimType,
        verbose_name=_("claim type"),
        on_delete=models.CASCADE,
        related_name="parameter_flags",
    )
    name = models.SlugField(_("parameter"), max_length=40)
    note = models.CharField(_("note"), max_length=200, blank=True)
    confirmed_value = models.JSONField(_("confirmed value"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = ParameterFlagManager()

    class Meta:
        verbose_name = _("parameter to confirm")
        verbose_name_plural = _("parameters to confirm")
        ordering = ["claim_type__policy_year", "claim_type__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["claim_type", "name"], name="parameter_flag_once"),
        ]

    def __str__(self) -> str:
        # Messages and the audit log name the figure as the catalogue does, not by its code.
        return f"{self.claim_type.name}·{self.label}"

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.claim_type.natural_key(), self.name)

    natural_key.dependencies = ["subsidies.claimtype"]

    @property
    def label(self) -> str:
        return str(PARAMETER_LABELS.get(self.name, self.name))

    @property
    def current_value(self):
        return (self.claim_type.parameters or {}).get(self.name)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None and self.confirmed_value == self.current_value


@receiver(pre_save, sender=ParameterFlag)
def _loaddata_keeps_confirmations(sender, instance, raw=False, **kwargs):
    """A catalogue fixture carries no confirmations (who confirmed what is the bureau's record,
    not the file's): ``loaddata`` of it keeps those the database holds. A confirmation still
    counts only while the parameter keeps the confirmed value (``confirmed``)."""
    if not raw or instance.pk is None or instance.confirmed_at is not None:
        return
    held = (
        sender._default_manager.filter(pk=instance.pk)
        .values("confirmed_value", "confirmed_by_id", "confirmed_at")
        .first()
    )
    if held:
        instance.confirmed_value = held["confirmed_value"]
        instance.confirmed_by_id = held["confirmed_by_id"]
        instance.confirmed_at = held["confirmed_at"]


@receiver(pre_save, sender=AwardPolicy)
def _loaddata_stamps_award_settings(sender, instance, raw=False, **kwargs):
    """A raw save (``loaddata``) skips ``auto_now``; the fixture carries no time stamp."""
    if raw and instance.updated_at is None:
        instance.updated_at = timezone.now()


# 居民家庭服务费用减免 lives in its own module; imported here so Django registers its models.
from .change_models import SettingChange  # noqa: E402, F401
from .exemption_models import ExemptionServiceKind, FeeExemption  # noqa: E402, F401
