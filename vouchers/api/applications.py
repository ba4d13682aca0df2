"""Applications (人员申报): entry at the counter, decisions, issue."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.drf import FORBIDDEN, NOT_FOUND, ScopedViewSet, service_errors

from .. import filters, selectors
from .. import permissions as voucher_permissions
from ..serializers.applications import (
    VoucherApplicationCreateSerializer,
    VoucherApplicationSerializer,
    VoucherDecisionSerializer,
)
from ..serializers.vouchers import VoucherSerializer
from ..services.applications import application_create, application_decide
from ..services.issue import voucher_issue
from .common import BAD_INPUT, ISSUE_REFUSED, STAFF_PERMISSIONS, TAG_APPLICATIONS, require


@extend_schema_view(
    list=extend_schema(
        summary="就业券申报列表",
        description=(
            "居民网上申报和经办人员代录的申报。仅局内人员和统计查询可见；身份证号对业务经办、"
            "审批领导显示全号，对统计查询脱敏。search 按申报编号、姓名查找（业务经办、审批领导"
            "还可按完整身份证号查找）。"
        ),
        tags=[TAG_APPLICATIONS],
        responses={200: VoucherApplicationSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="就业券申报详情",
        tags=[TAG_APPLICATIONS],
        responses={200: VoucherApplicationSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class VoucherApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = STAFF_PERMISSIONS
    serializer_class = VoucherApplicationSerializer
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
            "application/json": VoucherApplicationCreateSerializer,
            "multipart/form-data": VoucherApplicationCreateSerializer,
        },
        responses={
            201: VoucherApplicationSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
        },
    )
    def create(self, request: Request) -> Response:
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        batch = data.pop("batch", None) or selectors.current_batch()
        if batch is None:
            raise ValidationError({"batch": [_("There is no voucher batch yet.")]})
        with service_errors():
            application = application_create(
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
        request=VoucherDecisionSerializer,
        responses={
            200: VoucherApplicationSerializer,
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
        request=VoucherDecisionSerializer,
        responses={
            200: VoucherApplicationSerializer,
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
        responses={201: VoucherSerializer, 400: ISSUE_REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk=None, format=None) -> Response:
        application = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        with service_errors():
            voucher = voucher_issue(actor=request.user, application=application)
        fresh = selectors.vouchers_for_user(request.user).get(pk=voucher.pk)
        return Response(
            VoucherSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _decide(self, request: Request, *, approve: bool) -> Response:
        application = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            application = application_decide(
                actor=request.user,
                application=application,
                approve=approve,
                reason=serializer.validated_data["reason"],
            )
        return Response(self._present(application))

    def _present(self, application) -> dict:
        fresh = self.get_queryset().get(pk=application.pk)
        return VoucherApplicationSerializer(fresh, context=self.get_serializer_context()).data
