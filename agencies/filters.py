"""django-filter filtersets for the agencies API. They narrow a queryset the selectors scoped."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError

from kunqu_jiafu.accounts.roles import can_see_full_id, is_agency_user
from kunqu_jiafu.drf import YearFilter
from kunqu_jiafu.people.id_search import hash_for_token

from . import selectors
from .models import (
    Agency,
    BusinessFormat,
    EmployeeSystemFiling,
    Recognition,
    RecognitionKind,
    Street,
    Worker,
)
from .serializers.common import STATUS_COLOURS


class AgencyFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("status"), choices=Agency.Status.choices
    )
    street = django_filters.NumberFilter(label=gettext_lazy("street or town"), field_name="street")
    street_code = django_filters.CharFilter(
        label=gettext_lazy("statistics code"), field_name="street__code"
    )
    format = django_filters.NumberFilter(
        label=gettext_lazy("business format"), field_name="formats", distinct=True
    )
    registered_year = YearFilter(
        label=gettext_lazy("registration year"), field_name="registered_on", lookup_expr="year"
    )
    alliance = django_filters.BooleanFilter(
        label=gettext_lazy("member of the agency alliance"), field_name="alliance_member"
    )

    class Meta:
        model = Agency
        fields = ["status", "street", "street_code", "format", "registered_year", "alliance"]


class WorkerFilter(django_filters.FilterSet):
    agency = django_filters.NumberFilter(label=gettext_lazy("agency"), field_name="agency")
    job = django_filters.CharFilter(label=gettext_lazy("job"), lookup_expr="icontains")
    contract_kind = django_filters.ChoiceFilter(
        label=gettext_lazy("contract kind"), choices=Worker.ContractKind.choices
    )
    social_insurance = django_filters.BooleanFilter(label=gettext_lazy("social insurance paid"))
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("home-service status"), choices=STATUS_COLOURS, method="filter_status"
    )
    current = django_filters.BooleanFilter(
        label=gettext_lazy("still employed"), field_name="left_on", lookup_expr="isnull"
    )
    id_token = django_filters.CharFilter(
        label=gettext_lazy("ID number search token (POST /api/id-search/)"),
        method="filter_id_token",
    )

    class Meta:
        model = Worker
        fields = [
            "agency",
            "job",
            "contract_kind",
            "social_insurance",
            "status",
            "current",
            "id_token",
        ]

    def filter_status(self, queryset, name: str, value: str):
        today = timezone.localdate()
        return selectors.workers_by_status(
            queryset, value, today=today, policy=selectors.policy_for_year(today.year)
        )

    def filter_id_token(self, queryset, name: str, value: str):
        # The number never comes in the address (access logs): a token for it does. Exact match
        # on the blind index. Officials see masked numbers, so they may not probe.
        user = getattr(self.request, "user", None)
        if user is None or not (can_see_full_id(user) or is_agency_user(user)):
            raise ValidationError(
                {
                    "id_token": _(
                        "Only reviewers, approvers and agency users may search by ID number."
                    )
                }
            )
        digest = hash_for_token(user, value)
        if not digest:
            raise ValidationError(
                {
                    "id_token": _(
                        "This search token is unknown or has expired (tokens last an hour); "
                        "post the ID number to /api/id-search/ again."
                    )
                }
            )
        return queryset.filter(person__id_hash=digest)


class RecognitionFilter(django_filters.FilterSet):
    agency = django_filters.NumberFilter(label=gettext_lazy("agency"), field_name="agency")
    kind = django_filters.ModelMultipleChoiceFilter(
        label=gettext_lazy("recognition"),
        queryset=RecognitionKind.objects.all(),
        to_field_name="code",
    )
    year = django_filters.NumberFilter(label=gettext_lazy("year"))
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("status"), choices=Recognition.Status.choices
    )

    class Meta:
        model = Recognition
        fields = ["agency", "kind", "year", "status"]


class FilingFilter(django_filters.FilterSet):
    agency = django_filters.NumberFilter(label=gettext_lazy("agency"), field_name="agency")
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("status"), choices=EmployeeSystemFiling.Status.choices
    )
    meets_threshold = django_filters.BooleanFilter(label=gettext_lazy("meets the threshold"))

    class Meta:
        model = EmployeeSystemFiling
        fields = ["agency", "status", "meets_threshold"]


class StreetFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(label=gettext_lazy("in use"))

    class Meta:
        model = Street
        fields = ["active", "code"]


class BusinessFormatFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(label=gettext_lazy("in use"))
    is_key_format = django_filters.BooleanFilter(label=gettext_lazy("key format of the plan"))

    class Meta:
        model = BusinessFormat
        fields = ["active", "is_key_format", "code"]
