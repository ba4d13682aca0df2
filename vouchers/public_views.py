"""The residents' voucher pages (no account), mounted at /vouchers/ (namespace "vouchers_public").

- apply: a household of a target group applies for the open batch; the application number is
  shown on the next page and carried there in the session, never in the URL.
- status: the application number and the ID number together unlock one application for a
  while (a session key per application); then the household sees the steps, downloads the
  voucher and chooses (or changes) the agency that serves it.

Thin views over vouchers.services and vouchers.selectors. Public pages show only the masked ID
number and never a worker's personal data."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kunqu_jiafu.ratelimit import PublicFormGuard, too_many
from kunqu_jiafu.web.forms import posted, posted_files, show_service_errors

from . import selectors
from .forms import AgencyFilterForm, ApplyForm, ChooseAgencyForm, LookupForm
from .models import Application, Voucher
from .services.applications import application_create
from .services.choice import voucher_choose_agency

# How long a successful lookup unlocks the application in this browser.
ACCESS_SECONDS = 30 * 60
ACCESS_KEY = "vouchers.status.%s"
APPLIED_KEY = "vouchers.applied"
AGENCIES_PER_PAGE = 10

STEP_KEYS = ("apply", "review", "issue", "choose", "service", "check", "settle")


def _step_labels() -> dict[str, str]:
    return {
        "apply": _("Application submitted"),
        "review": _("Review"),
        "issue": _("Voucher issued"),
        "choose": _("Choose an agency"),
        "service": _("Home service"),
        "check": _("Follow-up and check"),
        "settle": _("Settlement"),
    }


# --- session access --------------------------------------------------------------------------


def _grant(request, application: Application) -> None:
    request.session[ACCESS_KEY % application.pk] = int(time.time()) + ACCESS_SECONDS


def _revoke(request, pk) -> None:
    request.session.pop(ACCESS_KEY % pk, None)


def _held(request, raw_pk) -> Application | None:
    """The application this browser unlocked with the number and ID number, if not expired."""
    try:
        pk = int(raw_pk)
    except (TypeError, ValueError):
        return None
    until = request.session.get(ACCESS_KEY % pk)
    if not until:
        return None
    if until < time.time():
        _revoke(request, pk)
        return None
    return (
        Application.objects.select_related("batch", "target_group", "street", "person")
        .filter(pk=pk)
        .first()
    )


def _status_url(application: Application, **params) -> str:
    query = urlencode({"a": application.pk, **{k: v for k, v in params.items() if v}})
    return f"{reverse('vouchers_public:status')}?{query}"


# --- apply -----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request):
    batch = selectors.open_batch_for_applications()
    if batch is None:
        return render(request, "vouchers/public/apply_closed.html", _closed_context(), status=200)
    form = ApplyForm(
        posted(request),
        posted_files(request),
        per_household=batch.one_per == batch.OnePer.HOUSEHOLD,
    )
    guard = PublicFormGuard(request, "vouchers.apply")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wait = guard.wait(data["id_number"])
        if wait is not None:
            return _too_many_applications(request, form, batch, wait)
        if not guard.challenge_passed():
            form.add_error(None, guard.challenge_error)
            return _apply_page(request, form, batch, guard)
        wait = guard.take(data["id_number"])  # counted and checked at once: parallel floods
        if wait is not None:
            return _too_many_applications(request, form, batch, wait)
        try:
            application = application_create(
                batch=batch,
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                address=data["address"],
                street=data["street"],
                target_group=data["target_group"],
                evidence=data["evidence"],
                note=data["note"],
                actor=None,
                head_id_number=data.get("head_id_number", ""),
            )
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            request.session[APPLIED_KEY] = {"pk": application.pk, "number": application.number}
            _grant(request, application)
            return redirect("vouchers_public:apply_done")
    return _apply_page(request, form, batch, guard)


def _apply_context(form: ApplyForm, batch) -> dict:
    return {"form": form, "batch": batch, "groups": list(form.target_group_options())}


def _too_many_applications(request, form, batch, wait):
    form.add_error(
        None,
        _(
            "Too many applications from here in a short time. Please try again after "
            "%(time)s (in about %(minutes)s minutes), or call the bureau's family "
            "services office."
        )
        % {"time": wait.until, "minutes": wait.minutes},
    )
    return too_many(request, "vouchers/public/apply.html", _apply_context(form, batch), wait)


def _apply_page(request, form: ApplyForm, batch, guard: PublicFormGuard):
    context = _apply_context(form, batch) | {"challenge": guard.challenge()}
    return render(request, "vouchers/public/apply.html", context)


def _closed_context() -> dict:
    batch = selectors.current_batch()
    today = timezone.localdate()
    state = "none"
    if batch is not None:
        if batch.status == batch.Status.OPEN and batch.applications_open_on > today:
            state = "not_yet"
        elif batch.applications_close_on < today or batch.status == batch.Status.CLOSED:
            state = "closed"
        else:
            state = "paused"
    return {"batch": batch, "state": state}


@never_cache
def apply_done(request):
    applied = request.session.get(APPLIED_KEY)
    if not applied:
        return redirect("vouchers_public:apply")
    application = (
        Application.objects.select_related("batch", "person", "target_group")
        .filter(pk=applied["pk"])
        .first()
    )
    if application is None:
        request.session.pop(APPLIED_KEY, None)
        return redirect("vouchers_public:apply")
    return render(
        request,
        "vouchers/public/apply_done.html",
        {
            "application": application,
            "id_masked": application.person.id_masked,
            "status_url": _status_url(application),
        },
    )


# --- status ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def status(request):
    if request.method == "POST":
        return _lookup(request)
    if "a" in request.GET:
        application = _held(request, request.GET.get("a"))
        if application is not None:
            return _show(request, application)
        messages.warning(
            request,
            _(
                "For your privacy the look-up has ended. Enter the application number and the "
                "ID number again."
            ),
        )
        return redirect("vouchers_public:status")
    guard = PublicFormGuard(request, "vouchers.lookup")
    return _lookup_page(request, LookupForm(), guard)


def _too_many_lookups(request, form, wait):
    form.add_error(
        None,
        _(
            "Too many unsuccessful look-ups. For the applicant's safety please try again "
            "after %(time)s (in about %(minutes)s minutes), or call the bureau's family "
            "services office."
        )
        % {"time": wait.until, "minutes": wait.minutes},
    )
    return too_many(request, "vouchers/public/lookup.html", {"form": form}, wait)


def _lookup(request):
    """Failed look-ups are limited per ID number (someone who knows a person's ID number trying
    the sequential application numbers) and, more loosely, per client address (a scan), in the
    shared cache (scope "vouchers.lookup"); after a few failures a small sum is asked too."""
    form = LookupForm(request.POST)
    guard = PublicFormGuard(request, "vouchers.lookup")
    if form.is_valid():
        wait = guard.wait(form.cleaned_data["id_number"])
        if wait is not None:
            return _too_many_lookups(request, form, wait)
        if not guard.challenge_passed():
            form.add_error(None, guard.challenge_error)
            return _lookup_page(request, form, guard)
        # Counted before the look-up (one atomic increment, so parallel guesses cannot all pass
        # a check made before any of them counted) and given back when it finds the application.
        wait = guard.take(form.cleaned_data["id_number"])
        if wait is not None:
            return _too_many_lookups(request, form, wait)
        application = selectors.application_lookup(
            form.cleaned_data["number"], form.cleaned_data["id_number"]
        )
        if application is not None:
            guard.refund(form.cleaned_data["id_number"])
            _grant(request, application)
            return redirect(_status_url(application))
        # Never say which of the two is wrong.
        form.add_error(
            None,
            _(
                "No application matches this number and ID number. Check both against the "
                "page you saw when you applied."
            ),
        )
    return _lookup_page(request, form, guard)


def _lookup_page(request, form: LookupForm, guard: PublicFormGuard):
    context = {"form": form, "challenge": guard.challenge()}
    return render(request, "vouchers/public/lookup.html", context)


def _steps(application: Application, voucher: Voucher | None) -> tuple[list[dict], str]:
    """The tracker: each step done / current / failed / to do, and a key for the panel text."""
    if application.status == Application.Status.SUBMITTED:
        done, current, failed, state = 1, "review", None, "submitted"
    elif application.status == Application.Status.REJECTED:
        done, current, failed, state = 1, None, "review", "rejected"
    elif voucher is None:
        # Approved and waiting for the voucher (a voided voucher's application is approved
        # again and gets a new one).
        done, current, failed, state = 2, "issue", None, "approved"
    elif voucher.status == Voucher.Status.ISSUED:
        if timezone.localdate() > voucher.valid_until:
            missed = "choose" if voucher.agency_id is None else "service"
            done, current, failed, state = STEP_KEYS.index(missed), None, missed, "expired"
        elif voucher.agency_id is None:
            done, current, failed, state = 3, "choose", None, "issued"
        else:
            done, current, failed, state = 4, "service", None, "chosen"
    elif voucher.status == Voucher.Status.REDEEMED:
        done, current, failed, state = 5, "check", None, "redeemed"
    elif voucher.status == Voucher.Status.VERIFIED:
        done, current, failed, state = 6, "settle", None, "verified"
    elif voucher.status == Voucher.Status.REJECTED:
        done, current, failed, state = 5, None, "check", "check_failed"
    else:  # reimbursed
        done, current, failed, state = 7, None, None, "reimbursed"
    labels = _step_labels()
    steps = []
    for index, key in enumerate(STEP_KEYS):
        if key == failed:
            mark = "failed"
        elif index < done:
            mark = "done"
        elif key == current:
            mark = "current"
        else:
            mark = "todo"
        steps.append({"key": key, "label": labels[key], "state": mark, "n": index + 1})
    return steps, state


def _show(request, application: Application):
    voucher = selectors.live_voucher(application)
    steps, state = _steps(application, voucher)
    context = {
        "application": application,
        "id_masked": application.person.id_masked,
        "voucher": voucher,
        "steps": steps,
        "state": state,
        "service": getattr(voucher, "service", None) if voucher else None,
        "can_reapply": state == "rejected" and selectors.open_batch_for_applications() is not None,
    }
    if state in ("issued", "chosen"):
        filters = AgencyFilterForm(request.GET)
        filters.is_valid()
        chosen = {name: filters.cleaned_data.get(name) for name in filters.fields}
        agencies = selectors.eligible_agencies(
            voucher.batch, street=chosen["street"], business_format=chosen["format"]
        )
        page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
        query = {"a": application.pk}
        query |= {k: v.pk for k, v in chosen.items() if v}
        context |= {
            "choosing": True,
            "filters": filters,
            "filtered": any(chosen.values()),
            "page": page,
            "query": urlencode(query),
        }
    return render(request, "vouchers/public/status.html", context)


@never_cache
def status_pdf(request):
    application = _held(request, request.GET.get("a"))
    if application is None:
        raise Http404
    voucher = selectors.live_voucher(application)
    if voucher is None:
        raise Http404
    from . import documents  # the PDF engine is loaded only when a PDF is asked for

    response = HttpResponse(documents.voucher_pdf(voucher), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, documents.filename_for(voucher, "pdf")
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def choose_agency(request):
    form = ChooseAgencyForm(request.POST)
    application = _held(request, request.POST.get("application"))
    if application is None:
        messages.warning(
            request,
            _(
                "For your privacy the look-up has ended. Enter the application number and the "
                "ID number again."
            ),
        )
        return redirect("vouchers_public:status")
    back = _status_url(application)
    voucher = selectors.live_voucher(application)
    if not form.is_valid() or voucher is None:
        messages.error(request, _("Choose one of the agencies listed."))
        return redirect(back)
    agency = form.cleaned_data["agency"]
    try:
        voucher_choose_agency(voucher=voucher, agency=agency, actor=None)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back + "#agencies")
    messages.success(
        request,
        _(
            "You chose %(agency)s. The agency will call you to arrange the home service; show "
            "them the voucher code."
        )
        % {"agency": agency.name},
    )
    return redirect(back)


@require_POST
def leave(request):
    """Forget the unlocked application in this browser ("look up another" / "leave")."""
    _revoke(request, request.POST.get("application"))
    applied = request.session.get(APPLIED_KEY)
    if applied and str(applied.get("pk")) == str(request.POST.get("application")):
        request.session.pop(APPLIED_KEY, None)
    messages.info(request, _("The application is closed in this browser."))
    if request.POST.get("next") == "home":
        return redirect("home")
    return redirect("vouchers_public:status")


# --- landing ---------------------------------------------------------------------------------


@never_cache
def landing(request):
    """/vouchers/: what the voucher is, who qualifies, how to apply, what is left to issue."""
    batch = selectors.current_batch()
    context: dict = {"batch": batch, "groups": selectors.public_target_groups()}
    if batch is not None:
        context |= {
            "left": max(batch.count - batch.issued_count, 0),
            "open_batch": selectors.open_batch_for_applications(),
            **_closed_context(),
        }
    return render(request, "vouchers/public/landing.html", context)
