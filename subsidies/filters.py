"""django-filter filtersets for the subsidies API. They narrow a queryset the selectors scoped."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy

from .models import Claim, ClaimType, Notice, SpecialFund


class ClaimTypeFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("policy year"), field_name="policy_year")
    group = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("policy group"), choices=ClaimType.Group.choices
    )
    active = django_filters.BooleanFilter(label=gettext_lazy("open for claims"))

    class Meta:
        model = ClaimType
        fields = ["year", "group", "active", "code"]


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("status"), choices=Claim.Status.choices
    )
    claim_type = django_filters.NumberFilter(
        label=gettext_lazy("claim type"), field_name="claim_type"
    )
    claim_type_code = django_filters.CharFilter(
        label=gettext_lazy("claim type code"), field_name="claim_type__code"
    )
    group = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("policy group"),
        field_name="claim_type__group",
        choices=ClaimType.Group.choices,
    )
    year = django_filters.NumberFilter(
        label=gettext_lazy("policy year"), field_name="claim_type__policy_year"
    )
    period = django_filters.CharFilter(label=gettext_lazy("period"))
    agency = django_filters.NumberFilter(label=gettext_lazy("agency"), field_name="agency")
    street = django_filters.NumberFilter(
        label=gettext_lazy("street or town"), field_name="agency__street"
    )

    class Meta:
        model = Claim
        fields = [
            "status",
            "claim_type",
            "claim_type_code",
            "group",
            "year",
            "period",
            "agency",
            "street",
        ]


class NoticeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("kind"), choices=Notice.Kind.choices)
    year = django_filters.NumberFilter(label=gettext_lazy("year"))
    claim = django_filters.NumberFilter(label=gettext_lazy("claim"), field_name="claim")
    agency = django_filters.NumberFilter(label=gettext_lazy("agency"), field_name="claim__agency")

    class Meta:
        model = Notice
        fields = ["kind", "year", "claim", "agency"]


class SpecialFundFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("year"))
    claim_type = django_filters.NumberFilter(
        label=gettext_lazy("claim type"), field_name="claim_type"
    )
    general = django_filters.BooleanFilter(
        label=gettext_lazy("the year's fund for all claim types"),
        field_name="claim_type",
        lookup_expr="isnull",
    )

    class Meta:
        model = SpecialFund
        fields = ["year", "claim_type", "general"]
