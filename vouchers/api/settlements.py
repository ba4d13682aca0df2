"""Settlement statements: drawing up, payment, PDF and XLSX."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.drf import FORBIDDEN, NOT_FOUND, service_errors

from .. import filters, selectors
from .. import permissions as voucher_permissions
from ..serializers.settlements import (
    VoucherSettlementCreateSerializer,
    VoucherSettlementDetailSerializer,
    VoucherSettlementPaidSerializer,
    VoucherSettlementSerializer,
)
from ..services.settlement import settlement_create, settlement_mark_paid
from .common import (
    BAD_INPUT,
    PDF_FILE,
    TAG_SETTLEMENTS,
    XLSX,
    XLSX_FILE,
    DownloadsViewSet,
    file_response,
    require,
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List voucher settlements"),
        description=gettext_lazy(
            "One settlement per agency and month, listing the verified vouchers and amounts. Agency "
            "users see only their own agency's."
        ),
        tags=[TAG_SETTLEMENTS],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Voucher settlement details"),
        description=gettext_lazy(
            "With the settlement lines; only reviewers and approvers see the holders' full ID "
            "numbers."
        ),
        tags=[TAG_SETTLEMENTS],
        responses={200: VoucherSettlementDetailSerializer, 404: NOT_FOUND},
    ),
)
class VoucherSettlementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DownloadsViewSet):
    serializer_class = VoucherSettlementSerializer
    filterset_class = filters.SettlementFilter
    search_fields = ["number", "agency__name"]
    ordering_fields = ["month", "created_at", "amount", "paid_on"]
    ordering = ["-month", "agency_id", "-id"]
    DOWNLOADS = ("pdf", "xlsx")

    def get_queryset(self):
        return selectors.settlements_for_user(self.request.user)

    def retrieve(self, request: Request, pk=None, format=None) -> Response:
        return Response(self._present(self.get_object()))

    @extend_schema(
        summary=gettext_lazy("Draw up a voucher settlement"),
        description=gettext_lazy(
            "Reviewers and approvers draw up an agency's settlement for a month (YYYY-MM): the "
            "agency's vouchers served by the month's end, verified and not yet settled. batch "
            "defaults to the current batch; one settlement per agency and month."
        ),
        tags=[TAG_SETTLEMENTS],
        request=VoucherSettlementCreateSerializer,
        responses={
            201: VoucherSettlementDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
        },
    )
    def create(self, request: Request) -> Response:
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherSettlementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        batch = data.get("batch") or selectors.current_batch()
        if batch is None:
            raise ValidationError({"batch": [_("There is no voucher batch yet.")]})
        with service_errors():
            settlement = settlement_create(
                actor=request.user, batch=batch, agency=data["agency"], month=data["month"]
            )
        return Response(self._present(settlement), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=gettext_lazy("Record a settlement's payment"),
        description=gettext_lazy(
            "Approvers record the payment date and voucher number (not the person who drew up the "
            "settlement); the settlement's vouchers are then settled."
        ),
        tags=[TAG_SETTLEMENTS],
        request=VoucherSettlementPaidSerializer,
        responses={
            200: VoucherSettlementDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="mark-paid", url_name="mark-paid")
    def mark_paid(self, request: Request, pk=None, format=None) -> Response:
        settlement = self.get_object()
        require(voucher_permissions.can_mark_paid(request.user, settlement))
        serializer = VoucherSettlementPaidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            settlement = settlement_mark_paid(
                actor=request.user, settlement=settlement, **serializer.validated_data
            )
        return Response(self._present(settlement))

    @extend_schema(
        summary=gettext_lazy("Download the settlement PDF"),
        tags=[TAG_SETTLEMENTS],
        responses={(200, "application/pdf"): PDF_FILE, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk=None, format=None) -> HttpResponse:
        from .. import documents

        settlement = self.get_object()
        return file_response(
            documents.settlement_pdf(settlement),
            "application/pdf",
            documents.filename_for(settlement, "pdf"),
        )

    @extend_schema(
        summary=gettext_lazy("Download the settlement Excel file"),
        tags=[TAG_SETTLEMENTS],
        responses={(200, XLSX): XLSX_FILE, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def xlsx(self, request: Request, pk=None, format=None) -> HttpResponse:
        from .. import documents

        settlement = self.get_object()
        return file_response(
            documents.settlement_xlsx(settlement), XLSX, documents.filename_for(settlement, "xlsx")
        )

    def _present(self, settlement) -> dict:
        fresh = self.get_queryset().filter(pk=settlement.pk).first() or settlement
        context = {**self.get_serializer_context(), "lines": selectors.settlement_lines(fresh)}
        return VoucherSettlementDetailSerializer(fresh, context=context).data
