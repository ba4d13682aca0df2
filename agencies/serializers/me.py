"""The signed-in user (``/api/me/``)."""

from __future__ import annotations

from rest_framework import serializers

from kunqu_jiafu.accounts.roles import ALL_ROLES


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ALL_ROLES))
    is_superuser = serializers.BooleanField()
    agency = serializers.IntegerField(allow_null=True)
    agency_name = serializers.CharField(allow_null=True)
    can_see_full_id = serializers.BooleanField()
