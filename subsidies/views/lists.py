"""The agency's list of its claims, filtered by type and status."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from agencies.models import Agency
from kunqu_jiafu.web.portal import agency_member

from .. import selectors
from ..forms import ClaimFilterForm
from ..models import Claim, ClaimType

CLAIMS_PER_PAGE = 20


@agency_member
def claim_list(request, agency: Agency):
    scoped = selectors.claims_for_user(request.user).filter(agency=agency)
    types = list(
        ClaimType.objects.filter(pk__in=scoped.values("claim_type")).order_by(
            "-policy_year", "sort_order", "code"
        )
    )
    filters = ClaimFilterForm(request.GET, claim_types=types)
    filters.is_valid()
    chosen = {name: filters.cleaned_data.get(name) or "" for name in filters.fields}
    qs = scoped
    if chosen["type"]:
        qs = qs.filter(claim_type_id=chosen["type"])
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    if chosen["status"]:
        qs = qs.filter(status=chosen["status"])
    page = Paginator(qs.order_by("-created_at", "-id"), CLAIMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    others = {k: v for k, v in chosen.items() if v and k != "status"}
    return render(
        request,
        "subsidies/portal/claim_list.html",
        {
            "agency": agency,
            "filters": filters,
            "page": page,
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "chosen": chosen,
            "filtered": any(chosen.values()),
            "all_statuses_url": "?" + urlencode(others),
            "total": sum(counts.values()),
            "status_chips": [
                (value, label, counts[value], "?" + urlencode(others | {"status": value}))
                for value, label in Claim.Status.choices
                if counts.get(value)
            ],
        },
    )
