"""Streets and business formats (reference data)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import BusinessFormat, Street


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "code", "name", "active"]


class BusinessFormatSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessFormat
        fields = ["id", "code", "name", "is_key_format", "active"]
