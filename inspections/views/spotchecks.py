"""Pages of spot checks (抽查核实) outside the admin: the agency's records found false
(/portal/inspections/spot-checks/) and, for bureau staff, how to redraw a sample
(/inspect/spot-checks/<pk>/redraw/ and the recorded population as text)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from agencies.models import Agency
from kunqu_jiafu.web.portal import agency_member

from .. import selectors
from .. import spotcheck_population as pop
from ..permissions import can_view_spot_checks

ITEMS_PER_PAGE = 20


@agency_member
def agency_spot_checks(request, agency: Agency):
    qs = selectors.false_items_of_agency(agency)
    total = qs.aggregate(total=Sum("recovery_amount"))["total"]
    page = Paginator(qs, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(item, selectors.record_label(item)) for item in page.object_list]
    return render(
        request,
        "inspections/portal/spot_checks.html",
        {"agency": agency, "page": page, "rows": rows, "total": total},
    )


def _staff_spot_check(request, pk: int):
    allowed, reason = can_view_spot_checks(request.user)
    if not allowed:
        raise PermissionDenied(reason)
    return get_object_or_404(selectors.spot_checks_for_user(request.user), pk=pk)


@login_required
def spot_check_redraw(request, pk: int):
    spot_check = _staff_spot_check(request, pk)
    redraw = pop.redraw(spot_check)
    return render(
        request,
        "inspections/staff/spot_check_redraw.html",
        {
            "spot_check": spot_check,
            "redraw": redraw,
            "in_words": pop.population_in_words(spot_check),
            "snippet": pop.snippet(spot_check),
            "n": len(redraw.drawn_ids),
        },
    )


@login_required
def spot_check_population(request, pk: int):
    """The recorded population, one record id a line (the file the redraw program reads)."""
    spot_check = _staff_spot_check(request, pk)
    response = HttpResponse(
        "".join(f"{pk}\n" for pk in spot_check.population_ids), content_type="text/plain"
    )
    response["Content-Disposition"] = f'attachment; filename="population-{spot_check.pk}.txt"'
    return response
