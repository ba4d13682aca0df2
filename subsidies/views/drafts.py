"""A claim's draft in the portal: a new claim of a type, and changes while it may be edited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.models import Agency
from kunqu_jiafu.web.forms import posted, show_service_errors
from kunqu_jiafu.web.portal import agency_member

from .. import permissions, selectors, services
from ..forms import ClaimForm, periods_of_year
from ..models import ClaimSubject, ClaimType
from .catalogue import needs, payment_rules
from .common import claim_of


@agency_member
@require_http_methods(["GET", "POST"])
def claim_new(request, agency: Agency):
    type_id = request.GET.get("type", "")
    if not type_id:
        return redirect("claims:catalogue")
    if not type_id.isdecimal():
        raise Http404
    claim_type = get_object_or_404(ClaimType.objects.filter(active=True), pk=int(type_id))
    form = ClaimForm(
        posted(request),
        claim_type=claim_type,
        initial={"period": selectors.current_period(claim_type)},
        eligible=selectors.unclaimed_training_records(agency, claim_type)
        if selectors.from_training_records(claim_type)
        else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_create(
                actor=request.user,
                agency=agency,
                claim_type=claim_type,
                period=form.cleaned_data["period"],
                declared=form.declared(),
                subjects=form.subjects(),
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("claims:catalogue")
        else:
            messages.success(
                request,
                _(
                    "The draft was saved. Upload the attachments, check the amount, then submit it "
                    "to the bureau."
                ),
            )
            return redirect("claims:detail", claim.pk)
    return render(
        request,
        "subsidies/portal/claim_form.html",
        {
            "agency": agency,
            "claim_type": claim_type,
            "claim": None,
            "form": form,
            "periods": periods_of_year(claim_type),
            "pays": payment_rules(claim_type),
            "needs": needs(claim_type),
            "problems": selectors.eligibility_for(agency, claim_type),
            "size_basis": selectors.size_basis_for(agency, claim_type),
        },
    )


@agency_member
@require_http_methods(["GET", "POST"])
def claim_edit(request, agency: Agency, pk: int):
    claim = claim_of(request, agency, pk)
    allowed, reason = permissions.can_edit_claim(request.user, claim)
    if not allowed:
        messages.error(request, reason)
        return redirect("claims:detail", claim.pk)
    claim_type = claim.claim_type
    kind = (claim_type.parameters or {}).get("subject_kind")
    subjects = list(claim.subjects.filter(live=True).select_related("certificate"))
    # Order and certificate numbers are shown again; ID numbers are not (they are shown
    # masked to agencies), so a list of people is kept unless it is entered anew.
    keep = (
        len(subjects)
        if kind == ClaimSubject.Kind.PERSON or claim_type.calculator == "per_exemption"
        else 0
    )
    initial = {f"declared_{name}": value for name, value in (claim.declared or {}).items()}
    if kind and not keep:
        initial["subjects"] = (
            "\n".join(s.label for s in subjects)
            if selectors.from_training_records(claim_type)
            else "\n".join(selectors.subject_line(s) for s in subjects)
        )
    form = ClaimForm(
        posted(request),
        claim_type=claim_type,
        with_period=False,
        keep_subjects=keep,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_update(
                actor=request.user,
                claim=claim,
                declared=form.declared(),
                subjects=form.subjects(),
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("claims:detail", claim.pk)
        else:
            messages.success(request, _("The claim was saved and its amount worked out again."))
            return redirect("claims:detail", claim.pk)
    return render(
        request,
        "subsidies/portal/claim_form.html",
        {
            "agency": agency,
            "claim_type": claim_type,
            "claim": claim,
            "form": form,
            "kept_subjects": subjects if keep else [],
            "pays": payment_rules(claim_type),
            "needs": needs(claim_type),
            "problems": selectors.eligibility_for(agency, claim_type),
            "size_basis": selectors.size_basis_for(agency, claim_type),
        },
    )
