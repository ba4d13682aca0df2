"""The agency portal's inspections pages: the agency's inspections and rectifications, and a
rectification with what to fix, the deadline and the answer form. Another agency's record is
not found (404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies import selectors as agency_selectors
from agencies.models import Agency
from kunqu_jiafu.web.forms import posted, posted_files, show_service_errors
from kunqu_jiafu.web.portal import agency_member

from .. import permissions, selectors
from ..forms import RectificationAnswerForm
from ..models import Rectification
from ..services.rectifications import rectification_answer

STANDING_YEARS = 3


def days_left(rectification: Rectification) -> int:
    return (rectification.deadline - timezone.localdate()).days


@agency_member
def inspection_list(request, agency: Agency):
    user = request.user
    inspections = list(
        selectors.inspections_published_for_user(user)
        .filter(agency=agency)
        .order_by("-round__year", "-concluded_at", "-pk")
    )
    rectifications = list(
        selectors.rectifications_for_user(user)
        .filter(inspection__agency=agency)
        .order_by("-created_at", "-pk")
    )
    for rectification in rectifications:
        rectification.days_left = days_left(rectification)
    year = timezone.localdate().year
    standings = agency_selectors.standings_by_year(agency, range(year, year - STANDING_YEARS, -1))
    return render(
        request,
        "inspections/portal/inspection_list.html",
        {
            "agency": agency,
            "inspections": inspections,
            "rectifications": rectifications,
            "open_rectifications": [
                r for r in rectifications if r.status == Rectification.Status.OPEN
            ],
            "standings": list(standings.values()),
            "latest_failed": agency_selectors.latest_failed_inspection(agency),
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def rectification_detail(request, agency: Agency, pk: int):
    rectification = get_object_or_404(
        selectors.rectifications_for_user(request.user).filter(inspection__agency=agency), pk=pk
    )
    can_answer, refusal = permissions.can_answer_rectification(request.user, rectification)
    form = RectificationAnswerForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            rectification_answer(
                actor=request.user,
                rectification=rectification,
                answer=form.cleaned_data["answer"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The answer was sent; a re-inspection follows."))
            return redirect("inspections:rectification", pk=rectification.pk)
    inspection = rectification.inspection
    return render(
        request,
        "inspections/portal/rectification.html",
        {
            "agency": agency,
            "rectification": rectification,
            "inspection": inspection,
            "days_left": days_left(rectification),
            "evidence": list(selectors.rectification_evidence(rectification)),
            "form": form,
            "can_answer": can_answer,
            "refusal": refusal,
            "reinspection": selectors.inspections_for_user(request.user)
            .filter(parent=inspection)
            .first(),
        },
    )
