"""Applications (人员申报) and their decisions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies import selectors as agency_selectors
from kunqu_jiafu.people.household import address_for, phone_for, sees_contacts
from kunqu_jiafu.people.phone import PhoneField

from ..models import Application, TargetGroup, VoucherBatch
from .common import (
    ID_NUMBER_HELP,
    ApplicationStatusField,
    ChannelField,
    id_for_viewer,
    request_user,
)


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
        return id_for_viewer(self, application.person)

    def to_representation(self, application: Application) -> dict:
        # The household's phone, address and evidence, like its ID number, only for the
        # bureau's reviewers and approvers; 统计查询 see them masked (and no file link).
        data = super().to_representation(application)
        user = request_user(self)
        if not sees_contacts(user):
            data["phone"] = phone_for(user, application.phone)
            data["address"] = address_for(user, application.address)
            data["evidence_url"] = None
        return data

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
        label=gettext_lazy("street or town"), queryset=agency_selectors.all_streets()
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
