"""API shapes of the voucher area. Serializers check types and present; services write.

Holders' and applicants' ID numbers are shown through ``Person.id_for`` (full to reviewers and
approvers, masked to agency users and officials). Input serializers hand plain data to a
service, which owns every rule and every message about the domain. Schema component names
all start with ``Voucher`` so they never collide with the other areas'.
"""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies import selectors as agency_selectors
from agencies.models import Agency, BusinessFormat, Street, Worker
from kunqu_jiafu.people.phone import PhoneField

from .models import (
    Application,
    FollowUp,
    Service,
    Settlement,
    TargetGroup,
    Voucher,
    VoucherBatch,
)


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _id_for(serializer: serializers.Serializer, person) -> str:
    user = _user(serializer)
    return person.id_for(user) if user is not None else person.id_masked


def _described_choice(choices, description: str):
    """A choice field documented as a described string: an enum named "status" would collide
    with the other areas' status enums in the schema."""

    @extend_schema_field({"type": "string", "description": description})
    class DescribedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    return DescribedChoiceField


BatchStatusField = _described_choice(
    VoucherBatch.Status.choices, "批次状态：draft 草稿、open 发放中、closed 已结束。"
)
ApplicationStatusField = _described_choice(
    Application.Status.choices,
    "申报状态：submitted 待审核、approved 已通过、rejected 未通过、issued 已发券。",
)
VoucherStatusField = _described_choice(
    Voucher.Status.choices,
    "券状态：issued 已发放（未使用）、redeemed 已核销（待核查）、verified 核查通过、"
    "rejected 核查未通过、reimbursed 已结算拨付、voided 已作废。",
)
SettlementStatusField = _described_choice(
    Settlement.Status.choices, "结算单状态：issued 待拨付、paid 已拨付。"
)
ChannelField = _described_choice(
    Application.Channel.choices, "申报渠道：online 居民网上申报、counter 经办人员代为录入。"
)

ID_NUMBER_HELP = gettext_lazy(
    "ID number: in full for reviewers and approvers, masked (e.g. 1502**********123X) for others."
)


# --- reference data and batches ----------------------------------------------------------------


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


# --- applications ------------------------------------------------------------------------------


class VoucherApplicationSerializer(serializers.ModelSerializer):
    batch_name = serializers.CharField(source="batch.__str__", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.SerializerMethodField(help_text=ID_NUMBER_HELP)
    street_name = serializers.CharField(source="street.name", read_only=True)
    target_group_name = serializers.CharField(source="target_group.name", read_only=True)
    status = ApplicationStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel = ChannelField(read_only=True)
    decided_by_name = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "batch",
            "batch_name",
            "name",
            "id_number",
            "phone",
            "address",
            "street",
            "street_name",
            "target_group",
            "target_group_name",
            "note",
            "channel",
            "status",
            "status_display",
            "decided_by_name",
            "decided_at",
            "decision_reason",
            "evidence_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_id_number(self, application: Application) -> str:
        return _id_for(self, application.person)

    def get_decided_by_name(self, application: Application) -> str:
        user = application.decided_by
        return (user.get_full_name() or user.get_username()) if user else ""

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text=gettext_lazy(
                "Private download link of the evidence (bureau staff only); null without one."
            ),
        )
    )
    def get_evidence_url(self, application: Application) -> str | None:
        return application.evidence.get_absolute_url() if application.evidence_id else None


class VoucherApplicationCreateSerializer(serializers.Serializer):
    """A reviewer enters a household's application (at the counter or by phone)."""

    batch = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("batch"),
        queryset=VoucherBatch.objects.all(),
        required=False,
        help_text=gettext_lazy("Defaults to the current batch."),
    )
    id_number = serializers.CharField(
        label=gettext_lazy("ID number"),
        max_length=40,
        help_text=gettext_lazy("18-character resident ID number."),
    )
    name = serializers.CharField(label=gettext_lazy("full name"), max_length=50)
    phone = PhoneField(label=gettext_lazy("phone"), allow_blank=True)
    address = serializers.CharField(
        label=gettext_lazy("address"),
        max_length=200,
        allow_blank=True,
        help_text=gettext_lazy(
            "The household's address; with the household head's ID number it identifies the "
            "household."
        ),
    )
    head_id_number = serializers.CharField(
        label=gettext_lazy("household head's ID number"),
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "Required when the batch gives one voucher per household (one_per = household): "
            "the household head's 18-character ID number, the applicant's own when they are "
            "the head. Ignored in per-person batches."
        ),
    )
    street = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("street or town"), queryset=Street.objects.all()
    )
    target_group = serializers.PrimaryKeyRelatedField(
        label=gettext_lazy("target group"), queryset=TargetGroup.objects.all()
    )
    evidence = serializers.FileField(
        label=gettext_lazy("evidence"),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Optional for reviewers: PDF, JPEG or PNG."),
    )
    note = serializers.CharField(
        label=gettext_lazy("note"), max_length=200, required=False, allow_blank=True
    )


class VoucherDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        label=gettext_lazy("reason"),
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Required for a rejection; the household sees it."),
    )


# --- vouchers ----------------------------------------------------------------------------------


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
        return _id_for(self, voucher.person)

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
        queryset=Agency.objects.all(),
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
        queryset=BusinessFormat.objects.all(),
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
        user = _user(self)
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


# --- settlements -------------------------------------------------------------------------------


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
        return _id_for(self, voucher.person)


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
        label=gettext_lazy("agency"), queryset=Agency.objects.all()
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


# --- progress ----------------------------------------------------------------------------------


class VoucherProgressBatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    year = serializers.IntegerField()


class VoucherProgressApplicationsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=gettext_lazy("Applications not rejected."))
    waiting = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()


class VoucherProgressPercentSerializer(serializers.Serializer):
    issued = serializers.FloatField()
    redeemed = serializers.FloatField()
    verified = serializers.FloatField()
    reimbursed = serializers.FloatField()
    issued_amount = serializers.FloatField()
    reimbursed_amount = serializers.FloatField()


class VoucherProgressRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    applications = serializers.IntegerField()
    issued = serializers.IntegerField()
    issued_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    redeemed = serializers.IntegerField()
    verified = serializers.IntegerField()
    reimbursed = serializers.IntegerField()
    reimbursed_amount = serializers.DecimalField(max_digits=14, decimal_places=2)


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class VoucherProgressSerializer(serializers.Serializer):
    """应发尽发: the batch's figures against its 5,000 vouchers and 1,000,000 yuan."""

    batch = VoucherProgressBatchSerializer()
    count = serializers.IntegerField(help_text=gettext_lazy("Vouchers in the batch."))
    total = _money(help_text=gettext_lazy("Value of the batch (yuan)."))
    face_value = _money()
    issued = serializers.IntegerField(help_text=gettext_lazy("Issued and not voided."))
    issued_amount = _money()
    redeemed = serializers.IntegerField(
        help_text=gettext_lazy("Used: redeemed, verified, failed verification or reimbursed.")
    )
    redeemed_amount = _money()
    verified = serializers.IntegerField(help_text=gettext_lazy("Verified or reimbursed."))
    verified_amount = _money()
    reimbursed = serializers.IntegerField()
    reimbursed_amount = _money()
    voided = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text=gettext_lazy("Vouchers still to issue."))
    remaining_amount = _money()
    applications = VoucherProgressApplicationsSerializer()
    percent = VoucherProgressPercentSerializer()
    by_group = VoucherProgressRowSerializer(many=True)
    by_street = VoucherProgressRowSerializer(many=True)
