"""The phone-sized scoring form (/inspect/, namespace "inspect"): the signed-in inspector's
inspections, one inspection's sheet, its draft saved as one types, its photos.

Only the two inspectors assigned to an inspection open it: other staff get 404 (it is not
theirs to see here), anyone without a bureau reviewer's or approver's role 403, officials
included (they read figures in the admin)."""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kunqu_jiafu.accounts.roles import APPROVER, REVIEWER, has_role, is_agency_user

from .. import permissions, selectors
from ..models import Inspection
from ..services import scoring

PER_PAGE = 20


def _inspector(request) -> None:
    if is_agency_user(request.user) or not has_role(request.user, REVIEWER, APPROVER):
        raise PermissionDenied(_("Only bureau inspectors use the inspection form."))


def _inspection_of(request, pk: int) -> Inspection:
    _inspector(request)
    return get_object_or_404(
        selectors.inspections_assigned_to(request.user).select_related(
            "round", "agency", "recognition__kind", "template", "inspector_1", "inspector_2"
        ),
        pk=pk,
    )


@login_required
@require_GET
def mine(request):
    _inspector(request)
    page = Paginator(selectors.my_inspections(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "inspections/inspect/mine.html", {"page": page})


def _rows(inspection: Inspection, posted=None, errors=None) -> list[dict]:
    """Each item with its saved score (or what was just posted), and the computed figure."""
    saved = selectors.scores_of(inspection)
    computed = (
        selectors.computed_items(inspection)
        if inspection.status != Inspection.Status.CONCLUDED
        else {}
    )
    rows = []
    for item in selectors.template_items(inspection):
        score = saved.get(item.pk)
        row = {
            "item": item,
            "saved": score,
            "computed": computed.get(item.pk),
            "errors": [
                *(errors or {}).get(f"score_{item.pk}", []),
                *(errors or {}).get(f"note_{item.pk}", []),
            ],
        }
        if posted is not None and not item.computed:
            row["value"] = posted.get(f"score_{item.pk}", "")
            row["note"] = posted.get(f"note_{item.pk}", "")
        else:
            value = score.score if score is not None and score.score is not None else ""
            row["value"] = f"{value.normalize():f}" if isinstance(value, Decimal) else ""
            row["note"] = score.note if score is not None else ""
        rows.append(row)
    return rows


def _scores_posted(request, inspection: Inspection) -> dict:
    return {
        str(item.pk): {
            "score": request.POST.get(f"score_{item.pk}", ""),
            "note": request.POST.get(f"note_{item.pk}", ""),
        }
        for item in selectors.template_items(inspection)
        if not item.computed
    }


def _post(request, inspection: Inspection) -> tuple[dict, list[str]] | None:
    """Save (and conclude when asked): None when done, else the errors to show."""
    action = request.POST.get("action", "save")
    try:
        scoring.inspection_score_save(
            actor=request.user,
            inspection=inspection,
            scores=_scores_posted(request, inspection),
            notes=request.POST.get("notes", ""),
            inspected_on=request.POST.get("inspected_on", ""),
        )
        if action == "conclude":
            if request.POST.get("confirm") != "yes":
                raise ValidationError(
                    {"confirm": _("Tick the confirmation to conclude the inspection.")}
                )
            scoring.inspection_conclude(actor=request.user, inspection=inspection)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return errors, [m for ms in errors.values() for m in ms]
    return None


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request, pk: int):
    inspection = _inspection_of(request, pk)
    may_score, reason = permissions.can_score(request.user, inspection)
    errors, error_list, posted = {}, [], None
    if request.method == "POST":
        if not may_score:
            raise PermissionDenied(reason)
        failed = _post(request, inspection)
        if failed is None:
            inspection.refresh_from_db()
            if inspection.status == Inspection.Status.CONCLUDED:
                messages.success(
                    request,
                    _("Concluded: %(score)s points, %(result)s.")
                    % {"score": inspection.score, "result": inspection.get_result_display()},
                )
            else:
                messages.success(
                    request, _("Saved. The scores count once the inspection is concluded.")
                )
            return redirect("inspect:sheet", inspection.pk)
        errors, error_list = failed
        posted = request.POST
        inspection.refresh_from_db()
    return render(
        request,
        "inspections/inspect/sheet.html",
        {
            "inspection": inspection,
            "rows": _rows(inspection, posted, errors),
            "may_score": may_score,
            "errors": errors,
            "error_list": error_list,
            "notes": posted.get("notes", "") if posted else inspection.notes,
            "inspected_on": posted.get("inspected_on", "")
            if posted
            else (inspection.inspected_on.isoformat() if inspection.inspected_on else ""),
            "today": timezone.localdate().isoformat(),
            "photos": selectors.photos_of(inspection),
            "photo_limit": scoring.PHOTO_LIMIT,
            "server_draft": {
                "draft": inspection.draft or {},
                "saved_at": inspection.draft_saved_at.isoformat()
                if inspection.draft_saved_at
                else "",
            },
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def draft(request, pk: int):
    """The form's autosave: a JSON body, answered with JSON (never a page)."""
    inspection = _inspection_of(request, pk)
    # Twice the stored limit: the same text may arrive with its characters \u-escaped.
    if len(request.body) > 2 * scoring.DRAFT_MAX_BYTES:
        return JsonResponse({"error": _("The draft is too large to keep.")}, status=400)
    try:
        body = json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deep
        return JsonResponse({"error": _("The draft is not in the expected form.")}, status=400)
    try:
        inspection = scoring.inspection_draft_save(
            actor=request.user, inspection=inspection, draft=body
        )
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"saved_at": inspection.draft_saved_at.isoformat()})


@login_required
@require_POST
def photos(request, pk: int):
    inspection = _inspection_of(request, pk)
    uploads = request.FILES.getlist("photos")
    try:
        added = scoring.inspection_photos_add(
            actor=request.user, inspection=inspection, uploads=uploads
        )
    except ValidationError as exc:
        messages.error(request, _("Photos: %(problem)s") % {"problem": " ".join(exc.messages)})
    else:
        messages.success(request, _("%(n)s photo(s) added.") % {"n": len(added)})
    return redirect("inspect:sheet", inspection.pk)
