"""Recognitions and employee-system filings (员工制备案)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from ..models import EmployeeSystemFiling, Recognition


class RecognitionSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    kind = serializers.CharField(
        source="kind_id",
        read_only=True,
        label=gettext_lazy("recognition"),
        help_text=gettext_lazy(
            "The code of the recognition kind (e.g. centre, station, city_brand) from the "
            "list the bureau keeps; kind_display gives its name."
        ),
    )
    kind_display = serializers.CharField(source="kind.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Recognition
        fields = [
            "id",
            "agency",
            "agency_name",
            "kind",
            "kind_display",
            "year",
            "granted_on",
            "valid_until",
            "status",
            "status_display",
            "status_reason",
        ]
        read_only_fields = fields


class FilingSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = EmployeeSystemFiling
        fields = [
            "id",
            "agency",
            "agency_name",
            "status",
            "status_display",
            "signs_customer_contracts",
            "dispatches_workers",
            "pays_wages_directly",
            "trains_continuously",
            "total_workers",
            "contracted_workers",
            "insured_workers",
            "qualifying_workers",
            "threshold_workers",
            "threshold_months",
            "meets_threshold",
            "submitted_at",
            "decided_at",
            "decided_by_name",
            "decision_reason",
            "filed_on",
            "renews",
            "valid_from",
            "valid_until",
            "ended_on",
            "end_reason",
        ]
        read_only_fields = fields

    def get_decided_by_name(self, filing: EmployeeSystemFiling) -> str | None:
        return str(filing.decided_by) if filing.decided_by_id else None


class FilingSubmitSerializer(serializers.Serializer):
    """The four declarations of an employee-system enterprise; figures come from the records."""

    signs_customer_contracts = serializers.BooleanField(
        label=gettext_lazy("signs service contracts with customers itself")
    )
    dispatches_workers = serializers.BooleanField(label=gettext_lazy("dispatches workers itself"))
    pays_wages_directly = serializers.BooleanField(
        label=gettext_lazy("pays wages directly at or above the minimum wage")
    )
    trains_continuously = serializers.BooleanField(
        label=gettext_lazy("trains workers continuously")
    )
