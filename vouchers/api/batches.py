"""Target groups and batches."""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from kunqu_jiafu.drf import FORBIDDEN, NOT_FOUND, ScopedViewSet, service_errors

from .. import permissions as voucher_permissions
from ..models import TargetGroup, VoucherBatch
from ..serializers.batches import (
    VoucherBatchSerializer,
    VoucherBatchUpdateSerializer,
    VoucherTargetGroupSerializer,
)
from ..services.batches import batch_save
from .common import BAD_INPUT, STAFF_PERMISSIONS, TAG_BATCHES, require


@extend_schema_view(
    list=extend_schema(
        summary="七类特定群体列表",
        description="可申领就业券的特定群体（数据，由局里补全）。仅局内人员和统计查询可见。",
        tags=[TAG_BATCHES],
        responses={200: VoucherTargetGroupSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="特定群体详情",
        tags=[TAG_BATCHES],
        responses={200: VoucherTargetGroupSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class TargetGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = STAFF_PERMISSIONS
    queryset = TargetGroup.objects.all()
    serializer_class = VoucherTargetGroupSerializer
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
        responses={200: VoucherBatchSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="就业券批次详情",
        tags=[TAG_BATCHES],
        responses={200: VoucherBatchSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class VoucherBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission_classes = STAFF_PERMISSIONS
    serializer_class = VoucherBatchSerializer
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
        request=VoucherBatchUpdateSerializer,
        responses={200: VoucherBatchSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        batch = self.get_object()
        require(voucher_permissions.can_handle(request.user))
        serializer = VoucherBatchUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            batch = batch_save(
                actor=request.user, batch=batch, data=dict(serializer.validated_data)
            )
        fresh = self.get_queryset().get(pk=batch.pk)
        return Response(VoucherBatchSerializer(fresh).data)
