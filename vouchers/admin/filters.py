"""List filters of the voucher admin; each turns its choice into SQL."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..models import FollowUp, Settlement


class HasFollowUpFilter(admin.SimpleListFilter):
    title = _("follow-up call")
    parameter_name = "followed_up"

    def lookups(self, request, model_admin):
        return (("yes", _("recorded")), ("no", _("none yet")))

    def queryset(self, request, queryset):
        calls = Exists(FollowUp.objects.filter(voucher=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(calls)
        if self.value() == "no":
            return queryset.filter(~calls)
        return queryset


class SatisfactionFilter(admin.SimpleListFilter):
    title = _("satisfaction")
    parameter_name = "satisfaction"

    def lookups(self, request, model_admin):
        return [(str(n), str(n)) for n in range(5, 0, -1)] + [("none", _("not reached"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(satisfaction__isnull=True)
        if self.value() in {"1", "2", "3", "4", "5"}:
            return queryset.filter(satisfaction=int(self.value()))
        return queryset


class MonthFilter(admin.SimpleListFilter):
    """The statements' months, newest first."""

    title = _("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = Settlement.objects.dates("month", "month", order="DESC")
        return [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]

    def queryset(self, request, queryset):
        try:
            year, month = (int(part) for part in (self.value() or "").split("-"))
            first = dt.date(year, month, 1)
        except ValueError:
            return queryset
        return queryset.filter(month=first)


class StageFilter(admin.SimpleListFilter):
    """The vouchers at or past a step, as the progress figures count them (selectors.STAGES)."""

    title = _("step reached")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return [
            ("issued", _("issued (not voided)")),
            ("redeemed", _("redeemed")),
            ("verified", _("verified")),
            ("reimbursed", _("reimbursed")),
        ]

    def queryset(self, request, queryset):
        condition = selectors.STAGES.get(self.value() or "")
        return queryset if condition is None else queryset.filter(condition)


class BatchYearFilter(admin.SimpleListFilter):
    """The vouchers of every batch of a year (``year=2026``)."""

    title = _("batch year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = selectors.batch_years()
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if not (value.isdecimal() and 1 <= int(value) <= 9999):
            return queryset
        return queryset.filter(batch__year=int(value))
