"""The statistical survey's returns (年度统计调查), read only: agencies fill them in the portal."""

from __future__ import annotations

from rest_framework import serializers

from ..models import SurveyReturn, SurveyValue


class SurveyValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    label = serializers.CharField(source="indicator.label", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    business_format = serializers.CharField(
        source="business_format.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = SurveyValue
        fields = [
            "indicator",
            "label",
            "unit",
            "business_format",
            "value",
            "prefilled",
            "explanation",
        ]
        read_only_fields = fields


class SurveyReturnSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="form.year", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    values = SurveyValueSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyReturn
        fields = [
            "id",
            "year",
            "agency",
            "agency_name",
            "status",
            "status_display",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "values",
        ]
        read_only_fields = fields
