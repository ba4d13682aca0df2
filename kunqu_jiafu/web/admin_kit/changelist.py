"""The changelist every ModelAdmin of the portal's site uses: query-string lookups on parts of
a date (``?hired_on__year=0``, the date hierarchy's ``created_at__year=1e16``) are checked
before they reach the database. Django turns most bad lookups into its "incorrect parameters"
page (``?e=1``), but a year of 0 or 10000 only fails while the SQL is written, and a year too
large for ``datetime`` overflows: both were 500s."""

from __future__ import annotations

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

from kunqu_jiafu.people.id_search import TOKEN_PARAM

# The range each date part can take (Django's date transforms and ``datetime``).
DATE_PARTS = {
    "year": (1, 9999),
    "iso_year": (1, 9999),
    "quarter": (1, 4),
    "month": (1, 12),
    "week": (1, 53),
    "day": (1, 31),
    "week_day": (1, 7),
    "iso_week_day": (1, 7),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}


COMPARISONS = {"exact", "gt", "gte", "lt", "lte"}


def _date_part(key: str) -> tuple[int, int] | None:
    """The range of the date part a lookup key names (``hired_on__year``,
    ``hired_on__year__gte``); a field merely called ``year`` (``year__exact``) is no part."""
    parts = key.split("__")
    if len(parts) >= 2 and parts[-1] in DATE_PARTS:
        return DATE_PARTS[parts[-1]]
    if len(parts) >= 3 and parts[-1] in COMPARISONS and parts[-2] in DATE_PARTS:
        return DATE_PARTS[parts[-2]]
    return None


def check_date_parts(params) -> None:
    """Raise IncorrectLookupParameters for a date part outside its range or not a number."""
    for key in params:
        bounds = _date_part(key)
        if bounds is None:
            continue
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        for value in values:
            for item in value if isinstance(value, list) else [value]:
                text = str(item).strip()
                low, high = bounds
                if not (text.isascii() and text.isdecimal() and low <= int(text) <= high):
                    raise IncorrectLookupParameters(f"{key}={item!r}")


class DatePartsChecked:
    """Mixed into a changelist class: date parts are checked before the filters are built.

    It also carries a search by ID number: ``?idt=`` (people/id_search.py) is no field lookup,
    so it stays out of the filters but in the list's links (pages, sorting, export); a list
    whose search does not read it (``search_by_id_number``) finds nothing by it."""

    def __init__(self, request, *args, **kwargs):
        # For the search box (templates/admin/search_form.html), which posts to id_search.
        self.search_next = request.get_full_path()
        self.id_searched = TOKEN_PARAM in request.GET
        super().__init__(request, *args, **kwargs)

    def get_filters(self, request):
        check_date_parts(request.GET)
        return super().get_filters(request)

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(TOKEN_PARAM, None)
        return lookup_params

    def get_queryset(self, request, exclude_parameters=None):
        qs = super().get_queryset(request, exclude_parameters)
        if TOKEN_PARAM in request.GET and not getattr(request, "id_search_served", False):
            return qs.none()
        return qs


class CheckedChangeList(DatePartsChecked, ChangeList):
    pass


def checked(changelist_class: type[ChangeList]) -> type[ChangeList]:
    """The changelist class with date parts checked (a third party's own class too, such as
    DRF's token list)."""
    if issubclass(changelist_class, DatePartsChecked):
        return changelist_class
    if changelist_class is ChangeList:
        return CheckedChangeList
    return type(f"Checked{changelist_class.__name__}", (DatePartsChecked, changelist_class), {})
