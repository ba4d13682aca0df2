"""Settlement statements: drawing up, payment, PDF and XLSX."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
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
        summary="就业券结算单列表",
        description="每个机构每月一张结算单，列出已核查通过的券和金额。机构用户只见本机构的。",
        tags=[TAG_SETTLEMENTS],
    ),
    retrieve=extend_schema(
        summary="就业券结算单详情",
        description="含结算明细（lines）；持券人身份证号只对业务经办、审批领导显示全号。",
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
        summary="生成就业券结算单",
        description=(
            "业务经办、审批领导为一个机构生成某月（YYYY-MM）的结算单：该机构截至当月月底服务、"
            "已核查通过且尚未结算的券。batch 缺省为当前批次；同一机构同一月只能有一张。"
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
        summary="登记结算单拨付",
        description=(
            "审批领导登记拨付日期和凭证号（不得为生成结算单的同一人）；结算单上的券随之结清。"
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
        summary="下载结算单 PDF",
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
        summary="下载结算单 Excel",
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
