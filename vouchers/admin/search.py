"""Search in the voucher lists: by voucher code as typed (spaces, dashes, full width, lower
case), by name, or by a full ID number."""

from __future__ import annotations

from django.utils.translation import gettext

from kunqu_jiafu.people.admin import ViewerMixin, search_by_id_number

from .. import codes


def search_by_code(queryset, term: str, lookup: str = "code"):
    """Vouchers whose code contains the typed part (spaces, dashes, full width and lower case
    ignored), or None when the term cannot be part of a code."""
    code = codes.normalize(term)
    if len(code) < 4 or any(ch not in codes.ALPHABET for ch in code):
        return None
    if len(code) == codes.LENGTH:
        return queryset.filter(**{lookup: code})
    return queryset.filter(**{f"{lookup}__contains": code})


class SearchByCodeMixin:
    code_lookup = "code"
    id_lookup = "person__id_hash"

    def get_search_results(self, request, queryset, search_term):
        found = search_by_id_number(request, queryset, search_term, self.id_lookup)
        if found is not None:
            return found, False
        by_name, duplicates = super().get_search_results(request, queryset, search_term)
        by_code = search_by_code(queryset, search_term, self.code_lookup)
        if by_code is None:
            return by_name, duplicates
        return by_name | by_code, duplicates

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        changelist.search_help_text = (
            gettext("Search by voucher code, name, or a full 18-character ID number.")
            if ViewerMixin.full_ids(request.user)
            else gettext("Search by voucher code or name.")
        )
        return changelist
