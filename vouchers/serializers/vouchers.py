"""Vouchers, their home services, follow-ups and redemption."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies import selectors as agency_selectors
from agencies.models import Worker

from ..models import FollowUp, Service, Voucher
from .common import ID_NUMBER_HELP, VoucherStatusField, id_for_viewer, request_user


class VoucherServiceSerializer(serializers.ModelSerializer):
    """上门服务: the home service that redeemed the voucher."""

    voucher_code = serializers.CharField(source="voucher.display_code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    worker_name = serializers.CharField(source="worker.person.name", read_only=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "voucher",
            "voucher_code",
            "agency",
            "agency_name",
            "service_date",
            "kind",
            "kind_name",
            "worker",
            "worker_name",
            "hours",
            "note",
            "redeemed_at",
        ]
        read_only_fields = fields


class VoucherRedemptionSerializer(VoucherServiceSerializer):
    """The redemption's answer: the service record, who redeemed it and under which key."""

    redeemed_by_name = serializers.SerializerMethodField()

    class Meta(VoucherServiceSerializer.Meta):
        fields = [*VoucherServiceSerializer.Meta.fields, "redeemed_by_name", "idempotency_key"]
        read_only_fields = fields

    def get_redeemed_by_name(self, service: Service) -> str:
        user = service.redeemed_by
        return user.get_full_name() or user.get_username()


class VoucherSerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        source="display_code", read_only=True, help_text=gettext_lazy("Shown as XXXX-XXXX-XXX.")
    )
    batch_name = serializers.CharField(source="batch.__str__", read_only=True)
    status = VoucherStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    holder_name = serializers.CharField(source="person.name", read_only=True)
    holder_id_number = serializers.SerializerMethodField(help_text=ID_NUMBER_HELP)
    application_number = serializers.CharField(source="application.number", read_only=True)
    phone = serializers.CharField(source="application.phone", read_only=True)
    address = serializers.CharField(source="application.address", read_only=True)
    street = serializers.IntegerField(source="application.street_id", read_only=True)
    street_name = serializers.CharField(source="application.street.name", read_only=True)
    target_group = serializers.IntegerField(source="application.target_group_id", read_only=True)
    target_group_name = serializers.CharField(
        source="application.target_group.name", read_only=True
    )
    agency_name = serializers.CharField(
        source="agency.name", read_only=True, default=None, allow_null=True
    )
    service = serializers.SerializerMethodField()
    settlement_number = serializers.CharField(
        source="settlement.number", read_only=True, default=None, allow_null=True
    )
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Voucher
        fields = [
            "id",
            "code",
            "batch",
            "batch_name",
            "face_value",
            "status",
            "status_display",
            "holder_name",
            "holder_id_number",
            "application",
            "application_number",
            "phone",
            "address",
            "street",
            "street_name",
            "target_group",
            "target_group_name",
            "issued_at",
            "valid_until",
            "agency",
            "agency_name",
            "agency_chosen_at",
            "service",
            "verified_at",
            "verification_note",
            "settlement",
            "settlement_number",
            "voided_at",
            "void_reason",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_holder_id_number(self, voucher: Voucher) -> str:
        return id_for_viewer(self, voucher.person)

    @extend_schema_field(VoucherServiceSerializer(allow_null=True))
    def get_service(self, voucher: Voucher) -> dict | None:
        try:
            service = voucher.service
        except Service.DoesNotExist:
            return None
        return VoucherServiceSerializer(service, context=self.context).data

    @extend_schema_field(
        serializers.CharField(help_text=gettext_lazy("The printable voucher (PDF, QR code)."))
    )
    def get_pdf_url(self, voucher: Voucher) -> str:
        return reverse("voucher-pdf", args=[voucher.pk])


class VoucherVoidSerializer(serializers.Serializer):
    reason = serializers.CharField(
        label=gettext_lazy("reason for voiding"), required=False, allow_blank=True, default=""
    )


class VoucherChooseAgencySerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("agency"),
        queryset=agency_selectors.all_agencies(),
        help_text=gettext_lazy(
            "An eligible agency: registered, in the batch's programme, not failed at inspection."
        ),
    )


class VoucherVerifySerializer(serializers.Serializer):
    passed = serializers.BooleanField(
        label=gettext_lazy("verification passed"),
        help_text=gettext_lazy(
            "true: the service was given as recorded; false: it was not (say why in note)."
        ),
    )
    note = serializers.CharField(
        label=gettext_lazy("verification note"), required=False, allow_blank=True, default=""
    )


class VoucherFollowUpSerializer(serializers.ModelSerializer):
    recorded_by_name = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "voucher",
            "called_on",
            "reached",
            "satisfaction",
            "remarks",
            "recorded_by_name",
            "created_at",
        ]
        read_only_fields = fields

    def get_recorded_by_name(self, follow_up: FollowUp) -> str:
        user = follow_up.recorded_by
        return user.get_full_name() or user.get_username()


class VoucherFollowUpCreateSerializer(serializers.Serializer):
    called_on = serializers.DateField(
        label=gettext_lazy("called on"),
        required=False,
        help_text=gettext_lazy("Defaults to today."),
    )
    reached = serializers.BooleanField(label=gettext_lazy("household reached"), default=True)
    satisfaction = serializers.IntegerField(
        label=gettext_lazy("satisfaction (1-5)"),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("1 (very unhappy) to 5 (very happy); required when reached."),
    )
    remarks = serializers.CharField(
        label=gettext_lazy("remarks"), required=False, allow_blank=True, default=""
    )


class VoucherRedeemSerializer(serializers.Serializer):
    """The agency's record of the home service; the voucher is found by its code."""

    code = serializers.CharField(
        label=gettext_lazy("voucher code"),
        max_length=40,
        help_text=gettext_lazy(
            "As printed (7KQM-4XRT-2HB); dashes, spaces, lower case and full-width characters "
            "are accepted. A mistyped code is caught by its check character."
        ),
    )
    service_date = serializers.DateField(label=gettext_lazy("service date"))
    kind = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("service kind"),
        queryset=agency_selectors.all_formats(),
        help_text=gettext_lazy("A business format id (GET /api/business-formats/)."),
    )
    worker = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("worker"),
        queryset=Worker.objects.none(),
        help_text=gettext_lazy("One of your agency's workers (GET /api/workers/)."),
    )
    hours = serializers.DecimalField(
        label=gettext_lazy("duration (hours)"),
        max_digits=5,
        decimal_places=1,
        help_text=gettext_lazy("From 0.5 to 24."),
    )
    note = serializers.CharField(
        label=gettext_lazy("note"), max_length=200, required=False, allow_blank=True, default=""
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            # Only the agency's own workers can be named; others are "not found".
            self.fields["worker"].queryset = agency_selectors.workers_for_user(user)


class VoucherRedeemErrorSerializer(serializers.Serializer):
    """The shape of a refused redemption (each key present only when it applies)."""

    code = serializers.ListField(child=serializers.CharField(), required=False)
    service_date = serializers.ListField(child=serializers.CharField(), required=False)
    kind = serializers.ListField(child=serializers.CharField(), required=False)
    worker = serializers.ListField(child=serializers.CharField(), required=False)
    hours = serializers.ListField(child=serializers.CharField(), required=False)
    idempotency_key = serializers.ListField(child=serializers.CharField(), required=False)
