from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kunqu_jiafu.people.models import Person


class CodeManager(models.Manager):
    """Reference rows are found by their code, so ``loaddata`` of a fixture without primary
    keys updates them in place."""

    def get_by_natural_key(self, code: str):
        return self.get(code=code)


class Street(models.Model):
    """街镇 of 昆都仑区 with its statistics code (150203xxx)."""

    code = models.CharField(_("statistics code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("street or town")
        verbose_name_plural = _("streets and towns")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class BusinessFormat(models.Model):
    """业态: the plan's four key formats and the others."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    is_key_format = models.BooleanField(_("key format of the plan"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("business format")
        verbose_name_plural = _("business formats")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class AgencyPolicy(models.Model):
    """Configurable yearly figures for the agencies area (edited in the admin)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    target_new_agencies_min = models.PositiveSmallIntegerField(
        _("new agencies target (min)"), default=5
    )
    target_new_agencies_max = models.PositiveSmallIntegerField(
        _("new agencies target (max)"), default=10
    )
    target_stations_min = models.PositiveSmallIntegerField(_("stations target (min)"), default=3)
    target_stations_max = models.PositiveSmallIntegerField(_("stations target (max)"), default=5)
    filing_min_workers = models.PositiveSmallIntegerField(
        _("employee-system filing: minimum qualifying workers"), default=10
    )
    filing_min_contract_months = models.PositiveSmallIntegerField(
        _("employee-system filing: minimum contract term (months)"), default=12
    )
    health_check_valid_months = models.PositiveSmallIntegerField(
        _("health check valid for (months)"), default=12
    )
    filing_valid_months = models.PositiveSmallIntegerField(
        _("employee-system filing: valid for (months)"),
        default=12,
        help_text=_("A filing lapses at the end of this term unless it is renewed."),
    )
    filing_renewal_days = models.PositiveSmallIntegerField(
        _("employee-system filing: renewal opens (days before the end)"),
        default=90,
        help_text=_("An agency may file for renewal this many days before its filing ends."),
    )
    target_centres_min = models.PositiveSmallIntegerField(
        _("community service centres target (min)"),
        default=0,
        help_text=_(
            "The plan sets no figure for centres; the station target counts stations only."
        ),
    )
    target_centres_max = models.PositiveSmallIntegerField(
        _("community service centres target (max)"), default=0
    )
    target_city_brands_min = models.PositiveSmallIntegerField(
        _("Baotou distinctive housekeeping brands target (min)"), default=1
    )
    target_city_brands_max = models.PositiveSmallIntegerField(
        _("Baotou distinctive housekeeping brands target (max)"), default=2
    )

    class Meta:
        verbose_name = _("yearly agency policy")
        verbose_name_plural = _("yearly agency policies")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_new_agencies_min__lte=models.F("target_new_agencies_max")),
                name="agencypolicy_agency_target_range",
            ),
            models.CheckConstraint(
                condition=Q(target_stations_min__lte=models.F("target_stations_max")),
                name="agencypolicy_station_target_range",
            ),
            models.CheckConstraint(
                condition=Q(target_centres_min__lte=models.F("target_centres_max")),
                name="agencypolicy_centre_target_range",
            ),
            models.CheckConstraint(
                condition=Q(target_city_brands_min__lte=models.F("target_city_brands_max")),
                name="agencypolicy_city_brand_target_range",
            ),
            models.CheckConstraint(
                condition=Q(filing_valid_months__gte=1), name="agencypolicy_filing_term_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)s policy") % {"year": self.year}


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("large enterprise")
    MEDIUM = "medium", _("medium enterprise")
    SMALL = "small", _("small enterprise")
    MICRO = "micro", _("micro enterprise")


class EnterpriseSizeThreshold(models.Model):
    """企业规模划分标准: the lower bounds of a size (统计上大中小微型企业划分办法).

    大型、中型和小型 must meet the lower bounds of BOTH figures, otherwise the enterprise
    falls one size down; 微型 is whatever meets none of them, so it has no row."""

    size = models.CharField(
        _("enterprise size"),
        max_length=10,
        unique=True,
        choices=[c for c in EnterpriseSize.choices if c[0] != EnterpriseSize.MICRO],
    )
    min_staff = models.PositiveIntegerField(_("staff at least (persons)"))
    min_revenue = models.DecimalField(
        _("yearly revenue at least (10,000 yuan)"), max_digits=12, decimal_places=2
    )
    note = models.CharField(_("basis of the figures"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("enterprise size threshold")
        verbose_name_plural = _("enterprise size thresholds")
        ordering = ["-min_staff", "-min_revenue"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_revenue__gte=0), name="sizethreshold_revenue_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_size_display())


class Agency(models.Model):
    class Status(models.TextChoices):
        APPLYING = "applying", _("applying")
        REGISTERED = "registered", _("registered")
        REJECTED = "rejected", _("rejected")
        SUSPENDED = "suspended", _("suspended")
        DEREGISTERED = "deregistered", _("deregistered")

    name = models.CharField(_("agency name"), max_length=100)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    uscc_override_reason = models.TextField(
        _("reason for accepting a credit code that fails the check"), blank=True
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    contact_name = models.CharField(_("contact person"), max_length=50)
    phone = models.CharField(_("contact phone"), max_length=20)
    address = models.CharField(_("address"), max_length=200)
    street = models.ForeignKey(
        Street, verbose_name=_("street or town"), on_delete=models.PROTECT, related_name="agencies"
    )
    formats = models.ManyToManyField(
        BusinessFormat, verbose_name=_("business formats"), related_name="agencies"
    )
    founded_on = models.DateField(_("founding date"))
    employee_count = models.PositiveIntegerField(_("number of employees"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLYING, db_index=True
    )
    status_reason = models.TextField(_("reason for the last decision"), blank=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    size_staff = models.PositiveIntegerField(
        _("staff for the enterprise size (persons)"), null=True, blank=True
    )
    size_revenue = models.DecimalField(
        _("yearly revenue (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    size_year = models.PositiveSmallIntegerField(
        _("year of the size figures"), null=True, blank=True
    )
    alliance_member = models.BooleanField(_("member of the agency alliance"), default=False)
    alliance_joined_on = models.DateField(_("alliance join date"), null=True, blank=True)
    license = models.ForeignKey(
        "documents.Document",
        verbose_name=_("business licence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(alliance_member=False) | Q(alliance_joined_on__isnull=False),
                name="agency_alliance_needs_join_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["registered", "suspended", "deregistered"])
                | Q(registered_on__isnull=False),
                name="agency_registered_has_date",
            ),
            # The size basis is recorded whole (staff, revenue and their year) or not at all.
            models.CheckConstraint(
                condition=Q(
                    size_staff__isnull=True, size_revenue__isnull=True, size_year__isnull=True
                )
                | Q(size_staff__isnull=False, size_revenue__gte=0, size_year__isnull=False),
                name="agency_size_basis_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgencyMembership(models.Model):
    """An agency user belongs to exactly one agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agency_membership",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agency account")
        verbose_name_plural = _("agency accounts")

    def __str__(self) -> str:
        return f"{self.user} → {self.agency}"


class RecognitionKind(models.Model):
    """认定/称号: a recognition the bureau grants (reference data, seeded from
    fixtures/agencies_recognition_kinds.json). Codes are kept: subsidy rules read them."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    basis = models.CharField(_("basis in the plan"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = CodeManager()

    class Meta:
        verbose_name = _("recognition kind")
        verbose_name_plural = _("recognition kinds")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Recognition(models.Model):
    class Kind(models.TextChoices):
        """Codes of the seeded kinds that rules read (the names shown are RecognitionKind's)."""

        CENTRE = "centre", _("community family service centre")
        STATION = "station", _("community family service station")
        MARKET = "market", _("family service professional market")
        TRAINING_BASE = "training_base", _("regional family service training demonstration base")
        REGIONAL_BRAND = "regional_brand", _("regional well-known family service brand")
        CITY_BRAND = "city_brand", _("Baotou distinctive housekeeping brand")
        TOP_HUNDRED = "top_hundred", _("regional 'hundred households, ten strong'")
        FRONTRUNNER = "frontrunner", _("'front-runner' enterprise")

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="recognitions"
    )
    # Keyed by the kind's code (to_field), so stored values, fixtures and the rules' codes
    # (Recognition.Kind) read the same as before the kinds became a table.
    kind = models.ForeignKey(
        RecognitionKind,
        verbose_name=_("recognition"),
        to_field="code",
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    granted_on = models.DateField(_("granted on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    status_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-year", "agency_id", "kind_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "year"], name="recognition_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("granted_on")),
                name="recognition_valid_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}·{self.get_kind_display()}（{self.year}）"

    def get_kind_display(self) -> str:
        """The kind's name as the bureau keeps it (load with ``select_related("kind")``)."""
        return self.kind.name


class Worker(models.Model):
    class ContractKind(models.TextChoices):
        LABOUR = "labour", _("labour contract")
        SERVICE = "service", _("service agreement")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="jobs"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="workers"
    )
    job = models.CharField(_("job"), max_length=50)
    hired_on = models.DateField(_("hire date"))
    contract_kind = models.CharField(
        _("contract kind"), max_length=10, choices=ContractKind.choices
    )
    contract_start = models.DateField(_("contract start"))
    contract_end = models.DateField(
        _("contract end"), null=True, blank=True, help_text=_("empty = open-ended")
    )
    social_insurance = models.BooleanField(_("social insurance paid"), default=False)
    insured_since = models.DateField(_("insured since"), null=True, blank=True)
    health_check_on = models.DateField(_("last health check"), null=True, blank=True)
    accident_insurance_until = models.DateField(
        _("accident insurance valid until"), null=True, blank=True
    )
    certificates = models.CharField(_("training and certificates"), max_length=300, blank=True)
    is_hard_to_employ = models.BooleanField(_("person with employment difficulties"), default=False)
    is_graduate = models.BooleanField(_("college graduate"), default=False)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["agency_id", "-hired_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "person"],
                condition=Q(left_on__isnull=True),
                name="worker_once_per_agency",
            ),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
                name="worker_contract_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(social_insurance=False) | Q(insured_since__isnull=False),
                name="worker_insured_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.agency}）"


class EmployeeSystemFiling(models.Model):
    """员工制家政企业备案, with figures computed from worker records at submission."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        FILED = "filed", _("filed")
        RETURNED = "returned", _("returned for correction")
        REFUSED = "refused", _("refused")
        RENEWED = "renewed", _("renewed")
        LAPSED = "lapsed", _("lapsed")
        WITHDRAWN = "withdrawn", pgettext_lazy("filing status", "withdrawn")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="filings"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    signs_customer_contracts = models.BooleanField(
        _("signs service contracts with customers itself")
    )
    dispatches_workers = models.BooleanField(_("dispatches workers itself"))
    pays_wages_directly = models.BooleanField(_("pays wages directly at or above the minimum wage"))
    trains_continuously = models.BooleanField(_("trains workers continuously"))
    total_workers = models.PositiveIntegerField(_("active workers"), default=0)
    contracted_workers = models.PositiveIntegerField(
        _("workers with a contract or agreement"), default=0
    )
    insured_workers = models.PositiveIntegerField(_("workers with social insurance"), default=0)
    qualifying_workers = models.PositiveIntegerField(
        _("qualifying workers (labour contract of the minimum term, insured)"), default=0
    )
    threshold_workers = models.PositiveSmallIntegerField(
        _("threshold: qualifying workers"), default=10
    )
    threshold_months = models.PositiveSmallIntegerField(_("threshold: contract months"), default=12)
    meets_threshold = models.BooleanField(_("meets the threshold"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    renews = models.ForeignKey(
        "self",
        verbose_name=_("renewal of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("The first day it no longer applies.")
    )
    end_reason = models.TextField(_("why it ended"), blank=True)
    end_figures = models.JSONField(_("figures when it ended"), default=dict, blank=True)

    class Meta:
        verbose_name = _("employee-system filing")
        verbose_name_plural = _("employee-system filings")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One filing waiting for the bureau, and one in force (a renewal waits beside it).
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status="submitted"),
                name="filing_one_submitted_per_agency",
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status="filed"),
                name="filing_one_filed_per_agency",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["filed", "renewed", "lapsed", "withdrawn"])
                | Q(valid_from__isnull=False, valid_until__gte=models.F("valid_from")),
                name="filing_in_force_has_term",
            ),
        ]

    def __str__(self) -> str:
        return _("Employee-system filing of %(agency)s") % {"agency": self.agency}


class AgencyStanding(models.Model):
    """An agency's standing for a year: annual inspection result and performance rating.

    Written by bureau staff now and by the inspections area later; read by subsidies
    (awards need a passed inspection or an excellent rating)."""

    class Inspection(models.TextChoices):
        PENDING = "pending", _("not inspected yet")
        PASSED = "passed", _("passed")
        BASICALLY_PASSED = "basically_passed", _("basically passed")
        FAILED = "failed", _("failed")

    class Rating(models.TextChoices):
        NONE = "none", _("not rated")
        EXCELLENT = "excellent", _("excellent")
        GOOD = "good", _("good")
        QUALIFIED = "qualified", _("qualified")
        UNQUALIFIED = "unqualified", _("unqualified")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="standings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    inspection = models.CharField(
        _("annual inspection"),
        max_length=20,
        choices=Inspection.choices,
        default=Inspection.PENDING,
    )
    rating = models.CharField(
        _("performance rating"), max_length=20, choices=Rating.choices, default=Rating.NONE
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("yearly standing")
        verbose_name_plural = _("yearly standings")
        ordering = ["-year", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="standing_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}（{self.year}）"

    @property
    def inspection_passed(self) -> bool:
        return self.inspection in (self.Inspection.PASSED, self.Inspection.BASICALLY_PASSED)


# The yearly statistical survey's models live in survey_models.py (size limit).
from .survey_models import (  # noqa: E402, F401
    SurveyForm,
    SurveyIndicator,
    SurveyReminder,
    SurveyReturn,
    SurveyValue,
)
