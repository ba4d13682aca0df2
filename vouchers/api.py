"""REST API of the employment vouchers (促进就业券): thin viewsets over selectors and services.

Every voucher, application and settlement queryset comes from ``vouchers.selectors``, so an
agency user asking for a voucher whose holder chose another agency gets 404. Every write goes
through ``vouchers.services``; a service's ``ValidationError`` becomes 400 with its field errors,
``PermissionDenied`` becomes 403 with the service's reason. Officials (统计查询) read everything
(ID numbers masked) and write nothing; agency users redeem and read their own vouchers and
statements.

Status codes chosen here:

- issuing when the batch is exhausted (by count or value): 400, the service's message under
  ``non_field_errors`` — like every other refusal of a service, nothing is partly written;
- redemption: 201 first time; 200 with the same body and ``Idempotent-Replayed: true`` for a
  repeat with the same ``Idempotency-Key`` and content; 422 with the message under
  ``idempotency_key`` when a key is reused for different content; 400 for everything else.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.documents.xlsx import attachment_header
from kunqu_jiafu.drf import (
    FORBIDDEN,
    NOT_FOUND,
    OfficialsReadOnly,
    ScopedViewSet,
    service_errors,
    staff_only,
)

from . import filters, selectors, services
from . import permissions as voucher_permissions
from . import serializers as s
from .models import TargetGroup, VoucherBatch

TAG_BATCHES = "就业券批次"
TAG_APPLICATIONS = "就业券申报"
TAG_VOUCHERS = "就业券"
TAG_SETTLEMENTS = "就业券结算"
TAG_PROGRESS = "就业券进度"

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_MAX = 100

BAD_INPUT = OpenApiResponse(description="输入有误：按字段给出错误说明（中文）。")
ISSUE_REFUSED = OpenApiResponse(
    description=(
        "不能发券：错误说明在 non_field_errors 下。批次已发完（张数或金额达到上限）时同样返回 400，"
        "说明中给出批次总张数或剩余金额，例如“All 5000 vouchers of … are issued; none is left”"
        "（中文界面为对应译文）；申报尚未审核通过、批次未开放或已过期时也返回 400。"
        "被拒绝的请求不写入任何数据。"
    )
)
REDEEM_BAD_INPUT = OpenApiResponse(
    response=s.VoucherRedeemErrorSerializer,
    description=(
        "不能核销：错误按字段给出。券码有误（字符不合法、长度不对、校验位不符）、券码不存在、"
        "已核销（说明何时由哪个机构哪位用户核销）、已作废、已过期、持券人选择了其他机构时，"
        "错误在 code 下；服务日期、服务人员、服务类型、时长的错误在各自字段下；"
        "Idempotency-Key 超过 100 个字符时在 idempotency_key 下。"
    ),
)
REDEEM_KEY_REUSED = OpenApiResponse(
    response=s.VoucherRedeemErrorSerializer,
    description=(
        "同一 Idempotency-Key 已用于内容不同的另一次核销：错误在 idempotency_key 下，"
        "不写入任何数据。新的请求请使用新的键。"
    ),
)
PDF_FILE = OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF 文件。")
XLSX_FILE = OpenApiResponse(response=OpenApiTypes.BINARY, description="Excel（.xlsx）文件。")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


StaffOnly = staff_only(
    gettext_lazy("Only bureau staff and officials see this part of the voucher area.")
)


STAFF_PERMISSIONS = [permissions.IsAuthenticated, StaffOnly, OfficialsReadOnly]


def _require(result: tuple[bool, str]) -> None:
    allowed, reason = result
    if not allowed:
        raise PermissionDenied(reason or None)


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class _DownloadsViewSet(ScopedViewSet):
    DOWNLOADS: tuple[str, ...] = ()

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # Downloads answer a file whatever the Accept header; their errors are JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action in self.DOWNLOADS
        )


# --- reference data and batches ----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="七类特定群体列表",
        description="可申领就业券的特定群体（数据，由局里补全）。仅局内人员和统计查询可见。",
        tags=[TAG_BATCHES],
        responses={200: s.VoucherTargetGroupSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="特定群体详情",
        tags=[TAG_BATCHES],
        responses={200: s.VoucherTargetGroupSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class TargetGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = STAFF_PERMISSIONS
    queryset = TargetGroup.objects.all()
    serializer_class = s.VoucherTargetGroupSerializer
    search_fields = ["name", "code"]
    ordering_fields = ["sort_order", "name"]
    ordering = ["sort_order", "pk"]
    filterset_fields = ["active"]


@extend_schema_view(
    list=extend_schema(
        summary="就业券批次列表",
        description=(
            "每批的张数、面值、总额、申报和有效日期，以及已发出（未作废）的张数和金额、剩余张数和金额。"
            "仅局内人员和统计查询可见。"
        ),
        tags=[TAG_BATCHES],
        responses={200: s.VoucherBatchSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="就业券批次详情",
        tags=[TAG_BATCHES],
        responses={200: s.VoucherBatchSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class VoucherBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = STAFF_PERMISSIONS
    serializer_class = s.VoucherBatchSerializer
    filterset_fields = ["year", "status"]
    ordering_fields = ["year", "created_at"]
    ordering = ["-year", "-id"]

    def get_queryset(self):
        return VoucherBatch.objects.annotate(
            agency_count=Count("participations", filter=Q(participations__active=True))
        )

    @extend_schema(
        summary="修改就业券批次",
        description=(
            "业务经办、审批领导可改。给出的字段替换原值；张数 × 面值须等于总额；"
            "已发出的张数和金额不能多于新的张数和总额，已发券后面值不能改。"
        ),
        tags=[TAG_BATCHES],
        request=s.VoucherBatchUpdateSerializer,
        responses={200: s.VoucherBatchSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        batch = self.get_object()
        _require(voucher_permissions.can_handle(request.user))
        serializer = s.VoucherBatchUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            batch = services.batch_save(
                actor=request.user, batch=batch, data=dict(serializer.validated_data)
            )
        fresh = self.get_queryset().get(pk=batch.pk)
        return Response(s.VoucherBatchSerializer(fresh).data)


# --- applications ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="就业券申报列表",
        description=(
            "居民网上申报和经办人员代录的申报。仅局内人员和统计查询可见；身份证号对业务经办、"
            "审批领导显示全号，对统计查询脱敏。search 按申报编号、姓名查找（业务经办、审批领导"
            "还可按完整身份证号查找）。"
        ),
        tags=[TAG_APPLICATIONS],
        responses={200: s.VoucherApplicationSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="就业券申报详情",
        tags=[TAG_APPLICATIONS],
        responses={200: s.VoucherApplicationSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class VoucherApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = STAFF_PERMISSIONS
    serializer_class = s.VoucherApplicationSerializer
    filterset_class = filters.ApplicationFilter
    filter_backends = [DjangoFilterBackend, filters.ApplicationSearchFilter, OrderingFilter]
    search_fields = ["number", "person__name"]
    ordering_fields = ["created_at", "decided_at", "number", "status"]
    ordering = ["-created_at", "-id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.applications_for_user(self.request.user).select_related("evidence")

    @extend_schema(
        summary="代居民录入就业券申报",
        description=(
            "业务经办、审批领导代居民录入（柜台或电话）。batch 缺省为当前批次。"
            "证明材料可选，用 multipart/form-data 上传（PDF、JPEG、PNG）。"
            "同一人同一批次只能有一份有效申报；按户发放的批次（one_per = household）须填写户主身份证号"
            "（head_id_number，申请人即户主时填本人身份证号），户主身份证号与地址相同即为同一户，"
            "每户只能有一份有效申报。"
        ),
        tags=[TAG_APPLICATIONS],
        request={
            "application/json": s.VoucherApplicationCreateSerializer,
            "multipart/form-data": s.VoucherApplicationCreateSerializer,
        },
        responses={
            201: s.VoucherApplicationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
        },
    )
    def create(self, request: Request) -> Response:
        _require(voucher_permissions.can_handle(request.user))
        serializer = s.VoucherApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        batch = data.pop("batch", None) or selectors.current_batch()
        if batch is None:
            raise ValidationError({"batch": [_("There is no voucher batch yet.")]})
        with service_errors():
            application = services.application_create(
                actor=request.user,
                batch=batch,
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                address=data["address"],
                street=data["street"],
                target_group=data["target_group"],
                evidence=data.get("evidence"),
                note=data.get("note", ""),
                head_id_number=data.get("head_id_number", ""),
                head_required=True,
            )
        return Response(self._present(application), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="审核通过就业券申报",
        description="业务经办、审批领导。仅待审核的申报可审核。",
        tags=[TAG_APPLICATIONS],
        request=s.VoucherDecisionSerializer,
        responses={
            200: s.VoucherApplicationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None, format=None) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(
        summary="驳回就业券申报",
        description="业务经办、审批领导。须填写理由（reason），居民查询时可见。",
        tags=[TAG_APPLICATIONS],
        request=s.VoucherDecisionSerializer,
        responses={
            200: s.VoucherApplicationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None, format=None) -> Response:
        return self._decide(request, approve=False)

    @extend_schema(
        summary="发放就业券",
        description=(
            "为审核通过的申报发券（唯一券码，带校验位）。批次的张数和金额上限在并发下也不会突破："
            "批次已发完时返回 400，说明在 non_field_errors 下；作废的券会让出名额。"
        ),
        tags=[TAG_APPLICATIONS],
        request=None,
        responses={201: s.VoucherSerializer, 400: ISSUE_REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk=None, format=None) -> Response:
        application = self.get_object()
        _require(voucher_permissions.can_handle(request.user))
        with service_errors():
            voucher = services.voucher_issue(actor=request.user, application=application)
        fresh = selectors.vouchers_for_user(request.user).get(pk=voucher.pk)
        return Response(
            s.VoucherSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _decide(self, request: Request, *, approve: bool) -> Response:
        application = self.get_object()
        _require(voucher_permissions.can_handle(request.user))
        serializer = s.VoucherDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            application = services.application_decide(
                actor=request.user,
                application=application,
                approve=approve,
                reason=serializer.validated_data["reason"],
            )
        return Response(self._present(application))

    def _present(self, application) -> dict:
        fresh = self.get_queryset().get(pk=application.pk)
        return s.VoucherApplicationSerializer(fresh, context=self.get_serializer_context()).data


# --- vouchers ----------------------------------------------------------------------------------


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
        responses={200: s.VoucherSerializer, 404: NOT_FOUND},
    ),
)
class VoucherViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _DownloadsViewSet):
    serializer_class = s.VoucherSerializer
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
        request=s.VoucherVoidSerializer,
        responses={200: s.VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        _require(voucher_permissions.can_handle(request.user))
        serializer = s.VoucherVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = services.voucher_void(
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
        request=s.VoucherChooseAgencySerializer,
        responses={200: s.VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="choose-agency", url_name="choose-agency")
    def choose_agency(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        _require(voucher_permissions.can_handle(request.user))
        serializer = s.VoucherChooseAgencySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = services.voucher_choose_agency(
                actor=request.user, voucher=voucher, agency=serializer.validated_data["agency"]
            )
        return Response(self._present(voucher))

    @extend_schema(
        methods=["GET"],
        summary="跟踪回访记录",
        description="这张券的全部回访记录，新的在前。仅局内人员和统计查询可见。",
        tags=[TAG_VOUCHERS],
        request=None,
        responses={200: s.VoucherFollowUpSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="登记跟踪回访",
        description=(
            "业务经办、审批领导。服务后电话回访：联系上时须填满意度 1-5；联系不上时在 remarks "
            "中说明原因。called_on 缺省为今天。"
        ),
        tags=[TAG_VOUCHERS],
        request=s.VoucherFollowUpCreateSerializer,
        responses={
            201: s.VoucherFollowUpSerializer,
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
            return Response(s.VoucherFollowUpSerializer(rows, many=True).data)
        _require(voucher_permissions.can_handle(request.user))
        serializer = s.VoucherFollowUpCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            follow_up = services.followup_record(
                actor=request.user,
                voucher=voucher,
                called_on=data.get("called_on") or timezone.localdate(),
                reached=data["reached"],
                satisfaction=data["satisfaction"],
                remarks=data["remarks"],
            )
        return Response(s.VoucherFollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="服务核查",
        description=(
            "业务经办、审批领导核查已核销的券：passed=true 核查通过，进入该机构下一张结算单；"
            "passed=false 核查未通过，须在 note 中说明发现的问题（机构可见）。"
        ),
        tags=[TAG_VOUCHERS],
        request=s.VoucherVerifySerializer,
        responses={200: s.VoucherSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk=None, format=None) -> Response:
        voucher = self.get_object()
        _require(voucher_permissions.can_handle(request.user))
        serializer = s.VoucherVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            voucher = services.voucher_verify(
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
        from . import documents

        voucher = self.get_object()
        return _file(
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
        request=s.VoucherRedeemSerializer,
        responses={
            201: OpenApiResponse(s.VoucherRedemptionSerializer, description="核销成功。"),
            200: OpenApiResponse(
                s.VoucherRedemptionSerializer,
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
        _require(voucher_permissions.can_redeem(user))
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
        serializer = s.VoucherRedeemSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        try:
            with service_errors():
                service, replayed = services.voucher_redeem(
                    actor=user, idempotency_key=key, **serializer.validated_data
                )
        except ValidationError as exc:
            if isinstance(exc.detail, dict) and "idempotency_key" in exc.detail:
                return Response(exc.detail, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
            raise
        # Both answers come from the stored row, so a replay repeats the first body exactly.
        voucher = selectors.vouchers_for_user(user).select_related("service__redeemed_by")
        fresh = voucher.get(pk=service.voucher_id).service
        body = s.VoucherRedemptionSerializer(fresh, context=self.get_serializer_context()).data
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
            200: s.VoucherProgressSerializer,
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
        return Response(s.VoucherProgressSerializer(figures).data)

    def _present(self, voucher) -> dict:
        # Re-read through the selector: the response shows what the user may now see.
        fresh = self.get_queryset().filter(pk=voucher.pk).first() or voucher
        return s.VoucherSerializer(fresh, context=self.get_serializer_context()).data


# --- settlements -------------------------------------------------------------------------------


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
        responses={200: s.VoucherSettlementDetailSerializer, 404: NOT_FOUND},
    ),
)
class VoucherSettlementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _DownloadsViewSet):
    serializer_class = s.VoucherSettlementSerializer
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
        request=s.VoucherSettlementCreateSerializer,
        responses={
            201: s.VoucherSettlementDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
        },
    )
    def create(self, request: Request) -> Response:
        _require(voucher_permissions.can_handle(request.user))
        serializer = s.VoucherSettlementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        batch = data.get("batch") or selectors.current_batch()
        if batch is None:
            raise ValidationError({"batch": [_("There is no voucher batch yet.")]})
        with service_errors():
            settlement = services.settlement_create(
                actor=request.user, batch=batch, agency=data["agency"], month=data["month"]
            )
        return Response(self._present(settlement), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="登记结算单拨付",
        description=(
            "审批领导登记拨付日期和凭证号（不得为生成结算单的同一人）；结算单上的券随之结清。"
        ),
        tags=[TAG_SETTLEMENTS],
        request=s.VoucherSettlementPaidSerializer,
        responses={
            200: s.VoucherSettlementDetailSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="mark-paid", url_name="mark-paid")
    def mark_paid(self, request: Request, pk=None, format=None) -> Response:
        settlement = self.get_object()
        _require(voucher_permissions.can_mark_paid(request.user, settlement))
        serializer = s.VoucherSettlementPaidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            settlement = services.settlement_mark_paid(
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
        from . import documents

        settlement = self.get_object()
        return _file(
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
        from . import documents

        settlement = self.get_object()
        return _file(
            documents.settlement_xlsx(settlement), XLSX, documents.filename_for(settlement, "xlsx")
        )

    def _present(self, settlement) -> dict:
        fresh = self.get_queryset().filter(pk=settlement.pk).first() or settlement
        context = {**self.get_serializer_context(), "lines": selectors.settlement_lines(fresh)}
        return s.VoucherSettlementDetailSerializer(fresh, context=context).data


def register(router) -> None:
    router.register("target-groups", TargetGroupViewSet, basename="target-group")
    router.register("voucher-batches", VoucherBatchViewSet, basename="voucher-batch")
    router.register(
        "voucher-applications", VoucherApplicationViewSet, basename="voucher-application"
    )
    router.register("vouchers", VoucherViewSet, basename="voucher")
    router.register("voucher-settlements", VoucherSettlementViewSet, basename="voucher-settlement")
