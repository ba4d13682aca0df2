"""django-filter filtersets and search backends for the voucher API. They narrow a queryset the
selectors already scoped; they never widen it."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from rest_framework.filters import SearchFilter

from kunqu_jiafu.accounts.roles import can_see_full_id
from kunqu_jiafu.people.id_search import API_TOKEN_PARAM, request_id_hash
from kunqu_jiafu.people.idcard import normalize as normalize_id
from kunqu_jiafu.people.models import Person

from . import codes
from .models import Application, Settlement, Voucher


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("status"), choices=Application.Status.choices
    )
    target_group = django_filters.NumberFilter(
        label=gettext_lazy("target group"), field_name="target_group"
    )
    street = django_filters.NumberFilter(label=gettext_lazy("street or town"), field_name="street")
    batch = django_filters.NumberFilter(label=gettext_lazy("batch"), field_name="batch")
    channel = django_filters.ChoiceFilter(
        label=gettext_lazy("channel"), choices=Application.Channel.choices
    )

    class Meta:
        model = Application
        fields = ["status", "target_group", "street", "batch", "channel"]


class VoucherFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("status"), choices=Voucher.Status.choices
    )
    agency = django_filters.NumberFilter(label=gettext_lazy("chosen agency"), field_name="agency")
    target_group = django_filters.NumberFilter(
        label=gettext_lazy("target group"), field_name="application__target_group"
    )
    street = django_filters.NumberFilter(
        label=gettext_lazy("street or town"), field_name="application__street"
    )
    batch = django_filters.NumberFilter(label=gettext_lazy("batch"), field_name="batch")

    class Meta:
        model = Voucher
        fields = ["status", "agency", "target_group", "street", "batch"]


class SettlementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("status"), choices=Settlement.Status.choices
    )
    agency = django_filters.NumberFilter(label=gettext_lazy("agency"), field_name="agency")
    batch = django_filters.NumberFilter(label=gettext_lazy("batch"), field_name="batch")

    class Meta:
        model = Settlement
        fields = ["status", "agency", "batch"]


def _id_match(request, term: str) -> Q | None:
    """A full ID number finds its person, but only for those who may see full numbers: for
    anyone else a search by ID would tell whether a person applied."""
    if not can_see_full_id(request.user):
        return None
    number = normalize_id(term)
    if len(number) != 18:
        return None
    return Q(person__in=Person.objects.by_id_number(number).values("pk"))


def by_id_token(request, queryset: QuerySet, lookup: str) -> QuerySet:
    """``?id_token=`` (from POST /api/id-search/): the number itself never comes in the address.
    Only those who see full numbers find anything by it."""
    digest = request_id_hash(request, API_TOKEN_PARAM)
    if digest is None:
        return queryset
    if not digest or not can_see_full_id(request.user):
        return queryset.none()
    return queryset.filter(**{lookup: digest})


class IdTokenSearchFilter(SearchFilter):
    id_token_lookup = "person__id_hash"

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": API_TOKEN_PARAM,
                "required": False,
                "in": "query",
                "description": str(
                    gettext_lazy(
                        "Reviewers and approvers: the token POST /api/id-search/ gives for a full "
                        "ID number (the number itself is never put in an address)."
                    )
                ),
                "schema": {"type": "string"},
            },
        ]


class ApplicationSearchFilter(IdTokenSearchFilter):
    """``?search=``: application number, applicant's name, or (reviewers and approvers) the
    full ID number. Each word must match."""

    search_description = gettext_lazy(
        "Application number (e.g. JQ2026-00001), applicant's name, or, for reviewers and "
        "approvers, the full ID number."
    )

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        queryset = by_id_token(request, queryset, self.id_token_lookup)
        for term in self.get_search_terms(request):
            condition = Q(number__icontains=term.upper()) | Q(person__name__icontains=term)
            by_id = _id_match(request, term)
            if by_id is not None:
                condition |= by_id
            queryset = queryset.filter(condition)
        return queryset


class VoucherSearchFilter(IdTokenSearchFilter):
    """``?search=``: the voucher code however it was typed (dashes, spaces, lower case, full
    width), the holder's name or the application number."""

    search_description = gettext_lazy(
        "Voucher code as printed or typed (7KQM-4XRT-2HB, 7kqm4xrt2hb …), holder's name, "
        "application number or, for reviewers and approvers, the holder's full ID number."
    )

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        queryset = by_id_token(request, queryset, self.id_token_lookup)
        for term in self.get_search_terms(request):
            condition = Q(person__name__icontains=term) | Q(
                application__number__icontains=term.upper()
            )
            code = codes.normalize(term)
            if code:
                condition |= Q(code__icontains=code)
            by_id = _id_match(request, term)
            if by_id is not None:
                condition |= by_id
            queryset = queryset.filter(condition)
        return queryset
