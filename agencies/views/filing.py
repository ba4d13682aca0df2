"""The agency portal: the employee-system filing page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kunqu_jiafu.web.forms import posted, show_service_errors

from .. import permissions, selectors
from ..forms import FilingForm
from ..models import Agency, EmployeeSystemFiling
from ..services import filings
from .access import agency_member

# --- employee-system filing ---------------------------------------------------------------


@agency_member
@require_http_methods(["GET", "POST"])
def filing(request, agency: Agency):
    user = request.user
    history = list(selectors.filings_for_user(user).filter(agency=agency)[:10])
    current = history[0] if history else None
    allowed, reason = permissions.can_submit_filing(user, agency)
    in_force = next((f for f in history if f.status == EmployeeSystemFiling.Status.FILED), None)
    renewal_opens = filings.renewal_opens_on(in_force) if in_force else None
    pending = any(f.status == EmployeeSystemFiling.Status.SUBMITTED for f in history)
    closed = pending or (renewal_opens is not None and timezone.localdate() < renewal_opens)
    can_submit = allowed and not closed
    initial = {}
    if current is not None and current.status == EmployeeSystemFiling.Status.RETURNED:
        initial = {name: getattr(current, name) for name in FilingForm().fields}
    form = FilingForm(posted(request), initial=initial)
    if request.method == "POST":
        if not can_submit:
            messages.error(request, reason or _("The current filing is still being handled."))
            return redirect("portal:filing")
        if form.is_valid():
            try:
                filings.filing_submit(actor=user, agency=agency, declarations=form.declarations())
            except ValidationError as exc:
                show_service_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect("portal:filing")
            else:
                messages.success(request, _("The filing was submitted; the bureau will review it."))
                return redirect("portal:filing")
    return render(
        request,
        "agencies/filing.html",
        {
            "agency": agency,
            "figures": selectors.filing_figures_for(agency, selectors.policy_for_year()),
            "current": current,
            "in_force": in_force,
            "renewal_opens": renewal_opens,
            "history": history[1:],
            "form": form,
            "can_submit": can_submit,
            "refusal": "" if allowed else reason,
            "resubmit": current is not None
            and current.status == EmployeeSystemFiling.Status.RETURNED,
        },
    )
