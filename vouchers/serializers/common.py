"""Helpers the voucher serializers share: who asks, ID numbers, described choices."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Application, Settlement, Voucher, VoucherBatch


def request_user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def id_for_viewer(serializer: serializers.Serializer, person) -> str:
    user = request_user(serializer)
    return person.id_for(user) if user is not None else person.id_masked


def described_choice(choices, description: str):
    """A choice field documented as a described string: an enum named "status" would collide
    with the other areas' status enums in the schema."""

    @extend_schema_field({"type": "string", "description": description})
    class DescribedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    return DescribedChoiceField


BatchStatusField = described_choice(
    VoucherBatch.Status.choices,
    gettext_lazy("Batch status: draft, open (issuing), closed (ended)."),
)
ApplicationStatusField = described_choice(
    Application.Status.choices,
    gettext_lazy(
        "Application status: submitted (awaiting review), approved, rejected, issued (voucher "
        "issued)."
    ),
)
VoucherStatusField = described_choice(
    Voucher.Status.choices,
    gettext_lazy(
        "Voucher status: issued (not used), redeemed (awaiting verification), verified (check "
        "passed), rejected (check failed), reimbursed (settled and paid), voided."
    ),
)
SettlementStatusField = described_choice(
    Settlement.Status.choices, gettext_lazy("Settlement status: issued (awaiting payment), paid.")
)
ChannelField = described_choice(
    Application.Channel.choices,
    gettext_lazy(
        "Application channel: online (applied by the resident online), counter (entered by staff)."
    ),
)

ID_NUMBER_HELP = gettext_lazy(
    "ID number: in full for reviewers and approvers, masked (e.g. 1502**********123X) for others."
)
