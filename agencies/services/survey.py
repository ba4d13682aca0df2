"""The yearly statistical survey (年度统计调查): an agency saves and submits its return while
the form is open, the bureau accepts it or sends it back, and reminds those not filed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kunqu_jiafu import audit
from kunqu_jiafu.accounts.models import User
from kunqu_jiafu.notifications.services import notify

from .. import permissions, survey_rules, survey_selectors, workflow
from ..models import Agency, SurveyForm, SurveyReminder, SurveyReturn, SurveyValue
from ..selectors import agency_users
from .common import _require, _reviewers


def _check_open(form: SurveyForm, today: dt.date) -> None:
    if today < form.opens_on:
        raise ValidationError(
            _("“%(title)s” opens on %(opens)s; it can be filled in from then until %(closes)s.")
            % {"title": form.title, "opens": form.opens_on, "closes": form.closes_on}
        )
    if today > form.closes_on:
        raise ValidationError(
            _(
                "“%(title)s” closed on %(closes)s; it can no longer be filled in. Please "
                "contact the bureau."
            )
            % {"title": form.title, "closes": form.closes_on}
        )


def _locked_return(form: SurveyForm, agency: Agency) -> SurveyReturn | None:
    survey_return = (
        SurveyReturn.objects.select_for_update().filter(form=form, agency=agency).first()
    )
    if survey_return is not None and survey_return.status in survey_selectors.FILED_STATUSES:
        raise ValidationError(
            _(
                "The return was submitted on %(date)s and is %(status)s; it can be changed "
                "only if the bureau returns it for correction."
            )
            % {
                "date": timezone.localtime(survey_return.submitted_at).date(),
                "status": survey_return.get_status_display(),
            }
        )
    return survey_return


def _store_values(survey_return: SurveyReturn, cells, checked, prefilled) -> None:
    """Replace the return's figures with the checked ones (one DELETE, one INSERT)."""
    SurveyValue.objects.filter(survey_return=survey_return).delete()
    SurveyValue.objects.bulk_create(
        SurveyValue(
            survey_return=survey_return,
            indicator=cell.indicator,
            business_format_id=cell.format_id,
            value=checked.values.get(cell.key),
            prefilled=None if cell.format_id else prefilled.get(cell.indicator.code),
            explanation="" if cell.format_id else checked.explanations.get(cell.indicator.code, ""),
        )
        for cell in cells
    )


def _mark_submitted(actor: User, survey_return: SurveyReturn) -> str:
    """Move a draft or a returned return to submitted (workflow.py); the audit verb."""
    returned = survey_return.status == SurveyReturn.Status.RETURNED
    transition = workflow.check(
        workflow.SURVEY_TRANSITIONS,
        survey_return.status,
        "submit",
        permissions.can_transition_survey(actor, survey_return, "submit"),
        "",
    )
    survey_return.status = transition.target
    survey_return.submitted_at = timezone.now()
    survey_return.submitted_by = actor
    survey_return.decided_at = None
    survey_return.decided_by = None
    return "resubmitted" if returned else "submitted"


def survey_return_save(
    *,
    actor: User,
    agency: Agency,
    form: SurveyForm,
    figures: Mapping[str, object],
    explanations: Mapping[str, object] | None = None,
    submit: bool = False,
) -> SurveyReturn:
    """Save the agency's return as a draft, or submit it (again, after a return for
    correction). ``figures`` are the typed values by field key (survey_rules.field_key),
    ``explanations`` the reasons for differences by survey_rules.why_key. The agency row is
    locked first, so two submissions at once make one return (the unique constraint backs
    it)."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        _require(permissions.can_fill_survey(actor, agency))
        form = SurveyForm.objects.get(pk=form.pk)
        _check_open(form, timezone.localdate())
        survey_return = _locked_return(form, agency)
        cells = survey_rules.cells(
            survey_selectors.survey_indicators(form), agency.formats.order_by("sort_order", "pk")
        )
        prefilled = survey_selectors.survey_prefill(agency, form)
        checked = survey_rules.check_return(
            cells,
            figures,
            explanations or {},
            prefilled,
            form.tolerance_percent,
            submit=submit,
        )
        if checked.errors:
            raise ValidationError(checked.errors)
        created = survey_return is None
        survey_return = survey_return or SurveyReturn(form=form, agency=agency)
        before = {"status": survey_return.status}
        action = _mark_submitted(actor, survey_return) if submit else "saved"
        try:
            with transaction.atomic():
                survey_return.save()
        except IntegrityError:
            raise ValidationError(_("The agency already has a return for this survey.")) from None
        _store_values(survey_return, cells, checked, prefilled)
        audit.log(
            actor,
            survey_return,
            f"agencies.survey.{action}",
            before=None if created else before,
            after={
                "status": survey_return.status,
                "figures": {k: v for k, v in checked.values.items() if v is not None},
                "explanations": {k: v for k, v in checked.explanations.items() if v},
            },
        )
        if submit:
            notify(
                _reviewers(),
                _("Statistical survey return to review: %(name)s") % {"name": agency.name},
                "",
                reverse("admin:agencies_surveyreturn_change", args=[survey_return.pk]),
            )
    return survey_return


def survey_return_decide(
    *, actor: User, survey_return: SurveyReturn, action: str, reason: str = ""
) -> SurveyReturn:
    """Accept a submitted return, or send it back for correction with a reason; the agency
    is told either way and may correct and resubmit a returned one while the form is open."""
    reason = (reason or "").strip()
    with transaction.atomic():
        survey_return = (
            SurveyReturn.objects.select_for_update()
            .select_related("agency", "form")
            .get(pk=survey_return.pk)
        )
        transition = workflow.check(
            workflow.SURVEY_TRANSITIONS,
            survey_return.status,
            action,
            permissions.can_transition_survey(actor, survey_return, action),
            reason,
        )
        before = {"status": survey_return.status}
        survey_return.status = transition.target
        survey_return.decided_at = timezone.now()
        survey_return.decided_by = actor
        survey_return.decision_reason = reason
        survey_return.save()
        audit.log(
            actor,
            survey_return,
            "agencies.survey.accepted" if action == "accept" else "agencies.survey.returned",
            before=before,
            after={"status": survey_return.status},
            reason=reason,
        )
        notify(
            agency_users(survey_return.agency),
            _("%(title)s, the bureau's review: %(action)s")
            % {"title": survey_return.form.title, "action": transition.label},
            (_("Reason: %(reason)s") % {"reason": reason}) if reason else "",
            reverse("portal:survey", args=[survey_return.form.year]),
        )
    return survey_return


def survey_return_accept(*, actor: User, survey_return: SurveyReturn, reason: str = ""):
    return survey_return_decide(
        actor=actor, survey_return=survey_return, action="accept", reason=reason
    )


def survey_return_send_back(*, actor: User, survey_return: SurveyReturn, reason: str):
    return survey_return_decide(
        actor=actor, survey_return=survey_return, action="return", reason=reason
    )


def survey_remind(
    *, actor: User | None = None, form: SurveyForm | None = None, force: bool = False
) -> int:
    """Remind (notification and e-mail) the registered agencies that have not filed an open
    form: each at most once in SURVEY_REMINDER_INTERVAL_DAYS, unless ``force`` (staff's
    "send reminders now"). Returns how many agencies were reminded."""
    if actor is not None:
        _require(permissions.can_remind_survey(actor))
    today = timezone.localdate()
    forms = [form] if form is not None else list(survey_selectors.survey_open_forms(today))
    since = (
        None
        if force
        else timezone.now() - dt.timedelta(days=settings.SURVEY_REMINDER_INTERVAL_DAYS)
    )
    reminded = 0
    for each in forms:
        _check_open(each, today)
        with transaction.atomic():
            SurveyForm.objects.select_for_update().get(pk=each.pk)  # one reminder run at a time
            agency_ids = survey_selectors.survey_to_remind(each, since=since)
            if not agency_ids:
                continue
            notify(
                User.objects.filter(agency_membership__agency_id__in=agency_ids, is_active=True),
                _("Please fill in “%(title)s” by %(closes)s")
                % {"title": each.title, "closes": each.closes_on},
                _("Your agency has not yet submitted its statistical survey return.")
                + " "
                + (each.instructions or ""),
                reverse("portal:survey", args=[each.year]),
            )
            SurveyReminder.objects.bulk_create(
                SurveyReminder(form=each, agency_id=agency_id) for agency_id in agency_ids
            )
            audit.log(
                actor,
                each,
                "agencies.survey.reminded",
                after={"agencies": len(agency_ids), "forced": force},
            )
            reminded += len(agency_ids)
    return reminded
