"""Settlement statements and their lines."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies import selectors as agency_selectors

from ..models import Settlement, Voucher, VoucherBatch
from .common import ID_NUMBER_HELP, SettlementStatusField, id_for_viewer


class VoucherSettlementSerializer(serializers.ModelSerializer):
    batch_name = serializers.CharField(source="batch.__str__", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    month = serializers.SerializerMethodField()
    status = SettlementStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    created_by_name = serializers.SerializerMethodField()
    paid_by_name = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = Settlement
        fields = [
            "id",
            "number",
            "batch",
            "batch_name",
            "agency",
            "agency_name",
            "month",
            "voucher_count",
            "amount",
            "status",
            "status_display",
            "created_by_name",
            "created_at",
            "paid_on",
            "paid_by_name",
            "payment_reference",
            "pdf_url",
            "xlsx_url",
        ]
        read_only_fields = fields

    def get_month(self, settlement: Settlement) -> str:
        """The settled month, YYYY-MM."""
        return f"{settlement.month:%Y-%m}"

    def get_created_by_name(self, settlement: Settlement) -> str:
        user = settlement.created_by
        return user.get_full_name() or user.get_username()

    def get_paid_by_name(self, settlement: Settlement) -> str:
        user = settlement.paid_by
        return (user.get_full_name() or user.get_username()) if user else ""

    def get_pdf_url(self, settlement: Settlement) -> str:
        return reverse("voucher-settlement-pdf", args=[settlement.pk])

    def get_xlsx_url(self, settlement: Settlement) -> str:
        return reverse("voucher-settlement-xlsx", args=[settlement.pk])


class VoucherSettlementLineSerializer(serializers.ModelSerializer):
    """One voucher of a statement."""

    code = serializers.CharField(source="display_code", read_only=True)
    holder_name = serializers.CharField(source="person.name", read_only=True)
    holder_id_number = serializers.SerializerMethodField(help_text=ID_NUMBER_HELP)
    service_date = serializers.DateField(source="service.service_date", read_only=True)
    kind_name = serializers.CharField(source="service.kind.name", read_only=True)
    worker_name = serializers.CharField(source="service.worker.person.name", read_only=True)
    hours = serializers.DecimalField(
        source="service.hours", max_digits=5, decimal_places=1, read_only=True
    )

    class Meta:
        model = Voucher
        fields = [
            "id",
            "code",
            "holder_name",
            "holder_id_number",
            "service_date",
            "kind_name",
            "worker_name",
            "hours",
            "face_value",
        ]
        read_only_fields = fields

    def get_holder_id_number(self, voucher: Voucher) -> str:
        return id_for_viewer(self, voucher.person)


class VoucherSettlementDetailSerializer(VoucherSettlementSerializer):
    lines = serializers.SerializerMethodField()

    class Meta(VoucherSettlementSerializer.Meta):
        fields = [*VoucherSettlementSerializer.Meta.fields, "lines"]
        read_only_fields = fields

    @extend_schema_field(VoucherSettlementLineSerializer(many=True))
    def get_lines(self, settlement: Settlement) -> list:
        lines = self.context.get("lines", [])
        return VoucherSettlementLineSerializer(lines, many=True, context=self.context).data


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """``YYYY-MM`` → the month's first day."""

    def to_internal_value(self, data) -> dt.date:
        match = _MONTH.match(str(data or "").strip())
        month = None
        if match:
            try:
                month = dt.date(int(match.group(1)), int(match.group(2)), 1)
            except ValueError:
                month = None
        if month is None:
            raise serializers.ValidationError(_("Enter the month as YYYY-MM, e.g. 2026-03."))
        return month

    def to_representation(self, value: dt.date) -> str:
        return f"{value:%Y-%m}"


class VoucherSettlementCreateSerializer(serializers.Serializer):
    batch = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("batch"),
        queryset=VoucherBatch.objects.all(),
        required=False,
        help_text=gettext_lazy("Defaults to the current batch."),
    )
    agency = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("agency"), queryset=agency_selectors.all_agencies()
    )
    month = MonthField(
        label=gettext_lazy("month"),
        help_text=gettext_lazy(
            "YYYY-MM: every verified, unsettled voucher served up to the month's end."
        ),
    )


class VoucherSettlementPaidSerializer(serializers.Serializer):
    paid_on = serializers.DateField(label=gettext_lazy("paid on"))
    reference = serializers.CharField(
        label=gettext_lazy("payment reference"),
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
    )
