"""The special funds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    SpecialFund,
)

# --- funds ----------------------------------------------------------------


class SpecialFundSerializer(serializers.ModelSerializer):
    claim_type_name = serializers.SerializerMethodField()
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = SpecialFund
        fields = [
            "id",
            "year",
            "claim_type",
            "claim_type_name",
            "amount",
            "committed",
            "remaining",
            "note",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text=gettext_lazy("null: the year's fund for all claim types.")
        )
    )
    def get_claim_type_name(self, fund: SpecialFund) -> str | None:
        return fund.claim_type.name if fund.claim_type_id else None
