"""Target groups and batches."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy
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
        summary=gettext_lazy("List the seven eligible groups"),
        description=gettext_lazy(
            "The groups that may apply for vouchers (data the bureau completes). Bureau staff and "
            "officials only."
        ),
        tags=[TAG_BATCHES],
        responses={200: VoucherTargetGroupSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Eligible group details"),
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
        summary=gettext_lazy("List voucher batches"),
        description=gettext_lazy(
            "Each batch's count, face value, total, application and validity dates, the count and "
            "amount issued (not voided), and the count and amount left. Bureau staff and officials "
            "only."
        ),
        tags=[TAG_BATCHES],
        responses={200: VoucherBatchSerializer(many=True), 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Voucher batch details"),
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
        summary=gettext_lazy("Edit a voucher batch"),
        description=gettext_lazy(
            "Reviewers and approvers may edit. The fields given replace the old values; count × face "
            "value must equal the total; the count and amount already issued cannot exceed the new "
            "count and total, and the face value cannot change once vouchers are issued."
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
