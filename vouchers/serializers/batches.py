"""Batches and the target groups they serve."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ..models import TargetGroup, VoucherBatch
from .common import BatchStatusField


class VoucherTargetGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetGroup
        fields = ["id", "code", "name", "description", "evidence_hint", "sort_order", "active"]
        read_only_fields = fields


class VoucherBatchSerializer(serializers.ModelSerializer):
    status = BatchStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    remaining_count = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("Vouchers still to issue: count − issued_count.")
    )
    remaining_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        help_text=gettext_lazy("Value still to issue (yuan): total − issued_amount."),
    )
    agency_count = serializers.SerializerMethodField()

    class Meta:
        model = VoucherBatch
        fields = [
            "id",
            "year",
            "name",
            "count",
            "face_value",
            "total",
            "applications_open_on",
            "applications_close_on",
            "valid_from",
            "valid_until",
            "status",
            "status_display",
            "issued_count",
            "issued_amount",
            "remaining_count",
            "remaining_amount",
            "agency_count",
            "created_at",
        ]
        read_only_fields = fields

    def get_agency_count(self, batch: VoucherBatch) -> int:
        """Agencies taking part (annotated by the view; 0 when not annotated)."""
        return getattr(batch, "agency_count", 0) or 0


class VoucherBatchUpdateSerializer(serializers.Serializer):
    """PATCH: the fields given replace the batch's; count × face value must equal the total."""

    year = serializers.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100)
    name = serializers.CharField(label=gettext_lazy("batch name"), max_length=100)
    count = serializers.IntegerField(label=gettext_lazy("number of vouchers"), min_value=1)
    face_value = serializers.DecimalField(
        label=gettext_lazy("face value (yuan)"), max_digits=10, decimal_places=2
    )
    total = serializers.DecimalField(
        label=gettext_lazy("total value (yuan)"), max_digits=14, decimal_places=2
    )
    applications_open_on = serializers.DateField(label=gettext_lazy("applications open on"))
    applications_close_on = serializers.DateField(label=gettext_lazy("applications close on"))
    valid_from = serializers.DateField(label=gettext_lazy("vouchers valid from"))
    valid_until = serializers.DateField(label=gettext_lazy("vouchers valid until"))
    status = BatchStatusField(label=gettext_lazy("status"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)
