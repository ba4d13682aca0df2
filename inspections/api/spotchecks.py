"""Spot checks (抽查核实) in the API, read only: staff read every spot check with its progress
and seed; the checked records are scoped (staff all, an agency its own once checked)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from kunqu_jiafu.drf import NOT_FOUND, ScopedViewSet, staff_only

from .. import selectors
from ..models import SpotCheck, SpotCheckItem

TAG_SPOT_CHECKS = gettext_lazy("Spot checks")


class SpotCheckSerializer(serializers.ModelSerializer):
    population_display = serializers.CharField(source="get_population_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    drawn = serializers.IntegerField(read_only=True)
    checked = serializers.IntegerField(read_only=True)
    found_true = serializers.IntegerField(read_only=True)
    found_false = serializers.IntegerField(read_only=True)
    to_recover = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    seed = serializers.CharField(read_only=True)  # 63 bits: as text, exact in JavaScript

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "title",
            "population",
            "population_display",
            "claim_type_codes",
            "period_start",
            "period_end",
            "sample_size",
            "sample_rate",
            "seed",
            "population_size",
            "population_digest",
            "status",
            "status_display",
            "drawn",
            "checked",
            "found_true",
            "found_false",
            "to_recover",
            "created_at",
        ]
        read_only_fields = fields


class SpotCheckItemSerializer(serializers.ModelSerializer):
    spot_check_title = serializers.CharField(source="spot_check.title", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    record = serializers.SerializerMethodField()
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    # Empty until the outcome is recorded: text, not the choices' enum.
    method = serializers.CharField(
        read_only=True, help_text=gettext_lazy("call, visit or document; empty until checked")
    )
    method_display = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = SpotCheckItem
        fields = [
            "id",
            "spot_check",
            "spot_check_title",
            "position",
            "claim",
            "voucher",
            "exemption",
            "record",
            "agency",
            "agency_name",
            "outcome",
            "outcome_display",
            "method",
            "method_display",
            "evidence",
            "recovery_amount",
            "checked_at",
        ]
        read_only_fields = fields

    def get_record(self, item) -> str:
        return selectors.record_label(item)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List spot checks"), tags=[TAG_SPOT_CHECKS]),
    retrieve=extend_schema(
        summary=gettext_lazy("Spot check details"),
        tags=[TAG_SPOT_CHECKS],
        responses={200: SpotCheckSerializer, 404: NOT_FOUND},
    ),
)
class SpotCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SpotCheckSerializer
    permission_classes = [
        *ScopedViewSet.permission_classes,
        staff_only(gettext_lazy("Only bureau staff see spot checks.")),
    ]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.spot_checks_for_user(self.request.user).order_by("-created_at", "-id")


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List spot-checked records"),
        description=gettext_lazy(
            "Staff see every sampled record; an agency user sees its own records once checked."
        ),
        tags=[TAG_SPOT_CHECKS],
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Spot-checked record"),
        tags=[TAG_SPOT_CHECKS],
        responses={200: SpotCheckItemSerializer, 404: NOT_FOUND},
    ),
)
class SpotCheckItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SpotCheckItemSerializer

    def get_queryset(self):
        return selectors.spot_check_items_for_user(self.request.user).order_by(
            "spot_check_id", "position"
        )


def register(router) -> None:
    router.register("spot-checks", SpotCheckViewSet, basename="spot-check")
    router.register("spot-check-items", SpotCheckItemViewSet, basename="spot-check-item")
