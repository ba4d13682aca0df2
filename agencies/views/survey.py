"""The agency portal: the yearly statistical survey (年度统计调查)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kunqu_jiafu.web.forms import posted, show_service_errors

from .. import permissions, survey_rules, survey_selectors
from ..forms import SurveyReturnForm
from ..models import Agency, SurveyReturn
from ..services import survey as survey_services
from .access import agency_member


@agency_member
@require_http_methods(["GET"])
def survey_list(request, agency: Agency):
    forms = list(survey_selectors.survey_forms())
    returns = {r.form_id: r for r in survey_selectors.survey_returns_for_user(request.user)}
    today = timezone.localdate()
    rows = [
        (form, returns.get(form.pk), form.opens_on <= today <= form.closes_on) for form in forms
    ]
    return render(request, "agencies/survey_list.html", {"agency": agency, "rows": rows})


def _initial(values, explanations_from) -> dict[str, str]:
    initial = {key: ("" if v.value is None else _plain(v.value)) for key, v in values.items()}
    for v in explanations_from:
        if v.explanation:
            initial[survey_rules.why_key(v.indicator.code)] = v.explanation
    return initial


def _plain(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@agency_member
@require_http_methods(["GET", "POST"])
def survey(request, agency: Agency, year: int):
    form_def = survey_selectors.survey_form_for_year(year)
    if form_def is None:
        raise Http404
    user = request.user
    current = survey_selectors.survey_returns_for_user(user).filter(form=form_def).first()
    today = timezone.localdate()
    is_open = form_def.opens_on <= today <= form_def.closes_on
    allowed, refusal = permissions.can_fill_survey(user, agency)
    editable = (
        allowed
        and is_open
        and (current is None or current.status not in survey_selectors.FILED_STATUSES)
    )
    cells = survey_rules.cells(
        survey_selectors.survey_indicators(form_def), agency.formats.order_by("sort_order", "pk")
    )
    prefilled = survey_selectors.survey_prefill(agency, form_def)
    values = survey_selectors.survey_values_by_key(current)
    initial = _initial(values, values.values())
    for code, value in prefilled.items():  # a first visit starts from the records
        initial.setdefault(code, _plain(value))
    form = SurveyReturnForm(
        posted(request), cells=cells, prefilled=prefilled, initial=initial, disabled=not editable
    )
    if request.method == "POST":
        if not editable:
            messages.error(request, refusal or _("The return cannot be changed now."))
            return redirect("portal:survey", year)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                survey_services.survey_return_save(
                    actor=user,
                    agency=agency,
                    form=form_def,
                    figures=form.figures(),
                    explanations=form.explanations(),
                    submit=submit,
                )
            except ValidationError as exc:
                show_service_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect("portal:survey", year)
            else:
                messages.success(
                    request,
                    _("The return was submitted; the bureau will review it.")
                    if submit
                    else _("The draft was saved. Submit it before %(closes)s.")
                    % {"closes": form_def.closes_on},
                )
                return redirect("portal:survey", year)
    return render(
        request,
        "agencies/survey.html",
        {
            "agency": agency,
            "survey": form_def,
            "current": current,
            "form": form,
            "editable": editable,
            "is_open": is_open,
            "not_yet": today < form_def.opens_on,
            "refusal": "" if allowed else refusal,
            "Status": SurveyReturn.Status,
        },
    )
