"""The sidebar filters of the training admin's lists, beyond Django's own: the street of a
course, and for enrolments the year completed, the trainee's street and the certificate, each
with the definition the training figures use (training.selectors), so the annual report's
links list exactly the enrolments behind a figure."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies import selectors as agency_selectors

from . import selectors

NOT_KNOWN = "none"


class StreetOfCourseFilter(admin.SimpleListFilter):
    """The course's street, or its provider's street when the course names none."""

    title = _("street or town")
    parameter_name = "street"

    def lookups(self, request, model_admin):
        # Keys as text: the facet counts pass them back as the value ("显示计数" was a 500).
        return [(str(s.pk), s.name) for s in agency_selectors.street_choices()]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdecimal():
            return queryset
        street = int(self.value())
        return queryset.filter(
            Q(street_id=street) | Q(street__isnull=True, provider__street_id=street)
        )


class CompletedYearFilter(admin.SimpleListFilter):
    """Enrolments completed in a year (``completed_year=2026``)."""

    title = _("year completed")
    parameter_name = "completed_year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .filter(completed=True)
            .order_by("-completed_on__year")
            .values_list("completed_on__year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years if year]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if not (value.isdecimal() and 1 <= int(value) <= 9999):
            return queryset
        return queryset.filter(completed=True, completed_on__year=int(value))


class TraineeStreetFilter(admin.SimpleListFilter):
    """The trainee's street as the training figures count it: the roster's street, else the
    course's, else the provider's (selectors.TRAINEE_STREET_ID)."""

    title = _("trainee's street or town")
    parameter_name = "trainee_street"

    def lookups(self, request, model_admin):
        streets = [(str(s.pk), s.name) for s in agency_selectors.street_choices()]
        return [*streets, (NOT_KNOWN, _("not known"))]

    def queryset(self, request, queryset):
        value = self.value() or ""
        if value == NOT_KNOWN:
            return queryset.alias(trainee_street=selectors.TRAINEE_STREET_ID).filter(
                trainee_street__isnull=True
            )
        if not value.isdecimal():
            return queryset
        return queryset.alias(trainee_street=selectors.TRAINEE_STREET_ID).filter(
            trainee_street=int(value)
        )


class CertificateFilter(admin.SimpleListFilter):
    title = _("certificate")
    parameter_name = "certificate"

    def lookups(self, request, model_admin):
        return [("yes", _("certificate issued")), ("no", _("no certificate"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(certificate_number="")
        if self.value() == "no":
            return queryset.filter(certificate_number="")
        return queryset
