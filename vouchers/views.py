"""The employment vouchers area of the agency portal, mounted at /portal/vouchers/ (namespace
"vouchers"): the vouchers whose holders chose the agency, redeeming a voucher after the home
service, a voucher's record, and the agency's settlement statements.

Thin views over services, selectors and permissions. Another agency's voucher or statement is
simply not found (404); bureau staff are sent to the admin, as in the rest of the portal.
Holders' ID numbers are shown masked (``person.id_for``)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies import selectors as agency_selectors
from agencies.models import Agency
from kunqu_jiafu.documents.sniff import XLSX
from kunqu_jiafu.documents.xlsx import attachment_header
from kunqu_jiafu.web.forms import posted, show_service_errors
from kunqu_jiafu.web.portal import agency_member

from . import codes, selectors
from .forms import RedeemForm, VoucherFilterForm
from .models import Settlement, Voucher
from .services.redemption import voucher_redeem

VOUCHERS_PER_PAGE = 20
SETTLEMENTS_PER_PAGE = 20
# The service's error keys that are fields of the redeem form; others go on top of the form.
REDEEM_FIELDS = ("code", "service_date", "worker", "kind", "hours", "note")


def _own_vouchers(request, agency: Agency):
    return selectors.vouchers_for_user(request.user).filter(agency=agency)


# --- list ------------------------------------------------------------------------------------


@agency_member
def voucher_list(request, agency: Agency):
    filters = VoucherFilterForm(request.GET)
    filters.is_valid()
    chosen = {name: filters.cleaned_data.get(name) or "" for name in filters.fields}
    scoped = _own_vouchers(request, agency)
    figures = selectors.agency_voucher_figures(agency)
    qs = selectors.agency_vouchers_search(scoped, chosen["q"])
    counts = selectors.status_counts(qs)
    if chosen["status"]:
        qs = qs.filter(status=chosen["status"])
    page = Paginator(qs.order_by("-agency_chosen_at", "-id"), VOUCHERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(v, v.person.id_for(request.user)) for v in page.object_list]
    others = {k: v for k, v in chosen.items() if v and k != "status"}
    # The agency is told why households cannot choose it (issue 12): its last inspection failed.
    return render(
        request,
        "vouchers/portal/list.html",
        {
            "agency": agency,
            "failed_inspection": agency_selectors.latest_failed_inspection(agency),
            "filters": filters,
            "figures": figures,
            "page": page,
            "rows": rows,
            "chosen": chosen,
            "filtered": any(chosen.values()),
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "total": sum(counts.values()),
            "all_statuses_url": "?" + urlencode(others),
            "status_chips": [
                (value, label, counts[value], "?" + urlencode(others | {"status": value}))
                for value, label in Voucher.Status.choices
                if counts.get(value)
            ],
        },
    )


# --- redeem ----------------------------------------------------------------------------------


def _redeem_form(request, agency: Agency, data=None) -> RedeemForm:
    today = timezone.localdate()
    policy = agency_selectors.policy_for_year(today.year)
    workers = (
        agency_selectors.workers_for_user(request.user)
        .filter(agency=agency, left_on__isnull=True)
        .order_by("person__name", "pk")
    )
    statuses = {
        w.pk: agency_selectors.worker_status(w, today=today, policy=policy) for w in workers
    }
    initial = {}
    if data is None and request.GET.get("code"):
        initial["code"] = codes.display(codes.normalize(request.GET["code"]))[:30]
    return RedeemForm(data, agency=agency, workers=workers, statuses=statuses, initial=initial)


def _own_voucher_for_code(request, agency: Agency, raw: str | None) -> Voucher | None:
    """The agency's own voucher with this code, to show whose it is (a mistyped code is never
    looked up; another agency's voucher is never shown)."""
    try:
        code = codes.parse(raw or "")
    except ValidationError:
        return None
    return _own_vouchers(request, agency).filter(code=code).first()


@agency_member
@require_http_methods(["GET", "POST"])
def redeem(request, agency: Agency):
    form = _redeem_form(request, agency, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service, replayed = voucher_redeem(
                actor=request.user,
                code=data["code"],
                service_date=data["service_date"],
                kind=data["kind"],
                worker=data["worker"],
                hours=data["hours"],
                note=data["note"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            show_service_errors(form, exc, fields=REDEEM_FIELDS)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("vouchers:list")
        else:
            if replayed:
                messages.info(
                    request,
                    _("This service was already recorded; the voucher was redeemed only once."),
                )
            else:
                messages.success(
                    request,
                    _("Voucher %(code)s is redeemed: %(kind)s on %(date)s.")
                    % {
                        "code": service.voucher.display_code,
                        "kind": service.kind.name,
                        "date": date_format(service.service_date),
                    },
                )
            return redirect("vouchers:detail", pk=service.voucher_id)
    match = _own_voucher_for_code(
        request, agency, request.POST.get("code") or request.GET.get("code")
    )
    if form.is_bound:
        # A new key for the next attempt: nothing was recorded under the one just sent.
        form.data = form.data.copy()
        form.data["idempotency_key"] = uuid.uuid4().hex
    batch = selectors.current_batch()
    eligible, reason = selectors.agency_eligibility(batch, agency) if batch else (True, "")
    return render(
        request,
        "vouchers/portal/redeem.html",
        {
            "agency": agency,
            "form": form,
            "eligible": eligible,
            "eligibility_reason": reason,
            "has_workers": bool(form.fields["worker"].statuses),
            "match": match,
            "match_id": match.person.id_for(request.user) if match else "",
        },
    )


# --- detail ----------------------------------------------------------------------------------


@agency_member
def voucher_detail(request, agency: Agency, pk: int):
    voucher = get_object_or_404(_own_vouchers(request, agency), pk=pk)
    service = getattr(voucher, "service", None)
    return render(
        request,
        "vouchers/portal/detail.html",
        {
            "agency": agency,
            "voucher": voucher,
            "holder_id": voucher.person.id_for(request.user),
            "service": service,
            "follow_ups": list(voucher.follow_ups.order_by("-called_on", "-id")),
        },
    )


# --- settlements -----------------------------------------------------------------------------


def _own_settlements(request, agency: Agency):
    return selectors.settlements_for_user(request.user).filter(agency=agency)


@agency_member
def settlement_list(request, agency: Agency):
    settlements = _own_settlements(request, agency)
    totals = settlements.aggregate(
        paid=Sum("amount", filter=Q(status=Settlement.Status.PAID)),
        waiting=Sum("amount", filter=Q(status=Settlement.Status.ISSUED)),
    )
    page = Paginator(settlements.order_by("-month", "-id"), SETTLEMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "vouchers/portal/settlements.html",
        {"agency": agency, "page": page, "totals": totals},
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    response["Cache-Control"] = "private, no-store"
    return response


@agency_member
def settlement_pdf(request, agency: Agency, pk: int):
    settlement = get_object_or_404(_own_settlements(request, agency), pk=pk)
    from . import documents

    return _download(
        documents.settlement_pdf(settlement),
        "application/pdf",
        documents.filename_for(settlement, "pdf"),
    )


@agency_member
def settlement_xlsx(request, agency: Agency, pk: int):
    settlement = get_object_or_404(_own_settlements(request, agency), pk=pk)
    from . import documents

    return _download(
        documents.settlement_xlsx(settlement), XLSX, documents.filename_for(settlement, "xlsx")
    )
