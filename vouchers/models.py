"""Employment vouchers (促进就业券): batch, target groups, applications, vouchers, home services,
follow-up calls and monthly settlements.

The caps (count and value of a batch) are held by the batch row: issuing locks it and moves its
counters, and CHECK constraints refuse any counter above the cap, so even a write that bypassed
the service could not overspend."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency, BusinessFormat, CodeManager, Street, Worker
from kunqu_jiafu.people.fields import EncryptedTextField
from kunqu_jiafu.people.models import Person

from .codes import display


class TargetGroup(models.Model):
    """七类特定群体: 城镇失业人员, 就业困难人员, 劳动模范 … (data; the bureau completes the list)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("who belongs to it"), max_length=200, blank=True)
    evidence_hint = models.CharField(_("evidence to upload"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = CodeManager()  # loaddata of fixtures/vouchers_target_groups.json updates by code

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class VoucherBatch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("batch", "draft")
        OPEN = "open", pgettext_lazy("batch", "open")
        CLOSED = "closed", pgettext_lazy("batch", "closed")

    class OnePer(models.TextChoices):
        HOUSEHOLD = "household", _("household (head's ID number and address)")
        PERSON = "person", _("person (the applicant's ID number)")

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("batch name"), max_length=100)
    count = models.PositiveIntegerField(_("number of vouchers"), default=5000)
    face_value = models.DecimalField(
        _("face value (yuan)"), max_digits=10, decimal_places=2, default=Decimal("200.00")
    )
    total = models.DecimalField(
        _("total value (yuan)"), max_digits=14, decimal_places=2, default=Decimal("1000000.00")
    )
    applications_open_on = models.DateField(_("applications open on"))
    applications_close_on = models.DateField(_("applications close on"))
    valid_from = models.DateField(_("vouchers valid from"))
    valid_until = models.DateField(_("vouchers valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    one_per = models.CharField(
        _("one voucher per"),
        max_length=10,
        choices=OnePer.choices,
        default=OnePer.HOUSEHOLD,
        help_text=_(
            "Household: one voucher for all who live at the address under the same household "
            "head. Person: one voucher per applicant's ID number."
        ),
    )
    # Moved only by vouchers.services under this row's lock; CHECK constraints hold the caps.
    issued_count = models.PositiveIntegerField(_("vouchers out (issued, not voided)"), default=0)
    issued_amount = models.DecimalField(
        _("value out (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("agencies in the programme"),
        through="Participation",
        related_name="voucher_batches",
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("voucher batch")
        verbose_name_plural = _("voucher batches")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="voucherbatch_name_per_year"),
            models.CheckConstraint(
                condition=Q(total=F("count") * F("face_value")),
                name="voucherbatch_total_is_count_times_value",
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="voucherbatch_count_positive"),
            models.CheckConstraint(
                condition=Q(face_value__gt=0), name="voucherbatch_face_value_positive"
            ),
            models.CheckConstraint(
                condition=Q(issued_count__lte=F("count")), name="voucherbatch_count_cap"
            ),
            models.CheckConstraint(
                condition=Q(issued_amount__lte=F("total")) & Q(issued_amount__gte=0),
                name="voucherbatch_value_cap",
            ),
            # Every voucher out carries the batch's face value (it cannot change while any is
            # out), so the value out is always count out × face value: the value cap is the
            # count cap, held by the database.
            models.CheckConstraint(
                condition=Q(issued_amount=F("issued_count") * F("face_value")),
                name="voucherbatch_value_out_is_count_times_value",
            ),
            models.CheckConstraint(
                condition=Q(applications_close_on__gte=F("applications_open_on")),
                name="voucherbatch_application_dates",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="voucherbatch_validity_dates"
            ),
        ]

    def __str__(self) -> str:
        return _("%(name)s of %(year)s") % {"year": self.year, "name": self.name}

    @property
    def remaining_count(self) -> int:
        return self.count - self.issued_count

    @property
    def remaining_amount(self) -> Decimal:
        return self.total - self.issued_amount


class Participation(models.Model):
    """An agency taking part in the batch: households may choose it."""

    batch = models.ForeignKey(
        VoucherBatch,
        verbose_name=_("batch"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="voucher_participations",
    )
    joined_on = models.DateField(_("joined on"))
    active = models.BooleanField(_("taking part"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("participating agency")
        verbose_name_plural = _("participating agencies")
        ordering = ["batch_id", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "agency"], name="participation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}·{self.batch}"


class Application(models.Model):
    """人员申报: a household applies, online without an account or through a reviewer."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        ISSUED = "issued", pgettext_lazy("application", "voucher issued")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online by the resident")
        COUNTER = "counter", _("entered by a reviewer")

    batch = models.ForeignKey(
        VoucherBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="applications"
    )
    number = models.CharField(_("application number"), max_length=20, unique=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="voucher_applications",
    )
    # The name typed by the applicant. Online, an ID number registered under another name is not
    # refused (the page answers the same whatever is known about an ID number): the application
    # is linked to that record unchanged and flagged; it cannot be approved while the names
    # differ.
    name_given = models.CharField(_("name given"), max_length=50, blank=True)
    name_differs = models.BooleanField(
        _("name differs from the record"),
        default=False,
        help_text=_(
            "The name given on the application is not the name registered for this ID number: "
            "check the applicant's identity before approving."
        ),
    )
    phone = EncryptedTextField(_("phone"), max_length=20)
    address = EncryptedTextField(_("address"), max_length=200)
    street = models.ForeignKey(
        Street, verbose_name=_("street or town"), on_delete=models.PROTECT, related_name="+"
    )
    head_id_encrypted = models.TextField(
        _("household head's ID number (encrypted)"),
        blank=True,
        editable=False,
        help_text=_("Empty: the applicant is the household head."),
    )
    # Blind index of the household (head's ID number + normalised address), set when the batch
    # gives one voucher per household: the unique constraints below hold it.
    household_key = models.CharField(_("household key"), max_length=64, blank=True, editable=False)
    target_group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    evidence = models.ForeignKey(
        "documents.Document",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("voucher application")
        verbose_name_plural = _("voucher applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live application per household (ID number) and batch; a rejected one may be
            # followed by a corrected application.
            models.UniqueConstraint(
                fields=["batch", "person"],
                condition=~Q(status="rejected"),
                name="voucherapplication_once_per_household",
            ),
            models.UniqueConstraint(
                fields=["batch", "household_key"],
                condition=~Q(status="rejected") & ~Q(household_key=""),
                name="voucherapplication_once_per_household_key",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_at__isnull=False),
                name="voucherapplication_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.person.name}）"


class Voucher(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", pgettext_lazy("voucher", "issued")
        REDEEMED = "redeemed", pgettext_lazy("voucher", "redeemed")
        VERIFIED = "verified", pgettext_lazy("voucher", "verified")
        REJECTED = "rejected", pgettext_lazy("voucher", "failed verification")
        REIMBURSED = "reimbursed", pgettext_lazy("voucher", "reimbursed")
        VOIDED = "voided", pgettext_lazy("voucher", "voided")
        # 抽查核实 found the service false: the voucher no longer counts and, when its money
        # was settled, the face value is to be recovered from the agency.
        REVOKED = "revoked", pgettext_lazy("voucher", "revoked after a spot check")

    batch = models.ForeignKey(
        VoucherBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="vouchers"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="vouchers"
    )
    household_key = models.CharField(_("household key"), max_length=64, blank=True, editable=False)
    code = models.CharField(_("voucher code"), max_length=11, unique=True)
    face_value = models.DecimalField(_("face value (yuan)"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED, db_index=True
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"))
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("chosen agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    agency_chosen_at = models.DateTimeField(_("agency chosen at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    settlement = models.ForeignKey(
        "Settlement",
        verbose_name=_("settlement statement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)
    recovery_amount = models.DecimalField(
        _("amount to recover (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("employment voucher")
        verbose_name_plural = _("employment vouchers")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # One voucher per household and batch; a voided one no longer counts.
            models.UniqueConstraint(
                fields=["batch", "person"],
                condition=~Q(status="voided"),
                name="voucher_once_per_household",
            ),
            models.UniqueConstraint(
                fields=["batch", "household_key"],
                condition=~Q(status="voided") & ~Q(household_key=""),
                name="voucher_once_per_household_key",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=~Q(status="voided"),
                name="voucher_once_per_application",
            ),
            models.CheckConstraint(
                condition=~Q(status="voided") | Q(voided_at__isnull=False),
                name="voucher_void_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["verified", "rejected", "reimbursed"])
                | Q(verified_at__isnull=False),
                name="voucher_verification_dated",
            ),
            models.CheckConstraint(
                condition=Q(settlement__isnull=True)
                | Q(status__in=["verified", "reimbursed", "revoked"]),
                name="voucher_settled_is_verified",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked")
                | (Q(revoked_at__isnull=False) & Q(recovery_amount__isnull=False)),
                name="voucher_revoked_dated_with_recovery",
            ),
            models.CheckConstraint(
                condition=~Q(status="reimbursed") | Q(settlement__isnull=False),
                name="voucher_reimbursed_has_settlement",
            ),
            models.CheckConstraint(
                condition=Q(status="issued") | Q(status="voided") | Q(agency__isnull=False),
                name="voucher_used_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return display(self.code)

    @property
    def display_code(self) -> str:
        return display(self.code)


class Service(models.Model):
    """上门服务: the home service that redeemed the voucher (one per voucher, ever)."""

    voucher = models.OneToOneField(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="service"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="voucher_services"
    )
    service_date = models.DateField(_("service date"))
    kind = models.ForeignKey(
        BusinessFormat, verbose_name=_("service kind"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="voucher_services"
    )
    hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    redeemed_at = models.DateTimeField(_("redeemed at"))
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redeemed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    request_digest = models.CharField(_("request fingerprint"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("home service")
        verbose_name_plural = _("home services")
        ordering = ["-service_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="voucherservice_idempotency_key_once",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="voucherservice_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher}·{self.service_date:%Y-%m-%d}"


class FollowUp(models.Model):
    """跟踪回访: a follow-up call to the household after the service."""

    voucher = models.ForeignKey(
        Voucher, verbose_name=_("voucher"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    called_on = models.DateField(_("called on"))
    reached = models.BooleanField(_("household reached"), default=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    remarks = models.TextField(_("remarks"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["-called_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="followup_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(reached=False) | Q(satisfaction__isnull=False),
                name="followup_reached_has_satisfaction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher}·{self.called_on:%Y-%m-%d}"


class Settlement(models.Model):
    """A monthly settlement statement (结算单) of one agency: its verified vouchers."""

    class Status(models.TextChoices):
        ISSUED = "issued", pgettext_lazy("settlement", "awaiting payment")
        PAID = "paid", pgettext_lazy("settlement", "paid")

    batch = models.ForeignKey(
        VoucherBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="settlements"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="voucher_settlements",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the settled month."))
    number = models.CharField(_("statement number"), max_length=40, unique=True)
    voucher_count = models.PositiveIntegerField(_("vouchers"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn up by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drawn up at"), auto_now_add=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payment recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        ordering = ["-month", "agency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "agency", "month"], name="settlement_once_per_agency_month"
            ),
            models.CheckConstraint(condition=Q(voucher_count__gt=0), name="settlement_not_empty"),
            models.CheckConstraint(
                condition=Q(status="issued") | Q(paid_on__isnull=False),
                name="settlement_paid_dated",
            ),
        ]

    def __str__(self) -> str:
        return self.number
