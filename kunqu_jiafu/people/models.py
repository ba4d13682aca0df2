from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import crypto
from .fields import EncryptedTextField
from .idcard import mask, normalize


class PersonQuerySet(models.QuerySet):
    def by_id_number(self, value: str) -> PersonQuerySet:
        return self.filter(id_hash=crypto.blind_index(normalize(value)))


class Person(models.Model):
    """One record per ID number across the system: worker, trainee, household member."""

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_encrypted = models.TextField(_("ID number (encrypted)"), editable=False)
    id_hash = models.CharField(
        _("ID number blind index"), max_length=64, unique=True, editable=False
    )
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    # No birth date or sex column: both are digits of the ID number, and a birth date beside the
    # mask gives the whole number back (FIELD-NOTES). They are derived when needed (below).
    # Whether stdnum knows the area code: one bit about the first six digits, which narrows
    # nothing a mask hides (the district's codes are few and all known).
    area_known = models.BooleanField(_("area code known"), default=True, editable=False)
    phone = EncryptedTextField(_("phone"), max_length=20, blank=True)
    # Target-group flags used by training and employment programmes.
    is_hard_to_employ = models.BooleanField(_("person with employment difficulties"), default=False)
    is_unemployed = models.BooleanField(_("unemployed"), default=False)
    is_graduate = models.BooleanField(_("college graduate"), default=False)
    # Subsidies for graduates run for a number of years after graduation (a bureau setting).
    graduated_on = models.DateField(_("graduation date"), null=True, blank=True)
    is_low_income = models.BooleanField(_("low-income household"), default=False)
    identity_problem = models.TextField(
        _("identity problem"),
        blank=True,
        help_text=_(
            "Recorded by bureau staff when the identity is in doubt (e.g. the card does not "
            "match the person). While it is set the person may not work in homes."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_encrypted)

    def set_id_number(self, number: str) -> None:
        """Store an already validated, normalised number."""
        self.id_encrypted = crypto.encrypt(number)
        self.id_hash = crypto.blind_index(number)
        self.id_masked = mask(number)
        self.__dict__.pop("birth_date", None)

    @cached_property
    def birth_date(self) -> dt.date:
        """Characters 7-14 of the decrypted number: show it only beside the full number
        (``can_see_full_id``), or use it in computations that display nothing (an age rule)."""
        number = self.id_number
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))

    @property
    def sex(self) -> str:
        """ "M" or "F" from the 17th character, which the mask shows anyway (the last four)."""
        return self.Sex.MALE if int(self.id_masked[-2]) % 2 else self.Sex.FEMALE

    def get_sex_display(self) -> str:
        return str(self.Sex(self.sex).label)

    def age_on(self, day: dt.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def id_for(self, user) -> str:
        from kunqu_jiafu.accounts.roles import can_see_full_id

        return self.id_number if can_see_full_id(user) else self.id_masked
