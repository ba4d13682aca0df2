"""居民家庭服务费用减免: the services the bureau covers and each exemption an agency claims.

An exemption names the household (its head's ID number, encrypted with a blind index; the
address encrypted; the street), the service (date, kind from the bureau's list, worker) and
the claim it is paid through. The same household, day and service kind is paid once, by any
agency: a partial unique constraint on live rows holds it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import CodeManager, Street, Worker
from kunqu_jiafu.people import crypto
from kunqu_jiafu.people.household import mask_id


class ExemptionServiceKind(models.Model):
    """A household service covered by the fee exemption ("适当调整和增加服务项目": the bureau
    keeps this list)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("what it covers"), max_length=200, blank=True)
    active = models.BooleanField(_("covered"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    # loaddata of fixtures/subsidies_exemption_service_kinds.json updates by code
    objects = CodeManager()

    class Meta:
        verbose_name = _("covered household service")
        verbose_name_plural = _("covered household services")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class FeeExemption(models.Model):
    """One household service whose fee the agency reduced by the exemption."""

    claim = models.ForeignKey(
        # By name: models.py imports this module (so Django registers its models), not back.
        "subsidies.Claim",
        verbose_name=_("claim"),
        on_delete=models.CASCADE,
        related_name="fee_exemptions",
    )
    head_id_encrypted = models.TextField(_("household head's ID number (encrypted)"))
    head_id_hash = models.CharField(_("household head's ID blind index"), max_length=64)
    address_encrypted = models.TextField(_("address (encrypted)"))
    street = models.ForeignKey(
        Street, verbose_name=_("street or town"), on_delete=models.PROTECT, related_name="+"
    )
    service_date = models.DateField(_("service date"))
    service_kind = models.ForeignKey(
        ExemptionServiceKind,
        verbose_name=_("service kind"),
        on_delete=models.PROTECT,
        related_name="exemptions",
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="fee_exemptions"
    )
    live = models.BooleanField(_("counts"), default=True)
    # 抽查核实 found the service false: it no longer counts and its share of the claim's money
    # is recovered (subsidies.services.spot_checks.exemption_found_false).
    found_false_at = models.DateTimeField(_("found false at"), null=True, blank=True)
    found_false_reason = models.TextField(_("why it was found false"), blank=True)

    class Meta:
        verbose_name = _("fee exemption")
        verbose_name_plural = _("fee exemptions")
        ordering = ["service_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["head_id_hash", "service_date", "service_kind"],
                condition=Q(live=True),
                name="feeexemption_household_day_kind_once",
            ),
        ]
        indexes = [models.Index(fields=["head_id_hash", "service_date"])]

    def __str__(self) -> str:
        return f"{self.head_id_masked}·{self.service_date:%Y-%m-%d}·{self.service_kind}"

    @property
    def head_id_number(self) -> str:
        return crypto.decrypt(self.head_id_encrypted)

    @property
    def head_id_masked(self) -> str:
        return mask_id(self.head_id_number)

    @property
    def address(self) -> str:
        return crypto.decrypt(self.address_encrypted)

    def head_id_for(self, user) -> str:
        from kunqu_jiafu.accounts.roles import can_see_full_id

        return self.head_id_number if can_see_full_id(user) else self.head_id_masked
