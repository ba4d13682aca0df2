"""What the voucher viewsets share: tags, documented answers, staff access, file responses."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from kunqu_jiafu.documents.xlsx import attachment_header
from kunqu_jiafu.drf import OfficialsReadOnly, ScopedViewSet, staff_only

from ..serializers.vouchers import VoucherRedeemErrorSerializer

TAG_BATCHES = gettext_lazy("Voucher batches")
TAG_APPLICATIONS = gettext_lazy("Voucher applications")
TAG_VOUCHERS = gettext_lazy("Vouchers")
TAG_SETTLEMENTS = gettext_lazy("Voucher settlements")
TAG_PROGRESS = gettext_lazy("Voucher progress")

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_MAX = 100

BAD_INPUT = OpenApiResponse(
    description=gettext_lazy("Bad input: the errors are given by field (in Chinese).")
)
ISSUE_REFUSED = OpenApiResponse(
    description=gettext_lazy(
        "Cannot issue: the error is under non_field_errors. A batch that is used up (its count "
        "or amount reached) also answers 400, and the message gives the batch's total count or "
        "the amount left, for example “All 5000 vouchers of … are issued; none is left”; an "
        "application not yet approved, or a batch not open or expired, also answers 400. A "
        "refused request writes nothing."
    )
)
REDEEM_BAD_INPUT = OpenApiResponse(
    response=VoucherRedeemErrorSerializer,
    description=gettext_lazy(
        "Cannot redeem: the errors are given by field. A wrong code (bad characters, wrong "
        "length, check character not matching), an unknown code, a voucher already redeemed "
        "(saying when, by which agency and which user), voided, expired, or one whose holder "
        "chose another agency gives the error under code; errors in the service date, worker, "
        "service type and duration are under their own fields; an Idempotency-Key over 100 "
        "characters gives it under idempotency_key."
    ),
)
REDEEM_KEY_REUSED = OpenApiResponse(
    response=VoucherRedeemErrorSerializer,
    description=gettext_lazy(
        "The same Idempotency-Key was already used for another redemption with different "
        "content: the error is under idempotency_key and nothing is written. Use a new key for a "
        "new request."
    ),
)
PDF_FILE = OpenApiResponse(response=OpenApiTypes.BINARY, description=gettext_lazy("A PDF file."))
XLSX_FILE = OpenApiResponse(
    response=OpenApiTypes.BINARY, description=gettext_lazy("An Excel (.xlsx) file.")
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


StaffOnly = staff_only(
    gettext_lazy("Only bureau staff and officials see this part of the voucher area.")
)


STAFF_PERMISSIONS = [permissions.IsAuthenticated, StaffOnly, OfficialsReadOnly]


def require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason or None)


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class DownloadsViewSet(ScopedViewSet):
    DOWNLOADS: tuple[str, ...] = ()

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # Downloads answer a file whatever the Accept header; their errors are JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action in self.DOWNLOADS
        )
