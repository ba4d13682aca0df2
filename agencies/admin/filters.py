"""List filters of the staff admin. Each one turns its choice into SQL."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .. import rules, selectors
from ..models import Agency, EmployeeSystemFiling, Recognition, RecognitionKind


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2999 else None


class RegistrationYearFilter(admin.SimpleListFilter):
    title = _("registration year")
    parameter_name = "registered_year"

    def lookups(self, request, model_admin):
        years = Agency.objects.filter(registered_on__isnull=False).dates(
            "registered_on", "year", order="DESC"
        )
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        year = _year(self.value())
        return queryset.filter(registered_on__year=year) if year else queryset


class RecognitionKindFilter(admin.SimpleListFilter):
    """Agencies holding a valid recognition of the chosen kind."""

    title = _("recognition")
    parameter_name = "recognition"

    def lookups(self, request, model_admin):
        return list(RecognitionKind.objects.values_list("code", "name"))

    def queryset(self, request, queryset):
        if not self.value() or not RecognitionKind.objects.filter(code=self.value()).exists():
            return queryset
        held = Recognition.objects.filter(
            agency=OuterRef("pk"), kind_id=self.value(), status=Recognition.Status.VALID
        )
        return queryset.filter(Exists(held))


class WorkerStatusFilter(admin.SimpleListFilter):
    """The derived green/yellow/red status, as date conditions in SQL (see selectors)."""

    title = _("home-service status")
    parameter_name = "colour"

    def lookups(self, request, model_admin):
        return [(colour, label) for colour, label in rules.STATUS_LABELS.items()]

    def queryset(self, request, queryset):
        if self.value() not in rules.STATUS_LABELS:
            return queryset
        return selectors.workers_by_status(queryset, self.value())


class EmploymentFilter(admin.SimpleListFilter):
    title = _("employment")
    parameter_name = "employed"

    def lookups(self, request, model_admin):
        return [("yes", _("working")), ("no", _("left"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(left_on__isnull=True)
        if self.value() == "no":
            return queryset.filter(left_on__isnull=False)
        return queryset


class SubmissionYearFilter(admin.SimpleListFilter):
    title = _("year of submission")
    parameter_name = "submitted_year"

    def lookups(self, request, model_admin):
        years = EmployeeSystemFiling.objects.datetimes("submitted_at", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        year = _year(self.value())
        return queryset.filter(submitted_at__year=year) if year else queryset


class FormatFilter(admin.RelatedFieldListFilter):
    """Business formats, without the "none" choice the stock M2M filter adds."""

    @property
    def include_empty_choice(self):
        return False
