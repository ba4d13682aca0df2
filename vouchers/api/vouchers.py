"""Vouchers: void, agency choice, follow-ups, verification, PDF, redemption, progress."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.drf import FORBIDDEN, NOT_FOUND, service_errors

from .. import filters, selectors
from .. import permissions as voucher_permissions
from ..models import VoucherBatch
from ..serializers.progress import VoucherProgressSerializer
from ..serializers.vouchers import (
    VoucherChooseAgencySerializer,
    VoucherFollowUpCreateSerializer,
    VoucherFollowUpSerializer,
    VoucherRedeemSerializer,
    VoucherRedemptionSerializer,
    VoucherSerializer,
    VoucherVerifySerializer,
    VoucherVoidSerializer,
)
from ..services.choice import voucher_choose_agency
from ..services.issue import voucher_void
from ..services.redemption import voucher_redeem
from ..services.verification import followup_record, voucher_verify
from .common import (
    BAD_INPUT,
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_KEY_MAX,
    PDF_FILE,
    REDEEM_BAD_INPUT,
    REDEEM_KEY_REUSED,
    REPLAYED_HEADER,
    TAG_PROGRESS,
    TAG_VOUCHERS,
    DownloadsViewSet,
    StaffOnly,
    file_response,
    require,
)


@extend_schema_view(
    list=extend_schema(
        summary="就业券列表",
        description=(
            "局内人员和统计查询可见全部；机构用户只见持券人选择了本机构的券。持券人身份证号只对"
            "业务经办、审批领导显示全号。search 按券码查找（横线、空格、大小写、全角均可）、"
            "持券人姓名或申报编号。"
        ),
        tags=[TAG_VOUCHERS],
    ),
    retrieve=extend_schema(
        summary="就业券详情",
        tags=[TAG_VOUCHERS],
        responses={200: VoucherSerializer, 404: NOT_FOUND},
    ),
)
class VoucherViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DownloadsViewSet):
    serializer_class = VoucherSerializer
    filterset_class = filters.VoucherFilter
    filter_backends = [DjangoFilterBackend, filters.VoucherSearchFilter, OrderingFilter]
    search_fields = ["code", "person__name", "application__number"]
    ordering_fields = ["issued_at", "valid_until", "status", "agency_chosen_at", "verified_at"]
    ordering = ["-issued_at", "-id"]
    DOWNLOADS = ("pdf",)
    STAFF_ACTIONS = ("pdf", "follow_ups", "progress")

    def get_permissions(self):
        checks = super().get_permissions()
        if self.action in self.STAFF_ACTIONS:
            checks.append(StaffOnly())
        return checks

    def get_queryset(self):
        return selectors.vouchers_for_user(self.request.user).select_related("service__agency")

    # --- staff writes on one voucher ---

    @extend_schema(
        summary="作废就业券",
        description="业务经办、审批领导。仅未使用的券可作废，须填写理由；作废后名额和金额退回批次。",
        tags=[TAG_VOUCHERS],
        request=VoucherVoidSerializer,
        responses={200: VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = voucher_void(
                actor=request.user, voucher=voucher, reason=serializer.validated_data["reason"]
            )
        return Response(self._present(voucher))

    @extend_schema(
        summary="代持券人选择服务机构",
        description=(
            "业务经办、审批领导代持券人选择（居民也可在查询页自行选择）。机构须已登记、"
            "参加本批次、最近一次年检未不合格；券核销前可改选。"
        ),
        tags=[TAG_VOUCHERS],
        request=VoucherChooseAgencySerializer,
        responses={200: VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="choose-agency", url_name="choose-agency")
    def choose_agency(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherChooseAgencySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = voucher_choose_agency(
                actor=request.user, voucher=voucher, agency=serializer.validated_data["agency"]
            )
        return Response(self._present(voucher))

    @extend_schema(
        methods=["GET"],
        summary="跟踪回访记录",
        description="这张券的全部回访记录，新的在前。仅局内人员和统计查询可见。",
        tags=[TAG_VOUCHERS],
        request=None,
        responses={200: VoucherFollowUpSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="登记跟踪回访",
        description=(
            "业务经办、审批领导。服务后电话回访：联系上时须填满意度 1-5；联系不上时在 remarks "
            "中说明原因。called_on 缺省为今天。"
        ),
        tags=[TAG_VOUCHERS],
        request=VoucherFollowUpCreateSerializer,
        responses={
            201: VoucherFollowUpSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="follow-ups",
        url_name="follow-ups",
        filter_backends=[],
        pagination_class=None,
    )
    def follow_ups(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        if request.method == "GET":
            rows = voucher.follow_ups.select_related("recorded_by").order_by("-called_on", "-id")
            return Response(VoucherFollowUpSerializer(rows, many=True).data)
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherFollowUpCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            follow_up = followup_record(
                actor=request.user,
                voucher=voucher,
                called_on=data.get("called_on") or timezone.localdate(),
                reached=data["reached"],
                satisfaction=data["satisfaction"],
                remarks=data["remarks"],
            )
        return Response(VoucherFollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="服务核查",
        description=(
            "业务经办、审批领导核查已核销的券：passed=true 核查通过，进入该机构下一张结算单；"
            "passed=false 核查未通过，须在 note 中说明发现的问题（机构可见）。"
        ),
        tags=[TAG_VOUCHERS],
        request=VoucherVerifySerializer,
        responses={200: VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = voucher_verify(
                actor=request.user, voucher=voucher, **serializer.validated_data
            )
        return Response(self._present(voucher))

    @extend_schema(
        summary="下载就业券 PDF",
        description="可打印的就业券（券码和二维码）。仅局内人员和统计查询可下载。",
        tags=[TAG_VOUCHERS],
        responses={(200, "application/pdf"): PDF_FILE, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk=None, format=None) -> HttpResponse:
        from .. import documents

        voucher = self.get_object()
        return file_response(
            documents.voucher_pdf(voucher),
            "application/pdf",
            documents.filename_for(voucher, "pdf"),
        )

    # --- redemption (上门服务) ---

    @extend_schema(
        summary="核销就业券（登记上门服务）",
        description=(
            "机构用户录入券码、服务日期、服务类型、服务人员和时长，核销持券人选择了本机构的券。"
            "每张券只能核销一次。\n\n"
            "幂等：请求头 Idempotency-Key（可选，建议每次核销生成一个新的 UUID）。"
            "首次成功返回 201 和服务记录；以同一个键、相同内容重发（如网络中断后重试）返回 200 和"
            "完全相同的响应体，并带响应头 Idempotent-Replayed: true，不会再写入；"
            "同一个键用于不同内容返回 422，错误在 idempotency_key 下。"
            "不带键重复核销同一张券返回 400，错误在 code 下，说明何时由谁核销。"
            "券码输错时（校验位不符）返回 400，错误在 code 下，不查询数据库。"
        ),
        tags=[TAG_VOUCHERS],
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description=(
                    "幂等键（不超过 100 个字符），同一机构内唯一。相同键和相同内容的重试返回首次的结果。"
                ),
            ),
            OpenApiParameter(
                REPLAYED_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="重放的响应（200）带此响应头，值为 true。",
                response=[200],
            ),
        ],
        request=VoucherRedeemSerializer,
        responses={
            201: OpenApiResponse(VoucherRedemptionSerializer, description="核销成功。"),
            200: OpenApiResponse(
                VoucherRedemptionSerializer,
                description="重放：同一 Idempotency-Key、相同内容的重试，响应体与首次完全相同。",
            ),
            400: REDEEM_BAD_INPUT,
            403: FORBIDDEN,
            422: REDEEM_KEY_REUSED,
        },
        examples=[
            OpenApiExample(
                "核销",
                request_only=True,
                value={
                    "code": "7KQM-4XRT-2HB",
                    "service_date": "2026-03-18",
                    "kind": 1,
                    "worker": 12,
                    "hours": "2.0",
                    "note": "",
                },
            )
        ],
    )
    @action(detail=False, methods=["post"])
    def redeem(self, request: Request, format=None) -> Response:
        user = request.user
        require(voucher_permissions.can_redeem(user))
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            raise ValidationError(
                {
                    "idempotency_key": [
                        _("The Idempotency-Key header may have at most %(n)s characters.")
                        % {"n": IDEMPOTENCY_KEY_MAX}
                    ]
                }
            )
        serializer = VoucherRedeemSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        try:
            with service_errors():
                service, replayed = voucher_redeem(
                    actor=user, idempotency_key=key, **serializer.validated_data
                )
        except ValidationError as exc:
            if isinstance(exc.detail, dict) and "idempotency_key" in exc.detail:
                return Response(exc.detail, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
            raise
        # Both answers come from the stored row, so a replay repeats the first body exactly.
        voucher = selectors.vouchers_for_user(user).select_related("service__redeemed_by")
        fresh = voucher.get(pk=service.voucher_id).service
        body = VoucherRedemptionSerializer(fresh, context=self.get_serializer_context()).data
        if replayed:
            return Response(body, status=status.HTTP_200_OK, headers={REPLAYED_HEADER: "true"})
        return Response(body, status=status.HTTP_201_CREATED)

    # --- progress (应发尽发) ---

    @extend_schema(
        summary="就业券进度（应发尽发）",
        description=(
            "批次的已发、已核销、已核查、已拨付张数和金额，对比总张数和总额，按特定群体和街镇分列。"
            "batch 缺省为当前批次。仅局内人员和统计查询可见。"
        ),
        tags=[TAG_PROGRESS],
        parameters=[
            OpenApiParameter(
                "batch",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="批次 id，缺省为当前批次。",
            )
        ],
        responses={
            200: VoucherProgressSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def progress(self, request: Request, format=None) -> Response:
        raw = request.query_params.get("batch", "").strip()
        batch = None
        if raw:
            batch = VoucherBatch.objects.filter(pk=int(raw)).first() if raw.isdecimal() else None
            if batch is None:
                raise ValidationError({"batch": [_("There is no voucher batch with this id.")]})
        figures = selectors.progress(batch)
        if figures is None:
            raise NotFound(_("There is no voucher batch yet."))
        return Response(VoucherProgressSerializer(figures).data)

    def _present(self, voucher) -> dict:
        # Re-read through the selector: the response shows what the user may now see.
        fresh = self.get_queryset().filter(pk=voucher.pk).first() or voucher
        return VoucherSerializer(fresh, context=self.get_serializer_context()).data
